// The alert rules and receivers: defaults, top-level rules with per-group overrides, the
// demand metric, and every class of bad value (one problem at its line and column).
#include <gtest/gtest.h>

#include "config/emit.h"
#include "config/loader.h"
#include "invalid_case.h"

namespace tide::config {
namespace {

TEST(AlertsConfig, DefaultsWithoutAnAlertsSection) {
  const LoadResult r = LoadConfigString("groups: [{name: web}]\n", "x.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  const AlertRules& a = r.config.groups[0].alert_rules;
  EXPECT_TRUE(a.flapping.enabled);
  EXPECT_EQ(a.flapping.threshold, 10);
  EXPECT_EQ(a.flapping.window, 3600);
  EXPECT_EQ(a.slow_scaling.threshold, 600);
  EXPECT_EQ(a.at_max_capacity.for_seconds, 300);
  EXPECT_EQ(a.at_max_capacity.severity, "critical");
  EXPECT_EQ(a.under_provisioned.threshold, 5);
  EXPECT_EQ(a.forecast_drift.threshold, 0.3);
  EXPECT_EQ(a.source_down.for_seconds, 60);
  EXPECT_EQ(a.actuator_failing.threshold, 2);
  EXPECT_TRUE(r.config.alerts.receivers.webhook_url.empty());
  EXPECT_TRUE(r.config.alerts.receivers.alertmanager_url.empty());
  EXPECT_EQ(r.config.groups[0].demand_metric, "");
}

TEST(AlertsConfig, TopLevelRulesGroupOverridesAndReceivers) {
  const LoadResult r = LoadConfigString(R"(alerts:
  rules:
    flapping: {max_events: 4, window: 30m}
    slow_scaling: {max_duration: 2m, severity: critical}
    under_provisioned: {max_tau_under: 2.5, window: 10m}
    forecast_drift: {max_error: 0.5}
    actuator_failing: {after_failures: 3}
    source_down: {for: 0s}
  webhook: {url: "http://127.0.0.1:9000/alerts", timeout: 2s}
  alertmanager: {url: "http://127.0.0.1:9093", resend_interval: 30s, timeout: 3s}
  generator_url: "http://tide.example.com/"
groups:
  - name: web
    metrics:
      - {name: rps, source: {type: simulated, signal: load}}
    demand_metric: rps
    alerts:
      flapping: {enabled: false}
      at_max_capacity: {for: 1m, severity: warning}
  - name: api
)",
                                        "x.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  const AlertRules& web = r.config.groups[0].alert_rules;
  const AlertRules& api = r.config.groups[1].alert_rules;
  EXPECT_FALSE(web.flapping.enabled);
  EXPECT_TRUE(api.flapping.enabled);
  EXPECT_EQ(api.flapping.threshold, 4);
  EXPECT_EQ(api.flapping.window, 1800);
  EXPECT_EQ(web.slow_scaling.threshold, 120);  // the top-level rule, not overridden
  EXPECT_EQ(web.slow_scaling.severity, "critical");
  EXPECT_EQ(web.at_max_capacity.for_seconds, 60);
  EXPECT_EQ(web.at_max_capacity.severity, "warning");
  EXPECT_EQ(api.at_max_capacity.for_seconds, 300);
  EXPECT_EQ(api.under_provisioned.threshold, 2.5);
  EXPECT_EQ(api.under_provisioned.window, 600);
  EXPECT_EQ(api.forecast_drift.threshold, 0.5);
  EXPECT_EQ(api.actuator_failing.threshold, 3);
  EXPECT_EQ(api.source_down.for_seconds, 0);
  EXPECT_EQ(r.config.groups[0].demand_metric, "rps");
  const AlertReceivers& rcv = r.config.alerts.receivers;
  EXPECT_EQ(rcv.webhook_url, "http://127.0.0.1:9000/alerts");
  EXPECT_EQ(rcv.webhook_timeout, 2);
  EXPECT_EQ(rcv.alertmanager_url, "http://127.0.0.1:9093");
  EXPECT_EQ(rcv.resend_interval, 30);
  EXPECT_EQ(rcv.alertmanager_timeout, 3);
  EXPECT_EQ(rcv.generator_url, "http://tide.example.com/");
}

TEST(AlertsConfig, DemandMetricDefaultsToThePredictiveMetric) {
  const LoadResult r = LoadConfigString(R"(groups:
  - name: web
    metrics:
      - {name: util, source: {type: simulated, signal: utilization}}
      - {name: rps, source: {type: simulated, signal: load}}
    policies:
      - {type: target_tracking, metric: util, target: 0.6}
      - {type: predictive, metric: rps}
)",
                                        "x.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  EXPECT_EQ(r.config.groups[0].demand_metric, "rps");
}

bool Same(const AlertRule& a, const AlertRule& b) {
  return a.enabled == b.enabled && a.severity == b.severity && a.for_seconds == b.for_seconds &&
         a.threshold == b.threshold && a.window == b.window;
}

TEST(AlertsConfig, EmitWritesRulesReceiversAndDemandMetricBack) {
  const LoadResult r = LoadConfigString(R"(alerts:
  rules:
    flapping: {max_events: 4, window: 30m}
    under_provisioned: {max_tau_under: 2.5, window: 10m, severity: warning}
  webhook: {url: "http://127.0.0.1:9000/alerts", timeout: 2s}
  alertmanager: {url: "http://127.0.0.1:9093", resend_interval: 30s}
groups:
  - name: web
    metrics:
      - {name: rps, source: {type: simulated, signal: load}}
    demand_metric: rps
    alerts:
      slow_scaling: {max_duration: 2m}
      forecast_drift: {max_error: 0.5, enabled: false}
      actuator_failing: {after_failures: 3, for: 1m}
      source_down: {severity: warning}
      at_max_capacity: {for: 0s}
)",
                                        "x.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  const std::string text = EmitConfig(r.config);
  const LoadResult back = LoadConfigString(text, "emitted.yaml");
  ASSERT_TRUE(back.problems.empty()) << text << AllProblems(back);
  const AlertRules& a = r.config.groups[0].alert_rules;
  const AlertRules& b = back.config.groups[0].alert_rules;
  EXPECT_TRUE(Same(a.flapping, b.flapping)) << text;
  EXPECT_TRUE(Same(a.slow_scaling, b.slow_scaling)) << text;
  EXPECT_TRUE(Same(a.at_max_capacity, b.at_max_capacity)) << text;
  EXPECT_TRUE(Same(a.under_provisioned, b.under_provisioned)) << text;
  EXPECT_TRUE(Same(a.forecast_drift, b.forecast_drift)) << text;
  EXPECT_TRUE(Same(a.source_down, b.source_down)) << text;
  EXPECT_TRUE(Same(a.actuator_failing, b.actuator_failing)) << text;
  EXPECT_EQ(back.config.groups[0].demand_metric, "rps");
  EXPECT_EQ(back.config.alerts.receivers.webhook_url, "http://127.0.0.1:9000/alerts");
  EXPECT_EQ(back.config.alerts.receivers.webhook_timeout, 2);
  EXPECT_EQ(back.config.alerts.receivers.alertmanager_url, "http://127.0.0.1:9093");
  EXPECT_EQ(back.config.alerts.receivers.resend_interval, 30);
  EXPECT_EQ(EmitConfig(back.config), text);
}

const InvalidCase kAlertCases[] = {
    {"UnknownTopLevelKey", "alerts: {rulez: {}}\ngroups: [{name: web}]\n", 1, 10, "alerts.rulez",
     "unknown key 'rulez'"},
    {"UnknownRule", "alerts:\n  rules: {flaping: {}}\ngroups: [{name: web}]\n", 2, 11,
     "alerts.rules.flaping", "(did you mean 'flapping'?)"},
    {"KeyOfAnotherRule", "alerts:\n  rules: {flapping: {max_error: 1}}\ngroups: [{name: web}]\n", 2,
     22, "alerts.rules.flapping.max_error", "unknown key 'max_error'"},
    {"MaxEventsZero", "alerts:\n  rules: {flapping: {max_events: 0}}\ngroups: [{name: web}]\n", 2,
     34, "alerts.rules.flapping.max_events", "bad value '0'"},
    {"WindowNotADuration", "alerts:\n  rules: {flapping: {window: soon}}\ngroups: [{name: web}]\n",
     2, 30, "alerts.rules.flapping.window", "bad value 'soon'"},
    {"BadSeverity", "alerts:\n  rules: {source_down: {severity: page}}\ngroups: [{name: web}]\n", 2,
     35, "alerts.rules.source_down.severity", "bad value 'page': allowed: warning, critical"},
    {"EnabledNotABool",
     "alerts:\n  rules: {source_down: {enabled: maybe}}\ngroups: [{name: web}]\n", 2, 34,
     "alerts.rules.source_down.enabled", "bad value 'maybe': true or false"},
    {"NegativeFor", "alerts:\n  rules: {source_down: {for: -1m}}\ngroups: [{name: web}]\n", 2, 30,
     "alerts.rules.source_down.for", "bad value '-1m'"},
    {"TauUnderAHundred",
     "alerts:\n  rules: {under_provisioned: {max_tau_under: 100}}\ngroups: [{name: web}]\n", 2, 46,
     "alerts.rules.under_provisioned.max_tau_under",
     "bad value '100': a percentage of time in [0, 100)"},
    {"MaxErrorZero", "alerts:\n  rules: {forecast_drift: {max_error: 0}}\ngroups: [{name: web}]\n",
     2, 39, "alerts.rules.forecast_drift.max_error", "bad value '0'"},
    {"AfterFailuresZero",
     "alerts:\n  rules: {actuator_failing: {after_failures: 0}}\ngroups: [{name: web}]\n", 2, 46,
     "alerts.rules.actuator_failing.after_failures", "bad value '0'"},
    {"WebhookWithoutUrl", "alerts:\n  webhook: {timeout: 2s}\ngroups: [{name: web}]\n", 2, 12,
     "alerts.webhook.url", "missing"},
    {"WebhookBadUrl", "alerts:\n  webhook: {url: \"ftp://x\"}\ngroups: [{name: web}]\n", 2, 18,
     "alerts.webhook.url", "bad value 'ftp://x'"},
    {"AlertmanagerBadResend",
     "alerts:\n  alertmanager: {url: \"http://127.0.0.1:9093\", resend_interval: 0s}\n"
     "groups: [{name: web}]\n",
     2, 65, "alerts.alertmanager.resend_interval", "bad value '0s'"},
    {"GroupUnknownRule", "groups:\n  - name: web\n    alerts: {flaping: {enabled: false}}\n", 3, 14,
     "groups[0].alerts.flaping", "(did you mean 'flapping'?)"},
    {"GroupRuleBadValue",
     "groups:\n  - name: web\n    alerts: {slow_scaling: {max_duration: 0s}}\n", 3, 43,
     "groups[0].alerts.slow_scaling.max_duration", "bad value '0s'"},
    {"UnknownDemandMetric", "groups:\n  - name: web\n    demand_metric: rps\n", 3, 20,
     "groups[0].demand_metric", "bad value 'rps'"},
};

INSTANTIATE_TEST_SUITE_P(Alerts, LoaderInvalid, testing::ValuesIn(kAlertCases), InvalidCaseName);

}  // namespace
}  // namespace tide::config
