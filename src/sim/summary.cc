// summary.cc: the summary as JSON (stable contract: key names = Summary's field names) and as
// a compact table for a terminal.
//
// Fractions (unserved_fraction, mean_utilization) are 0..1 in JSON and shown as percentages in
// the table; the SPEC elasticity figures are already percentages.
#include "sim/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/duration.h"

namespace tide::sim {
namespace {

// Money has no currency here (prices are per unit-hour in the config's currency): 2 decimals
// from 1 up, 4 below so that small simulations still show a difference.
std::string Money(double x) {
  return std::fabs(x) >= 1 || x == 0 ? fmt::format("{:.2f}", x) : fmt::format("{:.4f}", x);
}

// "(12.3 %)", or "(n/a)" when the percentage is undefined (its base is 0).
std::string PercentInBrackets(double x) {
  return std::isnan(x) ? "(n/a)" : fmt::format("({:.1f} %)", x);
}

// Integer-like counts with thousands separators: 1234567 -> "1,234,567".
std::string Count(double x) {
  if (!std::isfinite(x)) return fmt::format("{}", x);
  std::string digits = fmt::format("{:.0f}", std::fabs(x));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (x < 0 && digits != "0" ? "-" : "") + out;
}

// Terminal width of UTF-8 text (labels contain θ, τ): code points, not bytes.
size_t Width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

// Seconds with one decimal; "n/a" when there is nothing to average (NaN).
std::string Seconds(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:.1f}", x); }

struct Row {
  std::string label, value, unit;
};

}  // namespace

void ApplyPeriodFigures(const PeriodFigures& p, Summary* s) {
  s->theta_under = p.elasticity.theta_under;
  s->theta_over = p.elasticity.theta_over;
  s->tau_under = p.elasticity.tau_under;
  s->tau_over = p.elasticity.tau_over;
  s->instability = p.elasticity.instability;
  s->cost = p.cost;
  s->oracle_cost = p.oracle_cost;
  s->cost_ratio = p.oracle_cost > 0 ? p.cost / p.oracle_cost : 0;
  s->static_peak_cost = p.static_peak_cost;
  s->peak_demand = p.peak_demand;
  s->mean_demand = p.mean_demand;
  s->mean_supply = p.mean_supply;
  s->mean_provisioned = p.mean_provisioned;
  s->mean_utilization = p.mean_utilization;
  s->scale_ups = p.scale_ups;
  s->scale_downs = p.scale_downs;
  s->mean_time_to_scale_up = p.mean_time_to_scale_up;
  s->mean_time_to_scale_down = p.mean_time_to_scale_down;
  s->under_provisioning_events = p.under_provisioning_events;
  s->over_provisioning_events = p.over_provisioning_events;
  s->savings_vs_static_peak = p.savings_vs_static_peak;
  s->savings_vs_static_peak_percent = p.savings_vs_static_peak_percent;
  s->excess_over_oracle = p.excess_over_oracle;
  s->excess_over_oracle_percent = p.excess_over_oracle_percent;
}

std::string SummaryJson(const Summary& s) {
  nlohmann::ordered_json j;
  j["group"] = s.group;
  j["config_path"] = s.config_path;
  j["trace_path"] = s.trace_path;
  j["from"] = s.from;
  j["to"] = s.to;
  j["steps"] = s.steps;
  j["step_seconds"] = s.step_seconds;
  j["cost"] = s.cost;
  j["oracle_cost"] = s.oracle_cost;
  j["cost_ratio"] = s.cost_ratio;
  j["static_peak_cost"] = s.static_peak_cost;
  j["theta_under"] = s.theta_under;
  j["theta_over"] = s.theta_over;
  j["tau_under"] = s.tau_under;
  j["tau_over"] = s.tau_over;
  j["instability"] = s.instability;
  j["arrivals"] = s.arrivals;
  j["unserved"] = s.unserved;
  j["unserved_fraction"] = s.unserved_fraction;
  j["mean_backlog"] = s.mean_backlog;
  j["max_backlog"] = s.max_backlog;
  j["scaling_events"] = s.scaling_events;
  j["decisions"] = s.decisions;
  j["mean_demand"] = s.mean_demand;
  j["mean_supply"] = s.mean_supply;
  j["mean_provisioned"] = s.mean_provisioned;
  j["peak_demand"] = s.peak_demand;
  j["peak_supply"] = s.peak_supply;
  j["mean_utilization"] = s.mean_utilization;
  j["scale_ups"] = s.scale_ups;
  j["scale_downs"] = s.scale_downs;
  j["mean_time_to_scale_up"] = s.mean_time_to_scale_up;
  j["mean_time_to_scale_down"] = s.mean_time_to_scale_down;
  j["under_provisioning_events"] = s.under_provisioning_events;
  j["over_provisioning_events"] = s.over_provisioning_events;
  j["savings_vs_static_peak"] = s.savings_vs_static_peak;
  j["savings_vs_static_peak_percent"] = s.savings_vs_static_peak_percent;
  j["excess_over_oracle"] = s.excess_over_oracle;
  j["excess_over_oracle_percent"] = s.excess_over_oracle_percent;
  // Non-finite numbers become null; invalid UTF-8 in paths is replaced, never thrown.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string SummaryText(const Summary& s) {
  auto fixed2 = [](double x) { return fmt::format("{:.2f}", x); };
  auto pct = [](double x) { return fmt::format("{:.2f}", x); };
  const std::vector<Row> rows = {
      {"cost", Money(s.cost), ""},
      {"oracle cost (lower bound)", Money(s.oracle_cost), ""},
      {"cost ratio (cost / oracle)", fixed2(s.cost_ratio), "×"},
      {"static peak cost", Money(s.static_peak_cost), ""},
      {"under-provisioning accuracy θU", pct(s.theta_under), "%"},
      {"over-provisioning accuracy θO", pct(s.theta_over), "%"},
      {"under-provisioning timeshare τU", pct(s.tau_under), "%"},
      {"over-provisioning timeshare τO", pct(s.tau_over), "%"},
      {"instability", pct(s.instability), "%"},
      {"arrivals", Count(s.arrivals), "requests"},
      {"unserved", Count(s.unserved), "requests"},
      {"unserved share", pct(100 * s.unserved_fraction), "%"},
      {"mean backlog", fixed2(s.mean_backlog), "requests"},
      {"max backlog", Count(s.max_backlog), "requests"},
      {"scaling events", Count(static_cast<double>(s.scaling_events)), ""},
      {"decisions", Count(static_cast<double>(s.decisions)), ""},
      {"mean demand", fixed2(s.mean_demand), "units"},
      {"mean supply", fixed2(s.mean_supply), "units"},
      {"mean provisioned", fixed2(s.mean_provisioned), "units"},
      {"peak demand", Count(s.peak_demand), "units"},
      {"peak supply", Count(s.peak_supply), "units"},
      {"mean utilization", pct(100 * s.mean_utilization), "%"},
      {"scale-ups / scale-downs", fmt::format("{} / {}", s.scale_ups, s.scale_downs), ""},
      {"mean time to scale up", Seconds(s.mean_time_to_scale_up), "s"},
      {"mean time to scale down", Seconds(s.mean_time_to_scale_down), "s"},
      {"under-provisioning events", Count(static_cast<double>(s.under_provisioning_events)), ""},
      {"over-provisioning events", Count(static_cast<double>(s.over_provisioning_events)), ""},
      {"saved vs static peak", Money(s.savings_vs_static_peak),
       PercentInBrackets(s.savings_vs_static_peak_percent)},
      {"above the oracle", Money(s.excess_over_oracle),
       PercentInBrackets(s.excess_over_oracle_percent)},
  };
  size_t label_w = 0, value_w = 0;
  for (const Row& r : rows) {
    label_w = std::max(label_w, Width(r.label));
    value_w = std::max(value_w, Width(r.value));
  }
  std::string out = fmt::format(
      "group {}\n  config  {}\n  trace   {}\n  period  {} .. {} "
      "({} steps of {})\n",
      s.group, s.config_path, s.trace_path, FormatDuration(s.from), FormatDuration(s.to),
      Count(static_cast<double>(s.steps)), FormatDuration(s.step_seconds));
  for (const Row& r : rows) {
    std::string line = "  " + r.label + std::string(label_w - Width(r.label) + 2, ' ') +
                       std::string(value_w - Width(r.value), ' ') + r.value;
    if (!r.unit.empty()) line += " " + r.unit;
    out += line + "\n";
  }
  return out;
}

}  // namespace tide::sim
