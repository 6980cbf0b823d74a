// parse_policies.cc: a group's `policies:` — target tracking, step scaling (AWS-style step
// adjustments) and scheduled actions (cron or one time).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "config/parse.h"
#include "core/duration.h"

namespace tide::config::internal {
namespace {

const std::vector<std::string_view> kPolicyTypes = {"target_tracking", "step", "scheduled",
                                                    "predictive"};
const std::vector<std::string_view> kKeysByType[] = {
    {"type", "name", "metric", "target", "target_type", "tolerance"},
    {"type", "name", "metric", "threshold", "steps"},
    {"type", "name", "cron", "at", "timezone", "set"},
    {"type", "name", "metric", "target", "quantile", "mode", "scheduling_buffer", "model",
     "refit_interval", "horizon", "min_history", "max_history", "max_capacity_breach",
     "max_change", "scale_in", "breaker", "provision_for", "skip_scale_down_window"},
};

// The later of two present fields in the file, where a conflict between them is reported.
const Field& Later(const Field& a, const Field& b) {
  if (a.mark.line != b.mark.line) return a.mark.line > b.mark.line ? a : b;
  return a.mark.column > b.mark.column ? a : b;
}

// `metric: NAME`, resolved against the group's metrics (already parsed).
void ReadMetricRef(Reader& r, const MapFields& m, const Group& g, int* out) {
  const Field f = m.Get("metric");
  if (!f.present) {
    r.Missing(m.self(), "metric", "the name of one of this group's metrics");
    return;
  }
  ReadMetricName(r, f, g, out);
}

void ParseTargetTracking(Reader& r, const MapFields& m, const Group& g, TargetTracking* out) {
  ReadMetricRef(r, m, g, &out->metric);
  const Field target = m.Get("target");
  if (!target.present) r.Missing(m.self(), "target", "a number > 0");
  r.ReadNumber(target, Bound::kPositive, &out->target);
  int type = 0;
  if (r.ReadEnum(m.Get("target_type"), {"value", "average_value"}, &type))
    out->target_type = static_cast<TargetType>(type);

  const Field tolerance = m.Get("tolerance");
  if (!tolerance.present) return;
  if (IsNumber(tolerance.node)) {  // `tolerance: 0.1` sets both directions
    double both = 0;
    if (r.ReadNumber(tolerance, Bound::kNonNegative, &both)) out->tolerance = {both, both};
    return;
  }
  if (!tolerance.node.IsMap() && !tolerance.node.IsNull()) {
    r.Fail(tolerance, "expected a number >= 0 or a map {up: N, down: N}");
    return;
  }
  MapFields t(r, tolerance);
  t.CheckKeys({"up", "down"});
  r.ReadNumber(t.Get("up"), Bound::kNonNegative, &out->tolerance.up);
  r.ReadNumber(t.Get("down"), Bound::kNonNegative, &out->tolerance.down);
}

// Simulated utilisation saturates at 1: a target whose tolerance band reaches 1 would never
// scale a saturated group up (1.0 / target - 1 <= tolerance.up).
void CheckSaturation(Reader& r, const MapFields& m, const Group& g, const TargetTracking& tt) {
  if (tt.metric < 0 || tt.target_type != TargetType::kValue) return;
  const MetricSource& src = g.metrics[tt.metric].source;
  if (src.type != "simulated" || src.signal != Signal::kUtilization) return;
  if (tt.target * (1 + tt.tolerance.up) >= 1) {
    r.Fail(m.Get("target"),
           fmt::format("a utilisation target that a saturated group can exceed: utilisation stops at 1, "
                       "and 1 / {} is within the tolerance up ({}), so it would never scale up; "
                       "allowed: target x (1 + tolerance.up) < 1",
                       tt.target, tt.tolerance.up));
  }
}

// `change: 2`, `change: -1` (units) or `change: 50%`, `change: -25%` (percent).
bool ReadChange(Reader& r, const Field& f, StepAdjustment* s) {
  constexpr const char* kRule =
      "expected a number of units (e.g. 2, -1) or a percent (e.g. 50%, -25%)";
  if (IsNumber(f.node)) {
    const std::optional<double> units = r.Number(f);
    if (!units) return false;
    s->type = AdjustmentType::kChangeInCapacity;
    s->value = *units;
    return true;
  }
  if (!f.node.IsScalar()) return r.Fail(f, kRule);
  const std::string& text = f.node.Scalar();
  if (text.size() < 2 || text.back() != '%') return r.Fail(f, kRule);
  const std::optional<double> percent =
      ParseNumberText(std::string_view(text).substr(0, text.size() - 1));
  if (!percent) return r.Fail(f, kRule);
  s->type = AdjustmentType::kPercentChangeInCapacity;
  s->value = *percent;
  return true;
}

// One step; returns true when its interval (lower, upper) is valid, for the overlap check.
bool ParseStepAdjustment(Reader& r, const Field& f, StepAdjustment* s) {
  s->mark = f.mark;
  MapFields m(r, f);
  if (!m.ok()) return false;
  m.CheckKeys({"lower", "upper", "change", "exact", "min_magnitude"});
  const Field lower = m.Get("lower");
  const Field upper = m.Get("upper");
  bool bounds_ok = true;
  if (lower.present) {
    if (std::optional<double> v = r.Number(lower))
      s->lower = *v;
    else
      bounds_ok = false;
  }
  if (upper.present) {
    if (std::optional<double> v = r.Number(upper))
      s->upper = *v;
    else
      bounds_ok = false;
  }
  if (bounds_ok && s->lower && s->upper && *s->lower >= *s->upper) {
    r.Fail(upper, fmt::format("must be > lower ({})", *s->lower));
    bounds_ok = false;
  }

  const Field change = m.Get("change");
  const Field exact = m.Get("exact");
  const Field min_magnitude = m.Get("min_magnitude");
  bool adjustment_ok = false;
  if (change.present && exact.present) {
    r.Fail(Later(change, exact), "change and exact are exclusive; give exactly one of them");
  } else if (!change.present && !exact.present) {
    r.Missing(f, "change",
              "exactly one of change (units or percent, e.g. 2 or 50%) or exact (a capacity)");
  } else if (change.present) {
    adjustment_ok = ReadChange(r, change, s);
  } else {
    int v = 0;
    if (r.ReadInt(exact, 0, &v)) {
      adjustment_ok = true;
      s->type = AdjustmentType::kExactCapacity;
      s->value = v;
    }
  }
  if (min_magnitude.present) {
    if (adjustment_ok && s->type != AdjustmentType::kPercentChangeInCapacity) {
      r.Fail(min_magnitude, "only allowed with a percent change (e.g. change: 50%)");
    } else {
      r.ReadInt(min_magnitude, 1, &s->min_magnitude);
    }
  }
  return bounds_ok;
}

std::string IntervalText(const StepAdjustment& s) {
  return fmt::format("[{}, {})", s.lower ? fmt::format("{}", *s.lower) : "-inf",
                     s.upper ? fmt::format("{}", *s.upper) : "+inf");
}

void ParseStep(Reader& r, const MapFields& m, const Group& g, StepScaling* out) {
  ReadMetricRef(r, m, g, &out->metric);
  r.ReadNumber(m.Get("threshold"), Bound::kAny, &out->threshold);
  const Field steps = m.Get("steps");
  if (!steps.present) {
    r.Missing(m.self(), "steps", "a non-empty sequence of steps");
    return;
  }
  std::vector<Field> items;
  if (!r.ReadSequence(steps, /*non_empty=*/true, &items)) return;
  std::vector<bool> bounds_ok;
  for (const Field& item : items) {
    StepAdjustment s;
    bounds_ok.push_back(ParseStepAdjustment(r, item, &s));
    out->steps.push_back(s);
  }
  // Intervals are half-open [lower, upper); two overlap when max(lower) < min(upper).
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < out->steps.size(); ++i) {
    if (!bounds_ok[i]) continue;
    const StepAdjustment& a = out->steps[i];
    std::vector<std::string> overlapped;
    for (size_t j = 0; j < i; ++j) {
      if (!bounds_ok[j]) continue;
      const StepAdjustment& b = out->steps[j];
      const double lo = std::max(a.lower.value_or(-kInf), b.lower.value_or(-kInf));
      const double hi = std::min(a.upper.value_or(kInf), b.upper.value_or(kInf));
      if (lo < hi) overlapped.push_back(fmt::format("steps[{}] {}", j, IntervalText(b)));
    }
    if (!overlapped.empty()) {
      r.Add(items[i].mark, items[i].path, IntervalText(a),
            fmt::format("overlaps {}; step intervals [lower, upper) must not overlap",
                        fmt::join(overlapped, " and ")));
    }
  }
}

void ParseScheduled(Reader& r, const MapFields& m, const Group& g, Scheduled* out) {
  const Field cron = m.Get("cron");
  const Field at = m.Get("at");
  const Field timezone = m.Get("timezone");
  const Field set = m.Get("set");
  if (cron.present && at.present) {
    r.Fail(Later(cron, at),
           "cron and at are exclusive; give exactly one of cron (recurring) or at (one time)");
  } else if (!cron.present && !at.present) {
    r.Missing(m.self(), "cron",
              "exactly one of cron (recurring, e.g. \"0 8 * * 1-5\") or at (one time, e.g. "
              "\"2026-12-24T18:00:00Z\")");
  }

  std::string zone = "UTC";
  bool zone_ok = true;
  if (timezone.present) {
    if (!cron.present) {
      zone_ok = r.Fail(timezone,
                       "only allowed with cron; an at time carries its own offset "
                       "(e.g. 2026-12-24T18:00:00+01:00)");
    } else if (!r.ReadString(timezone, &zone)) {
      zone_ok = false;
    } else if (!calendar::FindZone(zone).ok()) {
      zone_ok =
          r.Fail(timezone,
                 calendar::IsHostOnlyZoneName(zone)
                     ? "the host's own zone (localtime) or a tz placeholder, not a zone every host "
                       "shares; expected an IANA name (e.g. Europe/Berlin, America/New_York, UTC)"
                     : "unknown time zone; expected an IANA name (e.g. Europe/Berlin, "
                       "America/New_York, UTC)");
    }
  }
  std::string expr;
  if (cron.present && r.ReadString(cron, &expr)) {
    // With a bad zone (reported above) the fields are still checked, in UTC.
    Result<calendar::CronSchedule> schedule =
        calendar::CronSchedule::Parse(expr, zone_ok ? zone : "UTC");
    if (!schedule.ok()) {
      // The value is shown already: drop the calendar's `cron "EXPR": ` prefix.
      std::string msg = schedule.status().message();
      const std::string prefix = fmt::format("cron \"{}\": ", expr);
      if (msg.rfind(prefix, 0) == 0) msg.erase(0, prefix.size());
      r.Fail(cron, msg);
    } else if (!at.present && zone_ok) {
      out->cron = std::make_shared<const calendar::CronSchedule>(std::move(schedule).value());
    }
  }
  if (at.present) {
    Result<double> t = at.node.IsScalar() ? ParseTimestamp(at.node.Scalar())
                                          : Result<double>(Status::InvalidInput(""));
    if (!t.ok()) {
      r.Fail(at,
             "expected a time: RFC 3339 like 2026-12-24T18:00:00Z or "
             "2026-12-24T19:00:00+01:00, or seconds since the Unix epoch");
    } else if (!cron.present) {
      out->at = *t;
    }
  }

  if (!set.present) {
    r.Missing(m.self(), "set", "a map with at least one of min, max, desired");
    return;
  }
  MapFields s(r, set);
  if (!s.ok()) return;
  s.CheckKeys({"min", "max", "desired"});
  if (!s.Has("min") && !s.Has("max") && !s.Has("desired")) {
    r.Fail(set, "needs at least one of min, max, desired (integers >= 0)");
    return;
  }
  int v = 0;
  if (s.Has("min") && r.ReadInt(s.Get("min"), 0, &v)) out->min = v;
  if (s.Has("max") && r.ReadInt(s.Get("max"), 0, &v)) out->max = v;
  if (s.Has("desired") && r.ReadInt(s.Get("desired"), 0, &v)) out->desired = v;
  if (out->min && out->max && *out->min > *out->max)
    r.Fail(s.Get("min"), fmt::format("must be <= set.max ({})", *out->max));
  // A min past the group's max would lift max silently (5x its configured max in the QA case).
  // As AWS requires, raising it past max takes a max in the same action.
  if (out->min && !out->max && *out->min > g.capacity.max)
    r.Fail(
        s.Get("min"),
        fmt::format("must be <= capacity.max ({}); to go past it for this period, set max in the "
                    "same action (e.g. set: {{min: {}, max: {}}})",
                    g.capacity.max, *out->min, *out->min));
}

// `predictive`: see config.h (struct Predictive) and docs/CONFIG.md.
void ParsePredictive(Reader& r, const MapFields& m, const Group& g, Predictive* out) {
  ReadMetricRef(r, m, g, &out->metric);
  const Field target = m.Get("target");
  if (r.ReadNumber(target, Bound::kPositive, &out->target) && out->target > 1)
    r.Fail(target, "a utilisation target per unit in (0, 1]");
  const Field q = m.Get("quantile");
  if (r.ReadNumber(q, Bound::kPositive, &out->quantile) && out->quantile >= 1)
    r.Fail(q, "a quantile in (0, 1), e.g. 0.9");
  int mode = 0;
  if (r.ReadEnum(m.Get("mode"), {"forecast_and_scale", "forecast_only"}, &mode)) out->scale = mode == 0;
  r.ReadDuration(m.Get("scheduling_buffer"), Bound::kNonNegative, &out->scheduling_buffer);
  const Field model = m.Get("model");
  if (model.present && r.ReadString(model, &out->model)) {
    static const std::vector<std::string_view> kModels = {
        "auto", "ensemble", "ets", "seasonal_naive_daily", "seasonal_naive_weekly", "regression",
        "moving_average"};
    if (std::find(kModels.begin(), kModels.end(), out->model) == kModels.end())
      r.Fail(model, fmt::format("one of {}", JoinNames(kModels)));
  }
  r.ReadDuration(m.Get("refit_interval"), Bound::kPositive, &out->refit_interval);
  const Field horizon = m.Get("horizon");
  if (r.ReadDuration(horizon, Bound::kPositive, &out->horizon) && out->horizon < 7200)
    r.Fail(horizon, "a duration >= 2h (the forecast must reach past the launch lead)");
  const Field min_h = m.Get("min_history");
  if (r.ReadDuration(min_h, Bound::kPositive, &out->min_history) && out->min_history < 86400)
    r.Fail(min_h, "a duration >= 24h (a day of history at least)");
  const Field max_h = m.Get("max_history");
  if (r.ReadDuration(max_h, Bound::kPositive, &out->max_history) &&
      out->max_history < out->min_history) {
    // Blame the key the user wrote: a min_history past the default max_history is min_history's
    // fault.
    if (max_h.present)
      r.Fail(max_h,
             fmt::format("a duration >= min_history ({})", FormatDuration(out->min_history)));
    else
      r.Fail(min_h, fmt::format(
                        "a duration <= max_history ({}, the default; set max_history to keep more)",
                        FormatDuration(out->max_history)));
  }
  const Field breach = m.Get("max_capacity_breach");
  if (breach.present) {
    MapFields b(r, breach);
    if (b.ok()) {
      b.CheckKeys({"behavior", "buffer"});
      int behavior = 0;
      if (r.ReadEnum(b.Get("behavior"), {"honor", "increase"}, &behavior)) out->breach_increase = behavior == 1;
      r.ReadNumber(b.Get("buffer"), Bound::kNonNegative, &out->breach_buffer);
      if (b.Has("buffer") && !out->breach_increase)
        r.Fail(b.Get("buffer"), "only with behavior: increase");
    }
  }
  const Field change = m.Get("max_change");
  if (change.present) {
    std::string text = change.node.IsScalar() ? change.node.Scalar() : "";
    const bool percent = !text.empty() && text.back() == '%';
    if (percent) text.pop_back();
    char* end = nullptr;
    const double n = std::strtod(text.c_str(), &end);
    const double v = !text.empty() && end == text.c_str() + text.size() ? (percent ? n / 100 : n) : -1;
    if (!(v > 0)) {
      r.Fail(change, "a fraction > 0 or a percent, e.g. 0.5 or 50%");
    } else {
      out->max_change = v;
    }
  }
  r.ReadBool(m.Get("scale_in"), &out->scale_in);
  int provision = 0;
  if (r.ReadEnum(m.Get("provision_for"), {"mean", "peak"}, &provision)) out->peak = provision == 1;
  r.ReadBool(m.Get("skip_scale_down_window"), &out->skip_scale_down_window);
  const Field breaker = m.Get("breaker");
  if (breaker.present) {
    MapFields b(r, breaker);
    if (b.ok()) {
      b.CheckKeys({"threshold", "window"});
      r.ReadNumber(b.Get("threshold"), Bound::kPositive, &out->breaker_threshold);
      r.ReadDuration(b.Get("window"), Bound::kPositive, &out->breaker_window);
    }
  }
}

}  // namespace

bool ReadMetricName(Reader& r, const Field& f, const Group& g, int* index) {
  if (!f.present) return true;
  std::string name;
  if (!r.ReadString(f, &name)) return false;
  const int i = g.FindMetric(name);
  if (i >= 0) {
    *index = i;
    return true;
  }
  std::vector<std::string_view> names;
  for (const Metric& metric : g.metrics) {
    if (!metric.name.empty() && std::find(names.begin(), names.end(), metric.name) == names.end())
      names.push_back(metric.name);
  }
  if (names.empty()) return r.Fail(f, "unknown metric; this group defines no metrics");
  return r.Fail(f, fmt::format("unknown metric; this group's metrics: {}{}", JoinNames(names),
                               Suggestion(name, names)));
}

void ParsePolicies(Reader& r, const Field& f, Group* g) {
  std::vector<Field> items;
  if (!r.ReadSequence(f, /*non_empty=*/false, &items)) return;
  NameSet names("policy");
  for (size_t i = 0; i < items.size(); ++i) {
    Policy p;
    p.mark = items[i].mark;
    MapFields m(r, items[i]);
    if (m.ok()) {
      const Field type = m.Get("type");
      int kind = -1;
      if (!type.present) {
        r.Missing(items[i], "type", fmt::format("one of {}", JoinNames(kPolicyTypes)));
      } else {
        r.ReadEnum(type, kPolicyTypes, &kind);
      }
      // With an unknown type the allowed keys are unknown too: only the type is reported.
      if (kind >= 0) {
        p.kind = static_cast<PolicyKind>(kind);
        m.CheckKeys(kKeysByType[kind]);
        const Field name = m.Get("name");
        p.name = fmt::format("{}#{}", kPolicyTypes[kind], i);
        if (name.present && r.ReadName(name, &p.name)) names.Add(r, name, p.name);
        switch (p.kind) {
          case PolicyKind::kTargetTracking:
            ParseTargetTracking(r, m, *g, &p.target_tracking);
            if (m.Has("target")) CheckSaturation(r, m, *g, p.target_tracking);
            break;
          case PolicyKind::kStep:
            ParseStep(r, m, *g, &p.step);
            break;
          case PolicyKind::kScheduled:
            ParseScheduled(r, m, *g, &p.scheduled);
            break;
          case PolicyKind::kPredictive:
            ParsePredictive(r, m, *g, &p.predictive);
            break;
        }
      }
    }
    g->policies.push_back(std::move(p));
  }
}

}  // namespace tide::config::internal
