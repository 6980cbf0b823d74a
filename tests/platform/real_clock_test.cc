// RealClock reads the system clock as epoch seconds; SleepFor blocks for about that long.
#include "platform/real_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

namespace tide::platform {
namespace {

TEST(RealClock, EpochSecondsWithFractions) {
  RealClock clock;
  const double before = static_cast<double>(std::time(nullptr));
  const double now = clock.Now();
  EXPECT_GE(now, before);
  EXPECT_LT(now, before + 2);
  EXPECT_GT(now, 1.6e9);  // after 2020
}

TEST(RealClock, SleepForWaitsAtLeastTheDuration) {
  RealClock clock;
  const auto start = std::chrono::steady_clock::now();
  SleepFor(0.05);
  const double slept =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(slept, 0.05);
  EXPECT_LT(slept, 1.0);
  SleepFor(0);  // returns at once
  SleepFor(-1);
}

}  // namespace
}  // namespace tide::platform
