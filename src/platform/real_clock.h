// real_clock.h: the one place that reads the wall clock and sleeps for real. Loop drivers
// receive it as a tide::Clock&; everything else takes `now` as an argument.
#pragma once

#include <stop_token>

#include "core/clock.h"

namespace tide::platform {

// std::chrono::system_clock as seconds since the Unix epoch (UTC), with sub-second
// precision. Thread-safe. Not monotonic: it follows the system's time adjustments.
class RealClock : public Clock {
 public:
  double Now() const override;
};

// Blocks the calling thread for `seconds` (fractions allowed); non-positive returns at once.
void SleepFor(double seconds);

// As SleepFor, but ends as soon as `stop` is requested (at once when it already is). Returns
// false when it ended on `stop`, true after the full sleep. A token without a source (the
// default) never stops a sleep.
bool SleepFor(double seconds, std::stop_token stop);

}  // namespace tide::platform
