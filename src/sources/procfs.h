// procfs.h: CPU and memory of a group of local processes, read from Linux procfs. The
// parsers are pure (tested on captured /proc files); the reader reads the group's pid file
// and /proc/[pid]/{stat,status} under an injected root.
//
// See proc(5): /proc/[pid]/stat fields 14 (utime) and 15 (stime) are in clock ticks
// (sysconf(_SC_CLK_TCK), 100 on Linux); /proc/[pid]/status "VmRSS:" is in kB.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace tide::sources {

struct ProcStat {
  long long utime = 0;      // field 14: user-mode CPU time, clock ticks
  long long stime = 0;      // field 15: kernel-mode CPU time, clock ticks
  long long starttime = 0;  // field 22: start after boot, clock ticks (tells a reused pid)
};

// One /proc/[pid]/stat line → its CPU times. Field 2 is "(comm)", where comm may contain
// spaces and ')' (e.g. "(my (odd) app)"), so the fields are counted from the LAST ')'.
// A line too short or with a non-numeric field → InvalidInput naming the field.
Result<ProcStat> ParseProcStat(std::string_view text);

// /proc/[pid]/status → VmRSS in kB. A status without a VmRSS line (a kernel thread, a
// zombie) means no resident memory: 0. A malformed VmRSS line → InvalidInput.
Result<long long> ParseVmRssKb(std::string_view status);

// A pid file: one pid per line, surrounding spaces and blank lines ignored. A line that is
// not a positive integer → InvalidInput "<path>:<line>: ...".
Result<std::vector<int>> ParsePidFile(std::string_view text, const std::string& path);

class ProcfsSource : public MetricSource {
 public:
  // `measure`: cpu | memory. `proc_root` is "/proc" or a fixture tree of the same shape.
  // `ticks_per_second` is sysconf(_SC_CLK_TCK) when <= 0.
  ProcfsSource(std::string pid_file, std::string measure, std::string proc_root,
               double ticks_per_second = 0);

  // cpu: cores in use over the interval since the previous call,
  //   sum over processes alive at both calls of (Δutime + Δstime) / ticks_per_second,
  //   divided by (now - previous now); e.g. 150 ticks at 100 Hz over 1 s → 1.5 cores.
  //   The first call (and a call right after no process was alive) has no previous sample:
  //   no_data. Processes that appeared since the previous call, or whose pid was reused,
  //   count from the next interval; processes that vanished are skipped.
  // memory: sum of VmRSS over live processes, in bytes.
  // A pid file listing no live process → no_data. An unreadable pid file → Runtime.
  Result<Reading> Fetch(double now) override;
  std::string Describe() const override;

 private:
  // The live processes of the group (pid → stat); vanished pids are left out.
  Result<std::map<int, ProcStat>> ReadStats(const std::vector<int>& pids) const;
  Result<std::vector<int>> ReadPids() const;
  std::string PidPath(int pid, const char* file) const;

  std::string pid_file_;
  std::string measure_;
  std::string proc_root_;
  double ticks_per_second_;
  bool have_previous_ = false;
  double previous_now_ = 0;
  std::map<int, ProcStat> previous_;
};

}  // namespace tide::sources
