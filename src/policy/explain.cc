#include "policy/explain.h"

#include <iterator>

#include <fmt/format.h>

#include "core/duration.h"

namespace tide::policy {
namespace {

// The proposal that decided the recommendation: the largest active one, or a forecast floor
// above it.
const Proposal* Winner(const Decision& d) {
  const Proposal* best = nullptr;
  for (const auto& p : d.proposals)
    if (p.active && (!best || p.desired > best->desired)) best = &p;
  if (!best) return nullptr;
  for (const auto& p : d.proposals)
    if (p.floor && p.desired > best->desired) best = &p;
  return best;
}

}  // namespace

void WriteMessage(const config::Group& g, Decision* d) {
  std::string& m = d->message;
  m.clear();
  auto out = std::back_inserter(m);
  if (d->desired > d->current) {
    fmt::format_to(out, "scale up {} -> {} ({}): ", d->current, d->desired, ReasonName(d->reason));
  } else if (d->desired < d->current) {
    fmt::format_to(out, "scale down {} -> {} ({}): ", d->current, d->desired, ReasonName(d->reason));
  } else {
    fmt::format_to(out, "hold {} ({}): ", d->current, ReasonName(d->reason));
  }

  const config::Behavior& b = g.behavior;
  // A later stage (a window, a rate limit, a bound) may have overridden the fallback's
  // recommendation; the message still says where the recommendation came from.
  if (d->reason != Reason::kFallback &&
      d->consecutive_failures >= g.on_missing_metrics.after_failures)
    fmt::format_to(out, "fallback gives {} after {} consecutive evaluations with a failed metric; ",
                   d->recommended, d->consecutive_failures);
  switch (d->reason) {
    case Reason::kNoData:
      fmt::format_to(out, "no metric has data yet");
      return;
    case Reason::kMissingMetricsHold:
      fmt::format_to(out, "a metric is missing, failed or stale; missing data never scales in "
                          "({} consecutive failures)", d->consecutive_failures);
      return;
    case Reason::kFallback:
      fmt::format_to(out, "{} consecutive evaluations with a failed metric; fallback gives {}",
                     d->consecutive_failures, d->recommended);
      // Raised to a policy still proposing (a healthy metric, or a forecast).
      if (const Proposal* w = Winner(*d); w && w->desired == d->recommended)
        fmt::format_to(out, ", as {} still proposes", g.policies[w->policy].name);
      return;
    case Reason::kScaleUpStabilized:
    case Reason::kScaleDownStabilized:
      fmt::format_to(out, "recommended {}, the {} {} window holds {}", d->after_panic,
                     FormatDuration(d->reason == Reason::kScaleUpStabilized
                                        ? b.scale_up.stabilization_window
                                        : b.scale_down.stabilization_window),
                     d->reason == Reason::kScaleUpStabilized ? "scale-up" : "scale-down",
                     d->stabilized);
      return;
    case Reason::kScaleUpLimit:
    case Reason::kScaleDownLimit:
      fmt::format_to(out, "recommended {}, the rate policies allow {} now", d->stabilized,
                     d->rate_limited);
      return;
    case Reason::kScaleUpDisabled:
    case Reason::kScaleDownDisabled:
      fmt::format_to(out, "recommended {}, but this direction is disabled (select: disabled)",
                     d->stabilized);
      return;
    case Reason::kScaleUpCooldown:
    case Reason::kScaleDownCooldown:
      fmt::format_to(out, "recommended {}, inside the {} cooldown", d->rate_limited,
                     FormatDuration(d->reason == Reason::kScaleUpCooldown ? b.scale_up.cooldown
                                                                          : b.scale_down.cooldown));
      return;
    case Reason::kTooFewUnits:
      fmt::format_to(out, "recommended {}, raised to min {}", d->after_cooldown, d->min);
      return;
    case Reason::kTooManyUnits:
      fmt::format_to(out, "recommended {}, capped at max {}", d->after_cooldown, d->max);
      return;
    case Reason::kScheduledDesired:
      for (const auto& p : d->proposals)
        if (p.active && g.policies[p.policy].kind == config::PolicyKind::kScheduled)
          fmt::format_to(out, "scheduled action {} set desired {}", g.policies[p.policy].name,
                         p.desired);
      return;
    case Reason::kForecastBreakerOpened:
    case Reason::kForecastBreakerClosed:
      for (const auto& p : d->proposals) {
        if (g.policies[p.policy].kind == config::PolicyKind::kPredictive) {
          fmt::format_to(out, "{} {}: {}; desired {}", g.policies[p.policy].name,
                         d->reason == Reason::kForecastBreakerOpened ? "stands aside" : "proposes again",
                         p.note, d->desired);
        }
      }
      return;
    case Reason::kPanic:
      fmt::format_to(out, "burst mode: the {} panic window asks for {}; never scales down in panic",
                     FormatDuration(b.panic ? b.panic->window : 0), d->after_panic);
      return;
    default:
      break;
  }
  const Proposal* w = Winner(*d);
  if (!w) {
    fmt::format_to(out, "no policy proposed a change");
    return;
  }
  const config::Policy& p = g.policies[w->policy];
  if (p.kind == config::PolicyKind::kTargetTracking) {
    fmt::format_to(out, "{} proposed {} ({}={:.4g} vs target {:.4g})", p.name, w->desired,
                   g.metrics[p.target_tracking.metric].name, w->metric_value,
                   p.target_tracking.target);
  } else if (p.kind == config::PolicyKind::kPredictive) {
    fmt::format_to(out, "{} proposed {} ({})", p.name, w->desired, w->note);
  } else if (p.kind == config::PolicyKind::kStep) {
    fmt::format_to(out, "{} proposed {} ({}={:.4g}, threshold {:.4g})", p.name, w->desired,
                   g.metrics[p.step.metric].name, w->metric_value, p.step.threshold);
  } else {
    fmt::format_to(out, "{} proposed {}", p.name, w->desired);
  }
}

}  // namespace tide::policy

namespace tide::policy {

std::string DescribeGroup(const config::Group& g) {
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "group {}: capacity min {} max {} initial {}; evaluation every {}\n", g.name,
                 g.capacity.min, g.capacity.max, g.capacity.initial,
                 FormatDuration(g.evaluation_interval));
  fmt::format_to(out,
                 "model: {:.6g} load/s per unit, startup {}, shutdown {}, {:.6g} per unit-hour, "
                 "billing per {} (minimum {}), queue timeout {}\n",
                 g.model.capacity_per_unit, FormatDuration(g.model.startup),
                 FormatDuration(g.model.shutdown), g.model.price_per_unit_hour,
                 FormatDuration(g.model.billing_granularity),
                 FormatDuration(g.model.billing_minimum), FormatDuration(g.model.queue_timeout));
  for (const auto& m : g.metrics)
    fmt::format_to(out, "metric {}: {} {} over {}\n", m.name, m.source.type,
                   config::SignalName(m.source.signal), FormatDuration(m.source.window));
  for (const auto& p : g.policies) {
    switch (p.kind) {
      case config::PolicyKind::kTargetTracking:
        fmt::format_to(out, "policy {}: target tracking {} at {:.4g} ({}), tolerance +{:.3g}/-{:.3g}\n",
                       p.name, g.metrics[p.target_tracking.metric].name, p.target_tracking.target,
                       p.target_tracking.target_type == config::TargetType::kValue ? "per unit"
                                                                                   : "total",
                       p.target_tracking.tolerance.up, p.target_tracking.tolerance.down);
        break;
      case config::PolicyKind::kStep:
        fmt::format_to(out, "policy {}: step scaling on {} around {:.4g}, {} steps\n", p.name,
                       g.metrics[p.step.metric].name, p.step.threshold, p.step.steps.size());
        break;
      case config::PolicyKind::kPredictive: {
        const auto& pr = p.predictive;
        fmt::format_to(out,
                       "policy {}: predictive on {} ({}), q{:.2g} at target {:.3g}, {} (lead = "
                       "startup + {}), refit every {}, history {}..{}, max change {:.0f}%, "
                       "scale-in {}, breaker at {:.0f}% error over {}{}\n",
                       p.name, g.metrics[pr.metric].name, pr.model, pr.quantile, pr.target,
                       pr.scale ? "forecast_and_scale" : "forecast_only",
                       FormatDuration(pr.scheduling_buffer), FormatDuration(pr.refit_interval),
                       FormatDuration(pr.min_history), FormatDuration(pr.max_history), 100 * pr.max_change,
                       pr.scale_in ? "on" : "off", 100 * pr.breaker_threshold,
                       FormatDuration(pr.breaker_window),
                       pr.breach_increase ? fmt::format(", may exceed max by {:.0f}%", pr.breach_buffer) : "");
        break;
      }
      case config::PolicyKind::kScheduled: {
        const auto& sc = p.scheduled;
        fmt::format_to(out, "policy {}: scheduled {}", p.name,
                       sc.cron ? "cron " + sc.cron->text() + " (" + sc.cron->zone_name() + ")"
                               : "at " + FormatTimestamp(*sc.at));
        if (sc.min) fmt::format_to(out, " min={}", *sc.min);
        if (sc.max) fmt::format_to(out, " max={}", *sc.max);
        if (sc.desired) fmt::format_to(out, " desired={}", *sc.desired);
        s += '\n';
        break;
      }
    }
  }
  const auto& b = g.behavior;
  auto rules = [&](const char* dir, const config::ScalingRules& r) {
    fmt::format_to(out, "{}: window {}, cooldown {}, select {},", dir,
                   FormatDuration(r.stabilization_window), FormatDuration(r.cooldown),
                   r.select == config::Select::kMax   ? "max"
                   : r.select == config::Select::kMin ? "min"
                                                      : "disabled");
    for (const auto& p : r.policies)
      fmt::format_to(out, " {:.4g}{} per {}", p.value,
                     p.type == config::RateType::kPercent ? "%" : " units",
                     FormatDuration(p.period));
    s += '\n';
  };
  rules("scale up", b.scale_up);
  rules("scale down", b.scale_down);
  if (b.panic)
    fmt::format_to(out, "burst mode: window {}, threshold {:.3g}x, stable window {}\n",
                   FormatDuration(b.panic->window), b.panic->threshold,
                   FormatDuration(b.panic->stable_window));
  return s;
}

}  // namespace tide::policy
