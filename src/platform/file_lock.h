// file_lock.h: one process at a time on a resource, through an advisory lock file.
//
// `tide run` holds "DB.lock" for its whole life: a second daemon on the same store would
// share its pid files and kill the first one's replicas as "leftovers of a crashed run"
// (src/local/pool.h). flock(2) locks belong to the open file, so the kernel releases them when
// the holder exits, however it exits: a lock file left by a killed run never blocks the next.
#pragma once

#include <string>

#include "core/result.h"

namespace tide::platform {

class FileLock {
 public:
  // Creates `path` if needed and locks it exclusively without waiting; writes this process's
  // pid into it. Fails with kInvalidInput, naming the holder's pid, when another process holds
  // it; with kRuntime when the file cannot be created.
  static Result<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace tide::platform
