// pipeline.h: Start here. The decision pipeline, pure and clock-injected:
//
//   recommend (each policy) -> combine (max; missing-data rules) -> panic (burst floor)
//     -> stabilize (windows) -> rate-limit (per period) -> cooldown -> clamp (min/max with
//     scheduled overrides) -> Decision
//
// Decide() reads only its arguments: the group's validated config, this evaluation's inputs
// (time, capacity, observations) and the group's state, which it updates (stabilization
// window, panic, failure count, schedule cursor). The caller applies the decision and then
// reports what was actually applied with GroupState::RecordScale(), which feeds the rate
// limits and cooldowns. Thread-compatible: one GroupState per group, one caller at a time.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "policy/decision.h"
#include "policy/predictive.h"

namespace tide::policy {

struct ScaleEvent {
  double at = 0;
  int change = 0;  // units added (> 0) or removed (< 0)
};

struct TimedRecommendation {
  double at = 0;
  int desired = 0;
};

// Effective bounds and one-shot desired set by scheduled actions (AWS semantics: an action
// changes min/max/desired when it fires; the values persist until another action changes
// them).
struct ScheduleState {
  bool initialized = false;
  double last_evaluated = 0;           // actions firing in (last_evaluated, now] apply
  std::optional<int> min, max;         // overrides in force
  double min_at = 0, max_at = 0;       // when each was set: the later wins a conflict
  std::vector<double> next_fire;       // per policy index; +inf when none
  // The scheduled actions this state was computed for (ScheduleFingerprint): a state restored
  // or kept across a reload that changed them starts over, so an edited time takes effect.
  std::string fingerprint;
};

class GroupState {
 public:
  // Called by the driver after it applied a change of capacity (from -> to) at `at`.
  void RecordScale(double at, int from, int to);

  // Everything below is the pipeline's memory; drivers persist and restore it.
  std::deque<TimedRecommendation> recommendations;  // within the longest stabilization window
  // Whether `recommendations` got its first entry, the capacity running when the pipeline
  // first decided (Kubernetes' HPA, recordInitialRecommendation). Not persisted: after a
  // restart the window is seeded again, as the HPA controller does after its own restart.
  bool stabilization_seeded = false;
  std::deque<ScaleEvent> scale_ups;                 // within the longest rate period
  std::deque<ScaleEvent> scale_downs;
  double last_scale_up = -std::numeric_limits<double>::infinity();
  double last_scale_down = -std::numeric_limits<double>::infinity();
  int consecutive_failures = 0;
  double panic_since = kNaN;  // NaN when not in panic; the last over-threshold time otherwise
  int max_panic = 0;          // capacity floor while in panic (never decreases in panic)
  ScheduleState schedule;
  // Per policy index; only the entries of predictive policies are used. Their history is
  // not part of the persisted state: the controller backfills it at start.
  std::vector<PredictiveState> predictive;
};

// Runs the pipeline. `out` is overwritten; its buffers are reused across calls.
void Decide(const config::Group& group, const Inputs& in, GroupState& state, Decision* out);

inline Decision Decide(const config::Group& group, const Inputs& in, GroupState& state) {
  Decision d;
  Decide(group, in, state, &d);
  return d;
}

}  // namespace tide::policy
