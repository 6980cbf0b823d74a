// live_metric.h: one live metric of a group — its source, the readings within its window,
// and whether it is failing. Turns fetches into the pipeline's Observation: the mean of the
// readings in the window when the latest fetch succeeded; kFailed when it failed (older
// readings never mask a failure); kNoData when the source has nothing to measure.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "config/config.h"
#include "policy/decision.h"
#include "sources/source.h"

namespace tide::controller {

class LiveMetric {
 public:
  LiveMetric(const config::Metric& cfg, std::unique_ptr<sources::MetricSource> source)
      : cfg_(cfg), source_(std::move(source)) {}

  // Fetches now (blocking up to the source's timeouts and retries).
  void Fetch(double now);
  // Seeds the window with stored or backfilled history (oldest first).
  void Seed(double at, double value);
  // At a config reload: the readings, failing state and error count of the metric this one
  // replaces (the same name, measuring the same thing; the source object stays this one's).
  void TakeReadingsFrom(const LiveMetric& old);

  policy::Observation observation() const { return obs_; }
  const std::string& name() const { return cfg_.name; }
  const std::string& last_error() const { return last_error_; }
  bool failing() const { return failing_; }
  // Set by Fetch when the failing state changed (for source_failed/recovered events).
  bool changed() const { return changed_; }
  double last_value() const { return last_value_; }
  long long errors() const { return errors_; }
  sources::MetricSource* source() { return source_.get(); }

 private:
  config::Metric cfg_;
  std::unique_ptr<sources::MetricSource> source_;
  std::deque<std::pair<double, double>> window_;  // (at, value)
  policy::Observation obs_{policy::kNaN, policy::kNaN, 0, policy::ObservationStatus::kNoData};
  std::string last_error_;
  bool failing_ = false;
  bool changed_ = false;
  double last_value_ = policy::kNaN;
  long long errors_ = 0;
};

}  // namespace tide::controller
