// fakes.h: test doubles for the controller's I/O edges. They hold data and record calls;
// they never re-implement production maths.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actuators/actuator.h"
#include "sources/source.h"

namespace tide::testing {

// A source whose next readings the test scripts. Thread-safe.
class FakeSource : public sources::MetricSource {
 public:
  struct Shared {
    std::mutex mu;
    double value = 0;
    bool fail = false;
    bool no_data = false;
    int fetches = 0;
  };
  explicit FakeSource(std::shared_ptr<Shared> s) : s_(std::move(s)) {}
  Result<sources::Reading> Fetch(double) override {
    std::lock_guard<std::mutex> l(s_->mu);
    ++s_->fetches;
    if (s_->fail) return Status::Runtime("fake source down");
    return sources::Reading{s_->value, s_->no_data};
  }
  std::string Describe() const override { return "fake"; }

 private:
  std::shared_ptr<Shared> s_;
};

// An actuator that records every action and fails while told to. Thread-safe.
class FakeActuator : public actuators::Actuator {
 public:
  struct Shared {
    std::mutex mu;
    bool fail = false;
    std::vector<actuators::Action> applied;  // successful actions, in order
    int attempts = 0;
    double delay = 0;  // real seconds each action takes (an actuator that is not instant)
  };
  explicit FakeActuator(std::shared_ptr<Shared> s) : s_(std::move(s)) {}
  actuators::ActionResult Apply(const actuators::Action& a) override {
    std::lock_guard<std::mutex> l(s_->mu);
    if (s_->delay > 0) std::this_thread::sleep_for(std::chrono::duration<double>(s_->delay));
    ++s_->attempts;
    if (s_->fail) return {actuators::Outcome::kFailed, 1, "fake failure"};
    s_->applied.push_back(a);
    return {actuators::Outcome::kApplied, 1, ""};
  }
  std::string Describe() const override { return "fake"; }

 private:
  std::shared_ptr<Shared> s_;
};

}  // namespace tide::testing
