#include "policy/recommend.h"

#include <climits>
#include <cmath>

namespace tide::policy {
namespace {

// ceil that ignores representation noise: 3 x (0.6 / 0.6) must be 3, not 4. Saturates.
int CeilUnits(double x) { return SaturateUnits(std::ceil(x - 1e-9)); }

bool WithinTolerance(double ratio, const config::Tolerance& tol) {
  if (ratio >= 1) return ratio - 1 <= tol.up + 1e-12;
  return 1 - ratio <= tol.down + 1e-12;
}

}  // namespace

int SaturateUnits(double x) {
  if (!(x > 0)) return 0;  // also NaN
  if (x >= static_cast<double>(INT_MAX)) return INT_MAX;
  return static_cast<int>(x);
}

int TargetTrackingDesired(const config::TargetTracking& p, double value, int current, int ready) {
  if (p.target_type == config::TargetType::kAverageValue) {
    const int desired = CeilUnits(value / p.target);
    if (current > 0 && WithinTolerance(value / (p.target * current), p.tolerance)) return current;
    return desired;
  }
  if (ready <= 0) return -1;  // nothing measured: "no data", not zero
  const double ratio = value / p.target;
  if (WithinTolerance(ratio, p.tolerance)) return current;
  int desired = CeilUnits(ready * ratio);
  // Above target: booting units will absorb load; never shrink below what is on order.
  if (ratio > 1 && desired < current) desired = current;
  // Below target: never grow (only possible when ready > current, i.e. while draining).
  if (ratio < 1 && desired > current) desired = current;
  return desired;
}

int StepPercentUnits(double percent, int current, int min_magnitude) {
  const double raw = current * percent / 100.0;
  int units = 0;
  if (raw > 1) {
    units = SaturateUnits(std::floor(raw));
  } else if (raw > 0) {
    units = 1;
  } else if (raw < -1) {
    units = -SaturateUnits(-std::ceil(raw));
  } else if (raw < 0) {
    units = -1;
  }
  if (units != 0 && std::abs(units) < min_magnitude) units = units > 0 ? min_magnitude : -min_magnitude;
  return units;
}

int StepDesired(const config::StepScaling& p, double value, int current) {
  const double x = value - p.threshold;
  for (const auto& s : p.steps) {
    const double lo = s.lower ? *s.lower : -INFINITY;
    const double hi = s.upper ? *s.upper : INFINITY;
    const bool inside = x >= 0 ? (x >= lo && x < hi) : (x > lo && x <= hi);
    if (!inside) continue;
    switch (s.type) {
      // In double: current + a change near INT_MAX must not wrap to a negative capacity.
      case config::AdjustmentType::kChangeInCapacity:
        return SaturateUnits(static_cast<double>(current) + std::round(s.value));
      case config::AdjustmentType::kPercentChangeInCapacity:
        return SaturateUnits(static_cast<double>(current) +
                             StepPercentUnits(s.value, current, s.min_magnitude));
      case config::AdjustmentType::kExactCapacity:
        return SaturateUnits(std::round(s.value));
    }
  }
  return -1;
}

}  // namespace tide::policy
