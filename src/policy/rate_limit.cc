#include "policy/rate_limit.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "policy/recommend.h"  // SaturateUnits

namespace tide::policy {
namespace {

// Units changed (absolute) by events strictly inside (now - period, now].
int ChangedWithin(const std::deque<ScaleEvent>& events, double period, double now) {
  int sum = 0;
  for (auto it = events.rbegin(); it != events.rend() && it->at > now - period; ++it)
    sum += std::abs(it->change);
  return sum;
}

int PeriodStart(int current, const config::RatePolicy& p, const std::deque<ScaleEvent>& ups,
                const std::deque<ScaleEvent>& downs, double now) {
  return current - ChangedWithin(ups, p.period, now) + ChangedWithin(downs, p.period, now);
}

}  // namespace

int ScaleUpLimit(const config::ScalingRules& rules, int current, const std::deque<ScaleEvent>& ups,
                 const std::deque<ScaleEvent>& downs, double now) {
  if (rules.select == config::Select::kDisabled) return current;
  if (rules.policies.empty()) return INT_MAX;
  const bool pick_max = rules.select == config::Select::kMax;
  long long result = pick_max ? LLONG_MIN : LLONG_MAX;
  for (const auto& p : rules.policies) {
    const int start = PeriodStart(current, p, ups, downs, now);
    // In double, then saturated: a policy value of 1e300 is a cast out of range otherwise.
    const long long proposed = SaturateUnits(p.type == config::RateType::kUnits
                                                 ? start + std::ceil(p.value - 1e-9)
                                                 : std::ceil(start * (1 + p.value / 100.0) - 1e-9));
    result = pick_max ? std::max(result, proposed) : std::min(result, proposed);
  }
  // Units added earlier in the period can push the limit below current: hold, never shrink.
  return static_cast<int>(std::clamp<long long>(result, current, INT_MAX));
}

int ScaleDownLimit(const config::ScalingRules& rules, int current,
                   const std::deque<ScaleEvent>& ups, const std::deque<ScaleEvent>& downs,
                   double now) {
  if (rules.select == config::Select::kDisabled) return current;
  if (rules.policies.empty()) return 0;
  // For scale-down the largest change is the lowest capacity.
  const bool largest_change = rules.select == config::Select::kMax;
  long long result = largest_change ? LLONG_MAX : LLONG_MIN;
  for (const auto& p : rules.policies) {
    const int start = PeriodStart(current, p, ups, downs, now);
    const long long proposed = SaturateUnits(
        p.type == config::RateType::kUnits ? start - std::floor(p.value + 1e-9)
                                           : std::floor(start * (1 - p.value / 100.0) + 1e-9));
    result = largest_change ? std::min(result, proposed) : std::max(result, proposed);
  }
  return static_cast<int>(std::clamp<long long>(result, 0, current));
}

}  // namespace tide::policy
