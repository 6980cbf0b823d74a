// parse_behavior.cc: a group's `behavior:` (Kubernetes HPA v2 scaling rules, warm-up and
// Knative-style panic mode) and `on_missing_metrics:`.
#include <fmt/format.h>

#include <charconv>

#include "config/parse.h"

namespace tide::config::internal {
namespace {

// One rate policy: {type: percent|units, value: N, period: 15s}.
void ParseRatePolicy(Reader& r, const Field& f, RatePolicy* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"type", "value", "period"});
  const Field type = m.Get("type");
  int t = static_cast<int>(out->type);
  if (!type.present) r.Missing(f, "type", "units or percent");
  if (r.ReadEnum(type, {"units", "percent"}, &t)) out->type = static_cast<RateType>(t);
  const Field value = m.Get("value");
  if (!value.present) r.Missing(f, "value", "a number > 0");
  r.ReadNumber(value, Bound::kPositive, &out->value);
  r.ReadDuration(m.Get("period"), Bound::kPositive, &out->period);
}

void ParseRules(Reader& r, const Field& f, ScalingRules* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"stabilization_window", "policies", "select", "cooldown"});
  r.ReadDuration(m.Get("stabilization_window"), Bound::kNonNegative, &out->stabilization_window);
  r.ReadDuration(m.Get("cooldown"), Bound::kNonNegative, &out->cooldown);
  int select = static_cast<int>(out->select);
  if (r.ReadEnum(m.Get("select"), {"max", "min", "disabled"}, &select))
    out->select = static_cast<Select>(select);

  const Field policies = m.Get("policies");
  std::vector<Field> items;
  if (!policies.present || !r.ReadSequence(policies, /*non_empty=*/false, &items)) return;
  if (items.empty() && out->select != Select::kDisabled) {
    r.Fail(policies,
           "expected at least one policy; to forbid scaling in this direction use "
           "select: disabled");
    return;
  }
  out->policies.clear();  // a given list replaces the defaults
  for (const Field& item : items) {
    RatePolicy p;
    ParseRatePolicy(r, item, &p);
    out->policies.push_back(p);
  }
}

void ParsePanic(Reader& r, const Field& f, std::optional<Panic>* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"window", "threshold", "stable_window"});
  Panic p;
  // At most an hour: Knative's panic window is a fraction of its stable window, at most 1h.
  constexpr double kMaxPanicWindow = 3600;
  const Field window = m.Get("window");
  if (r.ReadDuration(window, Bound::kPositive, &p.window) && p.window > kMaxPanicWindow)
    r.Fail(window, "must be > 0 and at most 1h (a short burst window)");
  const Field threshold = m.Get("threshold");
  if (std::optional<double> v = r.Number(threshold)) {
    if (*v > 1)
      p.threshold = *v;
    else
      r.Fail(threshold, "must be > 1 (a ratio of desired to ready units, e.g. 2.0)");
  }
  r.ReadDuration(m.Get("stable_window"), Bound::kPositive, &p.stable_window);
  *out = p;
}

}  // namespace

void ParseBehavior(Reader& r, const Field& f, Behavior* behavior) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"scale_up", "scale_down", "warmup", "panic"});
  ParseRules(r, m.Get("scale_up"), &behavior->scale_up);
  ParseRules(r, m.Get("scale_down"), &behavior->scale_down);
  r.ReadDuration(m.Get("warmup"), Bound::kNonNegative, &behavior->warmup);
  ParsePanic(r, m.Get("panic"), &behavior->panic);
}

void ParseOnMissingMetrics(Reader& r, const Field& f, OnMissingMetrics* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"after_failures", "fallback", "replicas"});
  r.ReadInt(m.Get("after_failures"), 1, &out->after_failures);

  const Field replicas = m.Get("replicas");
  const bool replicas_ok = r.ReadInt(replicas, 0, &out->replicas);  // true when absent

  // fallback: hold | fixed | current_if_higher | fixed:N | current_if_higher:N
  const Field fallback = m.Get("fallback");
  std::string text;
  if (!fallback.present || !r.ReadString(fallback, &text)) return;
  static const std::vector<std::string_view> kFallbacks = {"hold", "fixed", "current_if_higher"};
  const size_t colon = text.find(':');
  const std::string head = text.substr(0, colon);
  int kind = -1;
  for (size_t i = 0; i < kFallbacks.size(); ++i)
    if (head == kFallbacks[i]) kind = static_cast<int>(i);
  std::optional<int> inline_replicas;
  if (kind >= 0 && colon != std::string::npos) {
    const std::string_view n = std::string_view(text).substr(colon + 1);
    int v = -1;
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
    if (kind == 0 || n.empty() || ec != std::errc() || p != n.data() + n.size() || v < 0)
      kind = -1;
    else
      inline_replicas = v;
  }
  if (kind < 0) {
    r.Fail(fallback, fmt::format("allowed: hold, fixed, current_if_higher, fixed:N, "
                                 "current_if_higher:N (N = replicas, an integer >= 0){}",
                                 colon == std::string::npos ? Suggestion(head, kFallbacks) : ""));
    return;
  }
  out->fallback = static_cast<Fallback>(kind);
  if (out->fallback == Fallback::kHold) {
    if (replicas.present && replicas_ok)
      r.Fail(replicas, "only used with fallback fixed or current_if_higher");
  } else if (inline_replicas) {
    if (replicas.present && replicas_ok)
      r.Fail(replicas, fmt::format("already given in fallback '{}'; give it once", text));
    out->replicas = *inline_replicas;
  } else if (!replicas.present) {
    r.Missing(f, "replicas",
              fmt::format("an integer >= 0 for fallback {} (or write fallback: {}:N)", head, head));
  }
}

}  // namespace tide::config::internal
