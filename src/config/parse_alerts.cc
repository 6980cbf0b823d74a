// parse_alerts.cc: the top-level `alerts:` (rules for every group, and the receivers: a
// webhook and an Alertmanager) and a group's `alerts:` (overrides of those rules).
//
//   alerts:
//     rules:
//       flapping: {max_events: 10, window: 1h}
//       slow_scaling: {max_duration: 10m, severity: critical}
//       source_down: {for: 2m}
//       forecast_drift: {enabled: false}
//     webhook: {url: "http://127.0.0.1:9000/alerts", timeout: 5s}
//     alertmanager: {url: "http://127.0.0.1:9093", resend_interval: 1m, timeout: 5s}
#include <fmt/format.h>

#include "config/parse.h"

namespace tide::config::internal {
namespace {

const std::vector<std::string_view> kRuleNames = {
    "flapping",       "slow_scaling", "at_max_capacity", "under_provisioned",
    "forecast_drift", "source_down",  "actuator_failing"};

AlertRule* RuleOf(AlertRules* rules, std::string_view name) {
  if (name == "flapping") return &rules->flapping;
  if (name == "slow_scaling") return &rules->slow_scaling;
  if (name == "at_max_capacity") return &rules->at_max_capacity;
  if (name == "under_provisioned") return &rules->under_provisioned;
  if (name == "forecast_drift") return &rules->forecast_drift;
  if (name == "source_down") return &rules->source_down;
  if (name == "actuator_failing") return &rules->actuator_failing;
  return nullptr;
}

void ParseRule(Reader& r, const Field& f, std::string_view name, AlertRule* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  std::vector<std::string_view> keys = {"enabled", "severity", "for"};
  if (name == "flapping") keys.insert(keys.end(), {"max_events", "window"});
  if (name == "slow_scaling") keys.push_back("max_duration");
  if (name == "under_provisioned") keys.insert(keys.end(), {"max_tau_under", "window"});
  if (name == "forecast_drift") keys.push_back("max_error");
  if (name == "actuator_failing") keys.push_back("after_failures");
  m.CheckKeys(keys);
  r.ReadBool(m.Get("enabled"), &out->enabled);
  int severity = 0;
  if (m.Has("severity") && r.ReadEnum(m.Get("severity"), {"warning", "critical"}, &severity))
    out->severity = severity == 0 ? "warning" : "critical";
  r.ReadDuration(m.Get("for"), Bound::kNonNegative, &out->for_seconds);
  if (name == "flapping") {
    int n = 0;
    if (m.Has("max_events") && r.ReadInt(m.Get("max_events"), 1, &n)) out->threshold = n;
    r.ReadDuration(m.Get("window"), Bound::kPositive, &out->window);
  } else if (name == "slow_scaling") {
    r.ReadDuration(m.Get("max_duration"), Bound::kPositive, &out->threshold);
  } else if (name == "under_provisioned") {
    const Field tau = m.Get("max_tau_under");
    double v = out->threshold;
    if (r.ReadNumber(tau, Bound::kNonNegative, &v)) {
      if (v >= 100) {
        r.Fail(tau, "a percentage of time in [0, 100)");
      } else {
        out->threshold = v;
      }
    }
    r.ReadDuration(m.Get("window"), Bound::kPositive, &out->window);
  } else if (name == "forecast_drift") {
    r.ReadNumber(m.Get("max_error"), Bound::kPositive, &out->threshold);
  } else if (name == "actuator_failing") {
    int n = 0;
    if (m.Has("after_failures") && r.ReadInt(m.Get("after_failures"), 1, &n)) out->threshold = n;
  }
}

void ParseWebhook(Reader& r, const Field& f, AlertReceivers* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"url", "timeout"});
  const Field url = m.Get("url");
  if (!url.present)
    r.Missing(f, "url", "the URL to POST alerts to (e.g. http://127.0.0.1:9000/alerts)");
  ReadHttpUrl(r, url, "http://127.0.0.1:9000/alerts", &out->webhook_url);
  r.ReadDuration(m.Get("timeout"), Bound::kPositive, &out->webhook_timeout);
}

void ParseAlertmanager(Reader& r, const Field& f, AlertReceivers* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"url", "timeout", "resend_interval"});
  const Field url = m.Get("url");
  if (!url.present) r.Missing(f, "url", "the Alertmanager's base URL (e.g. http://127.0.0.1:9093)");
  ReadHttpUrl(r, url, "http://127.0.0.1:9093", &out->alertmanager_url);
  r.ReadDuration(m.Get("timeout"), Bound::kPositive, &out->alertmanager_timeout);
  r.ReadDuration(m.Get("resend_interval"), Bound::kPositive, &out->resend_interval);
}

}  // namespace

void ParseAlertRules(Reader& r, const Field& f, AlertRules* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys(kRuleNames);
  for (std::string_view name : kRuleNames) {
    if (m.Has(name)) ParseRule(r, m.Get(name), name, RuleOf(out, name));
  }
}

void ParseAlerts(Reader& r, const Field& f, Alerts* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"rules", "webhook", "alertmanager", "generator_url"});
  ParseAlertRules(r, m.Get("rules"), &out->rules);
  ParseWebhook(r, m.Get("webhook"), &out->receivers);
  ParseAlertmanager(r, m.Get("alertmanager"), &out->receivers);
  ReadHttpUrl(r, m.Get("generator_url"), "http://tide.example.com:8080/",
              &out->receivers.generator_url);
}

}  // namespace tide::config::internal
