// rate_limit.h: stage 4 — how fast capacity may change (Kubernetes HPA scaling policies).
//
// For each policy, the capacity at the start of its period is current minus the units
// added plus the units removed within the last `period` seconds. Scale-up:
//   units:   start + value            percent: ceil(start x (1 + value/100))
// Scale-down:
//   units:   start - value            percent: floor(start x (1 - value/100))
// `select: max` takes the policy allowing the largest change, `min` the smallest,
// `disabled` forbids changes in that direction.
// Worked (HPA docs): down policies {4 units / 60 s, 10 % / 60 s}, select max, 80 units
// wanting 10: the first period allows 80 -> 72 (10 % = 8 > 4); the next 72 -> 64 (7.2 is
// rounded so that 8 are removed).
#pragma once

#include <deque>

#include "config/config.h"
#include "policy/pipeline.h"

namespace tide::policy {

// The highest capacity a scale-up may reach now (never below current).
int ScaleUpLimit(const config::ScalingRules& rules, int current, const std::deque<ScaleEvent>& ups,
                 const std::deque<ScaleEvent>& downs, double now);

// The lowest capacity a scale-down may reach now (never above current).
int ScaleDownLimit(const config::ScalingRules& rules, int current,
                   const std::deque<ScaleEvent>& ups, const std::deque<ScaleEvent>& downs,
                   double now);

}  // namespace tide::policy
