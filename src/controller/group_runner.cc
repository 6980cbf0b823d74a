#include "controller/group_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

#include <fmt/format.h>

#include "controller/codec.h"
#include "core/duration.h"
#include "policy/explain.h"
#include "policy/predictive.h"

namespace tide::controller {
namespace {

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A reloaded metric takes over its predecessor's readings when it reads the same thing: the
// same type and target (timeouts, retries, window and max_age may differ).
bool SameMeasurement(const config::MetricSource& a, const config::MetricSource& b) {
  return a.type == b.type && a.signal == b.signal && a.url == b.url && a.query == b.query &&
         a.address == b.address && a.key == b.key && a.consumer_group == b.consumer_group &&
         a.measure == b.measure && a.pointer == b.pointer && a.pid_file == b.pid_file;
}

// The index of `old`'s metric whose readings `m` takes over at a reload, or -1.
int CarriedMetric(const config::Group& old, const config::Metric& m) {
  const int k = old.FindMetric(m.name);
  return k >= 0 && SameMeasurement(old.metrics[k].source, m.source) ? k : -1;
}

// The index of `old`'s predictive policy whose history `g`'s policy i takes over at a reload,
// or -1: a predictive policy of the same name reading the metric carried over from the one
// it read.
int CarriedPredictive(const config::Group& old, const config::Group& g, size_t i) {
  const config::Policy& p = g.policies[i];
  if (p.kind != config::PolicyKind::kPredictive) return -1;
  for (size_t j = 0; j < old.policies.size(); ++j) {
    const config::Policy& q = old.policies[j];
    if (q.name != p.name || q.kind != config::PolicyKind::kPredictive) continue;
    const int k = CarriedMetric(old, g.metrics[p.predictive.metric]);
    return k >= 0 && k == q.predictive.metric ? static_cast<int>(j) : -1;
  }
  return -1;
}

// The last decision's proposals are indexed by policy: they read right under the new config
// only when its policies are the same names and types in the same order.
bool SamePolicies(const config::Group& a, const config::Group& b) {
  if (a.policies.size() != b.policies.size()) return false;
  for (size_t i = 0; i < a.policies.size(); ++i)
    if (a.policies[i].name != b.policies[i].name || a.policies[i].kind != b.policies[i].kind)
      return false;
  return true;
}

}  // namespace

GroupRunner::GroupRunner(const config::Group& cfg, std::vector<std::unique_ptr<LiveMetric>> metrics,
                         std::unique_ptr<actuators::Actuator> actuator, bool dry_run)
    : cfg_(cfg),
      metrics_(std::move(metrics)),
      actuator_(std::move(actuator)),
      dry_run_(dry_run),
      fleet_(cfg_.model, cfg_.behavior.warmup),
      alerts_(cfg_.name, cfg_.alert_rules) {
  fleet_.Launch(0, cfg_.capacity.initial, /*ready_now=*/true);
  obs_.resize(metrics_.size());
  metric_view_.resize(metrics_.size());
  for (size_t i = 0; i < metrics_.size(); ++i) {
    metric_view_[i].name = metrics_[i]->name();
    descriptions_.push_back(metrics_[i]->source()->Describe());
  }
}

std::vector<std::string> GroupRunner::Backfill(double now, const GroupRunner* predecessor,
                                               store::Store* store) {
  std::vector<std::string> problems;
  for (auto& m : metrics_) {
    const config::Metric& cfg = cfg_.metrics[cfg_.FindMetric(m->name())];
    if (predecessor && CarriedMetric(predecessor->cfg_, cfg) >= 0) continue;
    const double step = std::max(1.0, std::min(cfg_.evaluation_interval, cfg.source.window));
    auto history = m->source()->History(now - cfg.source.window, now, step);
    if (!history.ok()) {
      problems.push_back(fmt::format("group {} metric {}: backfill: {}", cfg_.name, m->name(),
                                     history.status().message()));
      continue;
    }
    for (const auto& s : *history)
      if (s.at > now - cfg.source.window && s.at < now) m->Seed(s.at, s.value);
  }
  // Predictive policies learn from up to max_history of their metric's past.
  for (size_t i = 0; i < cfg_.policies.size(); ++i) {
    const config::Policy& p = cfg_.policies[i];
    if (p.kind != config::PolicyKind::kPredictive) continue;
    if (predecessor && CarriedPredictive(predecessor->cfg_, cfg_, i) >= 0) continue;
    sources::MetricSource* src = metrics_[p.predictive.metric]->source();
    auto history = src->History(now - p.predictive.max_history, now, policy::kHistoryStep);
    if (!history.ok()) {
      problems.push_back(fmt::format("group {} policy {}: history: {}", cfg_.name, p.name,
                                     history.status().message()));
      continue;
    }
    std::vector<std::pair<double, double>> samples;
    samples.reserve(history->size());
    for (const auto& s : *history) samples.emplace_back(s.at, s.value);
    // A source without history: what this group observed of the metric before a restart,
    // unless a reload has just changed what the metric measures (the stored observations are
    // of the old measurement; a restart cannot tell, see docs/PREDICTIVE.md).
    const config::Metric& read = cfg_.metrics[p.predictive.metric];
    const bool remeasured = predecessor && predecessor->cfg_.FindMetric(read.name) >= 0 &&
                            CarriedMetric(predecessor->cfg_, read) < 0;
    if (samples.empty() && store && !remeasured) {
      const std::string& metric = read.name;
      auto stored = store->History(cfg_.name, metric, now - p.predictive.max_history, now);
      if (!stored.ok()) {
        problems.push_back(fmt::format("group {} policy {}: stored history of {}: {}", cfg_.name,
                                       p.name, metric, stored.status().message()));
      } else {
        for (const auto& s : *stored)
          if (std::isfinite(s.value) && s.at < now) samples.emplace_back(s.at, s.value);
      }
    }
    std::lock_guard<std::mutex> l(mu_);
    if (state_.predictive.size() != cfg_.policies.size()) state_.predictive.resize(cfg_.policies.size());
    policy::SeedPredictive(p.predictive, samples, &state_.predictive[i]);
  }
  return problems;
}

void GroupRunner::FetchAll(double now) {
  if (metrics_.size() <= 1) {
    for (auto& m : metrics_) m->Fetch(now);
    return;
  }
  // Several sources: fetch concurrently, the first in this thread; each is bounded by its
  // own timeout and retries, so the tick takes as long as the slowest source.
  std::vector<std::future<void>> pending;
  pending.reserve(metrics_.size() - 1);
  for (size_t i = 1; i < metrics_.size(); ++i) {
    pending.push_back(std::async(std::launch::async, [m = metrics_[i].get(), now] { m->Fetch(now); }));
  }
  metrics_[0]->Fetch(now);
  for (auto& f : pending) f.wait();
}

int GroupRunner::ReadyUnits(double now) const {
  if (!cfg_.ready_metric.empty()) {
    const int i = cfg_.FindMetric(cfg_.ready_metric);
    if (i >= 0 && obs_[i].status == policy::ObservationStatus::kOk && std::isfinite(obs_[i].value)) {
      return std::clamp(static_cast<int>(std::floor(obs_[i].value + 1e-9)), 0, fleet_.current());
    }
  }
  return fleet_.warm();
}

TickOutcome GroupRunner::Tick(double now, store::Store* store) {
  TickOutcome out = Decide(now, store);
  std::lock_guard<std::mutex> l(mu_);
  const bool applied = out.acted && out.action.outcome == actuators::Outcome::kApplied;
  if (out.acted) consecutive_failed_ = applied ? 0 : consecutive_failed_ + 1;
  // Slow scaling: from the first scale-up applied while capacity was all serving, until the
  // units serving (the ready_metric's count when there is one) reach the capacity ordered.
  const int serving = cfg_.ready_metric.empty() ? fleet_.serving() : ReadyUnits(now);
  if (serving >= fleet_.current()) scale_up_since_ = alerts::kUnknown;
  if (applied && out.decision.desired > out.decision.current && !std::isfinite(scale_up_since_))
    scale_up_since_ = now;
  out.alert_changes = alerts_.Evaluate(AlertInputs(now, out));
  return out;
}

alerts::GroupInputs GroupRunner::AlertInputs(double now, const TickOutcome& out) const {
  alerts::GroupInputs in;
  in.now = now;
  in.current = fleet_.current();
  in.ready = ReadyUnits(now);
  in.max = evaluated_ ? last_.max : cfg_.capacity.max;
  if (const int i = cfg_.FindMetric(cfg_.demand_metric); i >= 0) {
    const policy::Observation& o = obs_[i];
    if (o.status == policy::ObservationStatus::kOk && std::isfinite(o.value))
      in.demand = std::ceil(o.value / cfg_.model.capacity_per_unit - 1e-9);
  }
  in.scaled = out.acted && out.action.outcome == actuators::Outcome::kApplied ? 1 : 0;
  in.oldest_pending = scale_up_since_;
  for (const auto& m : metric_view_)
    if (m.failing) in.failing_sources.push_back(m.name);
  for (size_t i = 0; i < cfg_.policies.size() && i < state_.predictive.size(); ++i) {
    if (cfg_.policies[i].kind != config::PolicyKind::kPredictive) continue;
    const double e = policy::PredictiveRecentError(state_.predictive[i]);
    if (std::isfinite(e) && !(e <= in.forecast_error)) in.forecast_error = e;
  }
  in.failed_actions = consecutive_failed_;
  return in;
}

std::vector<alerts::Alert> GroupRunner::OpenAlerts() const {
  std::lock_guard<std::mutex> l(mu_);
  return alerts_.Open();
}

TickOutcome GroupRunner::Decide(double now, store::Store* store) {
  TickOutcome out;
  FetchAll(now);

  int current = 0;
  bool paused = false;
  policy::Decision& d = out.decision;
  {
    std::lock_guard<std::mutex> l(mu_);
    fleet_.Advance(now);
    for (size_t i = 0; i < metrics_.size(); ++i) {
      obs_[i] = metrics_[i]->observation();
      metric_view_[i] = {metrics_[i]->name(), metrics_[i]->last_value(), metrics_[i]->failing(),
                         metrics_[i]->last_error(), metrics_[i]->errors()};
      out.samples.push_back({cfg_.name, metrics_[i]->name(), now, obs_[i].value});
      if (metrics_[i]->changed()) {
        store::EventRecord e;
        e.group = cfg_.name;
        e.kind = metrics_[i]->failing() ? "source_failed" : "source_recovered";
        e.at = now;
        e.message = metrics_[i]->failing()
                        ? fmt::format("metric {}: {}", metrics_[i]->name(), metrics_[i]->last_error())
                        : fmt::format("metric {} answers again", metrics_[i]->name());
        out.events.push_back(e);
      }
    }
    current = fleet_.current();
    const policy::Inputs in{now, current, ReadyUnits(now), obs_};
    const double t0 = SteadySeconds();
    policy::Decide(cfg_, in, state_, &d);
    out.decide_seconds = SteadySeconds() - t0;

    if (override_ && now >= override_->expires_at) override_.reset();
    if (override_) {
      d.desired = std::clamp(override_->desired, d.min, d.max);
      d.reason = policy::Reason::kManualOverride;
      d.limited_by = policy::Stage::kClamp;
      d.message = fmt::format("override: desired {} until {}", d.desired, FormatTimestamp(override_->expires_at));
    }
    paused = paused_;
    if (paused) {
      d.message = fmt::format("paused: the pipeline proposes {} ({}); nothing applied", d.desired,
                              policy::ReasonName(d.reason));
      d.desired = current;
      d.reason = policy::Reason::kPaused;
    }
    last_ = d;
    evaluated_ = true;

    // Scale-ups whose units are now serving.
    for (auto it = pending_ready_.begin(); it != pending_ready_.end();) {
      if (it->ready_at <= now) {
        it->event.status = "ready";
        it->event.ready_at = it->ready_at;
        if (store) (void)store->UpdateEvent(it->event);
        it = pending_ready_.erase(it);
      } else {
        ++it;
      }
    }
  }

  if (d.desired == current || paused) return out;

  store::EventRecord e;
  e.group = cfg_.name;
  e.kind = "scale";
  e.at = now;
  e.from = current;
  e.to = d.desired;
  e.decided_at = now;
  e.message = d.message;
  if (dry_run_) {
    e.status = "dry_run";
    if (store) (void)store->AppendEvent(e);
    return out;
  }
  e.status = "decided";
  if (store) {
    if (auto id = store->AppendEvent(e); id.ok()) e.id = *id;
  }
  const double t0 = SteadySeconds();
  out.acted = true;
  out.action = actuator_->Apply({cfg_.name, d.desired, current, policy::ReasonName(d.reason), d.message});
  out.actuation_seconds = SteadySeconds() - t0 + out.decide_seconds;

  std::lock_guard<std::mutex> l(mu_);
  if (out.action.outcome == actuators::Outcome::kApplied) {
    e.applied_at = now + (SteadySeconds() - t0);  // a failed action was never applied: stays 0
    ++applied_;
    if (d.desired > current) {
      // The units were ordered when the action was applied, not when it was decided: an
      // actuator that takes seconds delays their readiness by as much.
      fleet_.Launch(e.applied_at, d.desired - current);
      e.status = "applied";
      pending_ready_.push_back({e, e.applied_at + cfg_.model.startup});
    } else {
      fleet_.Remove(now, current - d.desired);
      e.status = "ready";  // removed units stop serving at once
      e.ready_at = e.applied_at;
    }
    state_.RecordScale(now, current, d.desired);
  } else {
    ++failed_;
    e.status = actuators::OutcomeName(out.action.outcome);
    e.message = fmt::format("{}; action {} after {} attempt(s): {}", d.message,
                            actuators::OutcomeName(out.action.outcome), out.action.attempts,
                            out.action.detail);
  }
  if (store) {
    if (e.id > 0) {
      (void)store->UpdateEvent(e);
    } else {
      (void)store->AppendEvent(e);
    }
  }
  return out;
}

void GroupRunner::Pause(bool paused) {
  std::lock_guard<std::mutex> l(mu_);
  paused_ = paused;
}

Status GroupRunner::SetOverride(int desired, double expires_at, double now) {
  // Outside the group's bounds the decision would clamp it, while the API and the dashboard
  // echoed the value asked for (an override of 100 on a group of max 20 read "desired 100").
  if (desired < cfg_.capacity.min || desired > cfg_.capacity.max) {
    return Status::InvalidInput(
        fmt::format("override desired {}: allowed: {} to {} (capacity.min and "
                    "capacity.max of group {})",
                    desired, cfg_.capacity.min, cfg_.capacity.max, cfg_.name));
  }
  if (expires_at <= now) {
    return Status::InvalidInput(fmt::format("override expires_at {}: allowed: a time after now ({})", expires_at, now));
  }
  std::lock_guard<std::mutex> l(mu_);
  override_ = Override{desired, expires_at};
  return Status::Ok();
}

nlohmann::json GroupRunner::SaveState() const {
  std::lock_guard<std::mutex> l(mu_);
  nlohmann::json booting = nlohmann::json::array();
  int booting_units = 0;
  for (const auto& [at, n] : fleet_.Booting()) {
    booting.push_back({at, n});
    booting_units += n;
  }
  return {{"pipeline", GroupStateToJson(state_)},
          {"current", fleet_.current()},
          {"serving", fleet_.current() - booting_units},
          {"booting", booting},
          {"paused", paused_},
          {"override", override_ ? nlohmann::json{{"desired", override_->desired}, {"expires_at", override_->expires_at}}
                                 : nlohmann::json(nullptr)},
          {"alerts", alerts_.SaveState()},
          {"failed_actions", consecutive_failed_},
          {"scale_up_since", std::isfinite(scale_up_since_) ? nlohmann::json(scale_up_since_) : nlohmann::json(nullptr)}};
}

Status GroupRunner::RestoreState(const nlohmann::json& j, double now) {
  if (!j.is_object() || !j.contains("pipeline") || j.value("serving", -1) < 0) {
    return Status::InvalidInput("stored state of group " + cfg_.name + " has an unknown shape");
  }
  auto st = GroupStateFromJson(j["pipeline"]);
  if (!st.ok()) return st.status();
  std::lock_guard<std::mutex> l(mu_);
  state_ = std::move(st).value();
  fleet_ = sim::Fleet(cfg_.model, cfg_.behavior.warmup);
  fleet_.Launch(0, j.value("serving", 0), /*ready_now=*/true);
  if (j.contains("booting") && j["booting"].is_array()) {
    for (const auto& b : j["booting"]) {
      if (b.is_array() && b.size() == 2) fleet_.Launch(b[0].get<double>(), b[1].get<int>());
    }
  }
  fleet_.Advance(now);
  paused_ = j.value("paused", false);
  if (j.contains("override") && j["override"].is_object()) {
    override_ = Override{j["override"].value("desired", 0), j["override"].value("expires_at", 0.0)};
  }
  // Open alerts and their histories survive a restart (an older state has none: start empty).
  if (j.contains("alerts")) (void)alerts_.RestoreState(j["alerts"]);
  if (j.contains("failed_actions") && j["failed_actions"].is_number_integer())
    consecutive_failed_ = j["failed_actions"].get<int>();
  if (j.contains("scale_up_since") && j["scale_up_since"].is_number())
    scale_up_since_ = j["scale_up_since"].get<double>();
  return Status::Ok();
}

void GroupRunner::TakeStateFrom(GroupRunner& old, double now) {
  nlohmann::json j = old.SaveState();
  std::vector<policy::PredictiveState> seeded;  // what Backfill read for the policies not carried
  {
    std::lock_guard<std::mutex> l(mu_);
    seeded = std::move(state_.predictive);
  }
  (void)RestoreState(j, now);
  std::scoped_lock l(mu_, old.mu_);
  pending_ready_ = old.pending_ready_;
  applied_ = old.applied_;
  failed_ = old.failed_;
  for (size_t i = 0; i < metrics_.size(); ++i) {
    const int k = CarriedMetric(old.cfg_, cfg_.metrics[i]);
    if (k < 0) continue;
    metrics_[i]->TakeReadingsFrom(*old.metrics_[k]);
    obs_[i] = old.obs_[k];
    metric_view_[i] = old.metric_view_[k];
  }
  state_.predictive = std::move(seeded);
  state_.predictive.resize(cfg_.policies.size());
  for (size_t i = 0; i < cfg_.policies.size(); ++i) {
    const int k = CarriedPredictive(old.cfg_, cfg_, i);
    if (k < 0 || static_cast<size_t>(k) >= old.state_.predictive.size()) continue;
    state_.predictive[i] = old.state_.predictive[k];
    state_.predictive[i].last_fit = -1e300;  // its settings may have changed: refit at once
  }
  if (SamePolicies(old.cfg_, cfg_)) {
    last_ = old.last_;
    evaluated_ = old.evaluated_;
  }
}

bool GroupRunner::evaluated() const {
  std::lock_guard<std::mutex> l(mu_);
  return evaluated_;
}

nlohmann::json GroupRunner::LastDecisionJson() const {
  std::lock_guard<std::mutex> l(mu_);
  return evaluated_ ? DecisionToJson(cfg_, last_) : nlohmann::json(nullptr);
}

nlohmann::json GroupRunner::Summary() const {
  nlohmann::json last = LastDecisionJson();
  const std::string endpoint = actuator_->Endpoint();
  std::lock_guard<std::mutex> l(mu_);
  nlohmann::json metrics = nlohmann::json::array();
  for (size_t i = 0; i < metric_view_.size(); ++i) {
    const MetricView& m = metric_view_[i];
    metrics.push_back({{"name", m.name},
                       {"source", descriptions_[i]},
                       {"value", std::isfinite(m.value) ? nlohmann::json(m.value) : nlohmann::json(nullptr)},
                       {"failing", m.failing},
                       {"error", m.error}});
  }
  // Utilisation as HPA shows it, current / target of the first target-tracking policy whose
  // metric has a reading: value / target, or for a total, total / (ready x target).
  nlohmann::json utilization = nullptr;
  std::string basis = "no target-tracking policy with a reading";
  for (const config::Policy& p : cfg_.policies) {
    if (p.kind != config::PolicyKind::kTargetTracking) continue;
    const config::TargetTracking& tt = p.target_tracking;
    const MetricView& m = metric_view_[tt.metric];
    if (!std::isfinite(m.value) || m.failing) continue;
    if (tt.target_type == config::TargetType::kValue) {
      utilization = m.value / tt.target;
      basis = fmt::format("{} {:g} / target {:g}", m.name, m.value, tt.target);
    } else {
      const int ready = fleet_.warm();
      if (ready <= 0) {  // a total per unit needs a unit to divide by
        basis =
            fmt::format("{} {:g} with no ready unit: utilisation is undefined", m.name, m.value);
        continue;
      }
      utilization = m.value / (ready * tt.target);
      basis = fmt::format("{} {:g} / ({} ready x target {:g})", m.name, m.value, ready, tt.target);
    }
    break;
  }
  return {{"name", cfg_.name},
          {"price_per_unit_hour", cfg_.model.price_per_unit_hour},
          {"cost_per_hour", cfg_.model.price_per_unit_hour * fleet_.current()},
          {"utilization", utilization},
          {"utilization_basis", basis},
          {"desired", evaluated_ ? last_.desired : fleet_.current()},
          {"current", fleet_.current()},
          {"ready",
           ReadyUnits(0)},  // what the pipeline read: the ready_metric's count when there is one
          {"min", cfg_.capacity.min},
          {"max", cfg_.capacity.max},
          {"evaluation_interval", cfg_.evaluation_interval},
          {"paused", paused_},
          {"dry_run", dry_run_},
          {"override", override_ ? nlohmann::json{{"desired", override_->desired},
                                                  {"expires_at", override_->expires_at}}
                                 : nlohmann::json(nullptr)},
          {"actuator", actuator_->Describe()},
          {"endpoint", endpoint.empty() ? nlohmann::json(nullptr) : nlohmann::json(endpoint)},
          {"metrics", metrics},
          {"alerts_open", alerts_.Open().size()},
          {"last_decision", last}};
}

GroupRunner::Gauges GroupRunner::gauges() const {
  Gauges g;
  std::lock_guard<std::mutex> l(mu_);
  g.current = fleet_.current();
  g.desired = evaluated_ ? last_.desired : g.current;
  g.ready = ReadyUnits(0);
  g.paused = paused_;
  g.reason = evaluated_ ? policy::ReasonName(last_.reason) : "";
  if (evaluated_) {
    for (const auto& p : last_.proposals) g.proposals.emplace_back(cfg_.policies[p.policy].name, p.active ? p.desired : -1);
  }
  for (const auto& m : metric_view_) g.metrics.push_back({m.name, m.value, !m.failing, m.errors});
  g.actions_applied = applied_;
  g.actions_failed = failed_;
  return g;
}

}  // namespace tide::controller
