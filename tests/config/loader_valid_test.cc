// Valid configurations: every key is read into the right field, and omitted keys take the
// defaults of config.h.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"

namespace tide::config {
namespace {

// Loads `yaml`, failing the test with every problem when there is any.
Config MustLoad(const std::string& yaml) {
  LoadResult r = LoadConfigString(yaml, "valid.yaml");
  std::string all;
  for (const Problem& p : r.problems) all += p.ToString() + "\n";
  EXPECT_TRUE(r.problems.empty()) << all;
  return r.config;
}

constexpr const char* kFull = R"(# Every key, each set to a value other than its default.
groups:
  - name: web
    resource: {kind: compute, provider: kubernetes}
    capacity: {min: 2, max: 200, initial: 3}
    model:
      capacity_per_unit: 50
      startup: 300s
      shutdown: 30s
      price_per_unit_hour: 0.096
      billing: {granularity: 2s, minimum: 1m}
      queue_timeout: 45s
    evaluation_interval: 1m
    metrics:
      - name: utilization
        source: {type: simulated, signal: utilization, window: 60s, max_age: 90s}
      - name: queue_depth
        source: {type: simulated, signal: backlog, window: 30}
      - name: rps
        source: {signal: load_per_unit}
      - name: load
        source: {signal: load}
    policies:
      - {type: target_tracking, name: cpu, metric: utilization, target: 0.6,
         target_type: value, tolerance: {up: 0.05, down: 0.2}}
      - {type: target_tracking, metric: rps, target: 40, target_type: average_value,
         tolerance: 0}
      - type: step
        metric: queue_depth
        threshold: 100
        steps:
          - {lower: 0, upper: 400, change: 2}
          - {lower: 400, change: 50%, min_magnitude: 4}
          - {lower: -100, upper: -50, change: -1}
          - {lower: -50, upper: 0, exact: 3}
          - {upper: -100, change: -25%}
      - {type: scheduled, name: office-hours, cron: "0 8 * * 1-5", timezone: Europe/Berlin,
         set: {min: 10, max: 50, desired: 12}}
      - {type: scheduled, at: "2026-12-24T18:00:00Z", set: {min: 0}}
    behavior:
      scale_up:
        stabilization_window: 5s
        policies: [{type: percent, value: 200, period: 30s}, {type: units, value: 8}]
        select: min
        cooldown: 10s
      scale_down: {stabilization_window: 5m, policies: [{type: units, value: 1, period: 1m}],
                   select: disabled, cooldown: 2m}
      warmup: 120s
      panic: {window: 6s, threshold: 2.5, stable_window: 90s}
    on_missing_metrics: {after_failures: 5, fallback: "current_if_higher:4"}
  - name: batch.jobs_2
    on_missing_metrics: {fallback: fixed, replicas: 7}
)";

TEST(LoaderValid, FullConfigReadsEveryField) {
  const Config c = MustLoad(kFull);
  EXPECT_EQ(c.path, "valid.yaml");
  ASSERT_EQ(c.groups.size(), 2u);
  const Group& g = c.groups[0];
  EXPECT_EQ(g.name, "web");
  EXPECT_EQ(g.mark.line, 3);
  EXPECT_EQ(g.mark.column, 5);
  EXPECT_EQ(g.resource.kind, "compute");
  EXPECT_EQ(g.resource.provider, "kubernetes");
  EXPECT_EQ(g.capacity.min, 2);
  EXPECT_EQ(g.capacity.max, 200);
  EXPECT_EQ(g.capacity.initial, 3);
  EXPECT_EQ(g.model.capacity_per_unit, 50);
  EXPECT_EQ(g.model.startup, 300);
  EXPECT_EQ(g.model.shutdown, 30);
  EXPECT_DOUBLE_EQ(g.model.price_per_unit_hour, 0.096);
  EXPECT_EQ(g.model.billing_granularity, 2);
  EXPECT_EQ(g.model.billing_minimum, 60);
  EXPECT_EQ(g.model.queue_timeout, 45);
  EXPECT_EQ(g.evaluation_interval, 60);

  ASSERT_EQ(g.metrics.size(), 4u);
  EXPECT_EQ(g.metrics[0].name, "utilization");
  EXPECT_EQ(g.metrics[0].source.type, "simulated");
  EXPECT_EQ(g.metrics[0].source.signal, Signal::kUtilization);
  EXPECT_EQ(g.metrics[0].source.window, 60);
  EXPECT_EQ(g.metrics[0].source.max_age, 90);
  EXPECT_EQ(g.metrics[0].mark.line, 15);
  EXPECT_EQ(g.metrics[0].mark.column, 9);
  EXPECT_EQ(g.metrics[1].source.signal, Signal::kBacklog);
  EXPECT_EQ(g.metrics[1].source.window, 30);
  EXPECT_EQ(g.metrics[1].source.max_age, 0);  // default
  EXPECT_EQ(g.metrics[2].source.signal, Signal::kLoadPerUnit);
  EXPECT_EQ(g.metrics[2].source.window, 60);  // default
  EXPECT_EQ(g.metrics[3].source.signal, Signal::kLoad);

  ASSERT_EQ(g.policies.size(), 5u);
  const Policy& cpu = g.policies[0];
  EXPECT_EQ(cpu.name, "cpu");
  EXPECT_EQ(cpu.kind, PolicyKind::kTargetTracking);
  EXPECT_EQ(cpu.mark.line, 24);
  EXPECT_EQ(cpu.mark.column, 9);
  EXPECT_EQ(cpu.target_tracking.metric, 0);
  EXPECT_DOUBLE_EQ(cpu.target_tracking.target, 0.6);
  EXPECT_EQ(cpu.target_tracking.target_type, TargetType::kValue);
  EXPECT_DOUBLE_EQ(cpu.target_tracking.tolerance.up, 0.05);
  EXPECT_DOUBLE_EQ(cpu.target_tracking.tolerance.down, 0.2);

  const Policy& rps = g.policies[1];
  EXPECT_EQ(rps.name, "target_tracking#1");
  EXPECT_EQ(rps.target_tracking.metric, 2);
  EXPECT_EQ(rps.target_tracking.target, 40);
  EXPECT_EQ(rps.target_tracking.target_type, TargetType::kAverageValue);
  EXPECT_EQ(rps.target_tracking.tolerance.up, 0);  // a number sets both
  EXPECT_EQ(rps.target_tracking.tolerance.down, 0);

  const Policy& step = g.policies[2];
  EXPECT_EQ(step.name, "step#2");
  EXPECT_EQ(step.kind, PolicyKind::kStep);
  EXPECT_EQ(step.step.metric, 1);
  EXPECT_EQ(step.step.threshold, 100);
  ASSERT_EQ(step.step.steps.size(), 5u);
  const auto& s = step.step.steps;
  EXPECT_EQ(s[0].lower, 0);
  EXPECT_EQ(s[0].upper, 400);
  EXPECT_EQ(s[0].type, AdjustmentType::kChangeInCapacity);
  EXPECT_EQ(s[0].value, 2);
  EXPECT_EQ(s[0].mark.line, 32);
  EXPECT_EQ(s[0].mark.column, 13);
  EXPECT_EQ(s[1].lower, 400);
  EXPECT_FALSE(s[1].upper.has_value());
  EXPECT_EQ(s[1].type, AdjustmentType::kPercentChangeInCapacity);
  EXPECT_EQ(s[1].value, 50);
  EXPECT_EQ(s[1].min_magnitude, 4);
  EXPECT_EQ(s[2].lower, -100);
  EXPECT_EQ(s[2].upper, -50);
  EXPECT_EQ(s[2].value, -1);
  EXPECT_EQ(s[2].min_magnitude, 0);
  EXPECT_EQ(s[3].type, AdjustmentType::kExactCapacity);
  EXPECT_EQ(s[3].value, 3);
  EXPECT_FALSE(s[4].lower.has_value());
  EXPECT_EQ(s[4].upper, -100);
  EXPECT_EQ(s[4].type, AdjustmentType::kPercentChangeInCapacity);
  EXPECT_EQ(s[4].value, -25);

  const Policy& office = g.policies[3];
  EXPECT_EQ(office.name, "office-hours");
  EXPECT_EQ(office.kind, PolicyKind::kScheduled);
  ASSERT_NE(office.scheduled.cron, nullptr);
  EXPECT_EQ(office.scheduled.cron->text(), "0 8 * * 1-5");
  EXPECT_FALSE(office.scheduled.at.has_value());
  EXPECT_EQ(office.scheduled.min, 10);
  EXPECT_EQ(office.scheduled.max, 50);
  EXPECT_EQ(office.scheduled.desired, 12);
  // Monday 2026-03-02 07:30 UTC = 08:30 in Berlin (UTC+1): the next firing is Tuesday 07:00 UTC.
  EXPECT_EQ(office.scheduled.cron->NextAfter(1772436600), 1772521200);

  const Policy& xmas = g.policies[4];
  EXPECT_EQ(xmas.name, "scheduled#4");
  EXPECT_EQ(xmas.scheduled.cron, nullptr);
  EXPECT_EQ(xmas.scheduled.at, 1798135200);
  EXPECT_EQ(xmas.scheduled.min, 0);
  EXPECT_FALSE(xmas.scheduled.max.has_value());
  EXPECT_FALSE(xmas.scheduled.desired.has_value());

  const Behavior& b = g.behavior;
  EXPECT_EQ(b.scale_up.stabilization_window, 5);
  ASSERT_EQ(b.scale_up.policies.size(), 2u);
  EXPECT_EQ(b.scale_up.policies[0].type, RateType::kPercent);
  EXPECT_EQ(b.scale_up.policies[0].value, 200);
  EXPECT_EQ(b.scale_up.policies[0].period, 30);
  EXPECT_EQ(b.scale_up.policies[1].type, RateType::kUnits);
  EXPECT_EQ(b.scale_up.policies[1].value, 8);
  EXPECT_EQ(b.scale_up.policies[1].period, 15);  // default
  EXPECT_EQ(b.scale_up.select, Select::kMin);
  EXPECT_EQ(b.scale_up.cooldown, 10);
  EXPECT_EQ(b.scale_down.stabilization_window, 300);
  ASSERT_EQ(b.scale_down.policies.size(), 1u);
  EXPECT_EQ(b.scale_down.policies[0].type, RateType::kUnits);
  EXPECT_EQ(b.scale_down.policies[0].value, 1);
  EXPECT_EQ(b.scale_down.policies[0].period, 60);
  EXPECT_EQ(b.scale_down.select, Select::kDisabled);
  EXPECT_EQ(b.scale_down.cooldown, 120);
  EXPECT_EQ(b.warmup, 120);
  ASSERT_TRUE(b.panic.has_value());
  EXPECT_EQ(b.panic->window, 6);
  EXPECT_EQ(b.panic->threshold, 2.5);
  EXPECT_EQ(b.panic->stable_window, 90);

  EXPECT_EQ(g.on_missing_metrics.after_failures, 5);
  EXPECT_EQ(g.on_missing_metrics.fallback, Fallback::kCurrentIfHigher);
  EXPECT_EQ(g.on_missing_metrics.replicas, 4);

  const Group& batch = c.groups[1];
  EXPECT_EQ(batch.name, "batch.jobs_2");
  EXPECT_EQ(batch.on_missing_metrics.fallback, Fallback::kFixed);
  EXPECT_EQ(batch.on_missing_metrics.replicas, 7);
  EXPECT_EQ(c.FindGroup("batch.jobs_2"), &c.groups[1]);
}

TEST(LoaderValid, OmittedKeysTakeTheDefaultsOfConfigH) {
  const Config c = MustLoad(R"(
groups:
  - name: web
)");
  ASSERT_EQ(c.groups.size(), 1u);
  const Group& g = c.groups[0];
  const Group defaults;
  EXPECT_EQ(g.resource.kind, defaults.resource.kind);
  EXPECT_EQ(g.resource.provider, defaults.resource.provider);
  EXPECT_EQ(g.capacity.min, 1);
  EXPECT_EQ(g.capacity.max, 10);
  EXPECT_EQ(g.capacity.initial, 1);
  EXPECT_EQ(g.model.capacity_per_unit, defaults.model.capacity_per_unit);
  EXPECT_EQ(g.model.queue_timeout, 30);
  EXPECT_EQ(g.model.billing_granularity, 1);
  EXPECT_EQ(g.evaluation_interval, 15);
  EXPECT_TRUE(g.metrics.empty());
  EXPECT_TRUE(g.policies.empty());
  // Kubernetes HPA defaults.
  EXPECT_EQ(g.behavior.scale_up.stabilization_window, 0);
  ASSERT_EQ(g.behavior.scale_up.policies.size(), 2u);
  EXPECT_EQ(g.behavior.scale_up.policies[1].type, RateType::kUnits);
  EXPECT_EQ(g.behavior.scale_up.policies[1].value, 4);
  EXPECT_EQ(g.behavior.scale_down.stabilization_window, 300);
  ASSERT_EQ(g.behavior.scale_down.policies.size(), 1u);
  EXPECT_EQ(g.behavior.scale_down.policies[0].type, RateType::kPercent);
  EXPECT_EQ(g.behavior.warmup, 0);
  EXPECT_FALSE(g.behavior.panic.has_value());
  EXPECT_EQ(g.on_missing_metrics.after_failures, 3);
  EXPECT_EQ(g.on_missing_metrics.fallback, Fallback::kHold);
}

TEST(LoaderValid, PartialSectionsKeepTheirOtherDefaults) {
  const Config c = MustLoad(R"(
groups:
  - name: web
    capacity: {min: 4}
    metrics: [{name: m, source: {signal: load}}]
    policies:
      - {type: target_tracking, metric: m, target: 100}
      - {type: step, metric: m, steps: [{change: 1}]}
    behavior:
      scale_down: {stabilization_window: 60}
      panic: {threshold: 3}
)");
  const Group& g = c.groups[0];
  EXPECT_EQ(g.capacity.min, 4);
  EXPECT_EQ(g.capacity.max, 10);
  EXPECT_EQ(g.capacity.initial, 4);  // initial defaults to min
  EXPECT_EQ(g.metrics[0].source.window, 60);
  EXPECT_EQ(g.policies[0].target_tracking.target_type, TargetType::kValue);
  EXPECT_EQ(g.policies[0].target_tracking.tolerance.up, 0.1);
  EXPECT_EQ(g.policies[0].target_tracking.tolerance.down, 0.1);
  EXPECT_EQ(g.policies[1].step.threshold, 0);
  EXPECT_FALSE(g.policies[1].step.steps[0].lower.has_value());
  EXPECT_FALSE(g.policies[1].step.steps[0].upper.has_value());
  EXPECT_EQ(g.behavior.scale_down.stabilization_window, 60);
  EXPECT_EQ(g.behavior.scale_down.policies.size(), 1u);  // not given: default list kept
  EXPECT_EQ(g.behavior.scale_down.select, Select::kMax);
  ASSERT_TRUE(g.behavior.panic.has_value());
  EXPECT_EQ(g.behavior.panic->threshold, 3);
  EXPECT_EQ(g.behavior.panic->window, 6);
  EXPECT_EQ(g.behavior.panic->stable_window, 60);
}

TEST(LoaderValid, DurationsAndFallbackForms) {
  const Config c = MustLoad(R"(
groups:
  - name: a
    evaluation_interval: 1.5h
    model: {startup: "300", shutdown: 250ms, queue_timeout: 2d}
    behavior: {warmup: 90}
    on_missing_metrics: {fallback: fixed:0}
  - name: b
    on_missing_metrics: {fallback: current_if_higher, replicas: 2}
)");
  EXPECT_EQ(c.groups[0].evaluation_interval, 5400);
  EXPECT_EQ(c.groups[0].model.startup, 300);
  EXPECT_DOUBLE_EQ(c.groups[0].model.shutdown, 0.25);
  EXPECT_EQ(c.groups[0].model.queue_timeout, 172800);
  EXPECT_EQ(c.groups[0].behavior.warmup, 90);
  EXPECT_EQ(c.groups[0].on_missing_metrics.fallback, Fallback::kFixed);
  EXPECT_EQ(c.groups[0].on_missing_metrics.replicas, 0);
  EXPECT_EQ(c.groups[1].on_missing_metrics.fallback, Fallback::kCurrentIfHigher);
  EXPECT_EQ(c.groups[1].on_missing_metrics.replicas, 2);
}

TEST(LoaderValid, SelectDisabledAllowsAnEmptyPolicyList) {
  const Config c = MustLoad(R"(
groups:
  - name: a
    behavior: {scale_down: {select: disabled, policies: []}}
)");
  EXPECT_EQ(c.groups[0].behavior.scale_down.select, Select::kDisabled);
  EXPECT_TRUE(c.groups[0].behavior.scale_down.policies.empty());
}

TEST(LoaderValid, AdjacentStepIntervalsDoNotOverlap) {
  const Config c = MustLoad(R"(
groups:
  - name: a
    metrics: [{name: q, source: {signal: backlog}}]
    policies:
      - {type: step, metric: q, steps: [{upper: 0, change: -1}, {lower: 0, upper: 10, change: 1},
                                        {lower: 10, change: 100%}]}
)");
  EXPECT_EQ(c.groups[0].policies[0].step.steps.size(), 3u);
}

TEST(SignalName, NamesEverySignalAsWritten) {
  EXPECT_STREQ(SignalName(Signal::kUtilization), "utilization");
  EXPECT_STREQ(SignalName(Signal::kLoad), "load");
  EXPECT_STREQ(SignalName(Signal::kBacklog), "backlog");
  EXPECT_STREQ(SignalName(Signal::kLoadPerUnit), "load_per_unit");
}

}  // namespace
}  // namespace tide::config
