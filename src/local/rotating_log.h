// rotating_log.h: a replica's output in a file that rotates by size (log, log.1, ... log.N).
// Thread-compatible (the pool's monitor thread is its only writer).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace tide::local {

class RotatingLog {
 public:
  // `max_bytes` > 0; `keep` rotated files are kept (0 = the current file only).
  RotatingLog(std::string path, long long max_bytes, int keep);
  ~RotatingLog();
  RotatingLog(const RotatingLog&) = delete;
  RotatingLog& operator=(const RotatingLog&) = delete;

  // Appends; rotates first when the file would pass max_bytes. Errors are swallowed (a full
  // disk must not stop the pool) and counted.
  void Write(std::string_view data);
  const std::string& path() const { return path_; }
  long long write_errors() const { return errors_; }

 private:
  void Rotate();
  std::string path_;
  long long max_bytes_;
  int keep_;
  std::FILE* f_ = nullptr;
  long long size_ = 0;
  long long errors_ = 0;
};

}  // namespace tide::local
