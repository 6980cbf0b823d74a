#include "local/runtime.h"

#include <fmt/format.h>

namespace tide::local {

Result<std::unique_ptr<LocalGroup>> LocalGroup::Start(const config::Group& group,
                                                      const std::string& run_dir,
                                                      EventSink events) {
  if (!group.local)
    return Status::InvalidInput(fmt::format("group {} has no local: section", group.name));
  const config::LocalService& svc = *group.local;
  std::unique_ptr<LocalGroup> g(new LocalGroup());
  // The router asks the pool for a replica at zero; the pool exists before any request can
  // arrive that needs it, since the router only learns of replicas from the pool.
  auto holder = std::make_shared<Pool*>(nullptr);
  RouterOptions ro;
  ro.listen = svc.listen;
  ro.queue_max = svc.queue_max;
  ro.queue_timeout = svc.queue_timeout;
  ro.max_per_replica = svc.max_concurrency;
  ro.on_demand = [holder] {
    if (Pool* p = *holder) p->Activate();
  };
  auto router = Router::Start(ro);
  if (!router.ok())
  {
    std::string msg = fmt::format("group {}: {}", group.name, router.status().message());
    return router.status().code() == StatusCode::kInvalidInput ? Status::InvalidInput(msg)
                                                               : Status::Runtime(msg);
  }
  g->router_ = std::move(*router);
  PoolOptions po;
  po.group = group.name;
  po.service = svc;
  po.run_dir = run_dir;
  auto pool = Pool::Start(po, g->router_.get(), std::move(events));
  if (!pool.ok()) return pool.status();
  g->pool_ = std::move(*pool);
  *holder = g->pool_.get();
  return g;
}

LocalGroup::~LocalGroup() { Stop(); }

void LocalGroup::Stop() {
  // No replica will take a held request any more (the pool's are draining, none starts): it
  // is answered 503 now rather than when the drain ends.
  if (router_) router_->Refuse();
  if (pool_) pool_->Stop();
  if (router_) router_->Stop();
}

actuators::ActionResult PoolActuator::Apply(const actuators::Action& a) {
  g_->pool().SetDesired(a.desired);
  actuators::ActionResult r;
  r.attempts = 1;
  r.detail = fmt::format("pool desired {}", a.desired);
  return r;
}

std::string PoolActuator::Describe() const {
  const PoolStatus s = g_->pool().Snapshot();
  return fmt::format("local pool: {} ready, {} starting, {} draining (desired {}, target {}{}) "
                     "behind {}",
                     s.ready, s.starting, s.draining, s.desired, s.target,
                     s.breaker_open ? ", crash-loop breaker open" : "", g_->endpoint());
}

RouterSource::RouterSource(Router* router, std::string measure)
    : router_(router), measure_(std::move(measure)), previous_(router->Stats()) {}

Result<sources::Reading> RouterSource::Fetch(double) {
  const RouterStats s = router_->Stats();
  const RouterStats p = previous_;
  previous_ = s;
  const double dt = s.at - p.at;
  sources::Reading r;
  if (measure_ == "ready") {
    r.value = s.ready;
  } else if (measure_ == "queued") {
    r.value = s.queued;
  } else if (measure_ == "latency") {
    const long long n = s.requests - p.requests;
    if (n <= 0) {
      r.no_data = true;
    } else {
      r.value = (s.latency_seconds - p.latency_seconds) / static_cast<double>(n);
    }
  } else if (dt <= 0) {
    // Two readings at the same instant: the current value stands for the interval.
    r.value = measure_ == "concurrency" ? s.active : 0;
  } else if (measure_ == "concurrency") {
    r.value = (s.concurrency_seconds - p.concurrency_seconds) / dt;
  } else if (measure_ == "rps") {
    r.value = static_cast<double>(s.requests - p.requests) / dt;
  } else if (measure_ == "errors") {
    r.value = static_cast<double>(s.errors - p.errors) / dt;
  } else if (measure_ == "rejected") {
    r.value = static_cast<double>(s.rejected - p.rejected) / dt;
  } else {
    return Status::InvalidInput(fmt::format(
        "local measure = \"{}\", must be one of concurrency, rps, latency, ready, queued, "
        "errors, rejected",
        measure_));
  }
  return r;
}

std::string RouterSource::Describe() const {
  return fmt::format("local router {} at {}", measure_, router_->url());
}

Registry::Registry(std::string run_dir, std::function<EventSink(const std::string&)> sinks)
    : run_dir_(std::move(run_dir)), sinks_(std::move(sinks)) {}

Registry::~Registry() { StopAll(); }

Result<LocalGroup*> Registry::Get(const config::Group& group) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = groups_.find(group.name);
  if (it != groups_.end()) return it->second.get();
  auto g = LocalGroup::Start(group, run_dir_, sinks_ ? sinks_(group.name) : EventSink());
  if (!g.ok()) return g.status();
  LocalGroup* out = g->get();
  groups_[group.name] = std::move(*g);
  return out;
}

void Registry::Retain(const std::set<std::string>& active) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (active.count(it->first)) {
      ++it;
      continue;
    }
    std::shared_ptr<LocalGroup> g(std::move(it->second));
    it = groups_.erase(it);
    retiring_.emplace_back([g] { g->Stop(); });  // a drain takes up to its timeout
  }
}

void Registry::StopAll() {
  std::vector<std::thread> retiring;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [name, g] : groups_) g->Stop();
    retiring.swap(retiring_);
  }
  for (std::thread& t : retiring) t.join();
}

std::vector<std::pair<std::string, RouterStats>> Registry::RouterSnapshots() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::pair<std::string, RouterStats>> out;
  for (auto& [name, g] : groups_) out.emplace_back(name, g->router().Stats());
  return out;
}

std::vector<MetricFamily> RouterFamilies(
    const std::vector<std::pair<std::string, RouterStats>>& routers) {
  MetricFamily requests{"tide_router_requests_total",
                        "Requests the group's router answered (any status).",
                        "counter",
                        {},
                        {}};
  MetricFamily errors{"tide_router_errors_total",
                      "Requests the router answered itself with 5xx (queue full or timed out, "
                      "replica failed).",
                      "counter",
                      {},
                      {}};
  MetricFamily rejected{"tide_router_rejected_total",
                        "Malformed requests the router answered with 4xx (never sent to a "
                        "replica).",
                        "counter",
                        {},
                        {}};
  MetricFamily retries{"tide_router_retries_total",
                       "Idempotent requests retried once on another replica.",
                       "counter",
                       {},
                       {}};
  MetricFamily queued{
      "tide_router_queued", "Requests held now, waiting for a ready replica.", "gauge", {}, {}};
  MetricFamily active{"tide_router_active", "Requests held or in flight now.", "gauge", {}, {}};
  MetricFamily duration{"tide_router_request_duration_seconds",
                        "Time from a request's arrival at the router to its answer.",
                        "histogram",
                        {},
                        {}};
  for (const auto& [group, s] : routers) {
    const std::map<std::string, std::string> labels = {{"group", group}};
    requests.points.push_back({labels, static_cast<double>(s.requests)});
    errors.points.push_back({labels, static_cast<double>(s.errors)});
    rejected.points.push_back({labels, static_cast<double>(s.rejected)});
    retries.points.push_back({labels, static_cast<double>(s.retries)});
    queued.points.push_back({labels, static_cast<double>(s.queued)});
    active.points.push_back({labels, static_cast<double>(s.active)});
    HistogramPoint h;
    h.labels = labels;
    h.bounds.assign(kLatencyBounds.begin(), kLatencyBounds.end());
    unsigned long long cumulative = 0;
    for (size_t b = 0; b < kLatencyBounds.size(); ++b)
      h.counts.push_back(cumulative += static_cast<unsigned long long>(s.latency_buckets[b]));
    h.count = cumulative + static_cast<unsigned long long>(s.latency_buckets.back());
    h.sum = s.latency_seconds;
    duration.histograms.push_back(std::move(h));
  }
  return {requests, errors, rejected, retries, queued, active, duration};
}

}  // namespace tide::local
