// emit.cc: Config -> YAML text with yaml-cpp's emitter. Every value is written so that the
// loader reads it back exactly: strings that YAML would resolve to anything but a string are
// double-quoted, numbers use fmt's shortest round-trip form, durations a unit only when the
// value survives it.
//
// Values the loader can never produce are not expressible and are written as their nearest
// loadable form: a step's min_magnitude without a percent change, a breach buffer with
// behavior honor, replicas with fallback hold, an empty rate-policy list without select
// disabled.
#include "config/emit.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/duration.h"

namespace tide::config {
namespace {

// A string YAML (and the loader's classification) reads back as this very string when plain.
bool PlainSafe(const std::string& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  const bool chars = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '/';
  });
  if (!chars) return false;
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kReserved[] = {"true", "false", "null", "yes", "no", "on", "off",
                                          "y",    "n"};
  return std::none_of(std::begin(kReserved), std::end(kReserved),
                      [&](const char* w) { return lower == w; });
}

std::string Num(double v) { return fmt::format("{}", v); }

// Compact when exact ("5m", "1h"), else plain seconds with an "s".
std::string Dur(double seconds) {
  const std::string compact = FormatDuration(seconds);
  const Result<double> back = ParseDuration(compact);
  if (back.ok() && *back == seconds) return compact;
  return fmt::format("{}s", seconds);
}

// RFC 3339 when whole seconds, else epoch seconds.
std::string Time(double epoch) {
  const std::string text = FormatTimestamp(epoch);
  const Result<double> back = ParseTimestamp(text);
  if (back.ok() && *back == epoch) return text;
  return Num(epoch);
}

class Writer {
 public:
  Writer() { out_.SetIndent(2); }

  YAML::Emitter& out() { return out_; }

  Writer& Key(const char* k) {
    out_ << YAML::Key << k << YAML::Value;
    return *this;
  }
  void Str(const std::string& s) {
    if (PlainSafe(s))
      out_ << s;
    else
      out_ << YAML::DoubleQuoted << s;
  }
  void Number(double v) { out_ << Num(v); }
  void Int(int v) { out_ << v; }
  void Duration(double s) { out_ << Dur(s); }
  void Bool(bool b) { out_ << (b ? "true" : "false"); }

  void BeginMap(bool flow = false) {
    if (flow) out_ << YAML::Flow;
    out_ << YAML::BeginMap;
  }
  void EndMap() { out_ << YAML::EndMap; }
  void BeginSeq(bool flow = false) {
    if (flow) out_ << YAML::Flow;
    out_ << YAML::BeginSeq;
  }
  void EndSeq() { out_ << YAML::EndSeq; }

 private:
  YAML::Emitter out_;
};

void EmitSource(Writer& w, const MetricSource& s) {
  w.BeginMap(true);
  w.Key("type").Str(s.type);
  if (s.type == "simulated") w.Key("signal").Str(SignalName(s.signal));
  if (s.type == "prometheus") {
    w.Key("url").Str(s.url);
    w.Key("query").Str(s.query);
  } else if (s.type == "redis") {
    w.Key("address").Str(s.address);
    w.Key("key").Str(s.key);
    const std::string measure = s.measure.empty() ? "length" : s.measure;
    w.Key("measure").Str(measure);
    if (measure != "length") w.Key("consumer_group").Str(s.consumer_group);
  } else if (s.type == "procfs") {
    w.Key("pid_file").Str(s.pid_file);
    w.Key("measure").Str(s.measure.empty() ? "cpu" : s.measure);
  } else if (s.type == "http_json") {
    w.Key("url").Str(s.url);
    w.Key("pointer").Str(s.pointer);
  } else if (s.type == "local") {
    w.Key("measure").Str(s.measure);
  }
  w.Key("window").Duration(s.window);
  w.Key("max_age").Duration(s.max_age);
  if (s.type != "simulated" && s.type != "local") {
    w.Key("timeout").Duration(s.timeout);
    w.Key("retries").Int(s.retries);
  }
  w.EndMap();
}

const char* const kPolicyTypes[] = {"target_tracking", "step", "scheduled", "predictive"};

void EmitMetricRef(Writer& w, const Group& g, int index) {
  if (index >= 0 && index < static_cast<int>(g.metrics.size()))
    w.Key("metric").Str(g.metrics[index].name);
}

void EmitStep(Writer& w, const StepAdjustment& s) {
  w.BeginMap(true);
  if (s.lower) w.Key("lower").Number(*s.lower);
  if (s.upper) w.Key("upper").Number(*s.upper);
  switch (s.type) {
    case AdjustmentType::kChangeInCapacity:
      w.Key("change").Number(s.value);
      break;
    case AdjustmentType::kPercentChangeInCapacity:
      w.Key("change").Str(Num(s.value) + "%");
      if (s.min_magnitude >= 1) w.Key("min_magnitude").Int(s.min_magnitude);
      break;
    case AdjustmentType::kExactCapacity:
      w.Key("exact").Int(static_cast<int>(s.value));
      break;
  }
  w.EndMap();
}

void EmitScheduled(Writer& w, const Scheduled& s) {
  if (s.cron) {
    w.Key("cron").Str(s.cron->text());
    w.Key("timezone").Str(s.cron->zone_name());
  } else if (s.at) {
    w.Key("at").Str(Time(*s.at));
  }
  w.Key("set").BeginMap(true);
  if (s.min) w.Key("min").Int(*s.min);
  if (s.max) w.Key("max").Int(*s.max);
  if (s.desired) w.Key("desired").Int(*s.desired);
  w.EndMap();
}

void EmitPredictive(Writer& w, const Group& g, const Predictive& p) {
  EmitMetricRef(w, g, p.metric);
  w.Key("target").Number(p.target);
  w.Key("quantile").Number(p.quantile);
  w.Key("mode").Str(p.scale ? "forecast_and_scale" : "forecast_only");
  w.Key("scheduling_buffer").Duration(p.scheduling_buffer);
  w.Key("model").Str(p.model);
  w.Key("refit_interval").Duration(p.refit_interval);
  w.Key("horizon").Duration(p.horizon);
  w.Key("min_history").Duration(p.min_history);
  w.Key("max_history").Duration(p.max_history);
  w.Key("max_capacity_breach").BeginMap(true);
  w.Key("behavior").Str(p.breach_increase ? "increase" : "honor");
  if (p.breach_increase) w.Key("buffer").Number(p.breach_buffer);
  w.EndMap();
  w.Key("max_change").Number(p.max_change);
  w.Key("scale_in").Bool(p.scale_in);
  w.Key("provision_for").Str(p.peak ? "peak" : "mean");
  w.Key("skip_scale_down_window").Bool(p.skip_scale_down_window);
  w.Key("breaker").BeginMap(true);
  w.Key("threshold").Number(p.breaker_threshold);
  w.Key("window").Duration(p.breaker_window);
  w.EndMap();
}

void EmitPolicy(Writer& w, const Group& g, const Policy& p, size_t index) {
  const char* type = kPolicyTypes[static_cast<int>(p.kind)];
  w.BeginMap();
  w.Key("type").Str(type);
  // The loader's default name "<type>#<index>" is not a writable name: leave it implied.
  if (!p.name.empty() && p.name != fmt::format("{}#{}", type, index)) w.Key("name").Str(p.name);
  switch (p.kind) {
    case PolicyKind::kTargetTracking: {
      const TargetTracking& t = p.target_tracking;
      EmitMetricRef(w, g, t.metric);
      w.Key("target").Number(t.target);
      w.Key("target_type").Str(t.target_type == TargetType::kValue ? "value" : "average_value");
      w.Key("tolerance").BeginMap(true);
      w.Key("up").Number(t.tolerance.up);
      w.Key("down").Number(t.tolerance.down);
      w.EndMap();
      break;
    }
    case PolicyKind::kStep:
      EmitMetricRef(w, g, p.step.metric);
      w.Key("threshold").Number(p.step.threshold);
      w.Key("steps").BeginSeq();
      for (const StepAdjustment& s : p.step.steps) EmitStep(w, s);
      w.EndSeq();
      break;
    case PolicyKind::kScheduled:
      EmitScheduled(w, p.scheduled);
      break;
    case PolicyKind::kPredictive:
      EmitPredictive(w, g, p.predictive);
      break;
  }
  w.EndMap();
}

const char* const kSelectNames[] = {"max", "min", "disabled"};

void EmitRules(Writer& w, const ScalingRules& r) {
  w.BeginMap();
  w.Key("stabilization_window").Duration(r.stabilization_window);
  w.Key("select").Str(kSelectNames[static_cast<int>(r.select)]);
  w.Key("cooldown").Duration(r.cooldown);
  // An empty list is accepted only with select: disabled; otherwise the defaults stay.
  if (!r.policies.empty() || r.select == Select::kDisabled) {
    w.Key("policies").BeginSeq(/*flow=*/r.policies.empty());
    for (const RatePolicy& p : r.policies) {
      w.BeginMap(true);
      w.Key("type").Str(p.type == RateType::kUnits ? "units" : "percent");
      w.Key("value").Number(p.value);
      w.Key("period").Duration(p.period);
      w.EndMap();
    }
    w.EndSeq();
  }
  w.EndMap();
}

void EmitBehavior(Writer& w, const Behavior& b) {
  w.BeginMap();
  w.Key("scale_up");
  EmitRules(w, b.scale_up);
  w.Key("scale_down");
  EmitRules(w, b.scale_down);
  w.Key("warmup").Duration(b.warmup);
  if (b.panic) {
    w.Key("panic").BeginMap(true);
    w.Key("window").Duration(b.panic->window);
    w.Key("threshold").Number(b.panic->threshold);
    w.Key("stable_window").Duration(b.panic->stable_window);
    w.EndMap();
  }
  w.EndMap();
}

void EmitOnMissing(Writer& w, const OnMissingMetrics& m) {
  w.BeginMap(true);
  w.Key("after_failures").Int(m.after_failures);
  switch (m.fallback) {
    case Fallback::kHold:
      w.Key("fallback").Str("hold");
      break;
    case Fallback::kFixed:
      w.Key("fallback").Str("fixed");
      w.Key("replicas").Int(m.replicas);
      break;
    case Fallback::kCurrentIfHigher:
      w.Key("fallback").Str("current_if_higher");
      w.Key("replicas").Int(m.replicas);
      break;
  }
  w.EndMap();
}

void EmitActuator(Writer& w, const Actuator& a) {
  w.BeginMap(true);
  w.Key("type").Str(a.type);
  if (a.type == "exec") {
    w.Key("command").BeginSeq(true);
    for (const std::string& arg : a.command) w.Str(arg);
    w.EndSeq();
  } else if (a.type == "webhook") {
    w.Key("url").Str(a.url);
  }
  w.Key("timeout").Duration(a.timeout);
  w.Key("retries").Int(a.retries);
  w.EndMap();
}

bool SameRule(const AlertRule& a, const AlertRule& b) {
  return a.enabled == b.enabled && a.severity == b.severity && a.for_seconds == b.for_seconds &&
         a.threshold == b.threshold && a.window == b.window;
}

// The rules that differ from the defaults, each with all its keys; nothing when none does.
void EmitAlertRules(Writer& w, const char* key, const AlertRules& rules) {
  const AlertRules d;
  const std::pair<const char*, const AlertRule*> all[] = {
      {"flapping", &rules.flapping},           {"slow_scaling", &rules.slow_scaling},
      {"at_max_capacity", &rules.at_max_capacity}, {"under_provisioned", &rules.under_provisioned},
      {"forecast_drift", &rules.forecast_drift}, {"source_down", &rules.source_down},
      {"actuator_failing", &rules.actuator_failing}};
  const AlertRule* defaults[] = {&d.flapping,       &d.slow_scaling, &d.at_max_capacity,
                                 &d.under_provisioned, &d.forecast_drift, &d.source_down,
                                 &d.actuator_failing};
  bool any = false;
  for (size_t i = 0; i < std::size(all); ++i) any |= !SameRule(*all[i].second, *defaults[i]);
  if (!any) return;
  w.Key(key).BeginMap();
  for (size_t i = 0; i < std::size(all); ++i) {
    const auto& [name, r] = all[i];
    if (SameRule(*r, *defaults[i])) continue;
    const std::string_view n = name;
    w.Key(name).BeginMap(true);
    w.Key("enabled").Bool(r->enabled);
    w.Key("severity").Str(r->severity);
    w.Key("for").Duration(r->for_seconds);
    if (n == "flapping") {
      w.Key("max_events").Int(static_cast<int>(r->threshold));
      w.Key("window").Duration(r->window);
    } else if (n == "slow_scaling") {
      w.Key("max_duration").Duration(r->threshold);
    } else if (n == "under_provisioned") {
      w.Key("max_tau_under").Number(r->threshold);
      w.Key("window").Duration(r->window);
    } else if (n == "forecast_drift") {
      w.Key("max_error").Number(r->threshold);
    } else if (n == "actuator_failing") {
      w.Key("after_failures").Int(static_cast<int>(r->threshold));
    }
    w.EndMap();
  }
  w.EndMap();
}

void EmitArgv(Writer& w, const std::vector<std::string>& argv) {
  w.BeginSeq(true);
  for (const std::string& arg : argv) w.Str(arg);
  w.EndSeq();
}

void EmitLocal(Writer& w, const LocalService& l) {
  w.BeginMap();
  w.Key("command");
  EmitArgv(w, l.command);
  w.Key("listen").Str(l.listen);
  w.Key("health").BeginMap(true);
  w.Key("type").Str(l.health.type);
  if (l.health.type == "http") w.Key("path").Str(l.health.path);
  if (l.health.type == "command") {
    w.Key("command");
    EmitArgv(w, l.health.command);
  }
  w.Key("interval").Duration(l.health.interval);
  w.Key("timeout").Duration(l.health.timeout);
  w.Key("start_timeout").Duration(l.health.start_timeout);
  w.EndMap();
  w.Key("queue").BeginMap(true);
  w.Key("max").Int(l.queue_max);
  w.Key("timeout").Duration(l.queue_timeout);
  w.EndMap();
  w.Key("drain").BeginMap(true);
  w.Key("timeout").Duration(l.drain_timeout);
  w.Key("grace").Duration(l.grace);
  w.EndMap();
  w.Key("idle").Duration(l.idle);
  w.Key("max_concurrency").Int(l.max_concurrency);
  w.Key("restart").BeginMap(true);
  w.Key("backoff").Duration(l.restart_backoff);
  w.Key("max_backoff").Duration(l.restart_max_backoff);
  w.Key("crash_loop").BeginMap(true);
  w.Key("restarts").Int(l.crash_loop_restarts);
  w.Key("window").Duration(l.crash_loop_window);
  w.Key("cooldown").Duration(l.crash_loop_cooldown);
  w.EndMap();
  w.EndMap();
  w.Key("log").BeginMap(true);
  if (!l.log_dir.empty()) w.Key("dir").Str(l.log_dir);
  w.Key("max_bytes").Int(l.log_max_bytes);
  w.Key("keep").Int(l.log_keep);
  w.EndMap();
  w.EndMap();
}

void EmitOneGroup(Writer& w, const Group& g) {
  w.BeginMap();
  w.Key("name").Str(g.name);
  w.Key("resource").BeginMap(true);
  w.Key("kind").Str(g.resource.kind);
  w.Key("provider").Str(g.resource.provider);
  w.EndMap();
  w.Key("capacity").BeginMap(true);
  w.Key("min").Int(g.capacity.min);
  w.Key("max").Int(g.capacity.max);
  w.Key("initial").Int(g.capacity.initial);
  w.EndMap();

  const Model& m = g.model;
  w.Key("model").BeginMap();
  w.Key("capacity_per_unit").Number(m.capacity_per_unit);
  w.Key("startup").Duration(m.startup);
  w.Key("shutdown").Duration(m.shutdown);
  w.Key("price_per_unit_hour").Number(m.price_per_unit_hour);
  w.Key("billing").BeginMap(true);
  w.Key("granularity").Duration(m.billing_granularity);
  w.Key("minimum").Duration(m.billing_minimum);
  w.EndMap();
  w.Key("queue_timeout").Duration(m.queue_timeout);
  w.EndMap();

  w.Key("evaluation_interval").Duration(g.evaluation_interval);
  if (!g.metrics.empty()) {
    w.Key("metrics").BeginSeq();
    for (const Metric& metric : g.metrics) {
      w.BeginMap();
      w.Key("name").Str(metric.name);
      w.Key("source");
      EmitSource(w, metric.source);
      w.EndMap();
    }
    w.EndSeq();
  }
  if (!g.ready_metric.empty()) w.Key("ready_metric").Str(g.ready_metric);
  if (!g.demand_metric.empty()) w.Key("demand_metric").Str(g.demand_metric);
  if (!g.policies.empty()) {
    w.Key("policies").BeginSeq();
    for (size_t i = 0; i < g.policies.size(); ++i) EmitPolicy(w, g, g.policies[i], i);
    w.EndSeq();
  }
  w.Key("behavior");
  EmitBehavior(w, g.behavior);
  w.Key("on_missing_metrics");
  EmitOnMissing(w, g.on_missing_metrics);
  if (g.actuator.type != "none") {
    w.Key("actuator");
    EmitActuator(w, g.actuator);
  }
  // A group's rules are the top-level ones with its overrides: written out in full here,
  // they read back the same whatever the top level says.
  EmitAlertRules(w, "alerts", g.alert_rules);
  if (g.local) {
    w.Key("local");
    EmitLocal(w, *g.local);
  }
  w.EndMap();
}

std::string Header(const std::string& comment) {
  std::string out = "# written by tide\n";
  if (comment.empty()) return out;
  std::istringstream in(comment);
  std::string line;
  while (std::getline(in, line)) out += line.empty() ? "#\n" : "# " + line + "\n";
  return out;
}

std::string EmitDocument(const Config& c, const std::vector<const Group*>& groups,
                         const std::string& comment) {
  Writer w;
  w.BeginMap();
  const Api api_default;
  if (c.api.listen != api_default.listen || c.api.token != api_default.token) {
    w.Key("api").BeginMap(true);
    w.Key("listen").Str(c.api.listen);
    if (!c.api.token.empty()) w.Key("token").Str(c.api.token);
    w.EndMap();
  }
  const StoreRetention retention_default;
  if (c.retention.raw != retention_default.raw || c.retention.minute != retention_default.minute ||
      c.retention.total != retention_default.total) {
    w.Key("retention").BeginMap(true);
    w.Key("raw").Duration(c.retention.raw);
    w.Key("minute").Duration(c.retention.minute);
    w.Key("total").Duration(c.retention.total);
    w.EndMap();
  }
  const AlertReceivers& rcv = c.alerts.receivers;
  if (!rcv.webhook_url.empty() || !rcv.alertmanager_url.empty() || !rcv.generator_url.empty()) {
    w.Key("alerts").BeginMap();
    if (!rcv.webhook_url.empty()) {
      w.Key("webhook").BeginMap(true);
      w.Key("url").Str(rcv.webhook_url);
      w.Key("timeout").Duration(rcv.webhook_timeout);
      w.EndMap();
    }
    if (!rcv.alertmanager_url.empty()) {
      w.Key("alertmanager").BeginMap(true);
      w.Key("url").Str(rcv.alertmanager_url);
      w.Key("timeout").Duration(rcv.alertmanager_timeout);
      w.Key("resend_interval").Duration(rcv.resend_interval);
      w.EndMap();
    }
    if (!rcv.generator_url.empty()) w.Key("generator_url").Str(rcv.generator_url);
    w.EndMap();
  }
  w.Key("groups").BeginSeq();
  for (const Group* g : groups) EmitOneGroup(w, *g);
  w.EndSeq();
  w.EndMap();
  return Header(comment) + w.out().c_str() + "\n";
}

}  // namespace

std::string EmitConfig(const Config& c, const std::string& comment) {
  std::vector<const Group*> groups;
  for (const Group& g : c.groups) groups.push_back(&g);
  return EmitDocument(c, groups, comment);
}

std::string EmitGroup(const Config& c, const Group& g, const std::string& comment) {
  return EmitDocument(c, {&g}, comment);
}

}  // namespace tide::config
