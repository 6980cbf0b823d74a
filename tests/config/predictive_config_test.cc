// The `predictive` policy's keys: every key read back, and each rule's error.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace tide::config {
namespace {

std::string GroupWith(const std::string& policy) {
  return "groups:\n"
         "  - name: web\n"
         "    metrics:\n"
         "      - name: rps\n"
         "        source: {type: simulated, signal: load}\n"
         "    policies:\n"
         "      - " + policy + "\n";
}

TEST(PredictiveConfig, ReadsEveryKey) {
  auto r = LoadConfigString(GroupWith(
      "{type: predictive, name: fc, metric: rps, target: 0.7, quantile: 0.9, mode: forecast_only, "
      "scheduling_buffer: 10m, model: ets, refit_interval: 30m, horizon: 3h, min_history: 2d, "
      "max_history: 7d, max_capacity_breach: {behavior: increase, buffer: 15}, max_change: 25%, "
      "scale_in: true, breaker: {threshold: 0.4, window: 2h}}"), "p.yaml");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].ToString();
  const Policy& p = r.config.groups[0].policies[0];
  ASSERT_EQ(p.kind, PolicyKind::kPredictive);
  const Predictive& q = p.predictive;
  EXPECT_EQ(q.metric, 0);
  EXPECT_DOUBLE_EQ(q.target, 0.7);
  EXPECT_DOUBLE_EQ(q.quantile, 0.9);
  EXPECT_FALSE(q.scale);
  EXPECT_DOUBLE_EQ(q.scheduling_buffer, 600);
  EXPECT_EQ(q.model, "ets");
  EXPECT_DOUBLE_EQ(q.refit_interval, 1800);
  EXPECT_DOUBLE_EQ(q.horizon, 10800);
  EXPECT_DOUBLE_EQ(q.min_history, 172800);
  EXPECT_DOUBLE_EQ(q.max_history, 604800);
  EXPECT_TRUE(q.breach_increase);
  EXPECT_DOUBLE_EQ(q.breach_buffer, 15);
  EXPECT_DOUBLE_EQ(q.max_change, 0.25);
  EXPECT_TRUE(q.scale_in);
  EXPECT_DOUBLE_EQ(q.breaker_threshold, 0.4);
  EXPECT_DOUBLE_EQ(q.breaker_window, 7200);
}

TEST(PredictiveConfig, Defaults) {
  auto r = LoadConfigString(GroupWith("{type: predictive, metric: rps}"), "p.yaml");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].ToString();
  const Predictive& q = r.config.groups[0].policies[0].predictive;
  EXPECT_TRUE(q.scale);
  EXPECT_DOUBLE_EQ(q.scheduling_buffer, 300);
  EXPECT_DOUBLE_EQ(q.max_change, 0.5);
  EXPECT_FALSE(q.scale_in);
  EXPECT_FALSE(q.breach_increase);
  EXPECT_EQ(q.model, "auto");
}

struct BadCase {
  const char* name;
  const char* policy;
  const char* key;      // expected in the key path
  const char* allowed;  // expected in the message
};

class PredictiveConfigBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(PredictiveConfigBad, NamesKeyAndAllowed) {
  const BadCase& c = GetParam();
  auto r = LoadConfigString(GroupWith(c.policy), "p.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << c.name;
  const std::string msg = r.problems[0].ToString();
  EXPECT_EQ(r.problems[0].line, 7) << msg;
  EXPECT_NE(msg.find(c.key), std::string::npos) << msg;
  EXPECT_NE(msg.find(c.allowed), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PredictiveConfigBad,
    ::testing::Values(
        BadCase{"TargetAboveOne", "{type: predictive, metric: rps, target: 1.5}", "target",
                "(0, 1]"},
        BadCase{"QuantileOne", "{type: predictive, metric: rps, quantile: 1}", "quantile",
                "(0, 1)"},
        BadCase{"ShortHorizon", "{type: predictive, metric: rps, horizon: 1h}", "horizon", ">= 2h"},
        BadCase{"ShortHistory", "{type: predictive, metric: rps, min_history: 6h}", "min_history",
                ">= 24h"},
        // min_history past the default max_history blames min_history, the key that was written.
        BadCase{"HistoryPastDefaultMax", "{type: predictive, metric: rps, min_history: 20d}",
                "min_history: bad value '20d'", "<= max_history (14d, the default"},
        BadCase{"MaxBelowMin", "{type: predictive, metric: rps, min_history: 3d, max_history: 2d}",
                "max_history: bad value '2d'", ">= min_history (3d)"},
        BadCase{"UnknownModel", "{type: predictive, metric: rps, model: prophet}", "model",
                "seasonal_naive_daily"},
        BadCase{"UnknownMode", "{type: predictive, metric: rps, mode: scale}", "mode",
                "forecast_only"},
        BadCase{
            "BufferWithHonor",
            "{type: predictive, metric: rps, max_capacity_breach: {behavior: honor, buffer: 5}}",
            "buffer", "only with behavior: increase"},
        BadCase{"BadMaxChange", "{type: predictive, metric: rps, max_change: lots}", "max_change",
                "50%"},
        BadCase{"ScaleInNotBool", "{type: predictive, metric: rps, scale_in: maybe}", "scale_in",
                "true or false"},
        BadCase{"UnknownMetric", "{type: predictive, metric: cpu}", "metric", "rps"},
        BadCase{"UnknownKey", "{type: predictive, metric: rps, quantil: 0.9}", "quantil",
                "quantile"}),
    [](const auto& info) { return std::string(info.param.name); });

// Simulated utilisation stops at 1: a target whose tolerance band reaches 1 never scales up.
TEST(TargetTrackingConfig, RejectsAUtilisationTargetThatCannotScaleUp) {
  auto yaml = [](const std::string& policy) {
    return "groups:\n  - name: web\n    metrics:\n      - {name: u, source: {type: simulated, signal: utilization}}\n"
           "      - {name: rps, source: {type: simulated, signal: load}}\n    policies:\n      - " + policy + "\n";
  };
  auto r = LoadConfigString(yaml("{type: target_tracking, metric: u, target: 0.95}"), "t.yaml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].ToString().find("t.yaml:7:"), std::string::npos) << r.problems[0].ToString();
  EXPECT_NE(r.problems[0].ToString().find("never scale up"), std::string::npos);
  EXPECT_NE(r.problems[0].ToString().find("target x (1 + tolerance.up) < 1"), std::string::npos);
  // A narrower band is fine, and so is a target on a metric that does not saturate.
  EXPECT_TRUE(LoadConfigString(yaml("{type: target_tracking, metric: u, target: 0.95, tolerance: {up: 0.04, down: 0.1}}"),
                               "t.yaml").problems.empty());
  EXPECT_TRUE(LoadConfigString(yaml("{type: target_tracking, metric: rps, target: 5, target_type: average_value}"),
                               "t.yaml").problems.empty());
}

}  // namespace
}  // namespace tide::config
