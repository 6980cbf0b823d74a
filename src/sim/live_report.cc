#include "sim/live_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/duration.h"
#include "sim/report.h"

namespace tide::sim {
namespace {

struct Line {
  std::string key, label, value, unit;
  bool needs_demand;
};

std::string F2(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:.2f}", x); }
std::string F1(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:.1f}", x); }
std::string Money(double x) {
  return std::fabs(x) >= 1 || x == 0 ? fmt::format("{:.2f}", x) : fmt::format("{:.4f}", x);
}

// The figures in display order; the keys are the simulation summary's.
std::vector<Line> Lines(const GroupReport& r) {
  const PeriodFigures& f = r.figures;
  const auto& e = f.elasticity;
  auto n = [](long long x) { return fmt::format("{}", x); };
  return {
      {"cost", "cost spent", Money(f.cost), "money", false},
      {"static_peak_cost", "static peak provisioning", Money(f.static_peak_cost), "money", true},
      {"savings_vs_static_peak", "saved vs static peak", Money(f.savings_vs_static_peak), "money",
       true},
      {"savings_vs_static_peak_percent", "saved vs static peak %",
       F2(f.savings_vs_static_peak_percent), "%", true},
      {"oracle_cost", "oracle (exactly demand)", Money(f.oracle_cost), "money", true},
      {"excess_over_oracle", "above the oracle", Money(f.excess_over_oracle), "money", true},
      {"excess_over_oracle_percent", "above the oracle %", F2(f.excess_over_oracle_percent), "%",
       true},
      {"theta_under", "under-provisioning accuracy θU", F2(e.theta_under), "%", true},
      {"theta_over", "over-provisioning accuracy θO", F2(e.theta_over), "%", true},
      {"tau_under", "under-provisioning timeshare τU", F2(e.tau_under), "%", true},
      {"tau_over", "over-provisioning timeshare τO", F2(e.tau_over), "%", true},
      {"instability", "instability υ", F2(e.instability), "%", true},
      {"under_provisioning_events", "under-provisioning events", n(f.under_provisioning_events), "",
       true},
      {"over_provisioning_events", "over-provisioning events", n(f.over_provisioning_events), "",
       true},
      {"scale_ups", "scale-ups", n(f.scale_ups), "", false},
      {"scale_downs", "scale-downs", n(f.scale_downs), "", false},
      {"mean_time_to_scale_up", "mean time to scale up", F1(f.mean_time_to_scale_up), "s", false},
      {"mean_time_to_scale_down", "mean time to scale down", F1(f.mean_time_to_scale_down), "s",
       false},
      {"mean_utilization", "mean utilization", F2(100 * f.mean_utilization), "%", true},
      {"mean_demand", "mean demand", F2(f.mean_demand), "units", true},
      {"mean_supply", "mean supply (ready)", F2(f.mean_supply), "units", false},
      {"mean_provisioned", "mean provisioned", F2(f.mean_provisioned), "units", false},
      {"peak_demand", "peak demand", n(f.peak_demand), "units", true},
  };
}

constexpr const char* kNoRecords =
    "no decisions recorded in this period (was tide running this group then?): no figures";

// When the demand metric's readings cover none or only part of the recorded time.
std::string DemandNote(const GroupReport& r) {
  if (r.demand_metric.empty() || !(r.figures.seconds > 0)) return "";
  if (!(r.demand_seconds > 0))
    return fmt::format(
        "no reading of the demand metric {} in this period: the figures that need demand are "
        "unknown",
        r.demand_metric);
  if (r.demand_seconds < r.figures.seconds - 1e-6)
    return fmt::format(
        "the demand metric {} had readings for {} of the {} recorded: the figures that need demand "
        "cover that time only",
        r.demand_metric, FormatDuration(r.demand_seconds), FormatDuration(r.figures.seconds));
  return "";
}

nlohmann::ordered_json FiguresJson(const GroupReport& r) {
  const PeriodFigures& f = r.figures;
  const auto& e = f.elasticity;
  // No recorded time in the period: every figure is unknown (null), never a perfect 0.
  const bool covered = f.seconds > 0;
  const bool d = DemandKnown(r) && covered;
  auto known = [&](auto x) {
    return covered ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
  };
  auto dm = [&](double x) {
    return d ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
  };
  auto num = [](double x) {
    return std::isnan(x) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x);
  };
  nlohmann::ordered_json j;
  j["group"] = r.group;
  j["demand_metric"] = !r.demand_metric.empty() && covered ? nlohmann::ordered_json(r.demand_metric)
                                                           : nlohmann::ordered_json(nullptr);
  j["decisions"] = r.decisions;
  j["seconds"] = f.seconds;
  if (!covered) j["note"] = kNoRecords;
  else if (const std::string n = DemandNote(r); !n.empty())
    j["note"] = n;
  j["cost"] = known(f.cost);
  j["static_peak_cost"] = dm(f.static_peak_cost);
  j["savings_vs_static_peak"] = dm(f.savings_vs_static_peak);
  j["savings_vs_static_peak_percent"] = dm(f.savings_vs_static_peak_percent);
  j["oracle_cost"] = dm(f.oracle_cost);
  j["excess_over_oracle"] = dm(f.excess_over_oracle);
  j["excess_over_oracle_percent"] = dm(f.excess_over_oracle_percent);
  j["theta_under"] = dm(e.theta_under);
  j["theta_over"] = dm(e.theta_over);
  j["tau_under"] = dm(e.tau_under);
  j["tau_over"] = dm(e.tau_over);
  j["instability"] = dm(e.instability);
  j["under_provisioning_events"] =
      d ? nlohmann::ordered_json(f.under_provisioning_events) : nlohmann::ordered_json(nullptr);
  j["over_provisioning_events"] =
      d ? nlohmann::ordered_json(f.over_provisioning_events) : nlohmann::ordered_json(nullptr);
  j["scale_ups"] = known(f.scale_ups);
  j["scale_downs"] = known(f.scale_downs);
  j["mean_time_to_scale_up"] = num(f.mean_time_to_scale_up);
  j["mean_time_to_scale_down"] = num(f.mean_time_to_scale_down);
  j["mean_utilization"] = dm(f.mean_utilization);
  j["mean_demand"] = dm(f.mean_demand);
  j["mean_supply"] = known(f.mean_supply);
  j["mean_provisioned"] = known(f.mean_provisioned);
  j["peak_demand"] = d ? nlohmann::ordered_json(f.peak_demand) : nlohmann::ordered_json(nullptr);
  return j;
}

}  // namespace

GroupReport ComputeGroupReport(const config::Group& g, double from, double to,
                               const std::vector<CapacityPoint>& points,
                               const std::vector<LoadPoint>& load,
                               const std::vector<ScaleRecord>& scales) {
  GroupReport r;
  r.group = g.name;
  r.demand_metric = g.demand_metric;
  PeriodAccumulator acc(g.model.price_per_unit_hour), known(g.model.price_per_unit_hour);
  const double cap = g.model.capacity_per_unit;
  const double max_step = 2 * g.evaluation_interval;
  size_t li = 0;
  double last_load = NAN, last_load_at = -INFINITY;
  // A reading older than this is stale, as the live controller treats it: the metric's
  // max_age, by default 3 x the evaluation interval.
  double stale_after = 3 * g.evaluation_interval;
  for (const config::Metric& m : g.metrics)
    if (m.name == g.demand_metric && m.source.max_age > 0) stale_after = m.source.max_age;
  for (size_t i = 0; i < points.size(); ++i) {
    const CapacityPoint& p = points[i];
    if (p.at < from || p.at >= to) continue;
    ++r.decisions;
    const double end = i + 1 < points.size() ? std::min(points[i + 1].at, to) : to;
    const double dt = std::min(end - p.at, max_step);
    if (!(dt > 0)) continue;
    // The demand metric's reading at this evaluation (the last one at or before it).
    while (li < load.size() && load[li].at <= p.at + 1e-6) {
      if (std::isfinite(load[li].value)) last_load = load[li].value, last_load_at = load[li].at;
      ++li;
    }
    int demand = 0;
    double util = NAN;
    if (!r.demand_metric.empty() && std::isfinite(last_load) &&
        p.at - last_load_at <= stale_after + 1e-6) {
      demand = static_cast<int>(std::ceil(std::max(0.0, last_load) / cap - 1e-9));
      if (p.ready > 0) util = std::min(1.0, last_load / (p.ready * cap));
      known.AddStep(dt, demand, p.ready, p.current, util);
    }
    acc.AddStep(dt, demand, p.ready, p.current, util);
  }
  for (const ScaleRecord& s : scales) {
    if (s.decided_at < from || s.decided_at >= to || s.to == s.from) continue;
    acc.AddScaling(s.to > s.from, s.ready_at > 0 ? std::max(0.0, s.ready_at - s.decided_at) : NAN);
  }
  r.figures = acc.Finish();
  if (!r.demand_metric.empty()) {
    // The demand-based figures from the steps with a reading only (see GroupReport).
    const PeriodFigures k = known.Finish();
    r.demand_seconds = k.seconds;
    PeriodFigures& f = r.figures;
    f.elasticity = k.elasticity;
    f.oracle_cost = k.oracle_cost;
    f.static_peak_cost = k.static_peak_cost;
    f.savings_vs_static_peak = k.savings_vs_static_peak;
    f.savings_vs_static_peak_percent = k.savings_vs_static_peak_percent;
    f.excess_over_oracle = k.excess_over_oracle;
    f.excess_over_oracle_percent = k.excess_over_oracle_percent;
    f.peak_demand = k.peak_demand;
    f.mean_demand = k.mean_demand;
    f.mean_utilization = k.mean_utilization;
    f.under_provisioning_events = k.under_provisioning_events;
    f.over_provisioning_events = k.over_provisioning_events;
  }
  return r;
}

std::string ReportJson(double from, double to, const std::vector<GroupReport>& groups) {
  nlohmann::ordered_json j;
  j["from"] = from;
  j["to"] = to;
  j["groups"] = nlohmann::ordered_json::array();
  for (const auto& g : groups) j["groups"].push_back(FiguresJson(g));
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string ReportText(double from, double to, const std::vector<GroupReport>& groups) {
  std::string out = fmt::format("tide report {} .. {} ({})\n", FormatTimestamp(from),
                                FormatTimestamp(to), FormatDuration(to - from));
  for (const auto& g : groups) {
    out += fmt::format("\ngroup {}  ({} decisions over {}; demand metric: {})\n", g.group,
                       g.decisions, FormatDuration(g.figures.seconds),
                       g.demand_metric.empty() ? "none" : g.demand_metric);
    if (!(g.figures.seconds > 0)) {
      out += fmt::format("  {}\n", kNoRecords);
      continue;
    }
    if (const std::string n = DemandNote(g); !n.empty()) out += fmt::format("  note: {}\n", n);
    for (const Line& l : Lines(g)) {
      const std::string v = l.needs_demand && !DemandKnown(g) ? "n/a" : l.value;
      out += fmt::format("  {:<34}{:>14} {}\n", l.label, v, l.unit);
    }
  }
  return out;
}

std::string ReportHtml(double from, double to, const std::vector<GroupReport>& groups) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>tide "
      "report</title>\n<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;"
      "max-width:960px;padding:0 12px}table{border-collapse:collapse;width:100%;font-size:13px;"
      "margin-bottom:20px}th,td{border-bottom:1px solid #e4e4e4;padding:4px 8px;text-align:left}"
      "td.v{text-align:right;font-variant-numeric:tabular-nums}</style>\n</head>\n<body>\n";
  html += fmt::format("<h1>tide report</h1>\n<p>{} .. {} ({})</p>\n", FormatTimestamp(from),
                      FormatTimestamp(to), HtmlEscape(FormatDuration(to - from)));
  for (const auto& g : groups) {
    html += fmt::format(
        "<h2>group {}</h2>\n<p>{} decisions; demand metric: {}</p>\n<table>\n"
        "<tr><th>figure</th><th>key</th><th>value</th><th>unit</th></tr>\n",
        HtmlEscape(g.group), g.decisions,
        g.demand_metric.empty() ? "none" : HtmlEscape(g.demand_metric));
    if (!(g.figures.seconds > 0)) {
      html += fmt::format("<tr><td colspan=\"4\">{}</td></tr>\n</table>\n", HtmlEscape(kNoRecords));
      continue;
    }
    if (const std::string n = DemandNote(g); !n.empty())
      html += fmt::format("<tr><td colspan=\"4\">note: {}</td></tr>\n", HtmlEscape(n));
    for (const Line& l : Lines(g)) {
      const std::string v = l.needs_demand && !DemandKnown(g) ? "n/a" : l.value;
      html += fmt::format(
          "<tr><td>{}</td><td><code>{}</code></td><td class=\"v\">{}</td><td>{}</td></tr>\n",
          HtmlEscape(l.label), l.key, HtmlEscape(v), HtmlEscape(l.unit));
    }
    html += "</table>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace tide::sim
