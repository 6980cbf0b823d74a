// series.cc: per-step series folded into at most `max_buckets` buckets (contract in series.h).
//
// Worked numbers: 125,280 steps into at most 2000 buckets -> ceil(125280 / 2000) = 63 steps
// per bucket -> 1989 buckets (the last one holds 125280 - 1988 * 63 = 36 steps).
#include "sim/series.h"

#include <algorithm>

namespace tide::sim {

SeriesRecorder::SeriesRecorder(long long total_steps, int max_buckets) {
  const long long cap = std::max(max_buckets, 1);
  const long long steps = std::max(total_steps, 0LL);
  per_ = std::max(1LL, (steps + cap - 1) / cap);
  buckets_.reserve(static_cast<size_t>(std::min(cap, (steps + per_ - 1) / per_)));
}

void SeriesRecorder::Add(double t, double load, int demand, int supply, int provisioned,
                         int desired) {
  if (buckets_.empty() || buckets_.back().n >= per_) {
    Bucket b;
    b.t = t;
    b.load_max = load;
    b.supply_min = supply;
    b.supply_max = supply;
    b.demand_max = demand;
    b.provisioned_max = provisioned;
    b.desired_min = desired;
    b.desired_max = desired;
    buckets_.push_back(b);
  }
  Bucket& b = buckets_.back();
  ++b.n;
  // Running means: mean += (x - mean) / n keeps a constant series exactly constant.
  const double n = b.n;
  b.load_mean += (load - b.load_mean) / n;
  b.demand_mean += (demand - b.demand_mean) / n;
  b.supply_mean += (supply - b.supply_mean) / n;
  b.load_max = std::max(b.load_max, load);
  b.demand_max = std::max<double>(b.demand_max, demand);
  b.supply_min = std::min<double>(b.supply_min, supply);
  b.supply_max = std::max<double>(b.supply_max, supply);
  b.provisioned_max = std::max<double>(b.provisioned_max, provisioned);
  b.desired_min = std::min<double>(b.desired_min, desired);
  b.desired_max = std::max<double>(b.desired_max, desired);
  b.desired_last = desired;
}

}  // namespace tide::sim
