// decision.h: the value the pipeline returns, and the inputs it takes. The same record is
// shown by the CLI, written to the timeline and (later) stored and served by the API.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace tide::policy {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class ObservationStatus : uint8_t {
  kOk,      // value is valid
  kNoData,  // an expected empty state (e.g. no ready unit to measure): no proposal, not a failure
  kFailed,  // the source failed (timeout, error): counts toward the missing-data fallback
};

// One metric's latest reading, in the order of Group::metrics.
struct Observation {
  double value = kNaN;        // averaged over the metric's window
  double panic_value = kNaN;  // the same metric over the panic window (when burst mode is on)
  double at = 0;              // when it was measured, epoch seconds (for staleness)
  ObservationStatus status = ObservationStatus::kOk;
};

struct Inputs {
  double now = 0;       // epoch seconds
  int current = 0;      // units asked for and not being removed (booting + ready)
  int ready = 0;        // units serving and past warm-up: the ones metrics describe
  std::span<const Observation> metrics;
};

// Stable reason codes (users see their names; never renumber, only append).
enum class Reason : uint8_t {
  kWithinTolerance,        // every proposal equals current
  kScaleUp,                // desired > current, nothing limited it
  kScaleDown,              // desired < current, nothing limited it
  kNoData,                 // no policy could propose (no data yet); hold
  kMissingMetricsHold,     // a metric failed while another proposed scale-in; hold
  kFallback,               // N consecutive failures: the configured fallback applies
  kScaleUpStabilized,      // the scale-up window held the recommendation back
  kScaleDownStabilized,    // the scale-down window held the recommendation up
  kScaleUpLimit,           // a scale-up rate policy capped the change
  kScaleDownLimit,         // a scale-down rate policy capped the change
  kScaleUpDisabled,        // select: disabled for scale-up
  kScaleDownDisabled,      // select: disabled for scale-down
  kScaleUpCooldown,        // inside the scale-up cooldown
  kScaleDownCooldown,      // inside the scale-down cooldown
  kTooFewUnits,            // raised to min (possibly a scheduled min)
  kTooManyUnits,           // lowered to max (possibly a scheduled max)
  kScheduledDesired,       // a scheduled action set the desired capacity
  kPanic,                  // burst mode holds or raises capacity
  kManualOverride,         // an operator's override is in force (controller)
  kPaused,                 // the group is paused: decided, not applied (controller)
  kForecastBreakerOpened,  // a predictive policy's forecast error crossed its threshold:
                           // it stands aside (reactive only) from this decision on
  kForecastBreakerClosed,  // its forecast is accurate again: it proposes again
};
const char* ReasonName(Reason r);

// The pipeline stage that determined the outcome.
enum class Stage : uint8_t { kRecommend, kCombine, kPanic, kStabilize, kRateLimit, kCooldown, kClamp };
const char* StageName(Stage s);

struct Proposal {
  int policy = -1;           // index into Group::policies
  int desired = -1;          // -1 when the policy made no proposal
  double metric_value = kNaN;
  ObservationStatus status = ObservationStatus::kOk;
  bool active = true;        // false: no proposal (no data, out of every step interval, ...)
  // A healthy forecast below current capacity with predictive scale-in off: not a proposal of
  // its own (it never lowers capacity alone), but a floor under the other active proposals,
  // as AWS predictive scaling raises the group's minimum (combine.h).
  bool floor = false;
  std::string note;          // why a predictive proposal stands aside, or what it forecast
};

struct Decision {
  double at = 0;
  int current = 0;
  int ready = 0;
  int desired = 0;
  Reason reason = Reason::kWithinTolerance;
  Stage limited_by = Stage::kRecommend;
  std::string message;             // one human sentence explaining the outcome
  std::vector<Proposal> proposals; // one per policy, in config order
  // Each stage's output, in order; equal to the previous one when the stage did nothing.
  int recommended = 0;  // combined policy proposals (or fallback/hold)
  int after_panic = 0;
  int stabilized = 0;
  int rate_limited = 0;
  int after_cooldown = 0;
  int min = 0;  // the effective bounds used by clamp (scheduled overrides applied)
  int max = 0;
  bool in_panic = false;
  int consecutive_failures = 0;
};

}  // namespace tide::policy
