#include "sim/fleet.h"

#include <algorithm>
#include <cmath>

namespace tide::sim {

void Fleet::Launch(double now, int n, bool ready_now) {
  if (n <= 0) return;
  const double ready_at = ready_now ? now : now + model_.startup;
  cohorts_.push_back({now, ready_at, n});
  booting_ += n;
  Advance(now);
}

double Fleet::BilledExtra(double launched_at, double removed_at, int count) const {
  const double life = removed_at + model_.shutdown - launched_at;
  double billed = std::ceil(life / model_.billing_granularity - 1e-9) * model_.billing_granularity;
  billed = std::max(billed, model_.billing_minimum);
  return std::max(0.0, billed - life) * count;
}

double Fleet::Remove(double now, int n) {
  double extra = 0;
  int removed = 0;
  while (n > 0 && !cohorts_.empty()) {
    Cohort& c = cohorts_.back();
    const int take = std::min(n, c.count);
    const size_t idx = cohorts_.size() - 1;
    if (idx >= ready_) {
      booting_ -= take;
    } else {
      serving_ -= take;
      if (idx < warm_idx_) warm_ -= take;
    }
    extra += BilledExtra(c.launched_at, now, take);
    c.count -= take;
    n -= take;
    removed += take;
    if (c.count == 0) {
      cohorts_.pop_back();
      ready_ = std::min(ready_, cohorts_.size());
      warm_idx_ = std::min(warm_idx_, cohorts_.size());
    }
  }
  if (removed > 0 && model_.shutdown > 0) {
    drains_.push_back({now + model_.shutdown, removed});
    draining_ += removed;
  }
  return extra;
}

void Fleet::Advance(double now) {
  while (ready_ < cohorts_.size() && cohorts_[ready_].ready_at <= now) {
    booting_ -= cohorts_[ready_].count;
    serving_ += cohorts_[ready_].count;
    ++ready_;
  }
  while (warm_idx_ < ready_ && cohorts_[warm_idx_].ready_at + warmup_ <= now) {
    warm_ += cohorts_[warm_idx_].count;
    ++warm_idx_;
  }
  while (!drains_.empty() && drains_.front().ends_at <= now) {
    draining_ -= drains_.front().count;
    drains_.pop_front();
  }
}

}  // namespace tide::sim
