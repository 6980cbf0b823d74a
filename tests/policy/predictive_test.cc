// The predictive policy inside the pipeline, on a synthetic daily square wave whose forecast
// (seasonal naive, daily) is exact: provisioning ahead of the morning step, the launch lead,
// the cap per decision, the scale-in guard, forecast_only, max_capacity_breach, the circuit
// breaker and the forecast as fallback when the metric fails.
#include <gtest/gtest.h>

#include "policy/pipeline.h"
#include "testing/groups.h"

namespace tide::policy {
namespace {

// 100 req/s from 08:00 to 20:00 UTC, 10 req/s otherwise.
double Load(double t) {
  const double h = std::fmod(t, 86400.0) / 3600.0;
  return h >= 8 && h < 20 ? 100 : 10;
}

config::Group PredictiveGroup() {
  auto g = testing::MakeGroup(1, 100, {"rps"});
  g.behavior = testing::Unlimited();
  g.evaluation_interval = 60;
  g.model.capacity_per_unit = 10;
  g.model.startup = 300;
  config::Policy p;
  p.name = "forecast";
  p.kind = config::PolicyKind::kPredictive;
  p.predictive.metric = 0;
  p.predictive.target = 0.8;
  p.predictive.quantile = 0.5;  // the mean: exact here (intervals widen while history is short)
  p.predictive.model = "seasonal_naive_daily";
  p.predictive.max_change = 100;  // no cap unless a test sets one
  g.policies = {p};
  return g;
}

struct Replay {
  explicit Replay(config::Group group) : g(std::move(group)) {}
  config::Group g;
  GroupState st;
  int current = 2;
  Decision d;
  // Decides every 60 s over [from, to) with the square wave (or `value` when given).
  void Until(double from, double to, std::optional<double> value = std::nullopt,
             ObservationStatus status = ObservationStatus::kOk) {
    for (double t = from; t < to; t += 60) {
      std::vector<Observation> obs{{value.value_or(Load(t)), kNaN, t, status}};
      Inputs in{t, current, current, obs};
      Decide(g, in, st, &d);
      if (d.desired != current) st.RecordScale(t, current, d.desired);
      current = d.desired;
    }
  }
};

TEST(Predictive, LearnsForADayThenProvisionsAheadOfTheMorningStep) {
  Replay r{PredictiveGroup()};
  r.Until(0, 86400);
  EXPECT_EQ(r.current, 2);  // no reactive policy, no forecast yet: holds
  EXPECT_NE(r.d.proposals[0].note.find("learning"), std::string::npos) << r.d.proposals[0].note;
  r.Until(86400, 86400 + 7.5 * 3600);  // day 2 until 07:30
  EXPECT_EQ(r.current, 2);
  // 07:55 + startup 300 s reaches 08:00: lead = 300 + 300 s, so from 07:50 the forecast sees
  // 100 req/s -> ceil(100 / (0.8 x 10)) = 13 units, ready by 08:00.
  r.Until(86400 + 7.5 * 3600, 86400 + 7 * 3600 + 50 * 60);
  EXPECT_EQ(r.current, 2) << r.d.message;
  r.Until(86400 + 7 * 3600 + 50 * 60, 86400 + 7 * 3600 + 51 * 60);
  EXPECT_EQ(r.current, 13) << r.d.message;
  EXPECT_EQ(r.d.reason, Reason::kScaleUp);
  EXPECT_NE(r.d.message.find("forecast proposed 13"), std::string::npos) << r.d.message;
}

TEST(Predictive, NeverScalesInUnlessTheGuardAllowsIt) {
  Replay r{PredictiveGroup()};
  r.Until(0, 86400 + 21 * 3600);  // day 2, 21:00: forecast 10 req/s -> 2 units < 13
  EXPECT_EQ(r.current, 13);
  EXPECT_FALSE(r.d.proposals[0].active);
  EXPECT_NE(r.d.proposals[0].note.find("scale-in is off"), std::string::npos) << r.d.proposals[0].note;

  Replay guarded{PredictiveGroup()};
  guarded.g.policies[0].predictive.scale_in = true;
  guarded.Until(0, 86400 + 21 * 3600);
  EXPECT_EQ(guarded.current, 2);
}

TEST(Predictive, CapsTheChangePerDecision) {
  Replay r{PredictiveGroup()};
  r.g.policies[0].predictive.max_change = 0.5;
  r.Until(0, 86400 + 7 * 3600 + 51 * 60);
  EXPECT_EQ(r.current, 3);  // 2 + ceil(0.5 x 2)
  r.Until(86400 + 7 * 3600 + 51 * 60, 86400 + 7 * 3600 + 52 * 60);
  EXPECT_EQ(r.current, 5);  // 3 + ceil(1.5)
}

TEST(Predictive, ForecastOnlyRecordsWithoutScaling) {
  Replay r{PredictiveGroup()};
  r.g.policies[0].predictive.scale = false;
  r.Until(0, 86400 + 9 * 3600);
  EXPECT_EQ(r.current, 2);
  EXPECT_EQ(r.d.proposals[0].desired, 13);
  EXPECT_FALSE(r.d.proposals[0].active);
  EXPECT_NE(r.d.proposals[0].note.find("forecast_only"), std::string::npos);
}

TEST(Predictive, MaxCapacityBreachHonorOrIncrease) {
  Replay honor{PredictiveGroup()};
  honor.g.capacity.max = 10;
  honor.Until(0, 86400 + 9 * 3600);
  EXPECT_EQ(honor.current, 10);
  Replay increase{PredictiveGroup()};
  increase.g.capacity.max = 10;
  increase.g.policies[0].predictive.breach_increase = true;
  increase.g.policies[0].predictive.breach_buffer = 20;
  increase.Until(0, 86400 + 9 * 3600);
  EXPECT_EQ(increase.current, 12);  // max 10 + 20 %
}

TEST(Predictive, BreakerOpensOnForecastErrorAndClosesWhenAccurate) {
  Replay r{PredictiveGroup()};
  r.Until(0, 86400 + 10 * 3600);
  EXPECT_EQ(r.current, 13);
  // The load departs from the daily pattern: 300 instead of 100 (error 200 per reading).
  // Over the 1 h window, with k bad readings among 60: error / actual = 200k / (100 (60 - k)
  // + 300k) passes 0.5 at k = 31, so the breaker opens about 31 minutes in.
  bool opened = false;
  double opened_at = 0;
  for (double t = 86400 + 10 * 3600; t < 86400 + 11 * 3600 && !opened; t += 60) {
    opened_at = t;
    r.Until(t, t + 60, 300.0);
    opened = r.d.reason == Reason::kForecastBreakerOpened;
  }
  ASSERT_TRUE(opened) << r.d.message;
  EXPECT_NEAR(opened_at - (86400 + 10 * 3600), 30 * 60, 120);
  EXPECT_NE(r.d.message.find("stands aside"), std::string::npos) << r.d.message;
  EXPECT_FALSE(r.d.proposals[0].active);
  // Back to the pattern: once the hour of bad errors has passed, the breaker closes.
  bool closed = false;
  for (double t = opened_at + 60; t < 86400 + 13 * 3600 && !closed; t += 60) {
    r.Until(t, t + 60);
    closed = r.d.reason == Reason::kForecastBreakerClosed;
  }
  EXPECT_TRUE(closed) << r.d.message;
}

// A hybrid: whatever the guard, the forecast is a floor under the reactive policy's scale-in
// (as AWS predictive scaling raises the group's minimum), so capacity = max of both. With the
// guard off the forecast is not a proposal of its own below current: it never lowers capacity
// alone (NeverScalesInUnlessTheGuardAllowsIt), but the reactive policy cannot drop capacity
// under it either — which would be a flap: serving units removed, then relaunched at the next
// decision when the forecast is above current again.
TEST(Predictive, InAHybridTheForecastIsAFloorUnderReactiveScaleIn) {
  for (bool guard : {false, true}) {
    Replay r{PredictiveGroup()};
    r.g.policies[0].predictive.scale_in = guard;
    r.Until(0, 86400 + 10 * 3600);  // day 2, 10:00: the forecast asks 13
    ASSERT_EQ(r.current, 13);
    r.g.metrics.push_back(r.g.metrics[0]);
    r.g.metrics[1].name = "util";
    r.g.policies.push_back(testing::TargetTracking(1, 0.8));
    // 20 units, utilisation 10 %: the reactive policy asks ceil(20 x 0.1 / 0.8) = 3.
    const double t = 86400 + 10 * 3600;
    std::vector<Observation> obs{{100, kNaN, t, ObservationStatus::kOk}, {0.1, kNaN, t, ObservationStatus::kOk}};
    Decide(r.g, Inputs{t, 20, 20, obs}, r.st, &r.d);
    EXPECT_EQ(r.d.proposals[0].desired, 13);
    EXPECT_EQ(r.d.proposals[1].desired, 3);
    EXPECT_EQ(r.d.desired, 13) << r.d.message;
    EXPECT_EQ(r.d.proposals[0].active, guard);
    EXPECT_EQ(r.d.proposals[0].floor, !guard);
    EXPECT_NE(r.d.message.find("forecast proposed 13"), std::string::npos) << r.d.message;
    // The reactive policy above the forecast decides: 20 units at 70 % ask ceil(17.5) = 18.
    obs[1].value = 0.7;
    Decide(r.g, Inputs{t + 60, 20, 20, obs}, r.st, &r.d);
    EXPECT_EQ(r.d.desired, 18) << r.d.message;
  }
}

// Provisioning for the peak: the history keeps each 5-minute bucket's highest reading, so a
// load that spikes within every bucket (one reading in five at 3x) is provisioned for the
// spike, where the mean would be provisioned for 1.4x.
TEST(Predictive, ProvisionForPeakForecastsTheBucketMaxima) {
  for (bool peak : {false, true}) {
    Replay r{PredictiveGroup()};
    r.g.policies[0].predictive.peak = peak;
    for (double t = 0; t < 86400 + 12 * 3600; t += 60) {
      const bool spike = static_cast<long>(t / 60) % 5 == 0;
      std::vector<Observation> obs{{spike ? 3 * Load(t) : Load(t), kNaN, t, ObservationStatus::kOk}};
      Decide(r.g, Inputs{t, r.current, r.current, obs}, r.st, &r.d);
      if (r.d.desired != r.current) r.st.RecordScale(t, r.current, r.d.desired);
      r.current = r.d.desired;
    }
    // Mean of a bucket at noon: (300 + 4 x 100) / 5 = 140 -> ceil(140 / 8) = 18; peak 300 -> 38.
    EXPECT_EQ(r.current, peak ? 38 : 18) << r.d.message;
    EXPECT_EQ(r.d.proposals[0].note.find("of the peak") != std::string::npos, peak) << r.d.proposals[0].note;
    EXPECT_FALSE(r.st.predictive[0].open) << "the breaker scores bucket maxima against a forecast of maxima";
  }
}

// skip_scale_down_window: while the forecast is healthy and below current, the scale-down
// stabilisation window does not hold the evening's capacity; without it, the window holds the
// peak for its length after the load falls.
TEST(Predictive, SkipScaleDownWindowFollowsTheForecastDown) {
  for (bool skip : {false, true}) {
    Replay r{PredictiveGroup()};
    r.g.behavior.scale_down.stabilization_window = 600;
    r.g.policies[0].predictive.skip_scale_down_window = skip;
    r.g.metrics.push_back(r.g.metrics[0]);
    r.g.metrics[1].name = "util";
    r.g.policies.push_back(testing::TargetTracking(1, 0.8));
    for (double t = 0; t < 86400 + 20 * 3600 + 120; t += 60) {
      // Utilisation as the simulator would see it: load / (current x capacity 10).
      const double util = std::min(1.0, Load(t) / (10.0 * std::max(r.current, 1)));
      std::vector<Observation> obs{{Load(t), kNaN, t, ObservationStatus::kOk},
                                   {util, kNaN, t, ObservationStatus::kOk}};
      Decide(r.g, Inputs{t, r.current, r.current, obs}, r.st, &r.d);
      if (r.d.desired != r.current) r.st.RecordScale(t, r.current, r.d.desired);
      r.current = r.d.desired;
    }
    // 20:01, a minute after the load fell to 10 req/s: the forecast (and the reactive policy)
    // ask for 2; the 600 s window holds the day's 13 unless skipped.
    EXPECT_EQ(r.current, skip ? 2 : 13) << r.d.message;
  }
}

TEST(Predictive, ForecastKeepsProposingWhenTheMetricFails) {
  Replay r{PredictiveGroup()};
  r.Until(0, 86400 + 7 * 3600);
  EXPECT_EQ(r.current, 2);
  // The source fails from 07:00: the forecast still provisions for 08:00.
  r.Until(86400 + 7 * 3600, 86400 + 8 * 3600, policy::kNaN, ObservationStatus::kFailed);
  EXPECT_EQ(r.current, 13) << r.d.message;
}

// A fixed fallback stands in for the failed readings, not for the forecast: with
// `fixed:4` the forecast still provisions 13 units for 08:00 (the fallback gave 4 before,
// and the group ran 4 units through the morning step), and the message says both.
TEST(Predictive, AFixedFallbackNeverOverridesTheForecast) {
  config::Group g = PredictiveGroup();
  g.on_missing_metrics.after_failures = 2;
  g.on_missing_metrics.fallback = config::Fallback::kFixed;
  g.on_missing_metrics.replicas = 4;
  Replay r{g};
  r.Until(0, 86400 + 7 * 3600);
  EXPECT_EQ(r.current, 2);
  r.Until(86400 + 7 * 3600, 86400 + 7 * 3600 + 5 * 60, policy::kNaN, ObservationStatus::kFailed);
  EXPECT_EQ(r.current, 4) << r.d.message;  // the fallback, above the forecast's 2
  EXPECT_EQ(r.d.reason, Reason::kFallback);
  r.Until(86400 + 7 * 3600 + 5 * 60, 86400 + 8 * 3600, policy::kNaN, ObservationStatus::kFailed);
  EXPECT_EQ(r.current, 13) << r.d.message;
  EXPECT_EQ(r.d.reason, Reason::kFallback) << r.d.message;
  EXPECT_NE(r.d.message.find("fallback gives 13, as forecast still proposes"), std::string::npos)
      << r.d.message;
}

}  // namespace
}  // namespace tide::policy
