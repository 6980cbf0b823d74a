// The whole pipeline, Decide(), with a scripted clock: combine, missing data, fallback,
// burst mode, cooldowns, clamp and scheduled actions; and properties over random inputs.
#include "policy/pipeline.h"

#include <gtest/gtest.h>

#include <random>

#include "policy/explain.h"
#include "testing/groups.h"

namespace tide::policy {
namespace {

using testing::MakeGroup;
using testing::TargetTracking;
using testing::Unlimited;

Observation Ok(double v, double at) { return {v, kNaN, at, ObservationStatus::kOk}; }
Observation Failed(double at) { return {kNaN, kNaN, at, ObservationStatus::kFailed}; }

Decision Eval(const config::Group& g, GroupState& st, double now, int current,
             std::vector<Observation> obs, int ready = -1) {
  Inputs in{now, current, ready < 0 ? current : ready, obs};
  return Decide(g, in, st);
}

TEST(Pipeline, SeveralMetricsLargestProposalWins) {
  auto g = MakeGroup(1, 100, {"cpu", "rps"});
  g.behavior = Unlimited();
  g.policies = {TargetTracking(0, 0.5), TargetTracking(1, 100)};
  GroupState st;
  // cpu 0.75/0.5 x 4 = 6; rps 200/100 x 4 = 8 -> 8.
  Decision d = Eval(g, st, 0, 4, {Ok(0.75, 0), Ok(200, 0)});
  EXPECT_EQ(d.desired, 8);
  EXPECT_EQ(d.reason, Reason::kScaleUp);
  ASSERT_EQ(d.proposals.size(), 2u);
  EXPECT_EQ(d.proposals[0].desired, 6);
  EXPECT_EQ(d.proposals[1].desired, 8);
  EXPECT_NE(d.message.find("tt1 proposed 8"), std::string::npos) << d.message;
}

TEST(Pipeline, MissingMetricBlocksScaleInButNotScaleUp) {
  auto g = MakeGroup(1, 100, {"cpu", "rps"});
  g.behavior = Unlimited();
  g.policies = {TargetTracking(0, 0.5), TargetTracking(1, 100)};
  GroupState st;
  // rps failed; cpu wants scale-in (0.1/0.5 x 10 = 2) -> hold 10.
  Decision d = Eval(g, st, 0, 10, {Ok(0.1, 0), Failed(0)});
  EXPECT_EQ(d.desired, 10);
  EXPECT_EQ(d.reason, Reason::kMissingMetricsHold);
  EXPECT_EQ(d.limited_by, Stage::kCombine);
  // cpu wants scale-up (1.0/0.5 x 10 = 20) -> allowed despite the failed metric.
  d = Eval(g, st, 15, 10, {Ok(1.0, 15), Failed(15)});
  EXPECT_EQ(d.desired, 20);
}

TEST(Pipeline, NaNAndStaleAreMissing) {
  auto g = MakeGroup(1, 100);
  g.behavior = Unlimited();
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  EXPECT_EQ(Eval(g, st, 0, 10, {Ok(kNaN, 0)}).desired, 10);
  // Stale: measured 100 s ago with evaluation every 15 s (max age 45 s) -> held.
  Decision d = Eval(g, st, 100, 10, {Ok(0.05, 0)});
  EXPECT_EQ(d.desired, 10);
  EXPECT_EQ(d.reason, Reason::kMissingMetricsHold);
}

struct FallbackCase {
  const char* name;
  config::Fallback fallback;
  int replicas;
  int current;
  int want_after;  // desired at the 3rd consecutive failure
};

class FallbackTest : public ::testing::TestWithParam<FallbackCase> {};

TEST_P(FallbackTest, AppliesAfterNFailures) {
  const auto& c = GetParam();
  auto g = MakeGroup(0, 100);
  g.behavior = Unlimited();
  g.policies = {TargetTracking(0, 0.5)};
  g.on_missing_metrics = {3, c.fallback, c.replicas};
  GroupState st;
  Decision d = Eval(g, st, 0, c.current, {Failed(0)});
  EXPECT_EQ(d.desired, c.current);
  EXPECT_EQ(d.reason, Reason::kMissingMetricsHold);
  d = Eval(g, st, 15, c.current, {Failed(15)});
  EXPECT_EQ(d.desired, c.current);
  d = Eval(g, st, 30, c.current, {Failed(30)});
  EXPECT_EQ(d.reason, Reason::kFallback);
  EXPECT_EQ(d.consecutive_failures, 3);
  EXPECT_EQ(d.desired, c.want_after);
  // Recovery resets the count.
  d = Eval(g, st, 45, c.current, {Ok(0.5, 45)});
  EXPECT_EQ(d.consecutive_failures, 0);
  EXPECT_EQ(d.desired, c.current);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FallbackTest,
    ::testing::Values(FallbackCase{"Hold", config::Fallback::kHold, 0, 7, 7},
                      FallbackCase{"Fixed", config::Fallback::kFixed, 4, 7, 4},
                      FallbackCase{"CurrentIfHigherTakesReplicas", config::Fallback::kCurrentIfHigher, 12, 7, 12},
                      FallbackCase{"CurrentIfHigherKeepsCurrent", config::Fallback::kCurrentIfHigher, 5, 7, 7}),
    [](const auto& info) { return std::string(info.param.name); });

// When the scale-down window holds capacity above the fallback's recommendation, the
// message still says the recommendation is the fallback's (it named the window alone).
TEST(Pipeline, AWindowHoldingAboveTheFallbackSaysTheRecommendationIsTheFallbacks) {
  auto g = MakeGroup(1, 100);
  g.policies = {TargetTracking(0, 0.5)};
  g.on_missing_metrics = {2, config::Fallback::kFixed, 4};
  GroupState st;
  EXPECT_EQ(Eval(g, st, 0, 12, {Ok(0.5, 0)}).desired, 12);
  Eval(g, st, 15, 12, {Failed(15)});
  const Decision d = Eval(g, st, 30, 12, {Failed(30)});
  EXPECT_EQ(d.recommended, 4);
  EXPECT_EQ(d.desired, 12);
  EXPECT_EQ(d.reason, Reason::kScaleDownStabilized);
  EXPECT_EQ(
      d.message,
      "hold 12 (ScaleDownStabilized): fallback gives 4 after 2 consecutive evaluations with a "
      "failed metric; recommended 4, the 300s scale-down window holds 12");
}

TEST(Pipeline, NoDataYetHoldsWithoutCountingFailures) {
  auto g = MakeGroup(0, 10);
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  Inputs in{0, 2, 0, {}};
  std::vector<Observation> obs{{kNaN, kNaN, 0, ObservationStatus::kNoData}};
  in.metrics = obs;
  Decision d = Decide(g, in, st);
  EXPECT_EQ(d.desired, 2);
  EXPECT_EQ(d.reason, Reason::kNoData);
  EXPECT_EQ(d.consecutive_failures, 0);
}

TEST(Pipeline, DefaultBehaviorStabilizesScaleDownFor300s) {
  auto g = MakeGroup(1, 100);
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  EXPECT_EQ(Eval(g, st, 0, 10, {Ok(0.5, 0)}).desired, 10);
  Decision d = Eval(g, st, 15, 10, {Ok(0.1, 15)});  // wants 2
  EXPECT_EQ(d.desired, 10);
  EXPECT_EQ(d.reason, Reason::kScaleDownStabilized);
  EXPECT_EQ(d.limited_by, Stage::kStabilize);
  EXPECT_EQ(d.recommended, 2);
  // At t=300 the recommendation of t=0 (10) has left the window; t=15's 2 is the highest.
  for (double t = 30; t < 300; t += 15) EXPECT_EQ(Eval(g, st, t, 10, {Ok(0.1, t)}).desired, 10);
  EXPECT_EQ(Eval(g, st, 300, 10, {Ok(0.1, 300)}).desired, 2);
}

// As the HPA seeds a target's window with its current replicas (recordInitialRecommendation),
// the first decision's low reading waits out the scale-down window too: 5 running units are
// not dropped to 1 on the first evaluation, but after 300 s. A scale-up is not held.
TEST(Pipeline, TheFirstDecisionWaitsOutTheScaleDownWindowFromTheCurrentCapacity) {
  auto g = MakeGroup(0, 100);
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  Decision d = Eval(g, st, 0, 5, {Ok(0.1, 0)});  // wants 1
  EXPECT_EQ(d.recommended, 1);
  EXPECT_EQ(d.desired, 5);
  EXPECT_EQ(d.reason, Reason::kScaleDownStabilized);
  for (double t = 15; t < 300; t += 15) EXPECT_EQ(Eval(g, st, t, 5, {Ok(0.1, t)}).desired, 5) << t;
  EXPECT_EQ(Eval(g, st, 300, 5, {Ok(0.1, 300)}).desired, 1);

  GroupState fresh;
  EXPECT_EQ(Eval(g, fresh, 0, 5, {Ok(2.0, 0)}).desired, 10);  // up at once (no up window)
}

TEST(Pipeline, DefaultScaleUpRateLimit) {
  auto g = MakeGroup(1, 100);
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  // 2 units at 10x target want 20; HPA default allows max(+100 %, +4) = 6.
  Decision d = Eval(g, st, 0, 2, {Ok(5.0, 0)});
  EXPECT_EQ(d.desired, 6);
  EXPECT_EQ(d.reason, Reason::kScaleUpLimit);
  EXPECT_EQ(d.stabilized, 20);
  st.RecordScale(0, 2, 6);
  // 10 s later, same period: period start 2 -> still 6.
  d = Eval(g, st, 10, 6, {Ok(5.0, 10)}, 2);
  EXPECT_EQ(d.desired, 6);
  // 15 s later a new period: 6 -> 12.
  d = Eval(g, st, 15, 6, {Ok(5.0, 15)}, 2);
  EXPECT_EQ(d.desired, 12);
}

TEST(Pipeline, CooldownsPerDirection) {
  auto g = MakeGroup(1, 100);
  g.behavior = Unlimited();
  g.behavior.scale_up.cooldown = 60;
  g.behavior.scale_down.cooldown = 120;
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  EXPECT_EQ(Eval(g, st, 0, 4, {Ok(1.0, 0)}).desired, 8);
  st.RecordScale(0, 4, 8);
  Decision d = Eval(g, st, 30, 8, {Ok(1.0, 30)});
  EXPECT_EQ(d.desired, 8);
  EXPECT_EQ(d.reason, Reason::kScaleUpCooldown);
  EXPECT_EQ(Eval(g, st, 60, 8, {Ok(1.0, 60)}).desired, 16);
  st.RecordScale(60, 8, 16);
  // Scale-down waits 120 s after the last change in either direction.
  d = Eval(g, st, 150, 16, {Ok(0.1, 150)});
  EXPECT_EQ(d.reason, Reason::kScaleDownCooldown);
  EXPECT_EQ(d.desired, 16);
  EXPECT_EQ(Eval(g, st, 180, 16, {Ok(0.1, 180)}).desired, 4);
}

TEST(Pipeline, ClampToMinAndMax) {
  auto g = MakeGroup(3, 10);
  g.behavior = Unlimited();
  g.policies = {TargetTracking(0, 0.5)};
  GroupState st;
  Decision d = Eval(g, st, 0, 5, {Ok(5.0, 0)});
  EXPECT_EQ(d.desired, 10);
  EXPECT_EQ(d.reason, Reason::kTooManyUnits);
  d = Eval(g, st, 15, 5, {Ok(0.01, 15)});
  EXPECT_EQ(d.desired, 3);
  EXPECT_EQ(d.reason, Reason::kTooFewUnits);
}

// Proposals past INT_MAX saturate and are clamped to max: a tiny average-value target used to
// read as "no data" (the cast gave INT_MIN) and a step change of 2147483647 wrapped to a
// negative capacity, clamped up to min ("too few units").
TEST(Pipeline, ProposalsPastIntMaxScaleUpToMax) {
  auto g = MakeGroup(2, 40);
  g.behavior = Unlimited();
  g.policies = {TargetTracking(0, 1e-9, 0.1, config::TargetType::kAverageValue)};
  GroupState st;
  Decision d = Eval(g, st, 0, 6, {Ok(5.0, 0)});
  EXPECT_EQ(d.desired, 40);
  EXPECT_EQ(d.reason, Reason::kTooManyUnits);

  config::Policy step;
  step.name = "step";
  step.kind = config::PolicyKind::kStep;
  step.step.metric = 0;
  step.step.threshold = 0.5;
  config::StepAdjustment up;
  up.lower = 0;
  up.type = config::AdjustmentType::kChangeInCapacity;
  up.value = 2147483647;
  step.step.steps = {up};
  g.policies = {step};
  GroupState st2;
  d = Eval(g, st2, 0, 6, {Ok(0.9, 0)});
  EXPECT_EQ(d.desired, 40);
  EXPECT_EQ(d.reason, Reason::kTooManyUnits);
}

TEST(Pipeline, PanicScalesUpAndNeverDownUntilStable) {
  auto g = MakeGroup(1, 100);
  g.behavior = Unlimited();
  g.behavior.scale_down.stabilization_window = 0;
  g.behavior.panic = config::Panic{6, 2.0, 60};
  g.evaluation_interval = 2;
  g.policies = {TargetTracking(0, 0.5, 0.1)};
  GroupState st;
  auto obs = [](double stable, double panic, double at) {
    return Observation{stable, panic, at, ObservationStatus::kOk};
  };
  // Stable window still calm (0.5 = target) but the 6 s window at 2.0 -> 4 x 4 = 16 >= 2 x 4.
  Inputs in{0, 4, 4, {}};
  std::vector<Observation> o{obs(0.5, 2.0, 0)};
  in.metrics = o;
  Decision d = Decide(g, in, st);
  EXPECT_TRUE(d.in_panic);
  EXPECT_EQ(d.desired, 16);
  EXPECT_EQ(d.reason, Reason::kPanic);
  // Burst over: stable view wants 2, but in panic capacity never decreases.
  o = {obs(0.25, 0.25, 10)};
  in = Inputs{10, 16, 16, o};
  d = Decide(g, in, st);
  EXPECT_TRUE(d.in_panic);
  EXPECT_EQ(d.desired, 16);
  // 60 s after the last over-threshold evaluation panic ends and scale-in proceeds.
  in.now = 61;
  o = {obs(0.25, 0.25, 61)};
  d = Decide(g, in, st);
  EXPECT_FALSE(d.in_panic);
  EXPECT_EQ(d.desired, 8);
}

TEST(Pipeline, ScheduledOneTimeActionRaisesMinAndSetsDesired) {
  auto g = MakeGroup(1, 20);
  g.behavior = Unlimited();
  config::Policy sched;
  sched.name = "launch";
  sched.kind = config::PolicyKind::kScheduled;
  sched.scheduled.at = 1000;
  sched.scheduled.min = 5;
  sched.scheduled.desired = 8;
  g.policies = {TargetTracking(0, 0.5), sched};
  GroupState st;
  EXPECT_EQ(Eval(g, st, 990, 2, {Ok(0.5, 990)}).desired, 2);
  Decision d = Eval(g, st, 1005, 2, {Ok(0.5, 1005)});
  EXPECT_EQ(d.desired, 8);
  EXPECT_EQ(d.reason, Reason::kScheduledDesired);
  EXPECT_EQ(d.min, 5);
  EXPECT_NE(d.message.find("launch"), std::string::npos) << d.message;
  // Later the policy wants 1 but the scheduled min 5 stays in force.
  d = Eval(g, st, 1020, 8, {Ok(0.01, 1020)});
  EXPECT_EQ(d.desired, 5);
  EXPECT_EQ(d.reason, Reason::kTooFewUnits);
}

TEST(Pipeline, ScheduledCronReplaysBoundsAtStart) {
  auto g = MakeGroup(1, 20);
  g.behavior = Unlimited();
  auto cron = calendar::CronSchedule::Parse("0 8 * * *", "UTC");
  ASSERT_TRUE(cron.ok()) << cron.status().message();
  config::Policy sched;
  sched.name = "morning";
  sched.kind = config::PolicyKind::kScheduled;
  sched.scheduled.cron = std::make_shared<calendar::CronSchedule>(*cron);
  sched.scheduled.min = 6;
  g.policies = {TargetTracking(0, 0.5), sched};
  GroupState st;
  // 1970-01-02 10:00 UTC: the 08:00 action fired two hours before the first evaluation.
  const double ten = 86400 + 10 * 3600;
  Decision d = Eval(g, st, ten, 2, {Ok(0.5, ten)});
  EXPECT_EQ(d.min, 6);
  EXPECT_EQ(d.desired, 6);
}

// A reload (or a restart on the stored state) with an edited cron time: the kept state starts
// over from the actions as they now are. It used to keep the old next firing (here 2027), so
// the every-minute action never fired while the outlook listed it every minute.
TEST(Pipeline, AnEditedScheduleTakesEffectOnTheKeptState) {
  auto g = MakeGroup(1, 20);
  g.behavior = Unlimited();
  auto yearly = calendar::CronSchedule::Parse("0 0 1 1 *", "UTC");
  auto minutely = calendar::CronSchedule::Parse("* * * * *", "UTC");
  ASSERT_TRUE(yearly.ok() && minutely.ok());
  config::Policy sched;
  sched.name = "burst";
  sched.kind = config::PolicyKind::kScheduled;
  sched.scheduled.cron = std::make_shared<calendar::CronSchedule>(*yearly);
  sched.scheduled.desired = 4;
  g.policies = {TargetTracking(0, 0.5), sched};
  GroupState st;
  const double t0 = 86400 * 100 + 30;  // not on a minute: nothing due at the first evaluation
  EXPECT_EQ(Eval(g, st, t0, 1, {Ok(0.5, t0)}).desired, 1);
  g.policies[1].scheduled.cron = std::make_shared<calendar::CronSchedule>(*minutely);
  EXPECT_EQ(Eval(g, st, t0 + 10, 1, {Ok(0.5, t0 + 10)}).desired,
            1);  // starts over; next firing t0 + 30
  Decision d = Eval(g, st, t0 + 40, 1, {Ok(0.5, t0 + 40)});
  EXPECT_EQ(d.desired, 4);
  EXPECT_EQ(d.reason, Reason::kScheduledDesired);
  // The same actions again: the state is kept (no replay, no second firing at the same minute).
  EXPECT_NE(Eval(g, st, t0 + 50, 4, {Ok(0.5, t0 + 50)}).reason, Reason::kScheduledDesired);
}

// The policy description (simulate's report, tide explain) names a cron action's time zone:
// "0 7 * * 1-5" in America/New_York read as UTC was five hours off.
TEST(Pipeline, TheDescriptionOfACronActionNamesItsZone) {
  auto g = MakeGroup(1, 20);
  auto cron = calendar::CronSchedule::Parse("0 7 * * 1-5", "America/New_York");
  ASSERT_TRUE(cron.ok()) << cron.status().message();
  config::Policy sched;
  sched.name = "weekday-morning";
  sched.kind = config::PolicyKind::kScheduled;
  sched.scheduled.cron = std::make_shared<calendar::CronSchedule>(*cron);
  sched.scheduled.min = 12;
  g.policies = {sched};
  const std::string d = DescribeGroup(g);
  EXPECT_NE(d.find("policy weekday-morning: scheduled cron 0 7 * * 1-5 (America/New_York) min=12"),
            std::string::npos)
      << d;
}

// Scheduled min and max that conflict: the one set later wins, as the later action would in
// AWS. A min 7 set at 1000 and a max 3 set at 2000 used to keep 7 (the min always lifted max).
TEST(Pipeline, TheLaterOfConflictingScheduledBoundsWins) {
  for (bool max_later : {true, false}) {
    SCOPED_TRACE(max_later);
    auto g = MakeGroup(1, 20);
    g.behavior = Unlimited();
    config::Policy lo, hi;
    lo.name = "cap";
    lo.kind = hi.kind = config::PolicyKind::kScheduled;
    hi.name = "floor";
    hi.scheduled.min = 7;
    lo.scheduled.max = 3;
    hi.scheduled.at = max_later ? 1000 : 2000;
    lo.scheduled.at = max_later ? 2000 : 1000;
    g.policies = {TargetTracking(0, 0.5), hi, lo};
    GroupState st;
    Eval(g, st, 500, 2, {Ok(0.5, 500)});
    Eval(g, st, 1500, 2, {Ok(0.5, 1500)});
    Decision d = Eval(g, st, 2500, 5, {Ok(0.5, 2500)});
    if (max_later) {
      EXPECT_EQ(d.max, 3);
      EXPECT_EQ(d.min, 3);
      EXPECT_EQ(d.desired, 3);
    } else {
      EXPECT_EQ(d.min, 7);
      EXPECT_EQ(d.max, 7);
      EXPECT_EQ(d.desired, 7);
    }
  }
}

// An action due at the very instant of the first evaluation fires whole: a simulation from
// midnight with a midnight action used to apply its min and max but drop its desired.
TEST(Pipeline, AnActionDueAtTheFirstEvaluationSetsItsDesired) {
  auto g = MakeGroup(1, 20);
  g.behavior = Unlimited();
  config::Policy sched;
  sched.name = "open";
  sched.kind = config::PolicyKind::kScheduled;
  sched.scheduled.at = 1000;
  sched.scheduled.desired = 5;
  g.policies = {TargetTracking(0, 0.5), sched};
  GroupState st;
  Decision d = Eval(g, st, 1000, 1, {Ok(0.5, 1000)});
  EXPECT_EQ(d.desired, 5);
  EXPECT_EQ(d.reason, Reason::kScheduledDesired);
  // One that fired before the first evaluation stays a past one-time order: not replayed.
  GroupState later;
  EXPECT_EQ(Eval(g, later, 1001, 1, {Ok(0.5, 1001)}).desired, 1);
}

// Properties over random inputs (seeded): capacity stays in [min, max]; a missing metric
// never lowers capacity unless a fixed fallback is configured; runs are deterministic.
TEST(PipelineProperty, BoundsAndNoScaleInOnMissingData) {
  for (int seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> util(0, 3);
    std::uniform_int_distribution<int> coin(0, 5);
    auto g = MakeGroup(2, 40, {"cpu", "rps"});
    if (seed % 2) g.behavior = Unlimited();
    g.policies = {TargetTracking(0, 0.6), TargetTracking(1, 50)};
    GroupState st;
    int current = 2;
    for (int k = 0; k < 500; ++k) {
      const double now = k * 15.0;
      std::vector<Observation> obs{Ok(util(rng), now), Ok(util(rng) * 100, now)};
      const bool missing = coin(rng) == 0;
      if (missing) obs[coin(rng) % 2] = Failed(now);
      Decision d = Eval(g, st, now, current, obs);
      ASSERT_GE(d.desired, 2) << "seed " << seed << " step " << k;
      ASSERT_LE(d.desired, 40) << "seed " << seed << " step " << k;
      if (missing) {
        ASSERT_GE(d.desired, current) << "scale-in on missing data: " << d.message;
      }
      if (d.desired != current) st.RecordScale(now, current, d.desired);
      current = d.desired;
    }
  }
}

TEST(PipelineProperty, Deterministic) {
  auto run = [] {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> util(0, 2);
    auto g = MakeGroup(1, 50);
    g.policies = {TargetTracking(0, 0.5)};
    GroupState st;
    int current = 1;
    std::vector<int> out;
    for (int k = 0; k < 300; ++k) {
      Decision d = Eval(g, st, k * 15.0, current, {Ok(util(rng), k * 15.0)});
      if (d.desired != current) st.RecordScale(k * 15.0, current, d.desired);
      current = d.desired;
      out.push_back(current);
    }
    return out;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace tide::policy
