// telemetry.h: the controller's own metrics for /metrics — a latency histogram and the
// assembly of every group's gauges into Prometheus families.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/group_runner.h"
#include "core/exposition.h"

namespace tide::controller {

// A fixed-bucket histogram. Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size(), 0) {}
  void Observe(double v);
  HistogramPoint Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<unsigned long long> counts_;  // per bucket, not cumulative
  unsigned long long count_ = 0;
  double sum_ = 0;
};

// Seconds: 10 us .. 10 s.
std::vector<double> LatencyBuckets();

std::vector<MetricFamily> GroupFamilies(const std::vector<std::shared_ptr<GroupRunner>>& runners);

}  // namespace tide::controller
