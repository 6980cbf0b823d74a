// summary_keys.h: every field name of sim::Summary, as the JSON and the report show them
// (the stable contract's keys are a subset). One list for the tests that check both.
#pragma once

#include <string>
#include <vector>

namespace tide::testing {

inline const std::vector<std::string>& SummaryKeys() {
  static const std::vector<std::string> keys = {
      "group",        "config_path",       "trace_path",   "from",           "to",
      "steps",        "step_seconds",      "cost",         "oracle_cost",    "cost_ratio",
      "static_peak_cost", "theta_under",   "theta_over",   "tau_under",      "tau_over",
      "instability",  "arrivals",          "unserved",     "unserved_fraction", "mean_backlog",
      "max_backlog",  "scaling_events",    "decisions",    "mean_demand",    "mean_supply",
      "mean_provisioned", "peak_demand",   "peak_supply",  "mean_utilization",
      "scale_ups",    "scale_downs",       "mean_time_to_scale_up", "mean_time_to_scale_down",
      "under_provisioning_events", "over_provisioning_events", "savings_vs_static_peak",
      "savings_vs_static_peak_percent", "excess_over_oracle", "excess_over_oracle_percent"};
  return keys;
}

}  // namespace tide::testing
