#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "config/loader.h"

namespace tide::app {

Status RunValidate(const ValidateArgs& args) {
  const config::LoadResult r = config::LoadConfigFile(args.path);
  if (r.problems.empty()) {
    std::printf("%s: valid (%zu group%s)\n", args.path.c_str(), r.config.groups.size(),
                r.config.groups.size() == 1 ? "" : "s");
    return Status::Ok();
  }
  std::string msg;
  for (const auto& p : r.problems) {
    if (!msg.empty()) msg += '\n';
    msg += p.ToString();
  }
  msg += fmt::format("\n{}: {} problem{}", args.path, r.problems.size(), r.problems.size() == 1 ? "" : "s");
  return Status::InvalidInput(msg);
}

}  // namespace tide::app
