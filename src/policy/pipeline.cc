// pipeline.cc: the ordered stages of Decide(); each stage's rules live in its own file.
#include "policy/pipeline.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "policy/combine.h"
#include "policy/explain.h"
#include "policy/predictive.h"
#include "policy/rate_limit.h"
#include "policy/recommend.h"
#include "policy/schedule.h"
#include "policy/stabilize.h"

namespace tide::policy {
namespace {

using config::PolicyKind;

// Usability of one observation at `now`.
enum class Usable { kYes, kNoData, kFailed };

Usable Classify(const config::Group& g, int metric, const Inputs& in) {
  if (metric < 0 || metric >= static_cast<int>(in.metrics.size())) return Usable::kFailed;
  const Observation& o = in.metrics[metric];
  if (o.status == ObservationStatus::kNoData) return Usable::kNoData;
  if (o.status == ObservationStatus::kFailed || !std::isfinite(o.value)) return Usable::kFailed;
  const double max_age = g.metrics[metric].source.max_age > 0 ? g.metrics[metric].source.max_age
                                                              : 3 * g.evaluation_interval;
  if (in.now - o.at > max_age) return Usable::kFailed;  // stale
  return Usable::kYes;
}

void PruneEvents(std::deque<ScaleEvent>* events, double keep, double now) {
  while (!events->empty() && events->front().at <= now - keep) events->pop_front();
}

double LongestPeriod(const config::Behavior& b) {
  double p = 0;
  for (const auto& r : b.scale_up.policies) p = std::max(p, r.period);
  for (const auto& r : b.scale_down.policies) p = std::max(p, r.period);
  return p;
}

// Knative-style burst mode. Returns the floor it imposes (or `desired` unchanged).
int ApplyPanic(const config::Group& g, const Inputs& in, int desired, GroupState& st,
               bool* in_panic) {
  const auto& panic = *g.behavior.panic;
  int panic_desired = -1;
  for (const auto& p : g.policies) {
    if (p.kind != PolicyKind::kTargetTracking) continue;
    const int m = p.target_tracking.metric;
    if (Classify(g, m, in) != Usable::kYes || !std::isfinite(in.metrics[m].panic_value)) continue;
    config::TargetTracking no_tolerance = p.target_tracking;
    no_tolerance.tolerance = {0, 0};
    panic_desired = std::max(
        panic_desired, TargetTrackingDesired(no_tolerance, in.metrics[m].panic_value, in.current,
                                             std::max(1, in.ready)));
  }
  const bool over = panic_desired >= 0 && panic_desired >= panic.threshold * std::max(1, in.ready);
  if (over) {
    if (std::isnan(st.panic_since)) st.max_panic = in.current;
    st.panic_since = in.now;
  } else if (!std::isnan(st.panic_since) && in.now - st.panic_since > panic.stable_window) {
    st.panic_since = kNaN;
    st.max_panic = 0;
  }
  *in_panic = !std::isnan(st.panic_since);
  if (!*in_panic) return desired;
  // In panic: provision for the larger of the stable and panic views, never decrease.
  desired = std::max(desired, panic_desired);
  if (desired > st.max_panic) {
    st.max_panic = desired;
  } else {
    desired = st.max_panic;
  }
  return desired;
}

}  // namespace

void GroupState::RecordScale(double at, int from, int to) {
  if (to > from) {
    scale_ups.push_back({at, to - from});
    last_scale_up = at;
  } else if (to < from) {
    scale_downs.push_back({at, to - from});
    last_scale_down = at;
  }
}

void Decide(const config::Group& g, const Inputs& in, GroupState& st, Decision* out) {
  Decision& d = *out;
  d.at = in.now;
  d.current = in.current;
  d.ready = in.ready;
  d.in_panic = false;
  d.proposals.resize(g.policies.size());

  // Scheduled actions first: they move the bounds every later stage respects.
  const ScheduleStep sched = AdvanceSchedule(g, in.now, &st.schedule);

  // 1. recommend
  bool missing = false, failed = false;
  std::optional<Reason> breaker;  // a predictive breaker transition at this decision
  int breach_max = -1;            // a predictive proposal allowed past max (breach: increase)
  bool skip_down_window = false;  // a healthy forecast below current asks for no smoothing
  for (size_t i = 0; i < g.policies.size(); ++i) {
    const config::Policy& p = g.policies[i];
    Proposal& pr = d.proposals[i];
    pr.policy = static_cast<int>(i);
    pr.desired = -1;
    pr.metric_value = kNaN;
    pr.status = ObservationStatus::kOk;
    pr.active = false;
    pr.floor = false;
    pr.note.clear();
    if (p.kind == PolicyKind::kScheduled) {
      if (sched.desired && sched.fired_policy == static_cast<int>(i)) {
        pr.desired = *sched.desired;
        pr.active = true;
      }
      continue;
    }
    if (p.kind == PolicyKind::kPredictive) {
      if (st.predictive.size() != g.policies.size()) st.predictive.resize(g.policies.size());
      const int m = p.predictive.metric;
      const Usable u = Classify(g, m, in);
      if (u == Usable::kYes) {
        ObservePredictive(p.predictive, in.now, in.metrics[m].value, &st.predictive[i]);
      } else {
        // The forecast needs no live reading: it keeps proposing (forecast as fallback), but
        // the missing metric still blocks scale-in and counts toward the fallback.
        pr.status = u == Usable::kNoData ? ObservationStatus::kNoData : ObservationStatus::kFailed;
        missing = true;
        failed |= u == Usable::kFailed;
      }
      PredictiveProposal pp = ProposePredictive(g, p.predictive, in.now, in.current, &st.predictive[i]);
      pr.desired = pp.desired;
      pr.active = pp.active;
      pr.floor = pp.floor && u == Usable::kYes;
      if (p.predictive.skip_scale_down_window && u == Usable::kYes &&
          (pp.floor || (pp.active && pp.desired < in.current)))
        skip_down_window = true;
      pr.metric_value = pp.forecast;
      pr.note = std::move(pp.note);
      if (pp.opened) breaker = Reason::kForecastBreakerOpened;
      if (pp.closed) breaker = Reason::kForecastBreakerClosed;
      if (pp.active && p.predictive.breach_increase) breach_max = std::max(breach_max, pp.desired);
      continue;
    }
    const int m = p.kind == PolicyKind::kTargetTracking ? p.target_tracking.metric : p.step.metric;
    const Usable u = Classify(g, m, in);
    if (u != Usable::kYes) {
      pr.status = u == Usable::kNoData ? ObservationStatus::kNoData : ObservationStatus::kFailed;
      missing = true;
      failed |= u == Usable::kFailed;
      continue;
    }
    pr.metric_value = in.metrics[m].value;
    pr.desired = p.kind == PolicyKind::kTargetTracking
                     ? TargetTrackingDesired(p.target_tracking, pr.metric_value, in.current, in.ready)
                     : StepDesired(p.step, pr.metric_value, in.current);
    if (pr.desired < 0 && p.kind == PolicyKind::kTargetTracking) {
      pr.status = ObservationStatus::kNoData;
      missing = true;
    }
    pr.active = pr.desired >= 0;
  }

  // 2. combine (scheduled desired proposals are applied at clamp, not combined)
  Combined c;
  {
    // Exclude the scheduled proposal from the max: it is an order, not a recommendation.
    int saved = -1;
    if (sched.fired_policy >= 0 && sched.desired) {
      saved = sched.fired_policy;
      d.proposals[saved].active = false;
    }
    c = Combine(d.proposals, missing, failed, in.current, g.on_missing_metrics,
                &st.consecutive_failures);
    if (saved >= 0) d.proposals[saved].active = true;
  }
  d.consecutive_failures = st.consecutive_failures;
  d.recommended = c.desired;
  d.reason = c.reason;
  d.limited_by = c.held ? Stage::kCombine : Stage::kRecommend;
  int v = c.desired;

  // 2b. burst (panic) mode
  if (g.behavior.panic) {
    const int p = ApplyPanic(g, in, v, st, &d.in_panic);
    if (p != v) {
      d.reason = Reason::kPanic;
      d.limited_by = Stage::kPanic;
    }
    v = p;
  }
  d.after_panic = v;

  // 3. stabilize
  const config::Behavior& b = g.behavior;
  config::ScalingRules down_rules;
  const config::ScalingRules* down = &b.scale_down;
  if (skip_down_window && b.scale_down.stabilization_window > 0) {
    down_rules = b.scale_down;
    down_rules.stabilization_window = 0;
    down = &down_rules;
  }
  // The capacity running when the group is first decided counts as a recommendation, as in
  // the HPA: a first reading below it waits out the scale-down window like any later one
  // instead of scaling down at once (and a scale-up window, when set, holds the same way).
  if (!st.stabilization_seeded) {
    st.recommendations.push_back({in.now, in.current});
    st.stabilization_seeded = true;
  }
  const int stabilized = Stabilize(b.scale_up, *down, in.current, v, in.now, &st.recommendations);
  if (stabilized != v) {
    d.reason = v > in.current ? Reason::kScaleUpStabilized : Reason::kScaleDownStabilized;
    d.limited_by = Stage::kStabilize;
  }
  v = d.stabilized = stabilized;

  // 4. rate-limit
  const double keep = LongestPeriod(b);
  PruneEvents(&st.scale_ups, keep, in.now);
  PruneEvents(&st.scale_downs, keep, in.now);
  if (v > in.current) {
    const int limit = ScaleUpLimit(b.scale_up, in.current, st.scale_ups, st.scale_downs, in.now);
    if (v > limit) {
      v = limit;
      d.reason = b.scale_up.select == config::Select::kDisabled ? Reason::kScaleUpDisabled
                                                                 : Reason::kScaleUpLimit;
      d.limited_by = Stage::kRateLimit;
    }
  } else if (v < in.current) {
    const int limit = ScaleDownLimit(b.scale_down, in.current, st.scale_ups, st.scale_downs, in.now);
    if (v < limit) {
      v = limit;
      d.reason = b.scale_down.select == config::Select::kDisabled ? Reason::kScaleDownDisabled
                                                                   : Reason::kScaleDownLimit;
      d.limited_by = Stage::kRateLimit;
    }
  }
  d.rate_limited = v;

  // 5. cooldown: no scale-up within scale_up.cooldown of the last scale-up; no scale-down
  // within scale_down.cooldown of the last change in either direction.
  if (v > in.current && in.now - st.last_scale_up < b.scale_up.cooldown) {
    v = in.current;
    d.reason = Reason::kScaleUpCooldown;
    d.limited_by = Stage::kCooldown;
  } else if (v < in.current &&
             in.now - std::max(st.last_scale_up, st.last_scale_down) < b.scale_down.cooldown) {
    v = in.current;
    d.reason = Reason::kScaleDownCooldown;
    d.limited_by = Stage::kCooldown;
  }
  d.after_cooldown = v;

  // 6. clamp to [min, max], with scheduled overrides; a scheduled desired is an order.
  d.min = st.schedule.min.value_or(g.capacity.min);
  d.max = st.schedule.max.value_or(g.capacity.max);
  // A scheduled min above max lifts max, a scheduled max below min lowers min; when both are
  // scheduled and conflict, the one set later wins (as the later action would in AWS).
  const bool min_wins =
      st.schedule.min && (!st.schedule.max || st.schedule.min_at >= st.schedule.max_at);
  if (d.min > d.max) {
    if (min_wins)
      d.max = d.min;
    else if (st.schedule.max)
      d.min = d.max;
  }
  if (breach_max > d.max) {
    // max_capacity_breach: increase — a forecast may go past max by the buffer.
    for (const auto& p : g.policies) {
      if (p.kind != PolicyKind::kPredictive || !p.predictive.breach_increase) continue;
      const int limit = SaturateUnits(std::floor(d.max * (1 + p.predictive.breach_buffer / 100.0)));
      d.max = std::max(d.max, std::min(breach_max, limit));
    }
  }
  if (sched.desired) {
    v = *sched.desired;
    d.reason = Reason::kScheduledDesired;
    d.limited_by = Stage::kClamp;
  }
  if (v < d.min) {
    v = d.min;
    d.reason = Reason::kTooFewUnits;
    d.limited_by = Stage::kClamp;
  } else if (v > d.max) {
    v = d.max;
    d.reason = Reason::kTooManyUnits;
    d.limited_by = Stage::kClamp;
  }
  d.desired = v;
  if (d.limited_by == Stage::kRecommend || d.limited_by == Stage::kPanic) {
    if (d.reason != Reason::kPanic && d.reason != Reason::kNoData) {
      d.reason = v > in.current ? Reason::kScaleUp : v < in.current ? Reason::kScaleDown
                                                                   : Reason::kWithinTolerance;
    }
  }
  if (breaker && (d.reason == Reason::kWithinTolerance || d.reason == Reason::kScaleUp ||
                  d.reason == Reason::kScaleDown)) {
    d.reason = *breaker;
  }
  WriteMessage(g, &d);
}

}  // namespace tide::policy
