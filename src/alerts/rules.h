// rules.h: the alert rules of one group, evaluated by the controller after each of the
// group's evaluations. Pure: the controller hands in what it knows (GroupInputs, with `now`)
// and gets back the alerts that started firing or resolved. No clock, no I/O.
//
// Every rule is a condition with a value; it fires once the condition has held for the
// rule's `for` and resolves at the first evaluation where it no longer holds:
//   flapping           more than `threshold` applied capacity changes within `window`
//   slow_scaling       a scale-up still not ready `threshold` seconds after its decision
//   at_max_capacity    current >= max while demand > max
//   under_provisioned  ready < demand for more than `threshold` % of the last `window`
//                      (time-weighted; each evaluation's state holds until the next one)
//   forecast_drift     a predictive policy's recent relative forecast error > `threshold`
//   source_down        at least one metric source failing
//   actuator_failing   at least `threshold` consecutive failed actions
// Rules that need demand treat an unknown demand (no demand metric, or a failed reading) as
// "condition does not hold".
#pragma once

#include <array>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"

namespace tide::alerts {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

enum class Rule {
  kFlapping,
  kSlowScaling,
  kAtMaxCapacity,
  kUnderProvisioned,
  kForecastDrift,
  kSourceDown,
  kActuatorFailing,
};
inline constexpr int kRuleCount = 7;

// "flapping", "slow_scaling", ... (the `alert` label and the config key).
const char* RuleName(Rule r);
const config::AlertRule& RuleConfig(const config::AlertRules& rules, Rule r);
inline config::AlertRule& RuleConfig(config::AlertRules& rules, Rule r) {
  return const_cast<config::AlertRule&>(
      RuleConfig(static_cast<const config::AlertRules&>(rules), r));
}

// What the controller knows about one group at one evaluation.
struct GroupInputs {
  double now = 0;                            // epoch seconds
  int current = 0;                           // capacity ordered
  int ready = 0;                             // units serving
  int max = 0;                               // capacity.max in force
  double demand = kUnknown;                  // units needed; kUnknown when not measured
  int scaled = 0;                            // applied capacity changes at this evaluation
  double oldest_pending = kUnknown;          // decided_at of the oldest scale-up not ready yet
  std::vector<std::string> failing_sources;  // metric names
  double forecast_error = kUnknown;          // largest recent relative error of a predictive policy
  int failed_actions = 0;                    // consecutive failed actions (0 after a success)
};

struct Alert {
  std::string group;
  std::string alert;     // RuleName
  std::string severity;  // warning | critical
  bool firing = true;    // false: this alert just resolved
  double since = 0;      // when it started firing (epoch s)
  double ended = 0;      // when it resolved (epoch s); 0 while firing
  double value = 0;      // the rule's value at the last evaluation
  std::string message;
};

// Not thread-safe; the controller calls it from the group's evaluation only and copies
// Open() out for readers.
class Evaluator {
 public:
  Evaluator(std::string group, config::AlertRules rules);

  // Evaluates every rule at `in.now` (non-decreasing between calls). Returns the alerts
  // that started firing (firing = true) or resolved (firing = false) at this evaluation.
  std::vector<Alert> Evaluate(const GroupInputs& in);

  // The alerts firing now.
  std::vector<Alert> Open() const;

  // Carries histories and open alerts over from the evaluator this one replaces (a config
  // reload); rules since disabled resolve at the next evaluation.
  void TakeStateFrom(const Evaluator& old);

  // Histories and open alerts as JSON, for a restart. Restore ignores what it cannot read
  // (the evaluator then starts empty) and returns false in that case.
  nlohmann::json SaveState() const;
  bool RestoreState(const nlohmann::json& j);

 private:
  struct Check {
    bool holds = false;
    double value = 0;
  };
  Check Test(Rule r, const GroupInputs& in);
  // Formatted only for a rule that fires (formatting every rule at every evaluation would
  // cost more than the conditions).
  std::string Message(Rule r, const GroupInputs& in, double value) const;

  struct RuleState {
    double pending_since = kUnknown;  // when the condition started to hold
    bool firing = false;
    Alert alert;
  };
  std::string group_;
  config::AlertRules rules_;
  std::array<RuleState, kRuleCount> st_;
  std::deque<double> scale_times_;  // applied changes, oldest first
  struct Span {
    double from, to;
    bool under;
  };
  std::deque<Span> spans_;  // known-demand time, oldest first
  double last_now_ = kUnknown;
  bool last_under_known_ = false, last_under_ = false;
};

}  // namespace tide::alerts
