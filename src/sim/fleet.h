// fleet.h: the simulated units of one group — launches (cohorts) booting, serving and warm,
// removals draining, and what each costs. Removal is newest-first (a cancelled launch first).
#pragma once

#include <deque>
#include <utility>
#include <vector>

#include "config/config.h"

namespace tide::sim {

class Fleet {
 public:
  explicit Fleet(const config::Model& model, double warmup) : model_(model), warmup_(warmup) {}

  // Starts `n` units at `now` that serve from now + startup (or at once if `ready_now`).
  void Launch(double now, int n, bool ready_now = false);
  // Removes `n` units (newest first) at `now`. Returns the unit-seconds billed beyond the
  // removed units' lifetimes (granularity rounding and minimum), to be charged now.
  double Remove(double now, int n);
  // Advances readiness, warm-up and draining to time `now`.
  void Advance(double now);

  int current() const { return booting_ + serving_; }  // ordered and not being removed
  int serving() const { return serving_; }             // units in service
  int warm() const { return warm_; }                   // serving and past warm-up
  int provisioned() const { return booting_ + serving_ + draining_; }  // being paid for
  // Launches still booting, oldest first: (launched_at, count).
  std::vector<std::pair<double, int>> Booting() const {
    std::vector<std::pair<double, int>> out;
    for (size_t i = ready_; i < cohorts_.size(); ++i) out.emplace_back(cohorts_[i].launched_at, cohorts_[i].count);
    return out;
  }

 private:
  struct Cohort {
    double launched_at;
    double ready_at;
    int count;
  };
  struct Drain {
    double ends_at;
    int count;
  };
  double BilledExtra(double launched_at, double removed_at, int count) const;

  config::Model model_;  // a copy: the fleet outlives no config
  double warmup_;
  std::deque<Cohort> cohorts_;  // in launch order; [0, ready_) serving, [warm_idx_, ready_) warming
  std::deque<Drain> drains_;
  size_t ready_ = 0;            // cohorts_[0, ready_) are serving
  size_t warm_idx_ = 0;         // cohorts_[0, warm_idx_) are past warm-up
  int booting_ = 0, serving_ = 0, warm_ = 0, draining_ = 0;
};

}  // namespace tide::sim
