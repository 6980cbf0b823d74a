// process.h: running a command (argv, never through a shell) with a timeout.
#pragma once

#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/result.h"

namespace tide::platform {

struct ProcessResult {
  int exit_code = -1;     // the exit status when it exited
  int signal = 0;         // the signal that ended it, or 0
  bool timed_out = false; // killed (SIGTERM, then SIGKILL after 2 s) at the timeout
  bool cancelled = false;  // killed the same way because `cancel` was requested
  std::string output;     // stdout and stderr, last 4 KiB
};

// Runs argv[0] (looked up in PATH) with argv and the current environment plus `env`.
// A failure to start (no such program) is a Runtime error. When `cancel` is requested while
// the command runs, it is ended as at the timeout (noticed within 50 ms). REQUIRES:
// !argv.empty().
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const std::map<std::string, std::string>& env, double timeout,
                                 std::stop_token cancel = {});

// Starts argv[0] (looked up in PATH) without waiting: its own process group (pgid = pid),
// stdin /dev/null, stdout and stderr to `output_fd` (/dev/null when < 0), the current
// environment plus `env`, and SIGKILL from the kernel when the calling thread ends (so a
// killed parent leaves no child). Returns the pid; the caller reaps it (waitpid). A failure
// to start (no such program) is a Runtime error. REQUIRES: !argv.empty().
Result<int> SpawnProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, int output_fd);

}  // namespace tide::platform
