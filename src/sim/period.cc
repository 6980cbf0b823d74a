#include "sim/period.h"

#include <algorithm>
#include <cmath>

namespace tide::sim {

void PeriodAccumulator::AddStep(double dt, int demand, int supply, int provisioned,
                                double utilization) {
  elasticity_.Add(dt, demand, supply);
  t_ += dt;
  unit_seconds_ += provisioned * dt;
  demand_seconds_ += demand * dt;
  supply_seconds_ += supply * dt;
  peak_demand_ = std::max(peak_demand_, demand);
  if (!std::isnan(utilization)) {
    util_sum_ += utilization * dt;
    util_time_ += dt;
  }
  const int side = supply < demand ? -1 : (supply > demand ? 1 : 0);
  if (side == -1 && last_side_ != -1) ++under_events_;
  if (side == 1 && last_side_ != 1) ++over_events_;
  last_side_ = side;
}

void PeriodAccumulator::AddScaling(bool up, double seconds_to_ready) {
  (up ? ups_ : downs_) += 1;
  if (std::isnan(seconds_to_ready)) return;
  (up ? ups_ready_ : downs_ready_) += 1;
  (up ? up_seconds_ : down_seconds_) += seconds_to_ready;
}

PeriodFigures PeriodAccumulator::Finish() const {
  PeriodFigures f;
  f.seconds = t_;
  f.elasticity = elasticity_.Finish();
  f.cost = (unit_seconds_ + extra_unit_seconds_) * price_per_unit_second_;
  f.oracle_cost = demand_seconds_ * price_per_unit_second_;
  f.static_peak_cost = peak_demand_ * t_ * price_per_unit_second_;
  f.savings_vs_static_peak = f.static_peak_cost - f.cost;
  if (f.static_peak_cost > 0)
    f.savings_vs_static_peak_percent = 100 * f.savings_vs_static_peak / f.static_peak_cost;
  f.excess_over_oracle = f.cost - f.oracle_cost;
  if (f.oracle_cost > 0) f.excess_over_oracle_percent = 100 * f.excess_over_oracle / f.oracle_cost;
  f.peak_demand = peak_demand_;
  if (t_ > 0) {
    f.mean_demand = demand_seconds_ / t_;
    f.mean_supply = supply_seconds_ / t_;
    f.mean_provisioned = unit_seconds_ / t_;
  }
  f.mean_utilization = util_time_ > 0 ? util_sum_ / util_time_ : 0;
  f.scale_ups = ups_;
  f.scale_downs = downs_;
  if (ups_ready_ > 0) f.mean_time_to_scale_up = up_seconds_ / ups_ready_;
  if (downs_ready_ > 0) f.mean_time_to_scale_down = down_seconds_ / downs_ready_;
  f.under_provisioning_events = under_events_;
  f.over_provisioning_events = over_events_;
  return f;
}

}  // namespace tide::sim
