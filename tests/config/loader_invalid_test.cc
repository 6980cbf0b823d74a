// Invalid configurations, one class of mistake per case: each must yield exactly one problem
// at the given line:column, naming the key path, with the given text in its message.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"
#include "invalid_case.h"

namespace tide::config {

TEST_P(LoaderInvalid, ReportsOneProblemWithPositionKeyAndMessage) {
  const InvalidCase& c = GetParam();
  const LoadResult r = LoadConfigString(c.yaml, "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  const Problem& p = r.problems[0];
  EXPECT_EQ(p.file, "x.yaml");
  EXPECT_EQ(p.line, c.line) << p.ToString();
  EXPECT_EQ(p.column, c.column) << p.ToString();
  EXPECT_EQ(p.key_path, c.key_path) << p.ToString();
  EXPECT_NE(p.ToString().find(c.message), std::string::npos) << p.ToString();
}

namespace {

const InvalidCase kCases[] = {
    // ---- unknown keys ----
    {"UnknownGroupKeySuggestsTheClosest", R"(groups:
  - name: web
    behavoir: {}
)",
     3, 5, "groups[0].behavoir",
     "x.yaml:3:5: groups[0].behavoir: unknown key 'behavoir'; allowed: name, resource, capacity, "
     "model, evaluation_interval, metrics, ready_metric, policies, behavior, on_missing_metrics, "
     "actuator, demand_metric, alerts, local (did you mean 'behavior'?)"},
    {"UnknownTopLevelKey", R"(groups: [{name: web}]
version: 2
)",
     2, 1, "version", "unknown key 'version'; allowed: groups, api, retention"},
    {"UnknownKeyInStep", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - {type: step, metric: q, steps: [{lowr: 0, change: 1}]}
)",
     5, 42, "groups[0].policies[0].steps[0].lowr",
     "unknown key 'lowr'; allowed: lower, upper, change, exact, min_magnitude (did you mean "
     "'lower'?)"},
    {"UnknownKeyDependsOnPolicyType", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - {type: target_tracking, metric: q, target: 0.5, steps: []}
)",
     5, 57, "groups[0].policies[0].steps", "unknown key 'steps'; allowed: type, name, metric"},
    {"DuplicateYamlKey", R"(groups:
  - name: web
    capacity: {min: 1, min: 2}
)",
     3, 24, "groups[0].capacity.min", "duplicate key 'min'; first given at line 3"},

    // ---- types ----
    {"StringWhereIntegerExpected", R"(groups:
  - name: web
    capacity: {min: one}
)",
     3, 21, "groups[0].capacity.min", "bad value 'one': expected an integer, got a string"},
    {"FloatWhereIntegerExpected", R"(groups:
  - name: web
    capacity:
      min: 1.5
)",
     4, 12, "groups[0].capacity.min", "bad value '1.5': expected an integer, got a decimal number"},
    {"NumberWhereStringExpected", R"(groups:
  - name: 123
)",
     2, 11, "groups[0].name", "bad value '123': expected a name of letters"},
    {"MapWhereScalarExpected", R"(groups:
  - name: web
    evaluation_interval: {seconds: 60}
)",
     3, 26, "groups[0].evaluation_interval", "bad value '{...}': expected a duration"},
    {"QuotedNumberIsAString", R"(groups:
  - name: web
    model: {capacity_per_unit: "50"}
)",
     3, 32, "groups[0].model.capacity_per_unit", "expected a number, got a string"},
    {"SequenceWhereMapExpected", R"(groups:
  - name: web
    capacity: [1, 10]
)",
     3, 15, "groups[0].capacity", "bad value '[...]': expected a map, got a sequence"},
    {"GroupsNotASequence", R"(groups: {name: web}
)",
     1, 9, "groups", "expected a sequence, got a map"},

    // ---- capacity ----
    {"MinGreaterThanMax", R"(groups:
  - name: web
    capacity:
      min: 12
      max: 10
)",
     4, 12, "groups[0].capacity.min",
     "x.yaml:4:12: groups[0].capacity.min: bad value '12': must be <= capacity.max (10)"},
    {"MinGreaterThanDefaultMax", R"(groups:
  - name: web
    capacity: {min: 11}
)",
     3, 21, "groups[0].capacity.min", "must be <= capacity.max (10, the default)"},
    {"InitialAboveMax", R"(groups:
  - name: web
    capacity: {min: 2, max: 5, initial: 6}
)",
     3, 41, "groups[0].capacity.initial",
     "bad value '6': must be in [capacity.min, capacity.max] = [2, 5]"},
    {"InitialBelowMin", R"(groups:
  - name: web
    capacity: {min: 2, initial: 1}
)",
     3, 33, "groups[0].capacity.initial", "must be in [capacity.min, capacity.max] = [2, 10]"},
    {"MaxBelowOne", R"(groups:
  - name: web
    capacity: {min: 0, max: 0}
)",
     3, 29, "groups[0].capacity.max", "bad value '0': must be >= 1"},

    // ---- durations and numbers ----
    {"NegativeDuration", R"(groups:
  - name: web
    model:
      startup: -30s
)",
     4, 16, "groups[0].model.startup", "bad value '-30s': must be >= 0"},
    {"ZeroIntervalMustBePositive", R"(groups:
  - name: web
    evaluation_interval: 0s
)",
     3, 26, "groups[0].evaluation_interval", "bad value '0s': must be > 0"},
    {"BadDurationText", R"(groups:
  - name: web
    behavior:
      warmup: 2 minutes
)",
     4, 15, "groups[0].behavior.warmup",
     "bad value '2 minutes': expected a duration: a number of seconds or a number with a unit"},
    {"NumberOutOfRange", R"(groups:
  - name: web
    model: {price_per_unit_hour: 1e999}
)",
     3, 34, "groups[0].model.price_per_unit_hour", "number out of range"},

    // ---- metrics ----
    {"UnknownSignalSuggests", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {signal: backlgo}
)",
     5, 26, "groups[0].metrics[0].source.signal",
     "bad value 'backlgo': allowed: utilization, load, backlog, load_per_unit (did you mean "
     "'backlog'?)"},
    {"DuplicateMetricName", R"(groups:
  - name: web
    metrics:
      - name: q
      - name: q
)",
     5, 15, "groups[0].metrics[1].name",
     "bad value 'q': duplicate metric name; must be unique, first defined at line 4"},

    // ---- target tracking ----
    {"TargetZero", R"(groups:
  - name: web
    metrics: [{name: cpu}]
    policies:
      - {type: target_tracking, metric: cpu, target: 0}
)",
     5, 54, "groups[0].policies[0].target", "bad value '0': must be > 0"},
    {"TargetNegative", R"(groups:
  - name: web
    metrics: [{name: cpu}]
    policies:
      - type: target_tracking
        metric: cpu
        target: -0.5
)",
     7, 17, "groups[0].policies[0].target", "bad value '-0.5': must be > 0"},
    {"TargetMissing", R"(groups:
  - name: web
    metrics: [{name: cpu}]
    policies:
      - type: target_tracking
        metric: cpu
)",
     5, 9, "groups[0].policies[0].target", "missing; required: a number > 0"},
    {"UnknownMetricListsTheGroupsMetrics", R"(groups:
  - name: web
    metrics: [{name: utilization}, {name: queue_depth}]
    policies:
      - {type: target_tracking, metric: utilisation, target: 0.6}
)",
     5, 41, "groups[0].policies[0].metric",
     "bad value 'utilisation': unknown metric; this group's metrics: utilization, queue_depth "
     "(did you mean 'utilization'?)"},
    {"UnknownPolicyType", R"(groups:
  - name: web
    policies:
      - {type: forecast, metric: load}
)",
     4, 16, "groups[0].policies[0].type",
     "bad value 'forecast': allowed: target_tracking, step, scheduled, predictive"},

    // ---- step scaling ----
    {"OverlappingStepsNameBothSteps", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - type: step
        metric: q
        steps:
          - {lower: 0, upper: 400, change: 2}
          - {lower: 300, change: 50%}
)",
     9, 13, "groups[0].policies[0].steps[1]",
     "bad value '[300, +inf)': overlaps steps[0] [0, 400); step intervals"},
    {"PercentWithoutPercentSign", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - type: step
        metric: q
        steps:
          - {lower: 0, change: 50pct}
)",
     8, 32, "groups[0].policies[0].steps[0].change",
     "bad value '50pct': expected a number of units (e.g. 2, -1) or a percent (e.g. 50%, -25%)"},
    {"MinMagnitudeWithoutPercent", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - type: step
        metric: q
        steps:
          - {lower: 0, change: 2, min_magnitude: 3}
)",
     8, 50, "groups[0].policies[0].steps[0].min_magnitude",
     "bad value '3': only allowed with a percent change"},
    {"LowerNotBelowUpper", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - type: step
        metric: q
        steps:
          - {lower: 10, upper: 10, change: 1}
)",
     8, 32, "groups[0].policies[0].steps[0].upper", "bad value '10': must be > lower (10)"},
    {"ChangeAndExactTogether", R"(groups:
  - name: web
    metrics: [{name: q}]
    policies:
      - type: step
        metric: q
        steps:
          - {change: 1, exact: 3}
)",
     8, 32, "groups[0].policies[0].steps[0].exact", "change and exact are exclusive"},

    // ---- scheduled ----
    {"InvalidCron", R"(groups:
  - name: web
    policies:
      - {type: scheduled, cron: "0 25 * * *", set: {min: 1}}
)",
     4, 33, "groups[0].policies[0].cron", "bad value '0 25 * * *': hour field '25'"},
    {"InvalidTimeZone", R"(groups:
  - name: web
    policies:
      - type: scheduled
        cron: "0 8 * * 1-5"
        timezone: Europe/Berlni
        set: {min: 10}
)",
     6, 19, "groups[0].policies[0].timezone",
     "bad value 'Europe/Berlni': unknown time zone; expected an IANA name"},
    {"HostTimeZone", R"(groups:
  - name: web
    policies:
      - type: scheduled
        cron: "0 8 * * 1-5"
        timezone: localtime
        set: {min: 1}
)",
     6, 19, "groups[0].policies[0].timezone", "bad value 'localtime': the host's own zone"},
    {"ScheduledMinPastMax", R"(groups:
  - name: web
    capacity: {min: 1, max: 10}
    policies:
      - type: scheduled
        cron: "0 8 * * 1-5"
        set: {min: 50}
)",
     7, 20, "groups[0].policies[0].set.min",
     "bad value '50': must be <= capacity.max (10); to go past it for this period, set max in the "
     "same action"},
    {"CronAndAtTogether", R"(groups:
  - name: web
    policies:
      - type: scheduled
        cron: "0 8 * * *"
        at: "2026-12-24T18:00:00Z"
        set: {min: 1}
)",
     6, 13, "groups[0].policies[0].at", "cron and at are exclusive"},
    {"NeitherCronNorAt", R"(groups:
  - name: web
    policies:
      - {type: scheduled, set: {min: 1}}
)",
     4, 9, "groups[0].policies[0].cron", "missing; required: exactly one of cron"},
    {"TimezoneWithAt", R"(groups:
  - name: web
    policies:
      - {type: scheduled, at: "2026-12-24T18:00:00Z", timezone: UTC, set: {min: 1}}
)",
     4, 65, "groups[0].policies[0].timezone", "only allowed with cron"},
    {"BadAtTime", R"(groups:
  - name: web
    policies:
      - {type: scheduled, at: tomorrow, set: {min: 1}}
)",
     4, 31, "groups[0].policies[0].at", "bad value 'tomorrow': expected a time: RFC 3339"},
    {"EmptySet", R"(groups:
  - name: web
    policies:
      - {type: scheduled, cron: "0 0 * * *", set: {}}
)",
     4, 51, "groups[0].policies[0].set", "needs at least one of min, max, desired"},
    {"SetMinAboveMax", R"(groups:
  - name: web
    policies:
      - {type: scheduled, cron: "0 0 * * *", set: {min: 5, max: 2}}
)",
     4, 57, "groups[0].policies[0].set.min", "bad value '5': must be <= set.max (2)"},

    // ---- names ----
    {"DuplicateGroupName", R"(groups:
  - name: web
  - name: api
  - name: web
)",
     4, 11, "groups[2].name",
     "bad value 'web': duplicate group name; must be unique, first defined at line 2"},
    {"DuplicatePolicyName", R"(groups:
  - name: web
    policies:
      - {type: scheduled, name: a, cron: "0 0 * * *", set: {min: 1}}
      - {type: scheduled, name: a, cron: "0 1 * * *", set: {min: 1}}
)",
     5, 33, "groups[0].policies[1].name", "duplicate policy name"},
    {"MissingGroupName", R"(groups:
  - capacity: {min: 1}
)",
     2, 5, "groups[0].name", "missing; required: a name"},
    {"BadNameCharacters", R"(groups:
  - name: "web app"
)",
     2, 11, "groups[0].name", "bad value 'web app': expected a name of letters"},

    // ---- behavior and on_missing_metrics ----
    {"UnknownSelect", R"(groups:
  - name: web
    behavior:
      scale_down: {select: maximum}
)",
     4, 28, "groups[0].behavior.scale_down.select", "allowed: max, min, disabled"},
    {"RatePolicyValueNotPositive", R"(groups:
  - name: web
    behavior:
      scale_up:
        policies: [{type: units, value: 0}]
)",
     5, 41, "groups[0].behavior.scale_up.policies[0].value", "bad value '0': must be > 0"},
    {"PanicThresholdNotAboveOne", R"(groups:
  - name: web
    behavior: {panic: {threshold: 1}}
)",
     3, 35, "groups[0].behavior.panic.threshold", "must be > 1"},
    {"UnknownFallback", R"(groups:
  - name: web
    on_missing_metrics: {fallback: fixd}
)",
     3, 36, "groups[0].on_missing_metrics.fallback",
     "allowed: hold, fixed, current_if_higher, fixed:N, current_if_higher:N (N = replicas, an "
     "integer >= 0) (did you mean 'fixed'?)"},
    {"FixedFallbackNeedsReplicas", R"(groups:
  - name: web
    on_missing_metrics: {fallback: fixed}
)",
     3, 25, "groups[0].on_missing_metrics.replicas", "missing; required: an integer >= 0"},
    {"AfterFailuresBelowOne", R"(groups:
  - name: web
    on_missing_metrics: {after_failures: 0}
)",
     3, 42, "groups[0].on_missing_metrics.after_failures", "bad value '0': must be >= 1"},
};

INSTANTIATE_TEST_SUITE_P(Cases, LoaderInvalid, testing::ValuesIn(kCases), InvalidCaseName);

}  // namespace
}  // namespace tide::config
