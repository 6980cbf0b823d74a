// recommend.h: stage 1 — what each metric-driven policy proposes on its own.
#pragma once

#include "config/config.h"
#include "policy/decision.h"

namespace tide::policy {

// The units a double asks for, as an int in [0, INT_MAX] (NaN is 0): x is rounded toward zero
// first, so pass std::ceil(...) or std::floor(...) of what you mean. A number of units computed
// from a demand or a target can exceed any int (a load of 1e15 on units of capacity 1, a target
// of 1e-9, a step change of 2147483647 added to current); a plain cast of such a double is
// undefined behaviour (in practice INT_MIN, a negative capacity), so every double -> units
// conversion of the pipeline and the simulator saturates here. The bounds of the group
// (capacity.max) then apply as usual.
int SaturateUnits(double x);

// Target tracking (Kubernetes HPA semantics, "Algorithm details"):
//   value form:          ratio = value / target;          desired = ceil(ready x ratio)
//   average-value form:  ratio = total / (target x current); desired = ceil(total / target)
// When |ratio - 1| is within the tolerance of its direction, desired = current. Units still
// booting or warming up are not `ready`; if ready units alone suggest fewer units than
// current while the metric is above target (load not yet absorbed by booting units), the
// proposal is current: such a proposal never scales in.
// Worked example (HPA docs): 2 units at 200m against a 100m target -> ratio 2.0 -> 4 units.
// Returns -1 when there is no data to decide from (value form with no ready unit).
int TargetTrackingDesired(const config::TargetTracking& p, double value, int current, int ready);

// Step scaling (AWS EC2 Auto Scaling semantics): x = value - threshold selects the step whose
// [lower, upper) contains x when x >= 0, or (lower, upper] when x < 0. Returns -1 when no
// step contains x (the alarm is not in breach). A change in capacity is added to `current`;
// a percent change is rounded as AWS does (see StepPercentUnits); exact sets the capacity.
int StepDesired(const config::StepScaling& p, double value, int current);

// AWS rounding of PercentChangeInCapacity: a result > 1 is rounded down, between 0 and 1 is 1,
// between -1 and 0 is -1, < -1 is rounded up (toward zero); then, if its magnitude is below
// min_magnitude, it becomes min_magnitude with the same sign.
// Worked (AWS docs): 10 units +25 % -> +2; -25 % -> -2; 3 units +10 % -> +1.
int StepPercentUnits(double percent, int current, int min_magnitude);

}  // namespace tide::policy
