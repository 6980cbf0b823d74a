// The alert rules as a table: each case scripts a group's evaluations (time stepped by hand)
// and states at which step the rule fires and at which it resolves.
#include "alerts/rules.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <ostream>

namespace tide::alerts {
namespace {

// A healthy group: 4 of max 10 units, all ready, demand 3.
GroupInputs Healthy(double now) {
  GroupInputs in;
  in.now = now;
  in.current = 4;
  in.ready = 4;
  in.max = 10;
  in.demand = 3;
  return in;
}

struct RuleCase {
  const char* name;
  Rule rule;
  std::function<void(config::AlertRules&)> configure;
  double step;  // seconds between evaluations
  int steps;
  // The inputs at step k (time k x step); starts from Healthy.
  std::function<void(int k, GroupInputs&)> script;
  int fires_at;     // step at which the rule fires
  int resolves_at;  // step at which it resolves (-1: still firing at the end)
  double value_when_fired;
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

const RuleCase kCases[] = {
    {"FlappingMoreThanNChangesPerWindow", Rule::kFlapping,
     [](config::AlertRules& r) {
       r.flapping.threshold = 3;
       r.flapping.window = 600;
     },
     60, 30,
     // A change at each of steps 0..4: the 4th change (step 3) is "more than 3".
     [](int k, GroupInputs& in) { in.scaled = k <= 4 ? 1 : 0; },
     // Fires at step 3 (4 changes). A change leaves the window 600 s after it: at t 600 the
     // window (0, 600] holds 4 (60..240), at t 660 it holds 3 (120..240): resolves at step 11.
     3, 11, 4},
    {"SlowScalingScaleUpNotReadyInTime", Rule::kSlowScaling,
     [](config::AlertRules& r) { r.slow_scaling.threshold = 120; }, 30, 12,
     // Decided at t 30, ready at t 240 (step 8).
     [](int k, GroupInputs& in) {
       if (k >= 1 && k < 8) in.oldest_pending = 30;
     },
     // age > 120 first at t 180 (age 150): step 6.
     6, 8, 150},
    {"AtMaxCapacityWhileDemandExceedsIt", Rule::kAtMaxCapacity,
     [](config::AlertRules& r) { r.at_max_capacity.for_seconds = 120; }, 60, 12,
     [](int k, GroupInputs& in) {
       if (k >= 2 && k < 8) {
         in.current = 10;
         in.ready = 10;
         in.demand = 13;
       }
     },
     // Holds from step 2 (t 120); for 120 s -> fires at step 4; ends at step 8.
     4, 8, 13},
    {"AtMaxCapacityButDemandWithinIsFine", Rule::kAtMaxCapacity,
     [](config::AlertRules& r) { r.at_max_capacity.for_seconds = 0; }, 60, 6,
     [](int, GroupInputs& in) {
       in.current = 10;
       in.ready = 10;
       in.demand = 10;
     },
     -1, -1, 0},
    {"UnderProvisionedBeyondTheSlo", Rule::kUnderProvisioned,
     [](config::AlertRules& r) {
       r.under_provisioned.threshold = 10;
       r.under_provisioned.window = 600;
     },
     60, 30,
     // Under-provisioned (ready 4 < demand 6) at steps 2..4: 180 s of under time by t 300.
     [](int k, GroupInputs& in) {
       if (k >= 2 && k <= 4) in.demand = 6;
     },
     // Each state holds until the next evaluation: under during [120, 300). At t 180: 60 s of
     // 600 = 10 %, not above 10; at t 240: 120 s = 20 % -> fires at step 4. At t 780 the
     // window [180, 780] holds 120 s (20 %); at t 840, [240, 840] holds 60 s (10 %) ->
     // resolves at step 14.
     4, 14, 20},
    {"UnderProvisionedUnknownDemandNeverFires", Rule::kUnderProvisioned,
     [](config::AlertRules& r) { r.under_provisioned.threshold = 0; }, 60, 10,
     [](int, GroupInputs& in) {
       in.demand = kUnknown;
       in.ready = 0;
     },
     -1, -1, 0},
    {"ForecastDriftAboveThreshold", Rule::kForecastDrift,
     [](config::AlertRules& r) { r.forecast_drift.threshold = 0.3; }, 60, 8,
     [](int k, GroupInputs& in) { in.forecast_error = k >= 2 && k < 5 ? 0.45 : 0.1; }, 2, 5, 0.45},
    {"SourceDownAfterFor", Rule::kSourceDown,
     [](config::AlertRules& r) { r.source_down.for_seconds = 60; }, 15, 12,
     [](int k, GroupInputs& in) {
       if (k >= 1 && k < 9) in.failing_sources = {"rps", "queue"};
     },
     // Failing from step 1 (t 15); 60 s later is step 5.
     5, 9, 2},
    {"SourceBlipShorterThanForNeverFires", Rule::kSourceDown,
     [](config::AlertRules& r) { r.source_down.for_seconds = 60; }, 15, 12,
     [](int k, GroupInputs& in) {
       if (k == 3 || k == 4) in.failing_sources = {"rps"};
     },
     -1, -1, 0},
    {"ActuatorFailingConsecutive", Rule::kActuatorFailing,
     [](config::AlertRules& r) { r.actuator_failing.threshold = 2; }, 30, 10,
     [](int k, GroupInputs& in) { in.failed_actions = k >= 3 && k < 7 ? k - 2 : 0; },
     // 1 failure at step 3, 2 at step 4 -> fires; a success at step 7 resolves.
     4, 7, 2},
    {"DisabledRuleNeverFires", Rule::kSourceDown,
     [](config::AlertRules& r) {
       r.source_down.enabled = false;
       r.source_down.for_seconds = 0;
     },
     15, 5, [](int, GroupInputs& in) { in.failing_sources = {"rps"}; }, -1, -1, 0},
};

class RuleTable : public ::testing::TestWithParam<RuleCase> {};

TEST_P(RuleTable, FiresAndResolvesAtTheExpectedSteps) {
  const RuleCase& c = GetParam();
  config::AlertRules rules;
  for (int i = 0; i < kRuleCount; ++i) {  // the case's rule alone
    RuleConfig(rules, static_cast<Rule>(i)).enabled = static_cast<Rule>(i) == c.rule;
  }
  c.configure(rules);
  Evaluator ev("web", rules);
  std::optional<int> fired, resolved;
  double fired_value = -1;
  for (int k = 0; k < c.steps; ++k) {
    GroupInputs in = Healthy(k * c.step);
    c.script(k, in);
    for (const Alert& a : ev.Evaluate(in)) {
      if (a.alert != RuleName(c.rule)) {
        ADD_FAILURE() << "unexpected alert " << a.alert << " at step " << k << ": " << a.message;
        continue;
      }
      EXPECT_EQ(a.group, "web");
      EXPECT_EQ(a.severity, RuleConfig(rules, c.rule).severity);
      if (a.firing) {
        EXPECT_FALSE(fired.has_value()) << "fired twice";
        fired = k;
        fired_value = a.value;
        EXPECT_EQ(a.since, k * c.step);
        EXPECT_FALSE(a.message.empty());
      } else {
        EXPECT_FALSE(resolved.has_value()) << "resolved twice";
        resolved = k;
        EXPECT_EQ(a.ended, k * c.step);
        EXPECT_EQ(a.since, *fired * c.step);
        // Said of a resolved alert, the firing message alone reads as still true ("a scale-up
        // ... is not ready yet"): the resolution says it is over.
        EXPECT_EQ(a.message.rfind("resolved after ", 0), 0u) << a.message;
        EXPECT_NE(a.message.find("; it was: "), std::string::npos) << a.message;
      }
    }
    const bool open = !ev.Open().empty();
    EXPECT_EQ(open, fired.has_value() && !resolved.has_value()) << "step " << k;
  }
  EXPECT_EQ(fired.value_or(-1), c.fires_at);
  EXPECT_EQ(resolved.value_or(-1), c.resolves_at);
  if (c.fires_at >= 0) {
    EXPECT_DOUBLE_EQ(fired_value, c.value_when_fired);
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Evaluator, OpenAlertsCarryOverAReloadAndADisabledRuleResolves) {
  config::AlertRules rules;
  rules.source_down.for_seconds = 0;
  Evaluator old("web", rules);
  GroupInputs in = Healthy(0);
  in.failing_sources = {"rps"};
  ASSERT_EQ(old.Evaluate(in).size(), 1u);

  rules.source_down.enabled = false;
  Evaluator fresh("web", rules);
  fresh.TakeStateFrom(old);
  ASSERT_EQ(fresh.Open().size(), 1u);
  in.now = 15;
  auto changes = fresh.Evaluate(in);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].firing);
  EXPECT_EQ(changes[0].since, 0);
  EXPECT_TRUE(fresh.Open().empty());
}

TEST(Evaluator, SavedStateRestoresToTheSameFuture) {
  config::AlertRules rules;
  rules.flapping.threshold = 2;
  rules.flapping.window = 300;
  rules.under_provisioned.window = 300;
  rules.source_down.for_seconds = 45;
  Evaluator a("web", rules);
  auto script = [](int k) {
    GroupInputs in = Healthy(k * 30.0);
    in.scaled = k % 2;
    in.demand = k < 12 ? 6 : 3;
    if (k >= 4 && k < 14) in.failing_sources = {"rps"};
    return in;
  };
  for (int k = 0; k < 8; ++k) a.Evaluate(script(k));
  ASSERT_FALSE(a.Open().empty());
  Evaluator b("web", rules);
  ASSERT_TRUE(b.RestoreState(nlohmann::json::parse(a.SaveState().dump())));
  EXPECT_EQ(b.Open().size(), a.Open().size());
  for (int k = 8; k < 30; ++k) {
    const auto x = a.Evaluate(script(k));
    const auto y = b.Evaluate(script(k));
    ASSERT_EQ(x.size(), y.size()) << k;
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].alert, y[i].alert);
      EXPECT_EQ(x[i].firing, y[i].firing);
      EXPECT_EQ(x[i].since, y[i].since);
      EXPECT_EQ(x[i].value, y[i].value);
    }
  }
  EXPECT_FALSE(b.RestoreState(nlohmann::json{{"rules", 3}}));
}

TEST(Evaluator, ValueAndMessageFollowTheConditionWhileFiring) {
  config::AlertRules rules;
  rules.source_down.for_seconds = 0;
  Evaluator ev("web", rules);
  GroupInputs in = Healthy(0);
  in.failing_sources = {"rps"};
  ev.Evaluate(in);
  in.now = 15;
  in.failing_sources = {"rps", "queue"};
  EXPECT_TRUE(ev.Evaluate(in).empty());  // no new transition
  ASSERT_EQ(ev.Open().size(), 1u);
  EXPECT_EQ(ev.Open()[0].value, 2);
  EXPECT_NE(ev.Open()[0].message.find("rps, queue"), std::string::npos) << ev.Open()[0].message;
  EXPECT_EQ(ev.Open()[0].since, 0);
}

}  // namespace
}  // namespace tide::alerts
