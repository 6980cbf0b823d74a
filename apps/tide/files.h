// files.h: file output for the CLI. An output file is written aside (an unnamed O_TMPFILE, or
// "PATH.tmp-PID" where the file system has none) and renamed into place only when complete,
// so a failed or killed run never leaves a partial file that looks finished. A symbolic link
// is followed (the file it names is replaced, not the link); a pipe or device (/dev/stdout,
// a FIFO) is written directly; a folder is bad input.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace tide::app {

class AtomicFile {
 public:
  // "-" means standard output (written directly).
  static Result<std::unique_ptr<AtomicFile>> Open(const std::string& path);
  ~AtomicFile();
  Status Append(std::string_view data);
  // Flushes and renames into place. Without Commit() the temporary file is removed.
  Status Commit();

 private:
  AtomicFile(std::string path, std::string tmp, std::FILE* f, int unnamed_fd)
      : path_(std::move(path)), tmp_(std::move(tmp)), f_(f), unnamed_fd_(unnamed_fd) {}
  std::string path_;  // the file replaced at Commit() (links followed)
  std::string tmp_;   // the named temporary file, if any
  std::FILE* f_ = nullptr;
  int unnamed_fd_ = -1;  // f_'s descriptor when it is an O_TMPFILE
  bool failed_ = false;
};

// Two outputs of one command must not name the same file, and at most one may be "-"
// (standard output): the second would overwrite the first, or interleave with it. `outputs`
// are (flag, path) pairs; empty paths are not given and are skipped. InvalidInput names both
// flags.
Status CheckOutputsApart(
    std::initializer_list<std::pair<std::string_view, const std::string*>> outputs);

// Writes a whole file atomically ("-" = stdout).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Reads a whole file; NotFound names the path.
Result<std::string> ReadFile(const std::string& path);

}  // namespace tide::app
