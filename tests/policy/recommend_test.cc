// Stage 1: target tracking and step scaling proposals, with the worked examples of the
// Kubernetes HPA and AWS EC2 Auto Scaling documentation named in the cases.
#include "policy/recommend.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>

namespace tide::policy {
namespace {

TEST(SaturateUnits, ClampsEveryDoubleIntoZeroToIntMax) {
  EXPECT_EQ(SaturateUnits(3), 3);
  EXPECT_EQ(SaturateUnits(3.7), 3);  // toward zero: callers pass ceil or floor
  EXPECT_EQ(SaturateUnits(0), 0);
  EXPECT_EQ(SaturateUnits(-5), 0);
  EXPECT_EQ(SaturateUnits(2147483647.0), INT_MAX);
  EXPECT_EQ(SaturateUnits(2147483648.0), INT_MAX);
  EXPECT_EQ(SaturateUnits(1e300), INT_MAX);
  EXPECT_EQ(SaturateUnits(INFINITY), INT_MAX);
  EXPECT_EQ(SaturateUnits(-INFINITY), 0);
  EXPECT_EQ(SaturateUnits(NAN), 0);
}

config::TargetTracking TT(double target, double tol_up = 0.1, double tol_down = 0.1,
                          config::TargetType type = config::TargetType::kValue) {
  config::TargetTracking p;
  p.metric = 0;
  p.target = target;
  p.target_type = type;
  p.tolerance = {tol_up, tol_down};
  return p;
}

struct TTCase {
  const char* name;
  config::TargetTracking policy;
  double value;
  int current, ready;
  int want;
};

class TargetTrackingTest : public ::testing::TestWithParam<TTCase> {};

TEST_P(TargetTrackingTest, Proposes) {
  const TTCase& c = GetParam();
  EXPECT_EQ(TargetTrackingDesired(c.policy, c.value, c.current, c.ready), c.want) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TargetTrackingTest,
    ::testing::Values(
        // HPA docs "Algorithm details": current 200m, desired 100m -> replicas doubled.
        TTCase{"HpaDocsDoubleAt200mOf100m", TT(100), 200, 2, 2, 4},
        // HPA docs: current 50m, desired 100m -> replicas halved.
        TTCase{"HpaDocsHalveAt50mOf100m", TT(100), 50, 4, 4, 2},
        // HPA docs: ratio within the 0.1 tolerance -> no change.
        TTCase{"HpaDocsWithinTolerance", TT(100), 108, 5, 5, 5},
        TTCase{"JustOutsideToleranceUp", TT(0.5), 0.56, 10, 10, 12},    // ceil(10 x 1.12) = 12
        TTCase{"ToleranceUpOnly", TT(0.5, 0.5, 0.0), 0.7, 10, 10, 10},  // 1.4 within +0.5
        TTCase{"ToleranceDownOnly", TT(0.5, 0.0, 0.0), 0.45, 10, 10, 9},
        TTCase{"ExactTargetNoNoise", TT(0.6), 0.6, 3, 3, 3},
        // Units booting: 5 ready of 10 ordered at 0.9 vs 0.6 -> ceil(5 x 1.5) = 8 < 10: keep 10.
        TTCase{"BootingUnitsNeverScaleIn", TT(0.6), 0.9, 10, 5, 10},
        TTCase{"BootingUnitsStillScaleOut", TT(0.5), 1.0, 10, 8, 16},
        TTCase{"NoReadyUnitIsNoData", TT(0.5), 0.9, 3, 0, -1},
        // Average value: total 500 rps at 100 per unit -> 5 units, whatever runs now.
        TTCase{"AverageValueTotal", TT(100, 0.1, 0.1, config::TargetType::kAverageValue), 500, 2, 2,
               5},
        TTCase{"AverageValueFromZero", TT(100, 0.1, 0.1, config::TargetType::kAverageValue), 30, 0,
               0, 1},
        TTCase{"AverageValueZeroLoadZeroUnits",
               TT(100, 0.1, 0.1, config::TargetType::kAverageValue), 0, 0, 0, 0},
        // 4 units at 100 each = 400; total 420 is ratio 1.05 -> within tolerance, keep 4.
        TTCase{"AverageValueWithinTolerance", TT(100, 0.1, 0.1, config::TargetType::kAverageValue),
               420, 4, 4, 4},
        // Past INT_MAX units the proposal saturates (a plain cast gave INT_MIN, read as "no data").
        TTCase{"AverageValueTinyTargetSaturates",
               TT(1e-9, 0.1, 0.1, config::TargetType::kAverageValue), 5, 2, 2, INT_MAX},
        TTCase{"AverageValueHugeLoadSaturates", TT(1, 0.1, 0.1, config::TargetType::kAverageValue),
               1e15, 2, 2, INT_MAX},
        TTCase{"ValueFormHugeRatioSaturates", TT(1e-300), 0.5, 4, 4, INT_MAX}),
    [](const auto& info) { return std::string(info.param.name); });

config::StepScaling Steps(double threshold, std::vector<config::StepAdjustment> steps) {
  config::StepScaling s;
  s.metric = 0;
  s.threshold = threshold;
  s.steps = std::move(steps);
  return s;
}

config::StepAdjustment Adj(std::optional<double> lo, std::optional<double> hi,
                           config::AdjustmentType type, double v, int min_mag = 0) {
  config::StepAdjustment a;
  a.lower = lo;
  a.upper = hi;
  a.type = type;
  a.value = v;
  a.min_magnitude = min_mag;
  return a;
}

using AT = config::AdjustmentType;

// AWS docs "Step and simple scaling policies", example: alarm threshold 50 % CPU,
// scale-out steps [0,10) +0 %, [10,20) +10 %, [20,inf) +30 %; scale-in steps
// (-10,0] 0 %, (-20,-10] -10 %, (-inf,-20] -30 %; current capacity 10.
config::StepScaling AwsDocsPolicy() {
  return Steps(50, {Adj(0, 10, AT::kPercentChangeInCapacity, 0),
                    Adj(10, 20, AT::kPercentChangeInCapacity, 10),
                    Adj(20, std::nullopt, AT::kPercentChangeInCapacity, 30),
                    Adj(-10, 0, AT::kPercentChangeInCapacity, 0),
                    Adj(-20, -10, AT::kPercentChangeInCapacity, -10),
                    Adj(std::nullopt, -20, AT::kPercentChangeInCapacity, -30)});
}

struct StepCase {
  const char* name;
  config::StepScaling policy;
  double value;
  int current;
  int want;
};

class StepTest : public ::testing::TestWithParam<StepCase> {};

TEST_P(StepTest, Proposes) {
  const StepCase& c = GetParam();
  EXPECT_EQ(StepDesired(c.policy, c.value, c.current), c.want) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StepTest,
    ::testing::Values(
        StepCase{"AwsDocs55PercentNoChange", AwsDocsPolicy(), 55, 10, 10},
        StepCase{"AwsDocs60PercentPlus10", AwsDocsPolicy(), 60, 10, 11},  // 10 % of 10 = 1
        StepCase{"AwsDocs75PercentPlus30", AwsDocsPolicy(), 75, 10, 13},  // 30 % of 10 = 3
        StepCase{"AwsDocs85PercentPlus30", AwsDocsPolicy(), 85, 10, 13},
        // Below the threshold the upper bound is inclusive: 40 is in (30, 40] -> -10 %.
        StepCase{"AwsDocs40PercentUpperInclusiveBelow", AwsDocsPolicy(), 40, 10, 9},
        StepCase{"AwsDocs45PercentNoChange", AwsDocsPolicy(), 45, 10, 10},
        StepCase{"AwsDocs35PercentMinus10", AwsDocsPolicy(), 35, 10, 9},
        StepCase{"AwsDocs25PercentMinus30", AwsDocsPolicy(), 25, 10, 7},
        StepCase{"LowerBoundInclusiveAbove", AwsDocsPolicy(), 60, 10, 11},  // x = 10 is in [10,20)
        StepCase{"ChangeInUnits", Steps(100, {Adj(0, 400, AT::kChangeInCapacity, 2)}), 250, 4, 6},
        StepCase{"OutsideEveryStepNoProposal", Steps(100, {Adj(0, 400, AT::kChangeInCapacity, 2)}),
                 50, 4, -1},
        StepCase{"ExactCapacity", Steps(100, {Adj(0, std::nullopt, AT::kExactCapacity, 20)}), 500,
                 4, 20},
        StepCase{"PercentWithMinMagnitude",
                 Steps(100, {Adj(400, std::nullopt, AT::kPercentChangeInCapacity, 50, 4)}), 600, 4,
                 8},
        StepCase{"NeverBelowZero", Steps(10, {Adj(std::nullopt, 0, AT::kChangeInCapacity, -5)}), 0,
                 2, 0},
        // current + change past INT_MAX saturates instead of wrapping to a negative capacity.
        StepCase{"HugeChangeSaturates",
                 Steps(10, {Adj(0, std::nullopt, AT::kChangeInCapacity, 2147483647)}), 20, 2,
                 INT_MAX},
        StepCase{"HugeNegativeChangeIsZero",
                 Steps(10, {Adj(std::nullopt, 0, AT::kChangeInCapacity, -1e300)}), 0, 2, 0},
        StepCase{"HugeExactSaturates", Steps(10, {Adj(0, std::nullopt, AT::kExactCapacity, 1e15)}),
                 20, 2, INT_MAX},
        StepCase{"HugePercentSaturates",
                 Steps(10, {Adj(0, std::nullopt, AT::kPercentChangeInCapacity, 1e300)}), 20, 2,
                 INT_MAX}),
    [](const auto& info) { return std::string(info.param.name); });

struct PercentCase {
  const char* name;
  double percent;
  int current, min_magnitude, want;
};

class StepPercentTest : public ::testing::TestWithParam<PercentCase> {};

TEST_P(StepPercentTest, RoundsLikeAws) {
  const PercentCase& c = GetParam();
  EXPECT_EQ(StepPercentUnits(c.percent, c.current, c.min_magnitude), c.want) << c.name;
}

// AWS docs "Scaling adjustment types": PercentChangeInCapacity values > 1 are rounded down,
// between 0 and 1 to 1, between -1 and 0 to -1, < -1 rounded up (toward zero).
INSTANTIATE_TEST_SUITE_P(
    Cases, StepPercentTest,
    ::testing::Values(PercentCase{"AwsDocsPlus25Of10Is2", 25, 10, 0, 2},          // 2.5 -> 2
                      PercentCase{"AwsDocsMinus25Of10IsMinus2", -25, 10, 0, -2},  // -2.5 -> -2
                      PercentCase{"SmallPositiveIsOne", 10, 3, 0, 1},             // 0.3 -> 1
                      PercentCase{"SmallNegativeIsMinusOne", -10, 3, 0, -1},      // -0.3 -> -1
                      PercentCase{"MinMagnitudeRaises", 10, 10, 3, 3},            // 1 -> 3
                      PercentCase{"MinMagnitudeNegative", -10, 10, 3, -3},
                      PercentCase{"ZeroStaysZero", 0, 10, 3, 0},
                      // AWS docs: 25 % of 4 instances is 1, but MinAdjustmentMagnitude 2 -> 2.
                      PercentCase{"AwsDocsMinMagnitude2", 25, 4, 2, 2},
                      PercentCase{"HugeSaturates", 1e300, 4, 0, INT_MAX},
                      PercentCase{"HugeNegativeSaturates", -1e300, 4, 0, -INT_MAX}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tide::policy
