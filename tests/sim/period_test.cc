// The period figures shared by `tide simulate` and `tide report`, on hand-worked steps.
#include "sim/period.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tide::sim {
namespace {

TEST(PeriodFigures, CostsEpisodesAndTimesOnAWorkedExample) {
  // Price 3.6 per unit-hour = 0.001 per unit-second. Steps of 10 s:
  //   demand  2 2 4 4 1 1
  //   supply  2 3 3 3 3 1   -> exact, over, under, under, over, exact
  //   provisioned = supply + 1 (one unit booting or draining throughout)
  PeriodAccumulator acc(3.6);
  const int demand[] = {2, 2, 4, 4, 1, 1};
  const int supply[] = {2, 3, 3, 3, 3, 1};
  for (int i = 0; i < 6; ++i) acc.AddStep(10, demand[i], supply[i], supply[i] + 1, 0.5);
  acc.AddScaling(true, 30);
  acc.AddScaling(true, 50);
  acc.AddScaling(true, NAN);  // never became ready: counted, not averaged
  acc.AddScaling(false, 2);
  const PeriodFigures f = acc.Finish();
  EXPECT_DOUBLE_EQ(f.seconds, 60);
  // provisioned unit-seconds: (3+4+4+4+4+2) x 10 = 210 -> 0.21
  EXPECT_NEAR(f.cost, 0.21, 1e-12);
  // demand unit-seconds: (2+2+4+4+1+1) x 10 = 140 -> 0.14
  EXPECT_NEAR(f.oracle_cost, 0.14, 1e-12);
  // peak demand 4 for 60 s -> 0.24
  EXPECT_NEAR(f.static_peak_cost, 0.24, 1e-12);
  EXPECT_NEAR(f.savings_vs_static_peak, 0.03, 1e-12);
  EXPECT_NEAR(f.savings_vs_static_peak_percent, 12.5, 1e-9);
  EXPECT_NEAR(f.excess_over_oracle, 0.07, 1e-12);
  EXPECT_NEAR(f.excess_over_oracle_percent, 50, 1e-9);
  EXPECT_EQ(f.under_provisioning_events, 1);  // steps 3-4, one run
  EXPECT_EQ(f.over_provisioning_events, 2);   // step 2, and step 5
  EXPECT_EQ(f.scale_ups, 3);
  EXPECT_EQ(f.scale_downs, 1);
  EXPECT_DOUBLE_EQ(f.mean_time_to_scale_up, 40);
  EXPECT_DOUBLE_EQ(f.mean_time_to_scale_down, 2);
  EXPECT_DOUBLE_EQ(f.mean_utilization, 0.5);
  EXPECT_EQ(f.peak_demand, 4);
  EXPECT_NEAR(f.mean_demand, 14.0 / 6, 1e-12);
  // SPEC: tau_U = 20 s of 60 = 33.3 %; tau_O = 20 s of 60.
  EXPECT_NEAR(f.elasticity.tau_under, 100.0 / 3, 1e-9);
  EXPECT_NEAR(f.elasticity.tau_over, 100.0 / 3, 1e-9);
}

TEST(PeriodFigures, NoChangesMeansNoTimes) {
  PeriodAccumulator acc(1);
  acc.AddStep(1, 1, 1, 1, NAN);
  const PeriodFigures f = acc.Finish();
  EXPECT_TRUE(std::isnan(f.mean_time_to_scale_up));
  EXPECT_TRUE(std::isnan(f.mean_time_to_scale_down));
  EXPECT_EQ(f.under_provisioning_events, 0);
  EXPECT_EQ(f.over_provisioning_events, 0);
  EXPECT_EQ(f.mean_utilization, 0);
}

}  // namespace
}  // namespace tide::sim
