#include "sources/procfs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "sources/number.h"

namespace tide::sources {
namespace {

// The whole file, or nullopt (with errno set) when it cannot be opened.
std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos)
    return Status::InvalidInput("stat line has no \"(comm)\": " + Snippet(text));
  // After ')' come fields 3 (state), 4, ...: field n is at index n - 3.
  std::vector<std::string_view> f = SplitSpaces(text.substr(close + 1));
  auto field = [&](int n, long long* out) -> Status {
    if (static_cast<size_t>(n - 3) >= f.size())
      return Status::InvalidInput(
          fmt::format("stat line has {} fields, field {} is missing", f.size() + 2, n));
    auto v = ParseInt(f[n - 3]);
    if (!v || *v < 0)
      return Status::InvalidInput(
          fmt::format("stat field {} = \"{}\", must be a non-negative integer", n, f[n - 3]));
    *out = *v;
    return Status::Ok();
  };
  ProcStat st;
  for (auto [n, out] : {std::pair{14, &st.utime}, {15, &st.stime}, {22, &st.starttime}}) {
    Status s = field(n, out);
    if (!s.ok()) return s;
  }
  return st;
}

Result<long long> ParseVmRssKb(std::string_view status) {
  size_t pos = 0;
  while (pos < status.size()) {
    size_t end = status.find('\n', pos);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(pos, end - pos);
    pos = end + 1;
    if (line.substr(0, 6) != "VmRSS:") continue;
    // "VmRSS:\t    5120 kB"
    std::vector<std::string_view> parts = SplitSpaces(Trim(line.substr(6)));
    std::optional<long long> kb = parts.empty() ? std::nullopt : ParseInt(Trim(parts[0]));
    if (parts.size() != 2 || parts[1] != "kB" || !kb || *kb < 0)
      return Status::InvalidInput(
          fmt::format("status line \"{}\" is not \"VmRSS: <n> kB\"", Snippet(line)));
    return *kb;
  }
  return 0LL;
}

Result<std::vector<int>> ParsePidFile(std::string_view text, const std::string& path) {
  std::vector<int> pids;
  size_t pos = 0;
  for (int line_no = 1; pos < text.size(); ++line_no) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    auto pid = ParseInt(line);
    if (!pid || *pid < 1 || *pid > 0x7fffffff)
      return Status::InvalidInput(
          fmt::format("{}:{}: \"{}\" is not a process id (a positive integer)", path, line_no,
                      Snippet(line, 40)));
    pids.push_back(static_cast<int>(*pid));
  }
  return pids;
}

ProcfsSource::ProcfsSource(std::string pid_file, std::string measure, std::string proc_root,
                           double ticks_per_second)
    : pid_file_(std::move(pid_file)),
      measure_(std::move(measure)),
      proc_root_(std::move(proc_root)),
      ticks_per_second_(ticks_per_second > 0 ? ticks_per_second
                                             : static_cast<double>(sysconf(_SC_CLK_TCK))) {}

std::string ProcfsSource::PidPath(int pid, const char* file) const {
  return fmt::format("{}/{}/{}", proc_root_, pid, file);
}

Result<std::vector<int>> ProcfsSource::ReadPids() const {
  auto text = ReadWhole(pid_file_);
  if (!text)
    return Status::Runtime(fmt::format("pid file {}: {}", pid_file_, std::strerror(errno)));
  auto pids = ParsePidFile(*text, pid_file_);
  if (!pids.ok()) return pids;
  // A pid listed twice is still one process: count it once.
  std::sort(pids->begin(), pids->end());
  pids->erase(std::unique(pids->begin(), pids->end()), pids->end());
  return pids;
}

Result<std::map<int, ProcStat>> ProcfsSource::ReadStats(const std::vector<int>& pids) const {
  std::map<int, ProcStat> stats;
  for (int pid : pids) {
    const std::string path = PidPath(pid, "stat");
    auto text = ReadWhole(path);
    // Gone (no directory) or exiting while read (ESRCH: empty read): not part of the group.
    if (!text || text->empty()) continue;
    auto st = ParseProcStat(*text);
    if (!st.ok()) return Status::InvalidInput(path + ": " + st.status().message());
    stats[pid] = *st;
  }
  return stats;
}

Result<Reading> ProcfsSource::Fetch(double now) {
  auto pids = ReadPids();
  if (!pids.ok()) return pids.status();

  if (measure_ == "memory") {
    double bytes = 0;
    int alive = 0;
    for (int pid : *pids) {
      const std::string path = PidPath(pid, "status");
      auto text = ReadWhole(path);
      if (!text || text->empty()) continue;
      auto kb = ParseVmRssKb(*text);
      if (!kb.ok()) return Status::InvalidInput(path + ": " + kb.status().message());
      bytes += static_cast<double>(*kb) * 1024;
      ++alive;
    }
    if (alive == 0) return Reading{0, true};
    return Reading{bytes, false};
  }
  if (measure_ != "cpu")
    return Status::InvalidInput("procfs measure = " + measure_ + ", must be cpu or memory");

  auto stats = ReadStats(*pids);
  if (!stats.ok()) return stats.status();
  if (stats->empty()) {
    have_previous_ = false;
    previous_.clear();
    return Reading{0, true};
  }
  if (!have_previous_) {
    have_previous_ = true;
    previous_now_ = now;
    previous_ = std::move(*stats);
    return Reading{0, true};
  }
  const double wall = now - previous_now_;
  if (!(wall > 0)) return Reading{0, true};  // same instant again: keep the older sample
  long long ticks = 0;
  for (const auto& [pid, cur] : *stats) {
    auto it = previous_.find(pid);
    if (it == previous_.end() || it->second.starttime != cur.starttime) continue;
    long long delta = (cur.utime + cur.stime) - (it->second.utime + it->second.stime);
    if (delta > 0) ticks += delta;
  }
  previous_now_ = now;
  previous_ = std::move(*stats);
  return Reading{static_cast<double>(ticks) / ticks_per_second_ / wall, false};
}

std::string ProcfsSource::Describe() const {
  return fmt::format("procfs {} of the processes in {}", measure_, pid_file_);
}

}  // namespace tide::sources
