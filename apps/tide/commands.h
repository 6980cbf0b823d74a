// commands.h: one function per subcommand. Each returns a Status whose exit_code() is the
// process exit code; messages name the file, line, key, the bad value and what is allowed.
#pragma once

#include <string>

#include "core/result.h"

namespace tide::app {

struct ValidateArgs {
  std::string path;
};
Status RunValidate(const ValidateArgs& args);

struct SimulateArgs {
  std::string config, trace, group;
  std::string step = "1s", from, to, start_time;
  std::string timeline, report, json;
};
Status RunSimulate(const SimulateArgs& args);

}  // namespace tide::app
