// rules.cc: the alert rules (conditions in rules.h) and the generic for/fire/resolve cycle.
#include "alerts/rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/duration.h"

namespace tide::alerts {

const char* RuleName(Rule r) {
  switch (r) {
    case Rule::kFlapping:
      return "flapping";
    case Rule::kSlowScaling:
      return "slow_scaling";
    case Rule::kAtMaxCapacity:
      return "at_max_capacity";
    case Rule::kUnderProvisioned:
      return "under_provisioned";
    case Rule::kForecastDrift:
      return "forecast_drift";
    case Rule::kSourceDown:
      return "source_down";
    case Rule::kActuatorFailing:
      return "actuator_failing";
  }
  return "unknown";
}

const config::AlertRule& RuleConfig(const config::AlertRules& rules, Rule r) {
  switch (r) {
    case Rule::kFlapping:
      return rules.flapping;
    case Rule::kSlowScaling:
      return rules.slow_scaling;
    case Rule::kAtMaxCapacity:
      return rules.at_max_capacity;
    case Rule::kUnderProvisioned:
      return rules.under_provisioned;
    case Rule::kForecastDrift:
      return rules.forecast_drift;
    case Rule::kSourceDown:
      return rules.source_down;
    case Rule::kActuatorFailing:
      return rules.actuator_failing;
  }
  return rules.flapping;
}

Evaluator::Evaluator(std::string group, config::AlertRules rules)
    : group_(std::move(group)), rules_(std::move(rules)) {}

Evaluator::Check Evaluator::Test(Rule r, const GroupInputs& in) {
  const config::AlertRule& c = RuleConfig(rules_, r);
  Check k;
  switch (r) {
    case Rule::kFlapping:
      k.value = static_cast<double>(scale_times_.size());
      k.holds = k.value > c.threshold;
      break;
    case Rule::kSlowScaling:
      k.value = std::isfinite(in.oldest_pending) ? in.now - in.oldest_pending : 0;
      k.holds = k.value > c.threshold;
      break;
    case Rule::kAtMaxCapacity:
      k.holds = std::isfinite(in.demand) && in.current >= in.max && in.demand > in.max;
      k.value = std::isfinite(in.demand) ? in.demand : 0;
      break;
    case Rule::kUnderProvisioned: {
      const double start = in.now - c.window;
      double under = 0;
      for (const Span& s : spans_)
        if (s.under) under += std::max(0.0, s.to - std::max(s.from, start));
      k.value = 100.0 * under / c.window;
      k.holds = k.value > c.threshold;
      break;
    }
    case Rule::kForecastDrift:
      k.holds = std::isfinite(in.forecast_error) && in.forecast_error > c.threshold;
      k.value = std::isfinite(in.forecast_error) ? in.forecast_error : 0;
      break;
    case Rule::kSourceDown:
      k.holds = !in.failing_sources.empty();
      k.value = static_cast<double>(in.failing_sources.size());
      break;
    case Rule::kActuatorFailing:
      k.holds = in.failed_actions >= c.threshold;
      k.value = in.failed_actions;
      break;
  }
  return k;
}

std::string Evaluator::Message(Rule r, const GroupInputs& in, double value) const {
  const config::AlertRule& c = RuleConfig(rules_, r);
  switch (r) {
    case Rule::kFlapping:
      return fmt::format("{} capacity changes in the last {} (allowed: at most {:g})", value,
                         FormatDuration(c.window), c.threshold);
    case Rule::kSlowScaling:
      return fmt::format("a scale-up decided {:.0f} s ago is not ready yet (allowed: {})", value,
                         FormatDuration(c.threshold));
    case Rule::kAtMaxCapacity:
      return fmt::format("at max capacity ({} units) while demand is {:g} units", in.max, value);
    case Rule::kUnderProvisioned:
      return fmt::format(
          "under-provisioned (ready below demand) {:.1f} % of the last {} (allowed: {:g} %)", value,
          FormatDuration(c.window), c.threshold);
    case Rule::kForecastDrift:
      return fmt::format("recent forecast error {:.2f} (allowed: {:g})", value, c.threshold);
    case Rule::kSourceDown: {
      std::string names;
      for (const auto& n : in.failing_sources) names += (names.empty() ? "" : ", ") + n;
      return fmt::format("metric source(s) failing: {}", names);
    }
    case Rule::kActuatorFailing:
      return fmt::format("{} consecutive failed action(s) (allowed: fewer than {:g})",
                         in.failed_actions, c.threshold);
  }
  return "";
}

std::vector<Alert> Evaluator::Evaluate(const GroupInputs& in) {
  // Histories first: the applied changes within the flapping window, and the time spent
  // under-provisioned (the last evaluation's state held until now).
  for (int i = 0; i < in.scaled; ++i) scale_times_.push_back(in.now);
  while (!scale_times_.empty() && scale_times_.front() <= in.now - rules_.flapping.window)
    scale_times_.pop_front();
  if (std::isfinite(last_now_) && in.now > last_now_ && last_under_known_)
    spans_.push_back({last_now_, in.now, last_under_});
  while (!spans_.empty() && spans_.front().to <= in.now - rules_.under_provisioned.window)
    spans_.pop_front();
  last_now_ = in.now;
  last_under_known_ = std::isfinite(in.demand);
  last_under_ = last_under_known_ && in.ready < in.demand;

  std::vector<Alert> changes;
  for (int i = 0; i < kRuleCount; ++i) {
    const Rule r = static_cast<Rule>(i);
    const config::AlertRule& c = RuleConfig(rules_, r);
    RuleState& s = st_[i];
    const Check k = c.enabled ? Test(r, in) : Check{};
    if (!k.holds) {
      s.pending_since = kUnknown;
      if (s.firing) {
        s.firing = false;
        s.alert.firing = false;
        s.alert.ended = in.now;
        // The firing message is in the present tense ("... is not ready yet"): said of a
        // resolved alert it would read as still true.
        s.alert.message = fmt::format("resolved after {}; it was: {}",
                                      FormatDuration(in.now - s.alert.since), s.alert.message);
        changes.push_back(s.alert);
      }
      continue;
    }
    if (!std::isfinite(s.pending_since)) s.pending_since = in.now;
    if (!s.firing && in.now - s.pending_since < c.for_seconds) continue;
    s.alert.value = k.value;
    s.alert.message = Message(r, in, k.value);
    s.alert.severity = c.severity;
    if (!s.firing) {
      s.firing = true;
      s.alert.group = group_;
      s.alert.alert = RuleName(r);
      s.alert.firing = true;
      s.alert.since = in.now;
      s.alert.ended = 0;
      changes.push_back(s.alert);
    }
  }
  return changes;
}

std::vector<Alert> Evaluator::Open() const {
  std::vector<Alert> out;
  for (const RuleState& s : st_)
    if (s.firing) out.push_back(s.alert);
  return out;
}

void Evaluator::TakeStateFrom(const Evaluator& old) {
  st_ = old.st_;
  scale_times_ = old.scale_times_;
  spans_ = old.spans_;
  last_now_ = old.last_now_;
  last_under_known_ = old.last_under_known_;
  last_under_ = old.last_under_;
}

namespace {

nlohmann::json Num(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}
double NumOr(const nlohmann::json& j, double fallback) {
  return j.is_number() ? j.get<double>() : fallback;
}

}  // namespace

nlohmann::json Evaluator::SaveState() const {
  nlohmann::json rules = nlohmann::json::object();
  for (int i = 0; i < kRuleCount; ++i) {
    const RuleState& s = st_[i];
    if (!s.firing && !std::isfinite(s.pending_since)) continue;
    rules[RuleName(static_cast<Rule>(i))] = {
        {"firing", s.firing},           {"pending_since", Num(s.pending_since)},
        {"since", s.alert.since},       {"value", s.alert.value},
        {"severity", s.alert.severity}, {"message", s.alert.message}};
  }
  nlohmann::json spans = nlohmann::json::array();
  for (const Span& sp : spans_) spans.push_back({sp.from, sp.to, sp.under});
  return {{"rules", rules},
          {"scale_times", scale_times_},
          {"spans", spans},
          {"last_now", Num(last_now_)},
          {"last_under_known", last_under_known_},
          {"last_under", last_under_}};
}

bool Evaluator::RestoreState(const nlohmann::json& j) {
  try {
    Evaluator e(group_, rules_);
    for (int i = 0; i < kRuleCount; ++i) {
      const char* name = RuleName(static_cast<Rule>(i));
      if (!j.at("rules").contains(name)) continue;
      const nlohmann::json& r = j["rules"][name];
      RuleState& s = e.st_[i];
      s.firing = r.at("firing").get<bool>();
      s.pending_since = NumOr(r.at("pending_since"), kUnknown);
      if (s.firing) {
        s.alert.group = group_;
        s.alert.alert = name;
        s.alert.firing = true;
        s.alert.since = r.at("since").get<double>();
        s.alert.value = r.at("value").get<double>();
        s.alert.severity = r.at("severity").get<std::string>();
        s.alert.message = r.at("message").get<std::string>();
      }
    }
    for (const auto& t : j.at("scale_times")) e.scale_times_.push_back(t.get<double>());
    for (const auto& sp : j.at("spans"))
      e.spans_.push_back({sp.at(0).get<double>(), sp.at(1).get<double>(), sp.at(2).get<bool>()});
    e.last_now_ = NumOr(j.at("last_now"), kUnknown);
    e.last_under_known_ = j.at("last_under_known").get<bool>();
    e.last_under_ = j.at("last_under").get<bool>();
    TakeStateFrom(e);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace tide::alerts
