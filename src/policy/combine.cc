#include "policy/combine.h"

#include <algorithm>

namespace tide::policy {

Combined Combine(std::span<const Proposal> proposals, bool missing, bool failed, int current,
                 const config::OnMissingMetrics& on_missing, int* consecutive_failures) {
  *consecutive_failures = failed ? *consecutive_failures + 1 : 0;

  int best = -1, floor = -1;
  for (const auto& p : proposals) {
    if (p.active) best = std::max(best, p.desired);
    if (p.floor) floor = std::max(floor, p.desired);
  }
  if (best >= 0) best = std::max(best, floor);

  Combined c;
  if (failed && *consecutive_failures >= on_missing.after_failures) {
    c.reason = Reason::kFallback;
    c.held = true;
    switch (on_missing.fallback) {
      case config::Fallback::kHold: c.desired = std::max(current, best); break;
      case config::Fallback::kFixed:
        c.desired = std::max(on_missing.replicas, best);
        break;
      case config::Fallback::kCurrentIfHigher:
        c.desired = std::max({current, on_missing.replicas, best});
        break;
    }
    return c;
  }
  if (best < 0) {  // nobody proposed: hold
    c.desired = current;
    c.reason = failed ? Reason::kMissingMetricsHold : missing ? Reason::kNoData : Reason::kWithinTolerance;
    c.held = missing;
    return c;
  }
  if (missing && best < current) {
    c.desired = current;
    c.reason = Reason::kMissingMetricsHold;
    c.held = true;
    return c;
  }
  c.desired = best;
  c.reason = best > current ? Reason::kScaleUp : best < current ? Reason::kScaleDown
                                                                : Reason::kWithinTolerance;
  return c;
}

}  // namespace tide::policy
