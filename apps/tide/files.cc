#include "files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace tide::app {

Result<std::unique_ptr<AtomicFile>> AtomicFile::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AtomicFile>(new AtomicFile(path, "", stdout));
  std::string tmp = fmt::format("{}.tmp-{}", path, getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    return Status::InvalidInput(
        fmt::format("{}: cannot write: {}; allowed: a path in a writable folder", path, std::strerror(errno)));
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, tmp, f));
}

AtomicFile::~AtomicFile() {
  if (f_ && f_ != stdout) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

Status AtomicFile::Append(std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) failed_ = true;
  return failed_ ? Status::Runtime(fmt::format("{}: write failed: {}", path_, std::strerror(errno)))
                 : Status::Ok();
}

Status AtomicFile::Commit() {
  if (f_ == stdout) {
    std::fflush(stdout);
    return Status::Ok();
  }
  const bool close_ok = std::fclose(f_) == 0;
  f_ = nullptr;
  if (failed_ || !close_ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    return Status::Runtime(fmt::format("{}: could not be written: {}", path_, std::strerror(errno)));
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  auto f = AtomicFile::Open(path);
  if (!f.ok()) return f.status();
  std::unique_ptr<AtomicFile> owned = std::move(f).value();
  if (Status s = owned->Append(data); !s.ok()) return s;
  return owned->Commit();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tide::app
