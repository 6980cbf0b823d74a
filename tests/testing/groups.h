// groups.h: config::Group values built in code for pipeline tests (no YAML). Data only.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace tide::testing {

// A group with one simulated metric per name in `metrics` and no policies, HPA default
// behavior, capacity [min, max].
inline config::Group MakeGroup(int min, int max, std::vector<std::string> metrics = {"cpu"}) {
  config::Group g;
  g.name = "test";
  g.capacity = {min, max, min};
  g.evaluation_interval = 15;
  for (auto& m : metrics) {
    config::Metric metric;
    metric.name = m;
    g.metrics.push_back(metric);
  }
  return g;
}

inline config::Policy TargetTracking(int metric, double target, double tol = 0.1,
                                     config::TargetType type = config::TargetType::kValue) {
  config::Policy p;
  p.name = "tt" + std::to_string(metric);
  p.kind = config::PolicyKind::kTargetTracking;
  p.target_tracking.metric = metric;
  p.target_tracking.target = target;
  p.target_tracking.target_type = type;
  p.target_tracking.tolerance = {tol, tol};
  return p;
}

// Behavior with no stabilization and no rate limits: the pipeline then passes proposals
// straight to clamp, which isolates the stage under test.
inline config::Behavior Unlimited() {
  config::Behavior b;
  b.scale_up = {0, {}, config::Select::kMax, 0};
  b.scale_down = {0, {}, config::Select::kMax, 0};
  return b;
}

}  // namespace tide::testing
