// SPEC RG elasticity figures on hand-worked examples.
#include "sim/elasticity.h"

#include <gtest/gtest.h>

#include <vector>

namespace tide::sim {
namespace {

struct Step {
  double dt;
  int demand, supply;
};

struct Case {
  const char* name;
  std::vector<Step> steps;
  ElasticityFigures expected;
};

class ElasticityTest : public testing::TestWithParam<Case> {};

TEST_P(ElasticityTest, MatchesHandWorkedFigures) {
  ElasticityAccumulator acc;
  for (const Step& s : GetParam().steps) acc.Add(s.dt, s.demand, s.supply);
  const ElasticityFigures got = acc.Finish();
  const ElasticityFigures& want = GetParam().expected;
  EXPECT_NEAR(got.theta_under, want.theta_under, 1e-9);
  EXPECT_NEAR(got.theta_over, want.theta_over, 1e-9);
  EXPECT_NEAR(got.tau_under, want.tau_under, 1e-9);
  EXPECT_NEAR(got.tau_over, want.tau_over, 1e-9);
  EXPECT_NEAR(got.instability, want.instability, 1e-9);
  EXPECT_DOUBLE_EQ(got.seconds, want.seconds);
}

// Six steps of 60 s, T = 360 s:
//   step  d  s   under (d-s)/max(d,1)  over (s-d)/max(d,1)  sgn Δs  sgn Δd  unstable
//   1     2  2   -                     -                    (first step: not compared)
//   2     4  2   2/4 = 0.5             -                    0       +       yes
//   3     4  4   -                     -                    +       0       yes
//   4     3  5   -                     2/3                  +       -       yes
//   5     0  3   -                     3/1 = 3 (d = 0 -> 1) -       -       no
//   6     0  3   -                     3                    0       0       no
// theta_U = 100/360 * 0.5*60            = 100 * 30/360  = 8.333...
// theta_O = 100/360 * (2/3 + 3 + 3)*60  = 100 * 400/360 = 111.111...
// tau_U   = 100/360 * 60  (step 2)      = 16.666...
// tau_O   = 100/360 * 180 (steps 4-6)   = 50
// instability = 100/(360 - 60) * 3*60   = 60
const Case kSixSteps{"SixStepsOfAMinute",
                     {{60, 2, 2}, {60, 4, 2}, {60, 4, 4}, {60, 3, 5}, {60, 0, 3}, {60, 0, 3}},
                     {100.0 * 30 / 360, 100.0 * 400 / 360, 100.0 * 60 / 360, 50, 60, 360}};

// Unequal steps weight by dt, and the first step's dt leaves the instability divisor:
//   step dt  d  s   under              over   sgn Δs  sgn Δd  unstable
//   1    100 1  3   -                  2/1*100 = 200
//   2    10  5  3   2/5*10 = 4         -       0       +       yes (10 s)
//   3    30  5  6   -                  1/5*30 = 6      +  0    yes (30 s)
//   4    60  2  2   -                  -       -       -       no
// T = 200: theta_U = 100*4/200 = 2, theta_O = 100*206/200 = 103, tau_U = 100*10/200 = 5,
// tau_O = 100*130/200 = 65, instability = 100*40/(200-100) = 40.
const Case kUnequal{"UnequalStepsWeightByTime",
                    {{100, 1, 3}, {10, 5, 3}, {30, 5, 6}, {60, 2, 2}},
                    {2, 103, 5, 65, 40, 200}};

INSTANTIATE_TEST_SUITE_P(
    Figures, ElasticityTest,
    testing::Values(
        kSixSteps, kUnequal, Case{"NoSteps", {}, {0, 0, 0, 0, 0, 0}},
        // One step: no change to compare, instability 0; 1 unit short of 4 -> 25 %.
        Case{"OneStep", {{60, 4, 3}}, {25, 0, 100, 0, 0, 60}},
        // Supply follows demand exactly, in the same step: perfect on every figure.
        Case{"PerfectTracking",
             {{60, 1, 1}, {60, 3, 3}, {60, 2, 2}, {60, 2, 2}},
             {0, 0, 0, 0, 0, 240}},
        // Zero demand divides by 1: 2 idle units over 60 s of 120 s -> 100 %.
        Case{"ZeroDemandDividesByOne", {{60, 0, 2}, {60, 0, 0}}, {0, 100, 0, 50, 100, 120}},
        // Supply one step late: every change is out of step with demand.
        Case{"OneStepLate",
             {{60, 1, 1}, {60, 2, 1}, {60, 1, 2}, {60, 1, 1}},
             {100.0 * 0.5 * 60 / 240, 100.0 * 60 / 240, 25, 25, 100, 240}}),
    [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tide::sim
