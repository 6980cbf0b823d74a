// cmd_load.cc: `tide load` — replays a trace's request rate against a URL, compressed in time
// (src/local/loadgen.h), and prints sent/ok/errors and latency percentiles.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "core/duration.h"
#include "files.h"
#include "local/loadgen.h"
#include "sim/trace.h"

namespace tide::app {

Status RunLoad(const LoadArgs& a) {
  auto trace = sim::ReadTrace(a.trace);
  if (!trace.ok()) return trace.status();
  local::LoadOptions o;
  o.target = a.target;
  o.speedup = a.speedup;
  o.scale = a.scale;
  o.seed = a.seed;
  o.max_connections = a.connections;
  o.timeout = a.timeout;
  o.progress_every = a.progress;
  o.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  if (a.arrivals != "poisson" && a.arrivals != "uniform")
    return Status::InvalidInput("--arrivals '" + a.arrivals + "': allowed: poisson, uniform");
  o.poisson = a.arrivals == "poisson";
  if (!a.from.empty()) {
    auto from = ParseDuration(a.from);
    if (!from.ok()) return Status::InvalidInput("--from '" + a.from + "': " + from.status().message());
    o.from = trace->start() + *from;
    if (o.from >= trace->end()) {
      return Status::InvalidInput(
          fmt::format("--from '{}': allowed: a duration from the trace start shorter than "
                      "the trace ({})",
                      a.from, FormatDuration(trace->end() - trace->start())));
    }
  }
  if (!a.duration.empty()) {
    auto d = ParseDuration(a.duration);
    if (!d.ok() || *d <= 0)
      return Status::InvalidInput("--duration '" + a.duration +
                                  "': allowed: a trace duration > 0 (e.g. 1d, 3600)");
    o.duration = *d;
  }
  // Opened before the run: a bad path fails now, not after minutes of load.
  std::unique_ptr<AtomicFile> json;
  if (!a.json.empty() && a.json != "-") {
    auto f = AtomicFile::Open(a.json);
    if (!f.ok()) return Status::InvalidInput("--json: " + f.status().message());
    json = std::move(f).value();
  }
  auto report = local::ReplayLoad(*trace, o);
  if (!report.ok()) return report.status();
  std::fputs(local::FormatLoadReport(*report).c_str(), stdout);
  const std::string j = local::LoadReportJson(*report);
  if (a.json == "-") std::fputs(j.c_str(), stdout);
  if (json) {
    if (Status s = json->Append(j); !s.ok()) return s;
    if (Status s = json->Commit(); !s.ok()) return s;
  }
  if (report->interrupted_by != 0) {
    return Status::Runtime(
        "interrupted: the report above covers only the requests sent until then");
  }
  return Status::Ok();
}

}  // namespace tide::app
