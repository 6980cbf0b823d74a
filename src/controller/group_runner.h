// group_runner.h: one group under the live controller. A tick fetches the group's metrics
// (concurrently when there are several), runs the same pipeline as the simulator, applies
// the decision through the actuator (idempotent: "set to N"), and records what happened.
// Thread-safety: Tick() runs on one worker at a time (the controller guarantees it); the
// read accessors may be called concurrently from API threads (guarded by mu_).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actuators/actuator.h"
#include "alerts/rules.h"
#include "config/config.h"
#include "controller/live_metric.h"
#include "policy/pipeline.h"
#include "sim/fleet.h"
#include "store/store.h"

namespace tide::controller {

struct Override {
  int desired = 0;
  double expires_at = 0;
};

// What a tick produced, for the controller to record and count.
struct TickOutcome {
  policy::Decision decision;
  bool acted = false;                    // an action was attempted
  actuators::ActionResult action;        // when acted
  double decide_seconds = 0;             // Decide() alone
  double actuation_seconds = 0;          // from the decision to the action's result
  std::vector<store::MetricSample> samples;
  std::vector<store::EventRecord> events;  // new events (not yet stored)
  std::vector<alerts::Alert> alert_changes;  // alerts that fired or resolved at this tick
};

class GroupRunner {
 public:
  GroupRunner(const config::Group& cfg, std::vector<std::unique_ptr<LiveMetric>> metrics,
              std::unique_ptr<actuators::Actuator> actuator, bool dry_run);

  // Fills each metric's window from its source's history (Prometheus range queries), so the
  // first decisions after a start see a full window. Sources without history are skipped;
  // a failing history query is reported in the returned messages and otherwise ignored.
  // Predictive policies read up to max_history of their metric the same way; a source
  // without history (local, redis, http_json, procfs) is read from `store` instead (the
  // observations tide recorded before a restart), when there is one.
  // With `predecessor` (a config reload), skips what TakeStateFrom will carry over from it.
  std::vector<std::string> Backfill(double now, const GroupRunner* predecessor = nullptr,
                                    store::Store* store = nullptr);

  // Evaluates at `now`, then the group's alert rules. `store` receives the decided/applied
  // scale event synchronously (so a crash after an action cannot forget it); may be null in
  // tests.
  TickOutcome Tick(double now, store::Store* store);

  // The alerts firing now (thread-safe).
  std::vector<alerts::Alert> OpenAlerts() const;

  const config::Group& config() const { return cfg_; }
  double next_due() const { return next_due_; }
  void set_next_due(double t) { next_due_ = t; }

  // Operator controls (thread-safe).
  void Pause(bool paused);
  Status SetOverride(int desired, double expires_at, double now);

  // State for restarts: pipeline state, applied capacity, units still booting, controls.
  nlohmann::json SaveState() const;
  Status RestoreState(const nlohmann::json& j, double now);
  // Carries state over from the runner this one replaces at a config reload: the pipeline
  // state, capacity, controls, alerts and action counts; the readings of every metric that
  // keeps its name and measures the same thing; the history of every predictive policy that
  // keeps its name and reads such a metric (refitted at the next decision); and the last
  // decision when the policies are the same names and types in the same order.
  // REQUIRES: neither runner is ticking.
  void TakeStateFrom(GroupRunner& old, double now);

  // Snapshot for the API and /metrics (thread-safe).
  nlohmann::json Summary() const;
  nlohmann::json LastDecisionJson() const;
  // The forecast band of each predictive policy that has fitted one and the scheduled
  // actions firing in (now, now + horizon] (ControlPlane::Outlook's shape; thread-safe).
  nlohmann::json Outlook(double now, double horizon) const;
  bool evaluated() const;
  struct Gauges {
    int desired = 0, current = 0, ready = 0;
    bool paused = false;
    std::string reason;
    std::vector<std::pair<std::string, int>> proposals;  // policy name, desired (-1 none)
    struct Metric {
      std::string name;
      double value;
      bool up;
      long long errors;
    };
    std::vector<Metric> metrics;
    long long actions_applied = 0, actions_failed = 0;
  };
  Gauges gauges() const;

 private:
  TickOutcome Decide(double now, store::Store* store);
  // REQUIRES: mu_ held.
  alerts::GroupInputs AlertInputs(double now, const TickOutcome& out) const;
  void FetchAll(double now);
  int ReadyUnits(double now) const;

  const config::Group cfg_;
  std::vector<std::unique_ptr<LiveMetric>> metrics_;
  std::unique_ptr<actuators::Actuator> actuator_;
  const bool dry_run_;
  double next_due_ = 0;

  mutable std::mutex mu_;  // guards everything below
  policy::GroupState state_;
  sim::Fleet fleet_;       // the readiness model: ordered units serve after model.startup
  bool paused_ = false;
  std::optional<Override> override_;
  policy::Decision last_;
  bool evaluated_ = false;
  std::vector<policy::Observation> obs_;
  long long applied_ = 0, failed_ = 0;
  int consecutive_failed_ = 0;  // failed actions since the last applied one
  double scale_up_since_ = alerts::kUnknown;  // a scale-up not serving yet, decided then
  alerts::Evaluator alerts_;
  struct PendingReady {
    store::EventRecord event;
    double ready_at;
  };
  std::vector<PendingReady> pending_ready_;
  // What the API may read of the metrics, copied under mu_ at each tick.
  struct MetricView {
    std::string name;
    double value = policy::kNaN;
    bool failing = false;
    std::string error;
    long long errors = 0;
  };
  std::vector<MetricView> metric_view_;
  std::vector<std::string> descriptions_;  // immutable after construction
};

}  // namespace tide::controller
