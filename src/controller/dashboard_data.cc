// dashboard_data.cc: what the dashboard reads from the live controller besides the group
// summaries: a group's recent series (Controller::Series) and what lies ahead of it, the
// forecast band and the scheduled firings (Controller::Outlook, GroupRunner::Outlook).
// Reads only: nothing here writes to the store.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "controller/controller.h"
#include "controller/group_runner.h"

namespace tide::controller {

Result<nlohmann::json> Controller::Series(const std::string& name, double since) {
  using nlohmann::json;
  auto r = Find(name);
  if (!r) return Status::NotFound(fmt::format("no group '{}'", name));
  const double now = Now();
  auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json metrics = json::array();
  // Capacity points (at, current, desired, ready), newest first while collecting.
  struct Point {
    double at;
    int current, desired, ready;
  };
  std::vector<Point> capacity;
  std::vector<store::MetricSample> pending;
  {
    std::lock_guard<std::mutex> l(batch_mu_);
    for (const auto& s : batch_.samples)
      if (s.group == name && s.at >= since) pending.push_back(s);
    for (auto it = batch_.decisions.rbegin(); it != batch_.decisions.rend(); ++it) {
      if (it->group != name || it->at < since) continue;
      const json j = json::parse(it->json, nullptr, false);
      capacity.push_back({it->at, it->current, it->desired,
                          j.is_object() ? j.value("ready", it->current) : it->current});
    }
  }
  for (const config::Metric& m : r->config().metrics) {
    json t = json::array(), v = json::array();
    double last = -1;
    if (deps_.store) {
      auto h = deps_.store->History(name, m.name, since, now);
      if (h.ok()) {
        for (const auto& s : *h) {
          t.push_back(s.at);
          v.push_back(num(s.value));
          last = s.at;
        }
      }
    }
    for (const auto& s : pending) {
      if (s.metric != m.name || s.at <= last) continue;
      t.push_back(s.at);
      v.push_back(num(s.value));
    }
    metrics.push_back({{"name", m.name}, {"t", std::move(t)}, {"value", std::move(v)}});
  }
  if (deps_.store) {
    constexpr int kMaxDecisions = 1000;
    auto recent = deps_.store->RecentDecisions(name, kMaxDecisions);
    if (recent.ok()) {
      const double oldest_pending = capacity.empty() ? 1e300 : capacity.back().at;
      for (const auto& d : *recent) {
        if (d.at < since) break;
        if (d.at >= oldest_pending) continue;  // also in the batch (not possible today; cheap)
        const json j = json::parse(d.json, nullptr, false);
        capacity.push_back(
            {d.at, d.current, d.desired, j.is_object() ? j.value("ready", d.current) : d.current});
      }
    }
  } else if (const json last = r->LastDecisionJson(); last.is_object() && capacity.empty()) {
    capacity.push_back({last.value("at", now), last.value("current", 0), last.value("desired", 0),
                        last.value("ready", 0)});
  }
  json ct = json::array(), cur = json::array(), des = json::array(), rdy = json::array();
  for (auto it = capacity.rbegin(); it != capacity.rend(); ++it) {
    ct.push_back(it->at);
    cur.push_back(it->current);
    des.push_back(it->desired);
    rdy.push_back(it->ready);
  }
  return json{{"group", name},
              {"since", since},
              {"now", now},
              {"metrics", std::move(metrics)},
              {"capacity", {{"t", ct}, {"current", cur}, {"desired", des}, {"ready", rdy}}}};
}

Result<nlohmann::json> Controller::Outlook(const std::string& name, double horizon) {
  auto r = Find(name);
  if (!r) return Status::NotFound(fmt::format("no group '{}'", name));
  return r->Outlook(Now(), horizon);
}

nlohmann::json GroupRunner::Outlook(double now, double horizon) const {
  using nlohmann::json;
  auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json forecasts = json::array();
  json scheduled = json::array();
  std::lock_guard<std::mutex> l(mu_);
  for (size_t i = 0; i < cfg_.policies.size(); ++i) {
    const config::Policy& p = cfg_.policies[i];
    if (p.kind == config::PolicyKind::kPredictive) {
      if (i >= state_.predictive.size() || !state_.predictive[i].forecast) continue;
      const policy::PredictiveState& ps = state_.predictive[i];
      const forecast::Forecast& f = *ps.forecast;
      json t = json::array(), mean = json::array(), lo80 = json::array(), hi80 = json::array(),
           lo95 = json::array(), hi95 = json::array();
      for (size_t k = 0; k < f.mean.size(); ++k) {
        const double at = f.start + static_cast<double>(k) * f.step;
        if (at > now + horizon) break;
        t.push_back(at);
        mean.push_back(num(f.mean[k]));
        lo80.push_back(num(f.lo80[k]));
        hi80.push_back(num(f.hi80[k]));
        lo95.push_back(num(f.lo95[k]));
        hi95.push_back(num(f.hi95[k]));
      }
      forecasts.push_back({{"policy", p.name},
                           {"metric", cfg_.metrics[p.predictive.metric].name},
                           {"mode", p.predictive.scale ? "forecast_and_scale" : "forecast_only"},
                           {"quantile", p.predictive.quantile},
                           {"model", f.model},
                           {"note", f.note},
                           {"fit_error", ps.fit_error},
                           {"breaker_open", ps.open},
                           {"t", t},
                           {"mean", mean},
                           {"lo80", lo80},
                           {"hi80", hi80},
                           {"lo95", lo95},
                           {"hi95", hi95}});
    } else if (p.kind == config::PolicyKind::kScheduled) {
      const config::Scheduled& sc = p.scheduled;
      auto add = [&](double at) {
        scheduled.push_back({{"policy", p.name},
                             {"at", at},
                             {"min", sc.min ? json(*sc.min) : json(nullptr)},
                             {"max", sc.max ? json(*sc.max) : json(nullptr)},
                             {"desired", sc.desired ? json(*sc.desired) : json(nullptr)}});
      };
      if (sc.at) {
        if (*sc.at > now && *sc.at <= now + horizon) add(*sc.at);
      } else if (sc.cron) {
        constexpr int kMaxFirings = 50;  // per policy: "every minute" must not flood the page
        double after = now;
        for (int k = 0; k < kMaxFirings; ++k) {
          const std::optional<double> next = sc.cron->NextAfter(after);
          if (!next || *next > now + horizon) break;
          add(*next);
          after = *next;
        }
      }
    }
  }
  std::sort(scheduled.begin(), scheduled.end(), [](const json& a, const json& b) {
    return a["at"].get<double>() < b["at"].get<double>();
  });
  return {{"now", now}, {"horizon", horizon}, {"forecasts", forecasts}, {"scheduled", scheduled}};
}

}  // namespace tide::controller
