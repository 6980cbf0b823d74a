// config.h: the validated configuration of tide — groups, their capacity bounds, metrics,
// policies, behavior and simulation model. Produced only by LoadConfig (loader.h), which
// guarantees every invariant stated here; the pipeline relies on them without re-checking.
//
// All durations are seconds (double). All capacities are whole units (int).
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "calendar/cron.h"

namespace tide::config {

// Where a value came from in the YAML file (1-based), for messages about it later.
struct Mark {
  int line = 0;
  int column = 0;
};

struct Capacity {
  int min = 1;      // >= 0
  int max = 10;     // >= min, >= 1
  int initial = 1;  // in [min, max]; defaults to min
};

// What one unit is and costs: used by the simulator and by cost reports.
struct Model {
  double capacity_per_unit = 1;     // load per second one unit serves at 100 %; > 0
  double startup = 0;               // seconds from launch to serving; >= 0
  double shutdown = 0;              // seconds billed after removal; >= 0
  double price_per_unit_hour = 0;   // >= 0
  double billing_granularity = 1;   // seconds; > 0
  double billing_minimum = 0;       // seconds billed at least per launch; >= 0
  double queue_timeout = 30;        // seconds a request waits in the backlog before it is
                                    // dropped (counted unserved); >= 0
};

// Signals the simulator derives from the trace and its provisioning model.
enum class Signal {
  kUtilization,  // served load / (ready units x capacity_per_unit), in [0, 1]
  kLoad,         // arriving load rate (per second), a total over the group
  kBacklog,      // requests waiting (a total)
  kLoadPerUnit,  // arriving load rate / ready units (a per-unit average)
};

struct MetricSource {
  // simulated | prometheus | redis | procfs | http_json | local
  std::string type = "simulated";
  Signal signal = Signal::kUtilization;  // simulated only
  double window = 60;   // averaging window, seconds; > 0 (simulated; live sources average
                        // their own readings over it too)
  double max_age = 0;   // an observation older than this is stale; 0 = 3 x evaluation_interval

  // Live sources (each type requires its own keys; see docs/CONFIG.md).
  std::string url;       // prometheus: base URL (http://127.0.0.1:9090); http_json: full URL
  std::string query;     // prometheus: PromQL giving one series (a scalar or a 1-element vector)
  std::string address;   // redis: host:port
  std::string key;       // redis: list or stream key
  std::string consumer_group;  // redis: consumer group (measure pending or lag)
  std::string measure;   // redis: length | pending | lag;  procfs: cpu | memory;
                         // local: concurrency | rps | latency | ready | queued
  std::string pointer;   // http_json: RFC 6901 JSON pointer to a number ("/queue/depth")
  std::string pid_file;  // procfs: file listing the group's process ids, one per line
  double timeout = 2;    // seconds per attempt; > 0
  int retries = 2;       // extra attempts after a failure, with backoff; >= 0
};

struct Metric {
  std::string name;
  MetricSource source;
  Mark mark;
};

struct Tolerance {
  double up = 0.1;    // >= 0
  double down = 0.1;  // >= 0
};

enum class TargetType {
  kValue,         // metric is a per-unit average (utilisation, rps per unit):
                  //   desired = ceil(ready x value / target)
  kAverageValue,  // metric is a total over the group: desired = ceil(total / target)
};

struct TargetTracking {
  int metric = -1;  // index into Group::metrics
  double target = 0;  // > 0
  TargetType target_type = TargetType::kValue;
  Tolerance tolerance;
};

// AWS step scaling: bounds are relative to `threshold` (metric - threshold); a bound is
// absent when it extends to -inf (lower) or +inf (upper).
enum class AdjustmentType { kChangeInCapacity, kPercentChangeInCapacity, kExactCapacity };

struct StepAdjustment {
  std::optional<double> lower;
  std::optional<double> upper;
  AdjustmentType type = AdjustmentType::kChangeInCapacity;
  double value = 0;        // units, percent (e.g. 50 for 50 %), or exact capacity
  int min_magnitude = 0;   // percent only: the least number of units to change by
  Mark mark;
};

struct StepScaling {
  int metric = -1;
  double threshold = 0;
  std::vector<StepAdjustment> steps;  // non-overlapping (validated)
};

struct Scheduled {
  // Exactly one of cron or at is set.
  std::shared_ptr<const calendar::CronSchedule> cron;  // cron + IANA time zone
  std::optional<double> at;                            // one-time, epoch seconds
  std::optional<int> min;
  std::optional<int> max;
  std::optional<int> desired;
};

// Predictive scaling: provisions ahead of a forecast of the metric (a total load rate),
// fitted on the metric's own history (policy/predictive.h).
struct Predictive {
  int metric = -1;                   // a total (e.g. requests per second over the group)
  double target = 0.8;               // utilisation per unit to provision at; (0, 1]
  double quantile = 0.5;             // of the forecast distribution to provision for; (0, 1)
  bool scale = true;                 // mode forecast_and_scale (true) or forecast_only
  double scheduling_buffer = 300;    // seconds; launch lead = buffer + model.startup
  std::string model = "auto";        // forecast::MakeModel name
  double refit_interval = 3600;      // seconds between refits; > 0
  double horizon = 7200;             // seconds forecast at each refit; >= 7200
  double min_history = 86400;        // seconds of history before it proposes; >= 86400
  double max_history = 14 * 86400;   // seconds of history used at most
  bool breach_increase = false;      // max_capacity_breach: honor (false) or increase
  double breach_buffer = 10;         // percent above max allowed when increase
  double max_change = 0.5;           // at most this fraction of current added per decision
  bool scale_in = false;             // the guard: may a forecast lower capacity?
  bool peak = false;                 // provision_for: mean (false) or peak of each 5-min bucket
  bool skip_scale_down_window = false;  // no scale-down stabilisation while healthy and below
  double breaker_threshold = 0.5;    // recent relative error (MAE / mean) that opens the breaker
  double breaker_window = 3600;      // seconds of forecast errors the breaker looks at
};

enum class PolicyKind { kTargetTracking, kStep, kScheduled, kPredictive };

struct Policy {
  std::string name;  // defaults to "<type>#<index>"
  PolicyKind kind = PolicyKind::kTargetTracking;
  TargetTracking target_tracking;  // valid when kind == kTargetTracking
  StepScaling step;                // valid when kind == kStep
  Scheduled scheduled;             // valid when kind == kScheduled
  Predictive predictive;           // valid when kind == kPredictive
  Mark mark;
};

enum class RateType { kUnits, kPercent };

struct RatePolicy {
  RateType type = RateType::kPercent;
  double value = 100;  // > 0
  double period = 15;  // seconds; > 0
};

enum class Select { kMax, kMin, kDisabled };

struct ScalingRules {
  double stabilization_window = 0;  // seconds; >= 0
  std::vector<RatePolicy> policies;
  Select select = Select::kMax;
  double cooldown = 0;  // seconds; >= 0
};

// Knative-style burst mode: over a short window the load may scale up, never down.
struct Panic {
  double window = 6;          // seconds; > 0
  double threshold = 2.0;     // enter when panic desired / ready >= threshold; > 1
  double stable_window = 60;  // leave this long after the last over-threshold evaluation
};

struct Behavior {
  // Kubernetes HPA defaults: up  = 0 s window, max(+100 % per 15 s, +4 per 15 s);
  //                          down = 300 s window, -100 % per 15 s.
  ScalingRules scale_up{0, {{RateType::kPercent, 100, 15}, {RateType::kUnits, 4, 15}}, Select::kMax, 0};
  ScalingRules scale_down{300, {{RateType::kPercent, 100, 15}}, Select::kMax, 0};
  double warmup = 0;  // seconds after ready during which a unit's metrics are ignored
  std::optional<Panic> panic;
};

enum class Fallback { kHold, kFixed, kCurrentIfHigher };

struct OnMissingMetrics {
  int after_failures = 3;  // consecutive failed evaluations before the fallback; >= 1
  Fallback fallback = Fallback::kHold;
  int replicas = 0;        // for kFixed and kCurrentIfHigher
};

// How a decision is applied. See src/actuators/actuator.h for the contract.
struct Actuator {
  std::string type = "none";         // none | exec | webhook
  std::vector<std::string> command;  // exec: argv; "{desired}", "{current}", "{group}" expand
  std::string url;                   // webhook: POST target
  double timeout = 10;               // seconds per attempt; > 0
  int retries = 3;                   // extra attempts after a failure; >= 0
};

// One alert rule of src/alerts. A rule fires once its condition has held for `for_seconds`
// and resolves when the condition ends. `threshold` and `window` mean what the rule says
// (AlertRules); each rule reads only the ones it documents.
struct AlertRule {
  bool enabled = true;
  std::string severity = "warning";  // warning | critical
  double for_seconds = 0;            // >= 0
  double threshold = 0;              // >= 0 (> 0 where noted)
  double window = 0;                 // seconds; > 0 where used
};

// The rules every group is watched by (docs/CONFIG.md, "alerts"). Defaults in brackets.
struct AlertRules {
  // More than `threshold` [10] applied capacity changes within `window` [1h].
  AlertRule flapping{true, "warning", 0, 10, 3600};
  // A scale-up not ready `threshold` [10m] seconds after its decision.
  AlertRule slow_scaling{true, "warning", 0, 600, 0};
  // Capacity at capacity.max while demand exceeds it, for `for` [5m].
  AlertRule at_max_capacity{true, "critical", 300, 0, 0};
  // Under-provisioned (ready < demand) more than `threshold` [5] % of the last `window` [1h].
  AlertRule under_provisioned{true, "critical", 0, 5, 3600};
  // A predictive policy's recent relative forecast error above `threshold` [0.3].
  AlertRule forecast_drift{true, "warning", 0, 0.3, 0};
  // A metric source failing, for `for` [1m].
  AlertRule source_down{true, "critical", 60, 0, 0};
  // `threshold` [2] consecutive failed actions.
  AlertRule actuator_failing{true, "critical", 0, 2, 0};
};

struct Resource {
  std::string kind = "compute";
  std::string provider = "simulated";  // any name; "local" requires the `local:` section
};

// How a local replica proves it can serve (src/local/health.h).
struct HealthCheck {
  std::string type = "tcp";          // http | tcp | command
  std::string path = "/";            // http: GET http://127.0.0.1:PORT<path>, 2xx = healthy
  std::vector<std::string> command;  // command: argv ("{port}" expands); exit 0 = healthy
  double interval = 0.2;             // seconds between checks while starting; > 0
  double timeout = 1;                // seconds per check; > 0
  double start_timeout = 60;         // a replica not ready by then is restarted; > 0
};

// provider: local — tide runs the group's replicas as processes behind its own request
// router (docs/LOCAL.md). All durations are seconds.
struct LocalService {
  std::vector<std::string> command;  // argv, never a shell; PORT and REPLICA in its env
  std::string listen = "127.0.0.1:0";  // the router's address; port 0 = chosen at start
  HealthCheck health;
  int queue_max = 1000;        // requests held while no replica is ready; >= 1
  int max_concurrency = 0;     // requests in flight per replica at most (more are held); 0 = any
  double queue_timeout = 30;   // a held request gets 503 after this; > 0
  double drain_timeout = 30;   // scale-in waits this long for in-flight requests; >= 0
  double grace = 5;            // SIGTERM -> SIGKILL; >= 0
  double idle = 60;            // no request for this long lets the pool reach zero; >= 0
  double restart_backoff = 0.5;      // first restart delay; doubles per crash; > 0
  double restart_max_backoff = 30;   // >= restart_backoff
  int crash_loop_restarts = 5;       // crashes within crash_loop_window that trip the breaker
  double crash_loop_window = 60;     // > 0
  double crash_loop_cooldown = 60;   // an open breaker tries one start again after this; > 0
  std::string log_dir;               // replica logs; "" = next to the store (tide run --db)
  int log_max_bytes = 1 << 20;       // a log rotates past this size; >= 1024
  int log_keep = 3;                  // rotated files kept; >= 0
  Mark mark;
  Mark listen_mark;  // of `listen` (of the `local` map when absent)
};

struct Group {
  std::string name;
  Resource resource;
  Capacity capacity;
  Model model;
  double evaluation_interval = 15;  // seconds; > 0
  std::vector<Metric> metrics;
  std::vector<Policy> policies;
  Behavior behavior;
  OnMissingMetrics on_missing_metrics;
  Actuator actuator;
  // Optional: the name of a metric whose value is the number of ready units (e.g. a
  // Prometheus query on kube_deployment_status_replicas_ready). Without it the controller
  // counts units as ready model.startup seconds after it ordered them.
  std::string ready_metric;
  // Optional: the name of a metric whose value is the group's load rate (per second, a
  // total); demand in units = ceil(value / model.capacity_per_unit). Alerts (at max
  // capacity, under-provisioned) and `tide report` need it. Defaults to the metric of the
  // first predictive policy, if any.
  std::string demand_metric;
  // The top-level alerts.rules with this group's `alerts:` overrides applied.
  AlertRules alert_rules;
  std::optional<LocalService> local;  // set exactly when resource.provider is "local"
  Mark mark;

  // Index of the metric named `name`, or -1.
  int FindMetric(const std::string& metric_name) const {
    for (size_t i = 0; i < metrics.size(); ++i)
      if (metrics[i].name == metric_name) return static_cast<int>(i);
    return -1;
  }
};

// The live controller's HTTP API (`tide run`).
struct Api {
  std::string listen = "127.0.0.1:8080";  // host:port; a non-loopback host requires token
  std::string token;                      // bearer token; empty = none
  Mark listen_mark;                       // of `api.listen`; line 0 when not in the file
};

// Metric history retention in the store (`tide run`).
struct StoreRetention {
  double raw = 2 * 86400;      // raw samples
  double minute = 14 * 86400;  // then 1-minute means
  double total = 90 * 86400;   // then 1-hour means; older is deleted
};

// Where alerts are delivered (`tide run`), besides /metrics, the store and the API.
struct AlertReceivers {
  std::string webhook_url;           // POST one JSON object per firing/resolved; "" = none
  double webhook_timeout = 5;        // seconds; > 0
  std::string alertmanager_url;      // base URL of an Alertmanager (v2 API); "" = none
  double alertmanager_timeout = 5;   // seconds; > 0
  double resend_interval = 60;       // seconds between re-sends of firing alerts; > 0
  std::string generator_url;         // generatorURL of each alert; "" = http://<api.listen>/
};

struct Alerts {
  AlertRules rules;  // defaults for every group
  AlertReceivers receivers;
};

struct Config {
  std::string path;  // the file it was read from
  std::vector<Group> groups;
  Api api;
  StoreRetention retention;
  Alerts alerts;

  const Group* FindGroup(const std::string& name) const {
    for (const auto& g : groups)
      if (g.name == name) return &g;
    return nullptr;
  }
};

const char* SignalName(Signal s);

// The rule for group, metric and policy names (what LoadConfig accepts), for other inputs that
// name them, such as `tide explain GROUP`.
bool IsValidName(std::string_view name);
inline constexpr const char* kValidNameRule = "a name of letters, digits, '_', '.' and '-'";

}  // namespace tide::config
