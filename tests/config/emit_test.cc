// EmitConfig / EmitGroup: the emitted YAML loads back to exactly the same values.
#include "config/emit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "config/loader.h"

namespace tide::config {
namespace {

Config Load(const std::string& yaml, const std::string& path = "emit.yaml") {
  LoadResult r = LoadConfigString(yaml, path);
  std::string problems;
  for (const Problem& p : r.problems) problems += p.ToString() + "\n";
  EXPECT_TRUE(r.problems.empty()) << problems << "--- text:\n" << yaml;
  return r.config;
}

void ExpectSameSource(const MetricSource& a, const MetricSource& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.signal, b.signal);
  EXPECT_EQ(a.window, b.window);
  EXPECT_EQ(a.max_age, b.max_age);
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.query, b.query);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.consumer_group, b.consumer_group);
  EXPECT_EQ(a.measure, b.measure);
  EXPECT_EQ(a.pointer, b.pointer);
  EXPECT_EQ(a.pid_file, b.pid_file);
  EXPECT_EQ(a.timeout, b.timeout);
  EXPECT_EQ(a.retries, b.retries);
}

void ExpectSamePolicy(const Policy& a, const Policy& b) {
  SCOPED_TRACE("policy " + a.name);
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.kind, b.kind);
  switch (a.kind) {
    case PolicyKind::kTargetTracking:
      EXPECT_EQ(a.target_tracking.metric, b.target_tracking.metric);
      EXPECT_EQ(a.target_tracking.target, b.target_tracking.target);
      EXPECT_EQ(a.target_tracking.target_type, b.target_tracking.target_type);
      EXPECT_EQ(a.target_tracking.tolerance.up, b.target_tracking.tolerance.up);
      EXPECT_EQ(a.target_tracking.tolerance.down, b.target_tracking.tolerance.down);
      break;
    case PolicyKind::kStep:
      EXPECT_EQ(a.step.metric, b.step.metric);
      EXPECT_EQ(a.step.threshold, b.step.threshold);
      ASSERT_EQ(a.step.steps.size(), b.step.steps.size());
      for (size_t i = 0; i < a.step.steps.size(); ++i) {
        const StepAdjustment& x = a.step.steps[i];
        const StepAdjustment& y = b.step.steps[i];
        EXPECT_EQ(x.lower, y.lower);
        EXPECT_EQ(x.upper, y.upper);
        EXPECT_EQ(x.type, y.type);
        EXPECT_EQ(x.value, y.value);
        EXPECT_EQ(x.min_magnitude, y.min_magnitude);
      }
      break;
    case PolicyKind::kScheduled: {
      const Scheduled& x = a.scheduled;
      const Scheduled& y = b.scheduled;
      ASSERT_EQ(x.cron != nullptr, y.cron != nullptr);
      if (x.cron) {
        EXPECT_EQ(x.cron->text(), y.cron->text());
        EXPECT_EQ(x.cron->zone_name(), y.cron->zone_name());
        EXPECT_EQ(x.cron->NextAfter(1.7e9), y.cron->NextAfter(1.7e9));
      }
      EXPECT_EQ(x.at, y.at);
      EXPECT_EQ(x.min, y.min);
      EXPECT_EQ(x.max, y.max);
      EXPECT_EQ(x.desired, y.desired);
      break;
    }
    case PolicyKind::kPredictive: {
      const Predictive& x = a.predictive;
      const Predictive& y = b.predictive;
      EXPECT_EQ(x.metric, y.metric);
      EXPECT_EQ(x.target, y.target);
      EXPECT_EQ(x.quantile, y.quantile);
      EXPECT_EQ(x.scale, y.scale);
      EXPECT_EQ(x.scheduling_buffer, y.scheduling_buffer);
      EXPECT_EQ(x.model, y.model);
      EXPECT_EQ(x.refit_interval, y.refit_interval);
      EXPECT_EQ(x.horizon, y.horizon);
      EXPECT_EQ(x.min_history, y.min_history);
      EXPECT_EQ(x.max_history, y.max_history);
      EXPECT_EQ(x.breach_increase, y.breach_increase);
      EXPECT_EQ(x.breach_buffer, y.breach_buffer);
      EXPECT_EQ(x.max_change, y.max_change);
      EXPECT_EQ(x.scale_in, y.scale_in);
      EXPECT_EQ(x.breaker_threshold, y.breaker_threshold);
      EXPECT_EQ(x.breaker_window, y.breaker_window);
      break;
    }
  }
}

void ExpectSameRules(const ScalingRules& a, const ScalingRules& b) {
  EXPECT_EQ(a.stabilization_window, b.stabilization_window);
  EXPECT_EQ(a.select, b.select);
  EXPECT_EQ(a.cooldown, b.cooldown);
  ASSERT_EQ(a.policies.size(), b.policies.size());
  for (size_t i = 0; i < a.policies.size(); ++i) {
    EXPECT_EQ(a.policies[i].type, b.policies[i].type);
    EXPECT_EQ(a.policies[i].value, b.policies[i].value);
    EXPECT_EQ(a.policies[i].period, b.policies[i].period);
  }
}

void ExpectSameGroup(const Group& a, const Group& b) {
  SCOPED_TRACE("group " + a.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.resource.kind, b.resource.kind);
  EXPECT_EQ(a.resource.provider, b.resource.provider);
  EXPECT_EQ(a.capacity.min, b.capacity.min);
  EXPECT_EQ(a.capacity.max, b.capacity.max);
  EXPECT_EQ(a.capacity.initial, b.capacity.initial);
  EXPECT_EQ(a.model.capacity_per_unit, b.model.capacity_per_unit);
  EXPECT_EQ(a.model.startup, b.model.startup);
  EXPECT_EQ(a.model.shutdown, b.model.shutdown);
  EXPECT_EQ(a.model.price_per_unit_hour, b.model.price_per_unit_hour);
  EXPECT_EQ(a.model.billing_granularity, b.model.billing_granularity);
  EXPECT_EQ(a.model.billing_minimum, b.model.billing_minimum);
  EXPECT_EQ(a.model.queue_timeout, b.model.queue_timeout);
  EXPECT_EQ(a.evaluation_interval, b.evaluation_interval);
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (size_t i = 0; i < a.metrics.size(); ++i) {
    SCOPED_TRACE("metric " + a.metrics[i].name);
    EXPECT_EQ(a.metrics[i].name, b.metrics[i].name);
    ExpectSameSource(a.metrics[i].source, b.metrics[i].source);
  }
  EXPECT_EQ(a.ready_metric, b.ready_metric);
  ASSERT_EQ(a.policies.size(), b.policies.size());
  for (size_t i = 0; i < a.policies.size(); ++i) ExpectSamePolicy(a.policies[i], b.policies[i]);
  ExpectSameRules(a.behavior.scale_up, b.behavior.scale_up);
  ExpectSameRules(a.behavior.scale_down, b.behavior.scale_down);
  EXPECT_EQ(a.behavior.warmup, b.behavior.warmup);
  ASSERT_EQ(a.behavior.panic.has_value(), b.behavior.panic.has_value());
  if (a.behavior.panic) {
    EXPECT_EQ(a.behavior.panic->window, b.behavior.panic->window);
    EXPECT_EQ(a.behavior.panic->threshold, b.behavior.panic->threshold);
    EXPECT_EQ(a.behavior.panic->stable_window, b.behavior.panic->stable_window);
  }
  EXPECT_EQ(a.on_missing_metrics.after_failures, b.on_missing_metrics.after_failures);
  EXPECT_EQ(a.on_missing_metrics.fallback, b.on_missing_metrics.fallback);
  EXPECT_EQ(a.on_missing_metrics.replicas, b.on_missing_metrics.replicas);
  EXPECT_EQ(a.actuator.type, b.actuator.type);
  EXPECT_EQ(a.actuator.command, b.actuator.command);
  EXPECT_EQ(a.actuator.url, b.actuator.url);
  EXPECT_EQ(a.actuator.timeout, b.actuator.timeout);
  EXPECT_EQ(a.actuator.retries, b.actuator.retries);
}

void ExpectSameConfig(const Config& a, const Config& b) {
  EXPECT_EQ(a.api.listen, b.api.listen);
  EXPECT_EQ(a.api.token, b.api.token);
  EXPECT_EQ(a.retention.raw, b.retention.raw);
  EXPECT_EQ(a.retention.minute, b.retention.minute);
  EXPECT_EQ(a.retention.total, b.retention.total);
  ASSERT_EQ(a.groups.size(), b.groups.size());
  for (size_t i = 0; i < a.groups.size(); ++i) ExpectSameGroup(a.groups[i], b.groups[i]);
}

// Every key of the schema, mostly with values other than the defaults.
constexpr const char* kEverything = R"yaml(
api: {listen: "0.0.0.0:18080", token: "s3cr'et\"x"}
retention: {raw: 36h, minute: 10d, total: 4000000.25s}
groups:
  - name: web
    resource: {kind: gpu, provider: "aws ec2"}
    capacity: {min: 2, max: 50, initial: 7}
    model:
      capacity_per_unit: 0.1
      startup: 90.5s
      shutdown: 250ms
      price_per_unit_hour: 1.0000000000000002
      billing: {granularity: 60s, minimum: 1h}
      queue_timeout: 12.5s
    evaluation_interval: 7.5s
    metrics:
      - name: utilization
        source: {type: simulated, signal: backlog, window: 45s, max_age: 90s}
      - name: load
        source: {signal: load_per_unit}
      - name: rps
        source: {type: prometheus, url: "http://127.0.0.1:9090",
                 query: 'sum(rate(http_requests_total{job="web"}[1m])) # x: y',
                 timeout: 1.5s, retries: 4, window: 2m, max_age: 30s}
      - name: queue
        source: {type: redis, address: "[::1]:6379", key: "true", measure: length}
      - name: "123"
        source: {type: redis, address: "127.0.0.1:6379", key: events, measure: lag,
                 consumer_group: workers}
      - name: cpu
        source: {type: procfs, pid_file: /run/app.pids, measure: memory, timeout: 3s}
      - name: doc
        source: {type: http_json, url: "https://example.com:8443/stats", pointer: ""}
      - name: depth
        source: {type: http_json, url: "http://h/s", pointer: "/a~1b/~0c/0", retries: 0}
      - name: ready
        source: {type: prometheus, url: "http://p", query: "ready{x=\"a\\b\"}"}
    ready_metric: ready
    policies:
      - {type: target_tracking, name: cpu-60, metric: utilization, target: 0.6,
         target_type: average_value, tolerance: {up: 0.05, down: 0.2}}
      - {type: target_tracking, metric: "123", target: 3, tolerance: 0.3}
      - type: step
        name: queue.steps_2
        metric: queue
        threshold: -3.25
        steps:
          - {upper: -50, change: -1}
          - {lower: 0, upper: 400, change: 2.5}
          - {lower: 400, upper: 1000, change: -25.5%, min_magnitude: 4}
          - {lower: 1000, upper: 2000, change: 50%}
          - {lower: 2000, exact: 30}
      - {type: scheduled, name: office-hours, cron: "0 8 * * 1-5", timezone: Europe/Berlin,
         set: {min: 10, max: 40}}
      - {type: scheduled, cron: "*/15 0-6 1,15 JAN-MAR *", set: {desired: 3}}
      - {type: scheduled, at: "2026-12-24T19:00:00+01:00", set: {desired: 5}}
      - {type: scheduled, name: frac, at: 1798135200.5, set: {min: 0, max: 0, desired: 0}}
      - {type: predictive, name: forecast, metric: rps, target: 0.7, quantile: 0.9,
         mode: forecast_only, scheduling_buffer: 10m, model: ets, refit_interval: 30m,
         horizon: 3h, min_history: 2d, max_history: 21d,
         max_capacity_breach: {behavior: increase, buffer: 15.5}, max_change: 25%,
         scale_in: true, breaker: {threshold: 0.3, window: 2h}}
      - {type: predictive, metric: load}
    behavior:
      scale_up:
        stabilization_window: 30s
        select: min
        cooldown: 45s
        policies: [{type: units, value: 2.5, period: 20s}, {type: percent, value: 300}]
      scale_down: {select: disabled, policies: []}
      warmup: 20s
      panic: {window: 4s, threshold: 2.5, stable_window: 90s}
    on_missing_metrics: {after_failures: 5, fallback: "fixed:4"}
    actuator: {type: exec, command: ["/usr/local/bin/scale", "--to", "{desired}",
               "--name={group}", " spaced arg ", "null", "-1", "a: b"],
               timeout: 2.5s, retries: 0}
  - name: "2nd"
    capacity: {min: 0, max: 1}
    behavior: {panic: {}}
    on_missing_metrics: {fallback: current_if_higher, replicas: 3}
    actuator: {type: webhook, url: "http://127.0.0.1:9000/scale?x=1&y=2"}
)yaml";

TEST(EmitConfigTest, RoundTripsEveryField) {
  const Config original = Load(kEverything);
  ASSERT_EQ(original.groups.size(), 2u);
  const std::string text = EmitConfig(original);
  const Config reloaded = Load(text);
  ExpectSameConfig(original, reloaded);
  EXPECT_EQ(EmitConfig(reloaded), text);

  // The cron keeps its zone; the default-named policies keep their default names.
  const Group& web = reloaded.groups[0];
  ASSERT_EQ(web.policies.size(), 9u);
  ASSERT_TRUE(web.policies[3].scheduled.cron);
  EXPECT_EQ(web.policies[3].scheduled.cron->zone_name(), "Europe/Berlin");
  EXPECT_EQ(web.policies[1].name, "target_tracking#1");
  EXPECT_EQ(web.policies[8].name, "predictive#8");
  EXPECT_EQ(web.policies[6].scheduled.at, 1798135200.5);
  EXPECT_NE(text.find("api:"), std::string::npos);
  EXPECT_NE(text.find("retention:"), std::string::npos);
}

TEST(EmitConfigTest, StartsWithCommentLines) {
  const Config c = Load("groups: [{name: web}]");
  const std::string text = EmitConfig(c, "first line\n\nthird: line");
  EXPECT_EQ(text.rfind("# written by tide\n# first line\n#\n# third: line\n", 0), 0u) << text;
  EXPECT_EQ(EmitConfig(c).rfind("# written by tide\n", 0), 0u);
  ExpectSameConfig(c, Load(text));
  // Defaults of api and retention are left out.
  EXPECT_EQ(text.find("api:"), std::string::npos);
  EXPECT_EQ(text.find("retention:"), std::string::npos);
}

TEST(EmitConfigTest, RoundTripsTheExamples) {
  const std::filesystem::path dir = std::filesystem::path(TIDE_SOURCE_DIR) / "examples";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const LoadResult first = LoadConfigFile(file.string());
    ASSERT_TRUE(first.problems.empty()) << first.problems[0].ToString();
    const std::string text = EmitConfig(first.config, "from " + file.filename().string());
    const Config second = Load(text, file.string());
    ExpectSameConfig(first.config, second);
    EXPECT_EQ(EmitConfig(second, "from " + file.filename().string()), text);
  }
}

TEST(EmitGroupTest, HoldsOnlyThatGroup) {
  const Config c = Load(R"yaml(
groups:
  - name: alpha
    metrics: [{name: alpha_metric, source: {signal: load}}]
    policies: [{type: target_tracking, metric: alpha_metric, target: 5}]
  - name: beta
    capacity: {min: 3, max: 9}
    metrics: [{name: beta_metric, source: {signal: backlog}}]
    policies: [{type: step, metric: beta_metric, steps: [{lower: 0, change: 1}]}]
  - name: gamma
    metrics: [{name: gamma_metric}]
)yaml");
  ASSERT_EQ(c.groups.size(), 3u);
  const std::string text = EmitGroup(c, c.groups[1], "beta only");
  EXPECT_EQ(text.rfind("# written by tide\n# beta only\n", 0), 0u) << text;
  EXPECT_EQ(text.find("alpha"), std::string::npos) << text;
  EXPECT_EQ(text.find("gamma"), std::string::npos) << text;
  EXPECT_EQ(text.find("api:"), std::string::npos) << text;
  EXPECT_EQ(text.find("retention:"), std::string::npos) << text;
  const Config one = Load(text);
  ASSERT_EQ(one.groups.size(), 1u);
  ExpectSameGroup(c.groups[1], one.groups[0]);
  EXPECT_EQ(EmitGroup(one, one.groups[0], "beta only"), text);
}

TEST(EmitGroupTest, KeepsApiAndRetentionWhenNotDefault) {
  const Config c = Load(R"yaml(
api: {listen: "127.0.0.1:0"}
retention: {raw: 1d, minute: 7d, total: 30d}
groups: [{name: a}, {name: b}]
)yaml");
  const std::string text = EmitGroup(c, c.groups[0]);
  const Config one = Load(text);
  ASSERT_EQ(one.groups.size(), 1u);
  EXPECT_EQ(one.groups[0].name, "a");
  EXPECT_EQ(one.api.listen, "127.0.0.1:0");
  EXPECT_EQ(one.retention.raw, 86400);
  EXPECT_EQ(one.retention.minute, 7 * 86400);
  EXPECT_EQ(one.retention.total, 30 * 86400);
}

}  // namespace
}  // namespace tide::config
