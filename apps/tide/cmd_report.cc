// cmd_report.cc: `tide report` — what scaling achieved and cost over a period of a live run,
// from the store `tide run` wrote (sim/live_report.h computes the figures).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "config/loader.h"
#include "core/duration.h"
#include "files.h"
#include "platform/real_clock.h"
#include "sim/live_report.h"
#include "store/store.h"

namespace tide::app {
namespace {

Result<sim::GroupReport> ReportGroup(store::Store& st, const config::Group& g, double from,
                                     double to) {
  auto decisions = st.DecisionsBetween(g.name, from, to);
  if (!decisions.ok()) return decisions.status();
  std::vector<sim::CapacityPoint> points;
  points.reserve(decisions->size());
  for (const auto& d : *decisions) {
    auto j = nlohmann::json::parse(d.json, nullptr, false);
    int ready = d.current;
    if (j.is_object() && j.contains("ready") && j["ready"].is_number_integer())
      ready = j["ready"].get<int>();
    points.push_back({d.at, d.current, ready});
  }
  std::vector<sim::LoadPoint> load;
  if (!g.demand_metric.empty()) {
    auto h = st.History(g.name, g.demand_metric, from - 2 * g.evaluation_interval, to);
    if (!h.ok()) return h.status();
    for (const auto& s : *h) load.push_back({s.at, s.value});
  }
  auto events = st.Events(g.name, from, 100'000'000);
  if (!events.ok()) return events.status();
  std::vector<sim::ScaleRecord> scales;
  for (const auto& e : *events) {
    if (e.kind != "scale" || (e.status != "applied" && e.status != "ready")) continue;
    scales.push_back({e.decided_at > 0 ? e.decided_at : e.at, e.ready_at, e.from, e.to});
  }
  return sim::ComputeGroupReport(g, from, to, points, load, scales);
}

}  // namespace

Status RunReport(const ReportArgs& a) {
  if (Status st = CheckOutputsApart({{"--json", &a.json}, {"--html", &a.html}}); !st.ok())
    return st;
  auto since = ParseDuration(a.since);
  if (!since.ok() || !(*since > 0)) {
    return Status::InvalidInput(fmt::format(
        "--since: bad value '{}': allowed: a duration > 0 before now, e.g. 30m, 24h, 7d", a.since));
  }
  double to = platform::RealClock().Now();
  if (!a.until.empty()) {
    auto t = ParseTimestamp(a.until);
    if (!t.ok()) {
      return Status::InvalidInput(fmt::format(
          "--until: bad value '{}': allowed: RFC 3339 (2026-03-29T01:30:00Z) or epoch seconds",
          a.until));
    }
    to = *t;
  }
  const double from = to - *since;
  auto cfg = config::LoadConfig(a.config);
  if (!cfg.ok()) return cfg.status();
  std::vector<const config::Group*> groups;
  if (a.group.empty()) {
    for (const auto& g : cfg->groups) groups.push_back(&g);
  } else if (const config::Group* g = cfg->FindGroup(a.group)) {
    groups.push_back(g);
  } else {
    std::string names;
    for (const auto& x : cfg->groups) names += (names.empty() ? "" : ", ") + x.name;
    return Status::NotFound(fmt::format("--group: bad value '{}': no such group in {}; allowed: {}",
                                        a.group, a.config, names));
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(a.store, ec)) {
    return Status::NotFound(
        fmt::format("--store: bad value '{}': no such file; allowed: the SQLite store `tide run "
                    "--db` wrote (default tide.db)",
                    a.store));
  }
  auto st = store::Store::OpenExisting(a.store);
  if (!st.ok()) return st.status();

  std::vector<sim::GroupReport> reports;
  for (const config::Group* g : groups) {
    auto r = ReportGroup(**st, *g, from, to);
    if (!r.ok()) return r.status();
    reports.push_back(std::move(r).value());
  }
  if (!a.json.empty()) {
    if (Status s = WriteFileAtomic(a.json, sim::ReportJson(from, to, reports)); !s.ok()) return s;
  }
  if (!a.html.empty()) {
    if (Status s = WriteFileAtomic(a.html, sim::ReportHtml(from, to, reports)); !s.ok()) return s;
  }
  // An output on stdout is the whole of stdout: the text would corrupt it.
  if (a.json != "-" && a.html != "-")
    std::fputs(sim::ReportText(from, to, reports).c_str(), stdout);
  return Status::Ok();
}

}  // namespace tide::app
