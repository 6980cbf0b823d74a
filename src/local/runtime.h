// runtime.h: provider local wired into the controller. A LocalGroup is one group's router
// and pool; the Registry keeps them by group name for the life of `tide run` (a reload keeps
// a group's running pool; changes to its `local:` section take effect at the next start);
// PoolActuator applies "set to N" to the pool; RouterSource reads the router's measurements
// directly (no scraping delay).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "actuators/actuator.h"
#include "config/config.h"
#include "core/exposition.h"
#include "local/pool.h"
#include "local/router.h"
#include "sources/source.h"

namespace tide::local {

class LocalGroup {
 public:
  // Starts the router on local.listen and the pool (0 replicas; leftovers of a crashed run
  // killed). REQUIRES: group.local.
  static Result<std::unique_ptr<LocalGroup>> Start(const config::Group& group,
                                                   const std::string& run_dir, EventSink events);
  ~LocalGroup();  // Stop()
  // Refuses held and new requests (503), drains and stops the replicas, then the router.
  // Idempotent.
  void Stop();
  Router& router() { return *router_; }
  Pool& pool() { return *pool_; }
  std::string endpoint() const { return router_->url(); }

 private:
  LocalGroup() = default;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Pool> pool_;
};

class PoolActuator : public actuators::Actuator {
 public:
  explicit PoolActuator(LocalGroup* g) : g_(g) {}
  // Sets the pool's desired count; the pool converges on its own (never fails).
  actuators::ActionResult Apply(const actuators::Action& a) override;
  // "local pool: 2 ready, 1 starting, 0 draining (desired 3) behind http://127.0.0.1:8081"
  std::string Describe() const override;
  std::string Endpoint() const override { return g_->endpoint(); }

 private:
  LocalGroup* g_;
};

// measure: concurrency (mean of queued + in-flight requests since the previous reading),
// rps (requests answered per second since then), latency (mean seconds per request since
// then; no data without requests), ready (replicas in rotation now), queued (held now),
// errors (requests per second the router answered itself with 5xx: queue full or timed out,
// replica failed), rejected (malformed requests per second, answered 4xx).
class RouterSource : public sources::MetricSource {
 public:
  RouterSource(Router* router, std::string measure);
  Result<sources::Reading> Fetch(double now) override;
  std::string Describe() const override;

 private:
  Router* router_;
  std::string measure_;
  RouterStats previous_;
};

// One LocalGroup per group name, started on first use. Thread-safe.
class Registry {
 public:
  // `run_dir`: pid files, and logs unless a group names its own log dir.
  Registry(std::string run_dir, std::function<EventSink(const std::string& group)> sinks);
  ~Registry();
  Result<LocalGroup*> Get(const config::Group& group);
  // Stops the groups not named in `active` — removed by a reload, or created by a reload that
  // was then refused — in the background: each router answers its held requests 503 and
  // stops listening, each pool drains (as at tide's own stop). Call it after every reload with
  // the names of the groups running then; StopAll waits for these stops.
  void Retain(const std::set<std::string>& active);
  void StopAll();
  // Each group's router counters now, by group name.
  std::vector<std::pair<std::string, RouterStats>> RouterSnapshots();

 private:
  std::string run_dir_;
  std::function<EventSink(const std::string&)> sinks_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<LocalGroup>> groups_;
  std::vector<std::thread> retiring_;  // stopping the groups Retain let go
};

// The routers in the Prometheus exposition (GET /metrics), one series per group, counted
// since each router started: tide_router_requests_total (answered, any status),
// tide_router_errors_total (answered by the router itself with 5xx), tide_router_rejected_total
// (malformed, answered 4xx), tide_router_retries_total, tide_router_queued and
// tide_router_active (held, and held + in flight, now), and the histogram
// tide_router_request_duration_seconds (arrival to answer, as the router saw it).
std::vector<MetricFamily> RouterFamilies(
    const std::vector<std::pair<std::string, RouterStats>>& routers);

}  // namespace tide::local
