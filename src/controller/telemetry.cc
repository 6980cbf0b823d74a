#include "controller/telemetry.h"

#include <algorithm>

namespace tide::controller {

void Histogram::Observe(double v) {
  std::lock_guard<std::mutex> l(mu_);
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  if (it != bounds_.end()) ++counts_[it - bounds_.begin()];
  ++count_;
  sum_ += v;
}

HistogramPoint Histogram::Snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  HistogramPoint p;
  p.bounds = bounds_;
  unsigned long long cum = 0;
  for (auto c : counts_) p.counts.push_back(cum += c);
  p.count = count_;
  p.sum = sum_;
  return p;
}

std::vector<double> LatencyBuckets() {
  return {1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1, 5, 10};
}

std::vector<MetricFamily> GroupFamilies(const std::vector<std::shared_ptr<GroupRunner>>& runners) {
  MetricFamily desired{"tide_group_desired", "Desired capacity of the group's last decision (units).", "gauge", {}, {}};
  MetricFamily current{"tide_group_current", "Capacity ordered and not being removed (units).", "gauge", {}, {}};
  MetricFamily ready{"tide_group_ready", "Units serving and past warm-up (units).", "gauge", {}, {}};
  MetricFamily paused{"tide_group_paused", "1 when the group is paused.", "gauge", {}, {}};
  MetricFamily reason{"tide_decision_reason", "1 for the reason code of the group's last decision.", "gauge", {}, {}};
  MetricFamily proposal{"tide_policy_proposal", "Each policy's proposal at the last decision (-1: none).", "gauge", {}, {}};
  MetricFamily value{"tide_metric_value", "The latest reading of each metric.", "gauge", {}, {}};
  MetricFamily up{"tide_metric_source_up", "1 when the metric's source answered at the last fetch.", "gauge", {}, {}};
  MetricFamily errors{"tide_metric_source_errors_total", "Failed fetches per metric.", "counter", {}, {}};
  MetricFamily actions{"tide_actions_total", "Actions per outcome.", "counter", {}, {}};
  for (const auto& r : runners) {
    const auto g = r->gauges();
    const std::string& name = r->config().name;
    desired.points.push_back({{{"group", name}}, static_cast<double>(g.desired)});
    current.points.push_back({{{"group", name}}, static_cast<double>(g.current)});
    ready.points.push_back({{{"group", name}}, static_cast<double>(g.ready)});
    paused.points.push_back({{{"group", name}}, g.paused ? 1.0 : 0.0});
    if (!g.reason.empty()) reason.points.push_back({{{"group", name}, {"reason", g.reason}}, 1.0});
    for (const auto& [policy, d] : g.proposals)
      proposal.points.push_back({{{"group", name}, {"policy", policy}}, static_cast<double>(d)});
    for (const auto& m : g.metrics) {
      value.points.push_back({{{"group", name}, {"metric", m.name}}, m.value});
      up.points.push_back({{{"group", name}, {"metric", m.name}}, m.up ? 1.0 : 0.0});
      errors.points.push_back({{{"group", name}, {"metric", m.name}}, static_cast<double>(m.errors)});
    }
    actions.points.push_back({{{"group", name}, {"outcome", "applied"}}, static_cast<double>(g.actions_applied)});
    actions.points.push_back({{{"group", name}, {"outcome", "failed"}}, static_cast<double>(g.actions_failed)});
  }
  return {desired, current, ready, paused, reason, proposal, value, up, errors, actions};
}

}  // namespace tide::controller
