// period.h: the figures of a period of scaling, computed the same way for a simulation
// (sim::Simulate, per step of the replay) and for a live run (`tide report`, per interval
// between two stored decisions): SPEC elasticity, cost against the oracle and against static
// peak provisioning, utilisation, under- and over-provisioning episodes, and the mean time
// from a scaling decision to its capacity being ready.
//
// Definitions (per step of length dt, demand d and supply s in units, provisioned p units):
//   cost             = sum p x dt x price (+ billing extras the caller adds)
//   oracle_cost      = sum d x dt x price         (exactly demand, no boot, no minimum)
//   static_peak_cost = max d x T x price          (peak demand held the whole period)
//   savings_vs_static_peak = static_peak_cost - cost, and as % of static_peak_cost
//   excess_over_oracle     = cost - oracle_cost, and as % of oracle_cost
//   an under- (over-) provisioning event = a maximal run of steps with s < d (s > d)
//   mean time to scale up (down) = mean of (ready - decided) over the changes up (down)
//     that became ready in the period (NaN when there were none)
#pragma once

#include <limits>

#include "sim/elasticity.h"

namespace tide::sim {

struct PeriodFigures {
  double seconds = 0;
  ElasticityFigures elasticity;
  double cost = 0, oracle_cost = 0, static_peak_cost = 0;
  // The percentages are NaN (null in JSON, n/a in text) when their base is 0: no demand in
  // the period. They read 0 % then, as if the cost had matched the oracle or the peak.
  double savings_vs_static_peak = 0,
         savings_vs_static_peak_percent = std::numeric_limits<double>::quiet_NaN();
  double excess_over_oracle = 0,
         excess_over_oracle_percent = std::numeric_limits<double>::quiet_NaN();
  int peak_demand = 0;
  double mean_demand = 0, mean_supply = 0, mean_provisioned = 0;
  double mean_utilization = 0;  // time-averaged over steps with a utilisation
  long long scale_ups = 0, scale_downs = 0;
  double mean_time_to_scale_up = std::numeric_limits<double>::quiet_NaN();
  double mean_time_to_scale_down = std::numeric_limits<double>::quiet_NaN();
  long long under_provisioning_events = 0, over_provisioning_events = 0;
};

class PeriodAccumulator {
 public:
  explicit PeriodAccumulator(double price_per_unit_hour)
      : price_per_unit_second_(price_per_unit_hour / 3600.0) {}

  // One step of length dt > 0. `utilization` in [0, 1], NaN when there is none (no supply).
  void AddStep(double dt, int demand, int supply, int provisioned, double utilization);
  // Unit-seconds billed beyond the steps' provisioned units (granularity, minimum).
  void AddExtraUnitSeconds(double unit_seconds) { extra_unit_seconds_ += unit_seconds; }
  // A capacity change: up or down, and its decision-to-ready time (seconds, >= 0; NaN when
  // it never became ready: counted as a change, not in the mean).
  void AddScaling(bool up, double seconds_to_ready);

  PeriodFigures Finish() const;

 private:
  double price_per_unit_second_;
  ElasticityAccumulator elasticity_;
  double t_ = 0, unit_seconds_ = 0, extra_unit_seconds_ = 0, demand_seconds_ = 0,
         supply_seconds_ = 0;
  double util_sum_ = 0, util_time_ = 0;
  int peak_demand_ = 0;
  long long ups_ = 0, downs_ = 0, ups_ready_ = 0, downs_ready_ = 0;
  double up_seconds_ = 0, down_seconds_ = 0;
  long long under_events_ = 0, over_events_ = 0;
  int last_side_ = 0;  // -1 under, 0 exact, +1 over at the previous step
};

}  // namespace tide::sim
