#include "controller/codec.h"

#include <cmath>
#include <limits>

namespace tide::controller {
namespace {

using nlohmann::json;

// JSON has no infinities or NaN: they travel as null.
json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double NumOr(const json& j, double fallback) { return j.is_number() ? j.get<double>() : fallback; }

const char* PolicyType(config::PolicyKind k) {
  switch (k) {
    case config::PolicyKind::kTargetTracking: return "target_tracking";
    case config::PolicyKind::kStep: return "step";
    case config::PolicyKind::kScheduled: return "scheduled";
    case config::PolicyKind::kPredictive: return "predictive";
  }
  return "unknown";
}

const char* StatusName(policy::ObservationStatus s) {
  switch (s) {
    case policy::ObservationStatus::kOk: return "ok";
    case policy::ObservationStatus::kNoData: return "no_data";
    case policy::ObservationStatus::kFailed: return "failed";
  }
  return "unknown";
}

}  // namespace

json DecisionToJson(const config::Group& g, const policy::Decision& d) {
  json proposals = json::array();
  for (const auto& p : d.proposals) {
    const config::Policy& cfg = g.policies[p.policy];
    proposals.push_back({{"policy", cfg.name},
                         {"type", PolicyType(cfg.kind)},
                         {"desired", p.active ? json(p.desired) : json(nullptr)},
                         {"metric_value", Num(p.metric_value)},
                         {"status", StatusName(p.status)},
                         {"note", p.note}});
  }
  return {{"at", d.at},
          {"current", d.current},
          {"ready", d.ready},
          {"desired", d.desired},
          {"reason", policy::ReasonName(d.reason)},
          {"limited_by", policy::StageName(d.limited_by)},
          {"message", d.message},
          {"in_panic", d.in_panic},
          {"consecutive_failures", d.consecutive_failures},
          {"min", d.min},
          {"max", d.max},
          {"stages",
           {{"recommended", d.recommended},
            {"after_panic", d.after_panic},
            {"stabilized", d.stabilized},
            {"rate_limited", d.rate_limited},
            {"after_cooldown", d.after_cooldown}}},
          {"proposals", std::move(proposals)}};
}

json GroupStateToJson(const policy::GroupState& s) {
  json recs = json::array(), ups = json::array(), downs = json::array(), next = json::array();
  for (const auto& r : s.recommendations) recs.push_back({r.at, r.desired});
  for (const auto& e : s.scale_ups) ups.push_back({e.at, e.change});
  for (const auto& e : s.scale_downs) downs.push_back({e.at, e.change});
  for (double t : s.schedule.next_fire) next.push_back(Num(t));
  return {{"version", 1},
          {"recommendations", recs},
          {"scale_ups", ups},
          {"scale_downs", downs},
          {"last_scale_up", Num(s.last_scale_up)},
          {"last_scale_down", Num(s.last_scale_down)},
          {"consecutive_failures", s.consecutive_failures},
          {"panic_since", Num(s.panic_since)},
          {"max_panic", s.max_panic},
          {"schedule",
           {{"initialized", s.schedule.initialized},
            {"last_evaluated", s.schedule.last_evaluated},
            {"min", s.schedule.min ? json(*s.schedule.min) : json(nullptr)},
            {"max", s.schedule.max ? json(*s.schedule.max) : json(nullptr)},
            {"next_fire", next},
            {"fingerprint", s.schedule.fingerprint},
            {"min_at", s.schedule.min_at},
            {"max_at", s.schedule.max_at}}}};
}

Result<policy::GroupState> GroupStateFromJson(const json& j) {
  auto bad = [](const char* field) {
    return Status::InvalidInput(std::string("group state: field '") + field +
                                "' is missing or has the wrong type");
  };
  if (!j.is_object() || j.value("version", 0) != 1) return bad("version");
  policy::GroupState s;
  const double kNegInf = -std::numeric_limits<double>::infinity();
  for (const char* f : {"recommendations", "scale_ups", "scale_downs"}) {
    if (!j.contains(f) || !j[f].is_array()) return bad(f);
    for (const auto& pair : j[f]) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_number())
        return bad(f);
    }
  }
  for (const auto& r : j["recommendations"]) s.recommendations.push_back({r[0].get<double>(), r[1].get<int>()});
  for (const auto& e : j["scale_ups"]) s.scale_ups.push_back({e[0].get<double>(), e[1].get<int>()});
  for (const auto& e : j["scale_downs"]) s.scale_downs.push_back({e[0].get<double>(), e[1].get<int>()});
  s.last_scale_up = NumOr(j.value("last_scale_up", json(nullptr)), kNegInf);
  s.last_scale_down = NumOr(j.value("last_scale_down", json(nullptr)), kNegInf);
  s.consecutive_failures = j.value("consecutive_failures", 0);
  s.panic_since = NumOr(j.value("panic_since", json(nullptr)), policy::kNaN);
  s.max_panic = j.value("max_panic", 0);
  if (!j.contains("schedule") || !j["schedule"].is_object()) return bad("schedule");
  const json& sc = j["schedule"];
  s.schedule.initialized = sc.value("initialized", false);
  s.schedule.last_evaluated = sc.value("last_evaluated", 0.0);
  if (sc.contains("min") && sc["min"].is_number()) s.schedule.min = sc["min"].get<int>();
  if (sc.contains("max") && sc["max"].is_number()) s.schedule.max = sc["max"].get<int>();
  s.schedule.min_at = sc.value("min_at", 0.0);
  s.schedule.max_at = sc.value("max_at", 0.0);
  // Absent in a state stored by an earlier tide: empty, so the schedule starts over once.
  if (sc.contains("fingerprint") && sc["fingerprint"].is_string())
    s.schedule.fingerprint = sc["fingerprint"].get<std::string>();
  if (sc.contains("next_fire") && sc["next_fire"].is_array()) {
    for (const auto& t : sc["next_fire"])
      s.schedule.next_fire.push_back(NumOr(t, std::numeric_limits<double>::infinity()));
  }
  return s;
}

}  // namespace tide::controller
