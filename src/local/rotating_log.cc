#include "local/rotating_log.h"

#include <filesystem>

namespace tide::local {

RotatingLog::RotatingLog(std::string path, long long max_bytes, int keep)
    : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep) {
  f_ = std::fopen(path_.c_str(), "ae");
  std::error_code ec;
  const auto size = std::filesystem::file_size(path_, ec);
  size_ = ec ? 0 : static_cast<long long>(size);
}

RotatingLog::~RotatingLog() {
  if (f_) std::fclose(f_);
}

void RotatingLog::Rotate() {
  if (f_) std::fclose(f_);
  f_ = nullptr;
  std::error_code ec;
  if (keep_ <= 0) {
    std::filesystem::remove(path_, ec);
  } else {
    std::filesystem::remove(path_ + "." + std::to_string(keep_), ec);
    for (int i = keep_ - 1; i >= 1; --i)
      std::filesystem::rename(path_ + "." + std::to_string(i), path_ + "." + std::to_string(i + 1), ec);
    std::filesystem::rename(path_, path_ + ".1", ec);
  }
  f_ = std::fopen(path_.c_str(), "we");
  size_ = 0;
}

void RotatingLog::Write(std::string_view data) {
  if (size_ > 0 && size_ + static_cast<long long>(data.size()) > max_bytes_) Rotate();
  if (!f_ || std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
    ++errors_;
    return;
  }
  std::fflush(f_);
  size_ += static_cast<long long>(data.size());
}

}  // namespace tide::local
