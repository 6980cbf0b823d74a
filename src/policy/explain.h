// explain.h: the one-sentence explanation of a Decision, e.g.
//   "scale up 4 -> 7 (ScaleUp): cpu proposed 7 (utilization=0.93 vs target 0.6)"
//   "hold 10 (ScaleDownStabilized): recommended 6, the 300s scale-down window holds 10"
#pragma once

#include <string>

#include "config/config.h"
#include "policy/decision.h"

namespace tide::policy {

// Overwrites d->message (reusing its buffer) from the decision's fields.
void WriteMessage(const config::Group& g, Decision* d);

}  // namespace tide::policy

namespace tide::policy {

// A plain-text description of the group's policies and behavior, one line each, for reports.
std::string DescribeGroup(const config::Group& g);

}  // namespace tide::policy
