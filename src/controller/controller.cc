#include "controller/controller.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "controller/codec.h"
#include "policy/decision.h"

namespace tide::controller {

Controller::Controller(ControllerOptions opt, ControllerDeps deps)
    : opt_(std::move(opt)), deps_(std::move(deps)) {
  if (!deps_.load_config) deps_.load_config = config::LoadConfigFile;
}

Controller::~Controller() { Stop(); }

Result<std::unique_ptr<Controller>> Controller::Create(const config::Config& cfg,
                                                       ControllerOptions opt, ControllerDeps deps) {
  std::unique_ptr<Controller> c(new Controller(std::move(opt), std::move(deps)));
  auto runners = c->BuildRunners(cfg);
  if (!runners.ok()) return runners.status();
  const double now = c->Now();
  for (auto& r : *runners) {
    if (c->deps_.store) {
      auto saved = c->deps_.store->LoadState(r->config().name);
      if (saved.ok() && saved->has_value()) {
        auto j = nlohmann::json::parse(**saved, nullptr, false);
        if (Status s = r->RestoreState(j, now); !s.ok()) {
          c->Event(r->config().name, "state_discarded", s.message());
        }
      }
    }
    for (const auto& problem : r->Backfill(now, nullptr, c->deps_.store))
      c->Event(r->config().name, "backfill_failed", problem);
    r->set_next_due(now);
    if (c->deps_.adopted) c->deps_.adopted(r->config(), r->gauges().current);
  }
  c->runners_ = std::move(runners).value();
  c->last_flush_ = now;
  const config::AlertReceivers& rcv = cfg.alerts.receivers;
  if (c->deps_.alert_http && (!rcv.webhook_url.empty() || !rcv.alertmanager_url.empty())) {
    c->notifier_ = std::make_unique<alerts::Notifier>(rcv, c->deps_.alert_http);
  }
  return c;
}

Result<std::vector<std::shared_ptr<GroupRunner>>> Controller::BuildRunners(const config::Config& cfg) {
  std::vector<std::shared_ptr<GroupRunner>> out;
  for (const auto& g : cfg.groups) {
    std::vector<std::unique_ptr<LiveMetric>> metrics;
    for (const auto& m : g.metrics) {
      if (!deps_.make_source) return Status::InvalidInput("no metric source factory");
      auto src = deps_.make_source(g, m);
      if (!src.ok()) {
        return Status(src.status().code() == StatusCode::kRuntime
                          ? Status::Runtime(fmt::format("group {} metric {}: {}", g.name, m.name, src.status().message()))
                          : Status::InvalidInput(fmt::format("group {} metric {}: {}", g.name, m.name, src.status().message())));
      }
      metrics.push_back(std::make_unique<LiveMetric>(m, std::move(src).value()));
    }
    auto act = deps_.make_actuator(g);
    if (!act.ok()) {
      return Status::InvalidInput(fmt::format("group {} actuator: {}", g.name, act.status().message()));
    }
    out.push_back(std::make_shared<GroupRunner>(g, std::move(metrics), std::move(act).value(), opt_.dry_run));
  }
  return out;
}

std::shared_ptr<GroupRunner> Controller::Find(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& r : runners_)
    if (r->config().name == name) return r;
  return nullptr;
}

void Controller::Event(const std::string& group, const std::string& kind, const std::string& message) {
  if (!deps_.store) return;
  store::EventRecord e;
  e.group = group;
  e.kind = kind;
  e.at = Now();
  e.message = message;
  (void)deps_.store->AppendEvent(e);
}

void Controller::Record(const std::shared_ptr<GroupRunner>& r, TickOutcome& out) {
  evaluations_.fetch_add(1, std::memory_order_relaxed);
  decision_latency_.Observe(out.decide_seconds);
  if (out.acted) actuation_latency_.Observe(out.actuation_seconds);
  if (notifier_) notifier_->Notify(out.alert_changes, out.decision.at);
  if (!deps_.store) return;  // nothing to record (tests, benchmarks without a store)
  for (auto& e : out.events) (void)deps_.store->AppendEvent(e);
  for (const auto& a : out.alert_changes) {
    store::EventRecord e;
    e.group = a.group;
    e.kind = a.firing ? "alert_firing" : "alert_resolved";
    e.at = a.firing ? a.since : a.ended;
    e.status = a.alert;
    e.message = fmt::format("{} ({}): {}", a.alert, a.severity, a.message);
    (void)deps_.store->AppendEvent(e);
  }
  {
    std::lock_guard<std::mutex> l(batch_mu_);
    for (auto& s : out.samples) batch_.samples.push_back(std::move(s));
    const auto& d = out.decision;
    batch_.decisions.push_back({r->config().name, d.at, d.current, d.desired, policy::ReasonName(d.reason),
                                d.message, DecisionToJson(r->config(), d).dump()});
    if (std::find(dirty_.begin(), dirty_.end(), r) == dirty_.end()) dirty_.push_back(r);
  }
  // After an action the new capacity must be durable before anything else happens.
  if (out.acted) Flush();
}

void Controller::Flush() {
  store::Batch b;
  std::vector<std::shared_ptr<GroupRunner>> dirty;
  {
    std::lock_guard<std::mutex> l(batch_mu_);
    b = std::move(batch_);
    batch_ = store::Batch{};
    dirty.swap(dirty_);
  }
  b.at = Now();
  for (const auto& r : dirty) b.states.emplace_back(r->config().name, r->SaveState().dump());
  last_flush_ = b.at;
  if (!deps_.store || (b.samples.empty() && b.decisions.empty() && b.states.empty())) return;
  if (Status s = deps_.store->WriteBatch(b); !s.ok()) {
    std::fprintf(stderr, "tide: store write failed: %s\n", s.message().c_str());
  }
}

void Controller::RunOne(const std::shared_ptr<GroupRunner>& r, double now) {
  TickOutcome out = r->Tick(now, deps_.store);
  Record(r, out);
}

int Controller::Tick(double now) {
  std::vector<std::shared_ptr<GroupRunner>> due;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& r : runners_) {
      if (r->next_due() <= now + 1e-9) {
        due.push_back(r);
        r->set_next_due(std::max(r->next_due() + r->config().evaluation_interval, now));
      }
    }
  }
  for (auto& r : due) RunOne(r, now);
  ResendAlerts(now);
  if (now - last_flush_ >= opt_.flush_interval) Flush();
  return static_cast<int>(due.size());
}

void Controller::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (running_) return;
  running_ = true;
  for (int i = 0; i < std::max(1, opt_.workers); ++i) workers_.emplace_back([this] { WorkerLoop(); });
  scheduler_ = std::thread([this] { SchedulerLoop(); });
}

void Controller::Stop() {
  {
    std::unique_lock<std::mutex> l(mu_);
    if (!running_) return;
    running_ = false;
    queue_.clear();
  }
  cv_.notify_all();
  work_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();  // in-flight evaluations (and their actions) finish first
  workers_.clear();
  Flush();
  if (notifier_) notifier_->Drain();
}

std::vector<alerts::Alert> Controller::OpenAlerts() {
  std::vector<std::shared_ptr<GroupRunner>> rs;
  {
    std::lock_guard<std::mutex> l(mu_);
    rs = runners_;
  }
  std::vector<alerts::Alert> out;
  for (auto& r : rs) {
    auto open = r->OpenAlerts();
    out.insert(out.end(), open.begin(), open.end());
  }
  return out;
}

void Controller::ResendAlerts(double now) {
  if (notifier_) notifier_->MaybeResend(OpenAlerts(), now);
}

nlohmann::json Controller::Alerts() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : OpenAlerts()) list.push_back(alerts::AlertJson(a));
  return {{"alerts", list}};
}

void Controller::SchedulerLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (running_) {
    const double now = Now();
    double next = now + 1.0;  // wake at least every second (flushes, clock jumps)
    if (!reloading_) {
      for (auto& r : runners_) {
        const bool busy = std::find(busy_.begin(), busy_.end(), r.get()) != busy_.end();
        if (!busy && r->next_due() <= now + 1e-6) {
          r->set_next_due(std::max(r->next_due() + r->config().evaluation_interval, now));
          busy_.push_back(r.get());
          queue_.push_back(r);
        }
        next = std::min(next, r->next_due());
      }
      if (!queue_.empty()) work_cv_.notify_all();
    }
    if (notifier_) {
      l.unlock();
      ResendAlerts(now);
      l.lock();
    }
    if (now - last_flush_ >= opt_.flush_interval) {
      l.unlock();
      Flush();
      l.lock();
      continue;
    }
    const double wait = std::clamp(next - now, 0.001, 1.0);
    cv_.wait_for(l, std::chrono::duration<double>(wait));
  }
}

void Controller::WorkerLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    work_cv_.wait(l, [&] { return !running_ || !queue_.empty(); });
    if (!running_ && queue_.empty()) return;
    auto r = queue_.front();
    queue_.pop_front();
    ++inflight_;
    l.unlock();
    RunOne(r, Now());
    l.lock();
    --inflight_;
    busy_.erase(std::find(busy_.begin(), busy_.end(), r.get()));
    cv_.notify_all();
  }
}

nlohmann::json Controller::ListGroups() {
  std::vector<std::shared_ptr<GroupRunner>> rs;
  {
    std::lock_guard<std::mutex> l(mu_);
    rs = runners_;
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& r : rs) out.push_back(r->Summary());
  return out;
}

Result<nlohmann::json> Controller::GetGroup(const std::string& name, int decisions) {
  auto r = Find(name);
  if (!r) return Status::NotFound(fmt::format("no group '{}'", name));
  nlohmann::json j = r->Summary();
  nlohmann::json list = nlohmann::json::array();
  if (deps_.store) {
    // A read never writes: decisions not flushed yet come from the pending batch (newest
    // first), then the store's.
    const int limit = std::clamp(decisions, 0, 1000);  // 0: the group alone
    auto add = [&](const store::DecisionRecord& d) {
      auto parsed = nlohmann::json::parse(d.json, nullptr, false);
      list.push_back(parsed.is_discarded() ? nlohmann::json{{"at", d.at}, {"message", d.message}} : parsed);
    };
    {
      std::lock_guard<std::mutex> l(batch_mu_);
      for (auto it = batch_.decisions.rbegin(); it != batch_.decisions.rend() && static_cast<int>(list.size()) < limit; ++it)
        if (it->group == name) add(*it);
    }
    if (static_cast<int>(list.size()) < limit) {
      auto recent = deps_.store->RecentDecisions(name, limit - static_cast<int>(list.size()));
      if (recent.ok()) {
        for (const auto& d : *recent) add(d);
      }
    }
  } else if (decisions > 0 && !j["last_decision"].is_null()) {
    list.push_back(j["last_decision"]);
  }
  j["decisions"] = list;
  return j;
}

nlohmann::json Controller::Events(const std::string& group, double since, int limit) {
  nlohmann::json out = nlohmann::json::array();
  if (!deps_.store) return out;
  auto ev = deps_.store->Events(group, since, std::clamp(limit, 1, 1000));
  if (!ev.ok()) return out;
  for (const auto& e : *ev) {
    out.push_back({{"id", e.id}, {"group", e.group}, {"kind", e.kind}, {"at", e.at}, {"from", e.from},
                   {"to", e.to}, {"status", e.status}, {"decided_at", e.decided_at},
                   {"applied_at", e.applied_at}, {"ready_at", e.ready_at}, {"message", e.message}});
  }
  return out;
}

Status Controller::Pause(const std::string& group, bool paused) {
  auto r = Find(group);
  if (!r) return Status::NotFound(fmt::format("no group '{}'", group));
  r->Pause(paused);
  Event(group, paused ? "paused" : "resumed", paused ? "paused by the API" : "resumed by the API");
  return Status::Ok();
}

Status Controller::Override(const std::string& group, int desired, double expires_at) {
  auto r = Find(group);
  if (!r) return Status::NotFound(fmt::format("no group '{}'", group));
  if (Status s = r->SetOverride(desired, expires_at, Now()); !s.ok()) return s;
  Event(group, "override", fmt::format("desired {} until {}", desired, expires_at));
  return Status::Ok();
}

Status Controller::Reload() {
  config::LoadResult r = deps_.load_config(opt_.config_path);
  if (!r.problems.empty()) {
    std::string msg = fmt::format("config {} refused; the running config stays:", opt_.config_path);
    for (const auto& p : r.problems) {
      msg += '\n';
      msg += p.ToString();
    }
    Event("", "config_refused", msg);
    return Status::InvalidInput(msg);
  }
  return ApplyConfig(r.config);
}

Status Controller::ApplyConfig(const config::Config& cfg) {
  auto fresh = BuildRunners(cfg);
  if (!fresh.ok()) {
    Event("", "config_refused", fresh.status().message());
    return Status::InvalidInput("config refused; the running config stays: " + fresh.status().message());
  }
  // Outside mu_, as it may query Prometheus: the history of what the running groups cannot
  // hand over (a new group, a metric that now measures something else, a predictive policy
  // that is new or reads such a metric), as at a start.
  std::vector<std::shared_ptr<GroupRunner>> running;
  {
    std::lock_guard<std::mutex> l(mu_);
    running = runners_;
  }
  const double backfill_at = Now();
  for (auto& n : *fresh) {
    const GroupRunner* predecessor = nullptr;
    for (const auto& old : running)
      if (old->config().name == n->config().name) predecessor = old.get();
    for (const auto& problem : n->Backfill(backfill_at, predecessor, deps_.store))
      Event(n->config().name, "backfill_failed", problem);
  }
  std::unique_lock<std::mutex> l(mu_);
  reloading_ = true;
  cv_.wait(l, [&] { return inflight_ == 0 && queue_.empty(); });
  const double now = Now();
  for (auto& n : *fresh) {
    n->set_next_due(now);
    bool carried = false;
    for (auto& old : runners_) {
      if (old->config().name == n->config().name) {
        n->TakeStateFrom(*old, now);
        n->set_next_due(old->next_due());
        carried = true;
      }
    }
    // A group the running config did not have: under mu_, before any worker can evaluate it.
    if (!carried && deps_.adopted) deps_.adopted(n->config(), n->gauges().current);
  }
  runners_ = std::move(fresh).value();
  busy_.clear();
  reloading_ = false;
  l.unlock();
  cv_.notify_all();
  Event("", "config_reloaded", fmt::format("{} group(s) from {}", cfg.groups.size(), opt_.config_path));
  return Status::Ok();
}

std::string Controller::MetricsText() {
  std::vector<std::shared_ptr<GroupRunner>> rs;
  {
    std::lock_guard<std::mutex> l(mu_);
    rs = runners_;
  }
  auto families = GroupFamilies(rs);
  MetricFamily dl{"tide_decision_latency_seconds", "Time to run the decision pipeline for one group.",
                  "histogram", {}, {decision_latency_.Snapshot()}};
  MetricFamily al{"tide_actuation_latency_seconds", "Time from a decision to its action's result.",
                  "histogram", {}, {actuation_latency_.Snapshot()}};
  MetricFamily ev{"tide_evaluations_total", "Group evaluations.", "counter",
                  {{{}, static_cast<double>(evaluations_.load())}}, {}};
  MetricFamily firing{"tide_alert_firing", "1 while the group's alert is firing, per enabled rule.", "gauge", {}, {}};
  for (const auto& r : rs) {
    const auto open = r->OpenAlerts();
    for (int i = 0; i < alerts::kRuleCount; ++i) {
      const auto rule = static_cast<alerts::Rule>(i);
      const config::AlertRule& c = alerts::RuleConfig(r->config().alert_rules, rule);
      if (!c.enabled) continue;
      const std::string name = alerts::RuleName(rule);
      const bool on = std::any_of(open.begin(), open.end(), [&](const auto& a) { return a.alert == name; });
      firing.points.push_back({{{"group", r->config().name}, {"alert", name}, {"severity", c.severity}}, on ? 1.0 : 0.0});
    }
  }
  families.push_back(firing);
  if (notifier_) {
    families.push_back({"tide_alert_deliveries_total", "Alert deliveries to the receivers, per outcome.", "counter",
                        {{{{"outcome", "delivered"}}, static_cast<double>(notifier_->delivered())},
                         {{{"outcome", "failed"}}, static_cast<double>(notifier_->failed())}},
                        {}});
  }
  families.push_back(dl);
  families.push_back(al);
  families.push_back(ev);
  if (deps_.more_metrics)
    for (auto& f : deps_.more_metrics()) families.push_back(std::move(f));
  return FormatExposition(families);
}

bool Controller::Ready() {
  std::lock_guard<std::mutex> l(mu_);
  return std::all_of(runners_.begin(), runners_.end(), [](auto& r) { return r->evaluated(); });
}

}  // namespace tide::controller
