// cmd_simulate.cc: `tide simulate` — read config and trace, replay, write the outputs.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "commands.h"
#include "config/live.h"
#include "config/loader.h"
#include "core/duration.h"
#include "files.h"
#include "policy/explain.h"
#include "sim/report.h"
#include "sim/simulator.h"
#include "sim/summary.h"
#include "sim/trace.h"
#include "webui/assets.h"

namespace tide::app {
namespace {

Result<const config::Group*> PickGroup(const config::Config& cfg, const std::string& name,
                                       const std::string& path) {
  std::string names;
  for (const auto& g : cfg.groups) names += (names.empty() ? "" : ", ") + g.name;
  if (name.empty()) {
    if (cfg.groups.size() == 1) return &cfg.groups.front();
    return Status::InvalidInput(
        fmt::format("{}: has {} groups; choose one with --group; allowed: {}", path, cfg.groups.size(), names));
  }
  if (const config::Group* g = cfg.FindGroup(name)) return g;
  return Status::NotFound(
      fmt::format("--group: bad value '{}': no such group in {}; allowed: {}", name, path, names));
}

// Parses a trace time: seconds ("86400"), a duration from the trace start ("1d", "36h").
Result<double> ParseTraceTime(const std::string& flag, const std::string& text) {
  auto d = ParseDuration(text);
  if (!d.ok()) {
    return Status::InvalidInput(fmt::format(
        "{}: bad value '{}': allowed: trace seconds or a duration from the trace start (e.g. 86400, 1d, 36h)",
        flag, text));
  }
  return *d;
}

}  // namespace

Status RunSimulate(const SimulateArgs& a) {
  auto cfg = config::LoadConfig(a.config);
  if (!cfg.ok()) return cfg.status();
  auto group = PickGroup(*cfg, a.group, a.config);
  if (!group.ok()) return group.status();
  if (auto problems = config::CheckForSimulation(*cfg, **group); !problems.empty()) {
    std::string msg;
    for (const auto& p : problems) {
      if (!msg.empty()) msg += '\n';
      msg += p.ToString();
    }
    return Status::InvalidInput(msg);
  }
  auto trace = sim::ReadTrace(a.trace);
  if (!trace.ok()) return trace.status();

  sim::SimOptions opt;
  auto step = ParseDuration(a.step);
  if (!step.ok() || !(*step > 0)) {
    return Status::InvalidInput(fmt::format("--step: bad value '{}': allowed: a duration > 0 (e.g. 1s, 15s, 1m)", a.step));
  }
  opt.step = *step;
  if (!a.from.empty()) {
    auto t = ParseTraceTime("--from", a.from);
    if (!t.ok()) return t.status();
    opt.from = *t;
  }
  if (!a.to.empty()) {
    auto t = ParseTraceTime("--to", a.to);
    if (!t.ok()) return t.status();
    opt.to = *t;
  }
  if (!a.start_time.empty()) {
    auto t = ParseTimestamp(a.start_time);
    if (!t.ok()) return Status::InvalidInput("--start-time: " + t.status().message());
    opt.start_epoch = *t;
  }
  opt.record_series = !a.report.empty();

  // Every output is opened before the run (a bad path fails fast, before any work) and
  // committed only after every one of them was written: a failed run leaves no output.
  std::unique_ptr<AtomicFile> timeline, report, json;
  for (auto [path, file] : {std::pair{&a.timeline, &timeline}, std::pair{&a.report, &report},
                            std::pair{&a.json, &json}}) {
    if (path->empty()) continue;
    auto f = AtomicFile::Open(*path);
    if (!f.ok()) return f.status();
    *file = std::move(f).value();
  }
  Status write_status;
  if (timeline) {
    opt.timeline = [&](std::string_view chunk) {
      if (write_status.ok()) write_status = timeline->Append(chunk);
    };
  }

  auto result = sim::Simulate(**group, *trace, opt);
  if (!result.ok()) return result.status();
  if (!write_status.ok()) return write_status;
  sim::Summary& s = result->summary;
  s.config_path = a.config;

  if (report) {
    sim::ReportInput in;
    in.summary = s;
    in.capacity_per_unit = (*group)->model.capacity_per_unit;
    in.buckets = std::move(result->buckets);
    in.events = std::move(result->events);
    in.policy_description = policy::DescribeGroup(**group);
    // The dashboard's charts, when this binary embeds them (else the SVG alone).
    in.script = std::string(webui::Find("/dashboard.js"));
    in.style = std::string(webui::Find("/dashboard.css"));
    if (Status st = report->Append(sim::RenderReportHtml(in)); !st.ok()) return st;
  }
  if (json) {
    if (Status st = json->Append(sim::SummaryJson(s)); !st.ok()) return st;
  }
  for (AtomicFile* f : {timeline.get(), report.get(), json.get()}) {
    if (!f) continue;
    if (Status st = f->Commit(); !st.ok()) return st;
  }
  if (a.json != "-") {
    std::fputs(sim::SummaryText(s).c_str(), stdout);
    if (!a.report.empty()) std::printf("report: %s\n", a.report.c_str());
    if (!a.timeline.empty()) std::printf("timeline: %s\n", a.timeline.c_str());
  }
  return Status::Ok();
}

}  // namespace tide::app
