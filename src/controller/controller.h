// controller.h: Start here for `tide run`. The live loop: every group is evaluated at its
// own interval on the injected clock, by a small pool of workers; each evaluation fetches,
// decides with policy::Decide (the simulator's pipeline), applies and records. Decisions,
// samples and group state are written to the store in batches (every flush_interval, and at
// once after an action, so a crash cannot forget an applied change).
//
// Threading: Start() runs one scheduler thread and `workers` worker threads; a group is
// never evaluated by two workers at once. Every public method is thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actuators/actuator.h"
#include "alerts/notifier.h"
#include "config/config.h"
#include "config/loader.h"
#include "controller/group_runner.h"
#include "controller/telemetry.h"
#include "core/clock.h"
#include "sources/source.h"
#include "store/store.h"

namespace tide::controller {

using SourceFactory = std::function<Result<std::unique_ptr<sources::MetricSource>>(
    const config::Group&, const config::Metric&)>;
using ActuatorFactory =
    std::function<Result<std::unique_ptr<actuators::Actuator>>(const config::Group&)>;
using ConfigLoader = std::function<config::LoadResult(const std::string& path)>;

struct ControllerDeps {
  Clock* clock = nullptr;        // required
  store::Store* store = nullptr; // optional (tests)
  SourceFactory make_source;     // required when a group has metrics
  ActuatorFactory make_actuator; // required
  ConfigLoader load_config;      // for Reload(); defaults to config::LoadConfigFile
  platform::HttpClient* alert_http = nullptr;  // delivers alerts to cfg.alerts.receivers;
                                               // null = alerts only in the store, API, /metrics
  // More families for GET /metrics, read at each scrape (`tide run`: the local provider's
  // routers, local::RouterFamilies); null = none.
  std::function<std::vector<MetricFamily>()> more_metrics;
  // Called with a group and the capacity the controller holds as its current when a runner
  // takes the group over with no runner before it — at Create (after the stored state is
  // restored) and at a reload that adds the group — before its first evaluation, since an
  // unchanged decision is never applied (`tide run`: a local group's pool starts there);
  // null = nothing.
  std::function<void(const config::Group&, int current)> adopted;
};

struct ControllerOptions {
  std::string config_path;
  bool dry_run = false;
  int workers = 4;
  double flush_interval = 1;  // seconds between store batches
};

class Controller {
 public:
  // Builds every group's sources and actuator and restores stored state. A group whose
  // source or actuator cannot be built is an error naming it.
  static Result<std::unique_ptr<Controller>> Create(const config::Config& cfg,
                                                    ControllerOptions opt, ControllerDeps deps);
  ~Controller();

  // Evaluates, in the calling thread, every group due at `now` (tests, benchmarks).
  int Tick(double now);
  // Runs the loop until Stop(). Stop finishes in-flight evaluations and flushes the store.
  void Start();
  void Stop();
  void Flush();

  // The control plane (the API adapter forwards here).
  nlohmann::json ListGroups();
  Result<nlohmann::json> GetGroup(const std::string& name, int decisions);
  nlohmann::json Events(const std::string& group, double since, int limit);
  // {"alerts":[AlertJson of every open alert]}, groups in config order.
  nlohmann::json Alerts();
  // ControlPlane::Series: metric samples and capacity (from the decisions, at most the last
  // 1000) since `since`, from the store and the batch not yet written. Without a store, only
  // the last decision.
  Result<nlohmann::json> Series(const std::string& group, double since);
  Result<nlohmann::json> Outlook(const std::string& group, double horizon);
  Status Pause(const std::string& group, bool paused);
  Status Override(const std::string& group, int desired, double expires_at);
  Status Reload();
  Status ApplyConfig(const config::Config& cfg);
  std::string MetricsText();
  bool Ready();
  double Now() const { return deps_.clock->Now(); }

 private:
  Controller(ControllerOptions opt, ControllerDeps deps);
  Result<std::vector<std::shared_ptr<GroupRunner>>> BuildRunners(const config::Config& cfg);
  std::shared_ptr<GroupRunner> Find(const std::string& name);
  void RunOne(const std::shared_ptr<GroupRunner>& r, double now);
  void Record(const std::shared_ptr<GroupRunner>& r, TickOutcome& out);
  void SchedulerLoop();
  void WorkerLoop();
  void Event(const std::string& group, const std::string& kind, const std::string& message);
  std::vector<alerts::Alert> OpenAlerts();
  void ResendAlerts(double now);

  ControllerOptions opt_;
  ControllerDeps deps_;

  std::mutex mu_;  // guards runners_, queue_, inflight_, running_, reloading_, config_path_
  std::condition_variable cv_;       // scheduler wake-ups (stop, reload, work done)
  std::condition_variable work_cv_;  // workers
  std::vector<std::shared_ptr<GroupRunner>> runners_;
  std::deque<std::shared_ptr<GroupRunner>> queue_;
  std::vector<GroupRunner*> busy_;
  int inflight_ = 0;
  bool running_ = false;
  bool reloading_ = false;
  std::thread scheduler_;
  std::vector<std::thread> workers_;

  std::mutex batch_mu_;  // guards batch_, dirty_
  store::Batch batch_;
  std::vector<std::shared_ptr<GroupRunner>> dirty_;
  double last_flush_ = 0;

  std::unique_ptr<alerts::Notifier> notifier_;  // receivers read at Create (not at reloads)

  Histogram decision_latency_{LatencyBuckets()};
  Histogram actuation_latency_{LatencyBuckets()};
  std::atomic<long long> evaluations_{0};
};

}  // namespace tide::controller
