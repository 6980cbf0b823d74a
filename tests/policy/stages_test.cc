// Stages 3 and 4 on their own: stabilization windows and rate limits, with the worked
// examples of the Kubernetes HPA documentation ("Configurable scaling behavior").
#include <gtest/gtest.h>

#include <climits>

#include "policy/rate_limit.h"
#include "policy/stabilize.h"

namespace tide::policy {
namespace {

config::ScalingRules Rules(double window, std::vector<config::RatePolicy> p,
                           config::Select sel = config::Select::kMax) {
  return {window, std::move(p), sel, 0};
}

TEST(Stabilize, ScaleDownTakesHighestInWindow) {
  // Down window 300 s; recommendations 10 (t=0), 8 (t=60), 6 (t=120) with 10 running.
  const auto up = Rules(0, {});
  const auto down = Rules(300, {});
  std::deque<TimedRecommendation> h;
  EXPECT_EQ(Stabilize(up, down, 10, 10, 0, &h), 10);
  EXPECT_EQ(Stabilize(up, down, 10, 8, 60, &h), 10);
  EXPECT_EQ(Stabilize(up, down, 10, 6, 120, &h), 10);
  // t=300: the 10 of t=0 left the window (cutoff is exclusive) -> highest is 8.
  EXPECT_EQ(Stabilize(up, down, 10, 6, 300, &h), 8);
  EXPECT_EQ(Stabilize(up, down, 8, 6, 420, &h), 6);
}

TEST(Stabilize, ScaleUpTakesLowestInWindow) {
  const auto up = Rules(60, {});
  const auto down = Rules(0, {});
  std::deque<TimedRecommendation> h;
  EXPECT_EQ(Stabilize(up, down, 2, 2, 0, &h), 2);
  EXPECT_EQ(Stabilize(up, down, 2, 9, 30, &h), 2);   // the 2 at t=0 is still in the window
  EXPECT_EQ(Stabilize(up, down, 2, 9, 60, &h), 9);   // t=0 left: lowest is 9
}

TEST(Stabilize, ZeroWindowsPassThrough) {
  const auto r = Rules(0, {});
  std::deque<TimedRecommendation> h;
  EXPECT_EQ(Stabilize(r, r, 5, 9, 0, &h), 9);
  EXPECT_EQ(Stabilize(r, r, 9, 1, 1, &h), 1);
}

using RT = config::RateType;

TEST(RateLimit, HpaDocsScaleDownFourPodsOrTenPercent) {
  // HPA docs: policies {Pods 4 per 60 s, Percent 10 per 60 s}, select max; 80 replicas
  // scaling to 10: first 8 are removed (10 % > 4), then at 72 "10 % is 7.2, rounded up to 8".
  const auto down = Rules(0, {{RT::kUnits, 4, 60}, {RT::kPercent, 10, 60}});
  std::deque<ScaleEvent> ups, downs;
  EXPECT_EQ(ScaleDownLimit(down, 80, ups, downs, 0), 72);
  downs.push_back({0, -8});
  EXPECT_EQ(ScaleDownLimit(down, 72, ups, downs, 30), 72);  // same period: period start 80
  EXPECT_EQ(ScaleDownLimit(down, 72, ups, downs, 60), 64);  // new period: 72 - 8
  // Below 40 replicas the Pods policy allows more: 30 -> 26 (10 % would be 27).
  std::deque<ScaleEvent> none;
  EXPECT_EQ(ScaleDownLimit(down, 30, none, none, 0), 26);
}

TEST(RateLimit, HpaDefaultsScaleUp) {
  // HPA default: max(+100 %, +4) per 15 s. 1 unit -> 5 (4 > 100 %); 10 -> 20.
  const config::Behavior defaults;
  std::deque<ScaleEvent> none;
  EXPECT_EQ(ScaleUpLimit(defaults.scale_up, 1, none, none, 0), 5);
  EXPECT_EQ(ScaleUpLimit(defaults.scale_up, 10, none, none, 0), 20);
  // Default scale-down: -100 % per 15 s -> anything down to 0.
  EXPECT_EQ(ScaleDownLimit(defaults.scale_down, 10, none, none, 0), 0);
}

// A policy value past what an int holds saturates (a cast of 1e300 to long long was undefined).
TEST(RateLimit, HugePolicyValuesSaturate) {
  std::deque<ScaleEvent> none;
  EXPECT_EQ(ScaleUpLimit(Rules(0, {{RT::kUnits, 1e300, 15}}), 10, none, none, 0), INT_MAX);
  EXPECT_EQ(ScaleUpLimit(Rules(0, {{RT::kPercent, 1e300, 15}}), 10, none, none, 0), INT_MAX);
  EXPECT_EQ(ScaleDownLimit(Rules(0, {{RT::kUnits, 1e300, 15}}), 10, none, none, 0), 0);
  EXPECT_EQ(ScaleDownLimit(Rules(0, {{RT::kPercent, 1e300, 15}}), 10, none, none, 0), 0);
}

TEST(RateLimit, EventsInsidePeriodCountAgainstIt) {
  const auto up = Rules(0, {{RT::kUnits, 4, 60}});
  std::deque<ScaleEvent> ups{{0, 3}}, downs;
  // 3 added at t=0; at t=30 current 5: period start 2, limit 6.
  EXPECT_EQ(ScaleUpLimit(up, 5, ups, downs, 30), 6);
  // Added more than allowed by another path: never below current.
  ups.push_back({40, 10});
  EXPECT_EQ(ScaleUpLimit(up, 15, ups, downs, 50), 15);
}

TEST(RateLimit, SelectMinAndDisabled) {
  std::deque<ScaleEvent> none;
  const auto up_min = Rules(0, {{RT::kUnits, 4, 15}, {RT::kPercent, 100, 15}}, config::Select::kMin);
  EXPECT_EQ(ScaleUpLimit(up_min, 10, none, none, 0), 14);  // min(14, 20)
  const auto down_min = Rules(0, {{RT::kUnits, 4, 15}, {RT::kPercent, 50, 15}}, config::Select::kMin);
  EXPECT_EQ(ScaleDownLimit(down_min, 10, none, none, 0), 6);  // smallest change: max(6, 5)
  const auto off = Rules(0, {{RT::kUnits, 4, 15}}, config::Select::kDisabled);
  EXPECT_EQ(ScaleUpLimit(off, 10, none, none, 0), 10);
  EXPECT_EQ(ScaleDownLimit(off, 10, none, none, 0), 10);
}

TEST(RateLimit, PercentUpRoundsUp) {
  // +10 % of 3 = 3.3 -> ceil -> 4: a percent policy can always add at least one unit.
  const auto up = Rules(0, {{RT::kPercent, 10, 15}});
  std::deque<ScaleEvent> none;
  EXPECT_EQ(ScaleUpLimit(up, 3, none, none, 0), 4);
}

}  // namespace
}  // namespace tide::policy
