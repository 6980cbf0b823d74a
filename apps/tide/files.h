// files.h: file output for the CLI. Outputs are written to "PATH.tmp-PID" and renamed into
// place only when complete, so a failed run never leaves a partial file that looks finished.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

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
  AtomicFile(std::string path, std::string tmp, std::FILE* f) : path_(path), tmp_(tmp), f_(f) {}
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
  bool failed_ = false;
};

// Writes a whole file atomically ("-" = stdout).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Reads a whole file; NotFound names the path.
Result<std::string> ReadFile(const std::string& path);

}  // namespace tide::app
