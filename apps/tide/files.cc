#include "files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tide::app {
namespace {

namespace fs = std::filesystem;

Status CannotWrite(const std::string& path, int err) {
  return Status::InvalidInput(fmt::format(
      "{}: cannot write: {}; allowed: a path in a writable folder", path, std::strerror(err)));
}

// The file a path names once its symbolic links are followed, as a shell's `>` follows them:
// writing to a link must change the file it points to, not replace the link. Follows dangling
// links too (the file they name is created); stops after 40 links, as the kernel does.
std::string FollowLinks(const std::string& path) {
  fs::path p = path;
  std::error_code ec;
  for (int i = 0; i < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++i) {
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) break;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return p.string();
}

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AtomicFile>(new AtomicFile(path, "", stdout, -1));
  if (path.empty()) {
    return Status::InvalidInput(
        "an empty output path: allowed: a file path, or - for standard output");
  }
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists) {
    if (S_ISDIR(st.st_mode)) {
      return Status::InvalidInput(
          fmt::format("{}: is a folder; allowed: a file path, or - for standard output", path));
    }
    if (!S_ISREG(st.st_mode)) {
      // A pipe, a terminal, /dev/null, /dev/stdout: written as the data comes, as a shell
      // would; there is no file to rename into place.
      std::FILE* f = std::fopen(path.c_str(), "wb");
      if (!f) return CannotWrite(path, errno);
      return std::unique_ptr<AtomicFile>(new AtomicFile(path, "", f, -1));
    }
  }
  // A regular file (or a new one): written aside and renamed into place by Commit(). The
  // file a link points to is the one replaced.
  // An existing file: realpath (which also resolves /proc/self/fd/N to its file); a new
  // one, possibly behind a dangling link: the links followed by hand.
  std::string target;
  if (char* real = exists ? ::realpath(path.c_str(), nullptr) : nullptr) {
    target = real;
    std::free(real);
  } else {
    target = FollowLinks(path);
  }
  const fs::path parent = fs::path(target).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  // An unnamed file in the target's folder (O_TMPFILE): a run killed before Commit() leaves
  // nothing behind. File systems without O_TMPFILE get a named "PATH.tmp-PID".
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd >= 0) {
    std::FILE* f = ::fdopen(fd, "wb");
    if (!f) {
      ::close(fd);
      return CannotWrite(path, errno);
    }
    return std::unique_ptr<AtomicFile>(new AtomicFile(target, "", f, fd));
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return CannotWrite(path, errno);
  std::string tmp = fmt::format("{}.tmp-{}", target, getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return CannotWrite(path, errno);
  return std::unique_ptr<AtomicFile>(new AtomicFile(target, tmp, f, -1));
}

AtomicFile::~AtomicFile() {
  if (f_ && f_ != stdout) {
    std::fclose(f_);
    if (!tmp_.empty()) std::remove(tmp_.c_str());
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
  auto fail = [&](int err) {
    if (!tmp_.empty()) std::remove(tmp_.c_str());
    return Status::Runtime(fmt::format("{}: could not be written: {}", path_, std::strerror(err)));
  };
  if (std::fflush(f_) != 0 || failed_) {
    const int err = errno;
    std::fclose(f_);
    f_ = nullptr;
    return fail(err);
  }
  if (unnamed_fd_ >= 0) {
    // Give the unnamed file a name beside the target, then rename it over the target (linkat
    // cannot replace an existing file). Through /proc/self/fd: AT_EMPTY_PATH needs a capability.
    tmp_ = fmt::format("{}.tmp-{}", path_, getpid());
    const std::string self = fmt::format("/proc/self/fd/{}", unnamed_fd_);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      const int err = errno;
      tmp_.clear();
      std::fclose(f_);
      f_ = nullptr;
      return fail(err);
    }
  }
  const bool close_ok = std::fclose(f_) == 0;
  const int close_err = errno;
  f_ = nullptr;
  if (!close_ok) return fail(close_err);
  if (!tmp_.empty() && std::rename(tmp_.c_str(), path_.c_str()) != 0) return fail(errno);
  tmp_.clear();
  return Status::Ok();
}

Status CheckOutputsApart(
    std::initializer_list<std::pair<std::string_view, const std::string*>> outputs) {
  for (auto a = outputs.begin(); a != outputs.end(); ++a) {
    if (a->second->empty()) continue;
    for (auto b = std::next(a); b != outputs.end(); ++b) {
      if (*a->second != *b->second) continue;
      const std::string what = *a->second == "-" ? "'-' (standard output)"
                                                 : fmt::format("the same file '{}'", *a->second);
      return Status::InvalidInput(
          fmt::format("{} and {} both name {}; allowed: a different file for each output, and '-' "
                      "for one of them at most",
                      a->first, b->first, what));
    }
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
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::InvalidInput(fmt::format("{}: is a folder; allowed: a file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tide::app
