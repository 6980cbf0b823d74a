#include "policy/schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tide::policy {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kReplayHorizon = 8 * 86400.0;

void Apply(const config::Scheduled& s, double at, ScheduleState* state) {
  if (s.min) state->min = *s.min, state->min_at = at;
  if (s.max) state->max = *s.max, state->max_at = at;
}

double NextFire(const config::Scheduled& s, double after) {
  if (s.cron) {
    auto next = s.cron->NextAfter(after);
    return next ? *next : kInf;
  }
  return s.at && *s.at > after ? *s.at : kInf;
}

}  // namespace

std::string ScheduleFingerprint(const config::Group& group) {
  std::string f;
  for (size_t i = 0; i < group.policies.size(); ++i) {
    const auto& p = group.policies[i];
    if (p.kind != config::PolicyKind::kScheduled) continue;
    const auto& s = p.scheduled;
    auto opt = [](const std::optional<int>& v) {
      return v ? std::to_string(*v) : std::string("-");
    };
    f += std::to_string(i) + "|" + (s.cron ? s.cron->text() + "@" + s.cron->zone_name() : "") +
         "|" + (s.at ? std::to_string(*s.at) : "") + "|" + opt(s.min) + "|" + opt(s.max) + "|" +
         opt(s.desired) + ";";
  }
  return f;
}

ScheduleStep AdvanceSchedule(const config::Group& group, double now, ScheduleState* state) {
  ScheduleStep step;
  const auto& policies = group.policies;
  // A state kept or restored across a config whose scheduled actions differ (a time edited,
  // an action added or removed) starts over: replays the last 8 days' min/max and computes
  // the next firings from the actions as they are now.
  const std::string fingerprint = ScheduleFingerprint(group);
  if (state->initialized &&
      (state->next_fire.size() != policies.size() || state->fingerprint != fingerprint))
    *state = ScheduleState{};
  if (!state->initialized) {
    state->initialized = true;
    state->fingerprint = fingerprint;
    state->next_fire.assign(policies.size(), kInf);
    std::vector<std::pair<double, int>> past;  // (fired at, policy index)
    for (size_t i = 0; i < policies.size(); ++i) {
      if (policies[i].kind != config::PolicyKind::kScheduled) continue;
      const auto& s = policies[i].scheduled;
      if (s.cron) {
        if (auto last = s.cron->LastAtOrBefore(now, kReplayHorizon)) past.emplace_back(*last, i);
      } else if (s.at && *s.at <= now) {
        past.emplace_back(*s.at, i);
      }
      state->next_fire[i] = NextFire(s, now);
    }
    std::sort(past.begin(), past.end());
    for (const auto& [at, i] : past) {
      const auto& s = policies[i].scheduled;
      Apply(s, at, state);
      // An action due at this very instant fires whole, desired included, as it would have at
      // the next evaluation had it been due a moment later (NextFire is strictly after now).
      if (at >= now) {
        if (s.desired) step.desired = *s.desired;
        step.fired_policy = i;
      }
    }
    state->last_evaluated = now;
    return step;
  }

  // Actions due in (last_evaluated, now], applied in time order.
  std::vector<std::pair<double, int>> due;
  for (size_t i = 0; i < state->next_fire.size(); ++i) {
    while (state->next_fire[i] <= now) {
      due.emplace_back(state->next_fire[i], i);
      state->next_fire[i] = NextFire(policies[i].scheduled, state->next_fire[i]);
    }
  }
  if (due.size() > 1) std::sort(due.begin(), due.end());
  for (const auto& [at, i] : due) {
    const auto& s = policies[i].scheduled;
    Apply(s, at, state);
    if (s.desired) step.desired = *s.desired;
    step.fired_policy = i;
  }
  state->last_evaluated = now;
  return step;
}

}  // namespace tide::policy
