// clock.h: time as an injected dependency. Only loop drivers hold a Clock; the decision
// pipeline takes `now` as an argument. Times are seconds since the Unix epoch (UTC).
#pragma once

#include <mutex>

namespace tide {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double Now() const = 0;
};

// A clock the test (or the simulator) advances by hand. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(double start = 0) : now_(start) {}
  double Now() const override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }
  void Set(double t) {
    std::lock_guard<std::mutex> l(mu_);
    now_ = t;
  }
  void Advance(double dt) {
    std::lock_guard<std::mutex> l(mu_);
    now_ += dt;
  }

 private:
  mutable std::mutex mu_;
  double now_;
};

}  // namespace tide
