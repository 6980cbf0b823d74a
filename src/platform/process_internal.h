// process_internal.h: RunProcess with its SIGTERM -> SIGKILL grace period as a parameter, so
// tests can check the escalation without waiting 2 s. Production code calls RunProcess.
#pragma once

#include "platform/process.h"

namespace tide::platform {

// RunProcess(argv, env, timeout, cancel) ==
// RunProcessWithGrace(argv, env, timeout, 2.0, cancel).
// timeout <= 0 means no limit. REQUIRES: !argv.empty(), kill_grace >= 0.
Result<ProcessResult> RunProcessWithGrace(const std::vector<std::string>& argv,
                                          const std::map<std::string, std::string>& env,
                                          double timeout, double kill_grace,
                                          std::stop_token cancel = {});

}  // namespace tide::platform
