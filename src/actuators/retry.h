// retry.h: the retry loop every actuator shares. One attempt is a value (outcome and detail);
// the loop retries failed and timed-out attempts with doubling backoff.
#pragma once

#include <functional>
#include <stop_token>
#include <string>

#include "actuators/actuator.h"

namespace tide::actuators {

struct Attempt {
  Outcome outcome = Outcome::kApplied;  // kApplied ends the loop; kFailed and kTimedOut retry
  std::string detail;
};

// Seconds to wait before retry number `retry` (1-based): base * 2^(retry-1), at most 5 s.
// With base 0.5: 0.5, 1, 2, 4, 5, 5, ...
double BackoffDelay(double base, int retry);

// Runs `attempt` once, then up to `retries` more times while it does not apply, sleeping
// BackoffDelay(backoff_base, n) before retry n. The result carries the number of attempts and
// the outcome and detail of the last one. Once `stop` is requested no attempt starts: the
// backoff sleep ends at once and the last outcome stands, its detail followed by "; not
// retried: tide is stopping" (requested before the first attempt: kFailed, 0 attempts,
// "not attempted: tide is stopping"). The attempt in flight is not interrupted here.
// REQUIRES: retries >= 0.
ActionResult ApplyWithRetries(int retries, double backoff_base,
                              const std::function<Attempt()>& attempt, std::stop_token stop = {});

}  // namespace tide::actuators
