// commands.h: one function per subcommand. Each returns a Status whose exit_code() is the
// process exit code; messages name the file, line, key, the bad value and what is allowed.
#pragma once

#include <string>

#include "core/result.h"

namespace tide::config {
struct Config;
struct Group;
}  // namespace tide::config

namespace tide::app {

// Shared by simulate and recommend (cmd_simulate.cc).
// The group named by --group, or the only one; both errors list the groups of `path`.
Result<const config::Group*> PickGroup(const config::Config& cfg, const std::string& name,
                                       const std::string& path);
// --step: a finite duration of at least sim::kMinStep (1 ms).
Result<double> ParseStep(const std::string& text);
// A note on stderr when `step` is coarser than the group's evaluation_interval: the replay
// then decides once per step, less often than the group is configured to.
void NoteCoarseStep(const char* command, const std::string& text, double step,
                    const config::Group& g);

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

struct RecommendArgs {
  std::string config, trace, slo, group;
  double train_fraction = 0.5;
  std::string train_warmup;  // duration; empty = the default (see sim::RecommendOptions)
  std::string family = "all";
  std::string step = "1s", start_time;
  std::string out, json;
};
Status RunRecommend(const RecommendArgs& args);

struct RunArgs {
  std::string config;
  std::string listen;        // overrides api.listen
  std::string db = "tide.db";
  bool dry_run = false;
};
Status RunDaemon(const RunArgs& args);

struct ReportArgs {
  std::string config;
  std::string store = "tide.db";
  std::string since = "24h";
  std::string until;  // default: now
  std::string group, html, json;
};
Status RunReport(const ReportArgs& args);
struct LoadArgs {
  std::string trace, target;
  double speedup = 1, scale = 1;
  std::string from, duration;   // trace durations ("2h", "1d"); from is after the trace's start
  std::string arrivals = "poisson";
  unsigned long long seed = 1;
  int connections = 512;
  double timeout = 30;
  double progress = 10;
  std::string json;
};
Status RunLoad(const LoadArgs& args);

struct ClientArgs {
  std::string server = "http://127.0.0.1:8080";
  std::string token;
};
Status RunStatus(const ClientArgs& args);
Status RunExplain(const ClientArgs& args, const std::string& group, int decisions);

}  // namespace tide::app
