// summary.h: the simulation summary (stable contract: the JSON keys listed in
// docs/ARCHITECTURE.md), its JSON form and its human table.
#pragma once

#include <cmath>
#include <string>

#include "sim/period.h"

namespace tide::sim {

struct Summary {
  std::string group;
  std::string config_path;
  std::string trace_path;
  double from = 0;          // trace seconds where the figures start
  double to = 0;            // trace seconds where the replay ended (exclusive)
  long long steps = 0;      // steps counted (from..to)
  double step_seconds = 1;
  double cost = 0;          // money spent in [from, to)
  double oracle_cost = 0;   // supplying exactly demand every step, no boot, no minimum
  double cost_ratio = 0;    // cost / oracle_cost (0 when oracle_cost is 0)
  double static_peak_cost = 0;  // peak demand held for the whole period
  double theta_under = 0, theta_over = 0, tau_under = 0, tau_over = 0, instability = 0;
  double arrivals = 0;      // requests that arrived in [from, to)
  double unserved = 0;      // requests dropped after queue_timeout, or left at the end
  double unserved_fraction = 0;
  double mean_backlog = 0;  // requests waiting, time-averaged
  double max_backlog = 0;
  long long scaling_events = 0;  // applied changes of desired capacity in [from, to)
  long long decisions = 0;
  double mean_demand = 0, mean_supply = 0, mean_provisioned = 0;
  int peak_demand = 0, peak_supply = 0;
  double mean_utilization = 0;  // served / (supply x capacity), time-averaged where supply > 0
  // The scaling report's figures (sim/period.h), the same as `tide report` gives for a live
  // run. Times are seconds from decision to ready (NaN, null in JSON, without changes).
  long long scale_ups = 0, scale_downs = 0;
  double mean_time_to_scale_up = NAN, mean_time_to_scale_down = NAN;
  long long under_provisioning_events = 0, over_provisioning_events = 0;
  // NaN (null, n/a) when the static peak or oracle cost is 0 (no demand): see period.h.
  double savings_vs_static_peak = 0,
         savings_vs_static_peak_percent = std::numeric_limits<double>::quiet_NaN();
  double excess_over_oracle = 0,
         excess_over_oracle_percent = std::numeric_limits<double>::quiet_NaN();
};

// Copies the period's figures (cost, oracle, static peak, SPEC, means, peak demand,
// utilisation, scaling report figures) into `s`, and cost_ratio.
void ApplyPeriodFigures(const PeriodFigures& p, Summary* s);

// JSON text (pretty, 2-space indent) with at least the contract keys.
std::string SummaryJson(const Summary& s);

// A short human table for the terminal.
std::string SummaryText(const Summary& s);

}  // namespace tide::sim
