// live_report.h: the scaling report of a live run (`tide report`) — the period figures of
// sim/period.h (the simulation summary's own) computed from what the controller stored:
// its decisions (capacity ordered and ready at each evaluation), the samples of the group's
// demand metric and its scale events (decided, ready). Pure: the CLI reads the store and
// hands the records in.
//
// Each decision's state holds until the next decision, at most 2 x evaluation_interval (a
// longer gap is time tide was not running, and is not counted). Demand at a decision is
// ceil(load / model.capacity_per_unit) from the demand metric's sample at that evaluation;
// a failed reading keeps the last known demand. A group without a demand metric gets cost,
// capacity and timing figures only: the demand-based ones are null in JSON, "n/a" in text.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "sim/period.h"

namespace tide::sim {

struct CapacityPoint {
  double at = 0;    // epoch seconds of the evaluation
  int current = 0;  // units ordered (provisioned)
  int ready = 0;    // units serving (supply)
};

struct LoadPoint {
  double at = 0;
  double value = 0;  // the demand metric (load per second); NaN = a failed reading
};

struct ScaleRecord {
  double decided_at = 0;
  double ready_at = 0;  // 0 = not ready (yet)
  int from = 0;
  int to = 0;
};

struct GroupReport {
  std::string group;
  std::string demand_metric;  // "" = none: demand-based figures unknown
  long long decisions = 0;
  // Cost, supply and scaling over every recorded step; the demand-based figures (oracle,
  // static peak, elasticity, utilisation, demand) only over the steps with a reading of the
  // demand metric: a step without one is unknown, not a demand of 0.
  PeriodFigures figures;
  double demand_seconds = 0;  // seconds of `figures` with a demand reading
};

// Demand-based figures can be given: a demand metric and at least one step with its reading.
inline bool DemandKnown(const GroupReport& r) {
  return !r.demand_metric.empty() && r.demand_seconds > 0;
}

// REQUIRES: points and load oldest first; from < to.
GroupReport ComputeGroupReport(const config::Group& g, double from, double to,
                               const std::vector<CapacityPoint>& points,
                               const std::vector<LoadPoint>& load,
                               const std::vector<ScaleRecord>& scales);

// {"from","to","groups":[{"group","demand_metric","decisions","seconds", figures...}]};
// figure keys are the simulation summary's (cost, oracle_cost, theta_under, ...).
std::string ReportJson(double from, double to, const std::vector<GroupReport>& groups);
std::string ReportText(double from, double to, const std::vector<GroupReport>& groups);
std::string ReportHtml(double from, double to, const std::vector<GroupReport>& groups);

}  // namespace tide::sim
