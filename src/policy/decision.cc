#include "policy/decision.h"

namespace tide::policy {

const char* ReasonName(Reason r) {
  switch (r) {
    case Reason::kWithinTolerance: return "WithinTolerance";
    case Reason::kScaleUp: return "ScaleUp";
    case Reason::kScaleDown: return "ScaleDown";
    case Reason::kNoData: return "NoData";
    case Reason::kMissingMetricsHold: return "MissingMetricsHold";
    case Reason::kFallback: return "Fallback";
    case Reason::kScaleUpStabilized: return "ScaleUpStabilized";
    case Reason::kScaleDownStabilized: return "ScaleDownStabilized";
    case Reason::kScaleUpLimit: return "ScaleUpLimit";
    case Reason::kScaleDownLimit: return "ScaleDownLimit";
    case Reason::kScaleUpDisabled: return "ScaleUpDisabled";
    case Reason::kScaleDownDisabled: return "ScaleDownDisabled";
    case Reason::kScaleUpCooldown: return "ScaleUpCooldown";
    case Reason::kScaleDownCooldown: return "ScaleDownCooldown";
    case Reason::kTooFewUnits: return "TooFewUnits";
    case Reason::kTooManyUnits: return "TooManyUnits";
    case Reason::kScheduledDesired: return "ScheduledDesired";
    case Reason::kPanic: return "Panic";
    case Reason::kManualOverride: return "ManualOverride";
    case Reason::kPaused: return "Paused";
    case Reason::kForecastBreakerOpened: return "ForecastBreakerOpened";
    case Reason::kForecastBreakerClosed: return "ForecastBreakerClosed";
  }
  return "Unknown";
}

const char* StageName(Stage s) {
  switch (s) {
    case Stage::kRecommend: return "recommend";
    case Stage::kCombine: return "combine";
    case Stage::kPanic: return "panic";
    case Stage::kStabilize: return "stabilize";
    case Stage::kRateLimit: return "rate_limit";
    case Stage::kCooldown: return "cooldown";
    case Stage::kClamp: return "clamp";
  }
  return "unknown";
}

}  // namespace tide::policy
