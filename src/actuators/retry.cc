#include "actuators/retry.h"

#include <algorithm>
#include <cmath>

#include "platform/real_clock.h"

namespace tide::actuators {
namespace {

constexpr double kMaxBackoff = 5;  // seconds

}  // namespace

double BackoffDelay(double base, int retry) {
  if (retry < 1) return 0;
  const int doublings = std::min(retry - 1, 30);  // 2^30 * base is past any cap
  return std::min(base * std::ldexp(1.0, doublings), kMaxBackoff);
}

ActionResult ApplyWithRetries(int retries, double backoff_base,
                              const std::function<Attempt()>& attempt, std::stop_token stop) {
  ActionResult r;
  for (int n = 0;; ++n) {
    // Once shutdown began, no attempt starts; a backoff sleep ends at once.
    const bool stopped =
        n == 0 ? stop.stop_requested() : !platform::SleepFor(BackoffDelay(backoff_base, n), stop);
    if (stopped) {
      if (n == 0) {
        r.outcome = Outcome::kFailed;
        r.detail = "not attempted: tide is stopping";
      } else {
        r.detail += "; not retried: tide is stopping";
      }
      return r;
    }
    Attempt a = attempt();
    r.attempts = n + 1;
    r.outcome = a.outcome;
    r.detail = std::move(a.detail);
    if (r.outcome == Outcome::kApplied || n >= retries) return r;
  }
}

}  // namespace tide::actuators
