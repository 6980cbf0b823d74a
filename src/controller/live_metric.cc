#include "controller/live_metric.h"

namespace tide::controller {

void LiveMetric::Seed(double at, double value) {
  window_.emplace_back(at, value);
}

void LiveMetric::TakeReadingsFrom(const LiveMetric& old) {
  window_ = old.window_;
  obs_ = old.obs_;
  last_error_ = old.last_error_;
  failing_ = old.failing_;
  changed_ = false;
  last_value_ = old.last_value_;
  errors_ = old.errors_;
}

void LiveMetric::Fetch(double now) {
  auto r = source_->Fetch(now);
  const bool was_failing = failing_;
  obs_.at = now;
  obs_.panic_value = policy::kNaN;
  if (!r.ok()) {
    failing_ = true;
    ++errors_;
    last_error_ = r.status().message();
    obs_.status = policy::ObservationStatus::kFailed;
    obs_.value = policy::kNaN;
  } else if (r->no_data) {
    failing_ = false;
    last_error_.clear();
    obs_.status = policy::ObservationStatus::kNoData;
    obs_.value = policy::kNaN;
  } else {
    failing_ = false;
    last_error_.clear();
    last_value_ = r->value;
    window_.emplace_back(now, r->value);
  }
  // Keep readings strictly inside the window (now - window, now].
  while (!window_.empty() && window_.front().first <= now - cfg_.source.window) window_.pop_front();
  if (r.ok() && !r->no_data) {
    // Summed afresh each time (a window holds tens of readings): a running sum that adds and
    // subtracts leaves residue such as 8.5e-14 req/s once the readings are all 0.
    double sum = 0;
    for (const auto& [at, v] : window_) sum += v;
    obs_.status = policy::ObservationStatus::kOk;
    obs_.value = sum / static_cast<double>(window_.size());
  }
  changed_ = was_failing != failing_;
}

}  // namespace tide::controller
