// cmd_simulate.cc: `tide simulate` — read config and trace, replay, write the outputs.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

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

// Parses a trace time: trace seconds ("86400", the trace's own timestamps) or a duration with
// a unit, counted from the trace's start ("1d", "36h": trace_start + that).
Result<double> ParseTraceTime(const std::string& flag, const std::string& text,
                              double trace_start) {
  double seconds = 0;
  const char* end = text.data() + text.size();
  const char* begin = text.data() + (!text.empty() && text.front() == '+' ? 1 : 0);
  if (auto [p, ec] = std::from_chars(begin, end, seconds);
      ec == std::errc() && p == end && begin != end && std::isfinite(seconds)) {
    return seconds;
  }
  auto d = ParseDuration(text);
  if (!d.ok() || !std::isfinite(*d)) {
    return Status::InvalidInput(
        fmt::format("{}: bad value '{}': allowed: trace seconds or a duration from the trace start "
                    "(e.g. 86400, 1d, 36h)",
                    flag, text));
  }
  return trace_start + *d;
}

}  // namespace

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

Result<double> ParseStep(const std::string& text) {
  auto step = ParseDuration(text);
  // ParseDuration's own reason (e.g. over 100 years) when it has one.
  if (!step.ok()) return Status::InvalidInput("--step: " + step.status().message());
  if (!std::isfinite(*step) || !(*step >= sim::kMinStep)) {
    return Status::InvalidInput(fmt::format(
        "--step: bad value '{}': allowed: a duration of at least 1ms (e.g. 1s, 15s, 1m)", text));
  }
  return *step;
}

void NoteCoarseStep(const char* command, const std::string& text, double step,
                    const config::Group& g) {
  if (step <= g.evaluation_interval + 1e-9) return;
  const std::string every = FormatDuration(g.evaluation_interval);
  std::fprintf(
      stderr,
      "tide %s: note: --step %s is coarser than group %s's evaluation_interval %s: the replay "
      "decides once per step (every %s), not every %s; a step of at most %s replays the "
      "decisions as configured\n",
      command, text.c_str(), g.name.c_str(), every.c_str(), FormatDuration(step).c_str(),
      every.c_str(), every.c_str());
}

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
  auto step = ParseStep(a.step);
  if (!step.ok()) return step.status();
  opt.step = *step;
  NoteCoarseStep("simulate", a.step, opt.step, **group);
  // Range checks here, to show the value as written ("5m") with the trace second it means.
  const double t0 = trace->start(), t_end = trace->end();
  if (!a.from.empty()) {
    auto t = ParseTraceTime("--from", a.from, t0);
    if (!t.ok()) return t.status();
    if (!(*t >= t0 && *t < t_end)) {
      return Status::InvalidInput(
          fmt::format("--from: bad value '{}' (trace second {}): allowed: trace seconds in [{}, "
                      "{}), or a duration from the "
                      "trace start below {}, for {}",
                      a.from, *t, t0, t_end, FormatDuration(t_end - t0), a.trace));
    }
    opt.from = *t;
  }
  if (!a.to.empty()) {
    auto t = ParseTraceTime("--to", a.to, t0);
    if (!t.ok()) return t.status();
    if (!(*t > t0 && *t <= t_end)) {
      return Status::InvalidInput(
          fmt::format("--to: bad value '{}' (trace second {}): allowed: trace seconds in ({}, {}], "
                      "or a duration from the "
                      "trace start up to {}, for {}",
                      a.to, *t, t0, t_end, FormatDuration(t_end - t0), a.trace));
    }
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
  if (Status st = CheckOutputsApart(
          {{"--timeline", &a.timeline}, {"--report", &a.report}, {"--json", &a.json}});
      !st.ok())
    return st;
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
  if (opt.from && s.from != *opt.from) {
    std::fprintf(
        stderr,
        "tide simulate: note: --from %s is between steps of %s; the figures start at the next "
        "step, trace second %.10g\n",
        a.from.c_str(), FormatDuration(opt.step).c_str(), s.from);
  }

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
  // An output on stdout is the whole of stdout: the text summary would corrupt it.
  if (a.json != "-" && a.timeline != "-" && a.report != "-") {
    std::fputs(sim::SummaryText(s).c_str(), stdout);
    if (!a.report.empty()) std::printf("report: %s\n", a.report.c_str());
    if (!a.timeline.empty()) std::printf("timeline: %s\n", a.timeline.c_str());
  }
  return Status::Ok();
}

}  // namespace tide::app
