// combine.h: stage 2 — one recommendation from every policy's proposal.
//
// The largest active proposal wins (as HPA does with several metrics); a floor proposal (a
// healthy forecast below current, predictive scale-in off) raises it but never decides alone:
// with no active proposal the group holds. Missing data never
// causes scale-in: when any metric a policy needs is missing, failed, NaN or stale, a
// combined proposal below current becomes current (MissingMetricsHold); a proposal above
// current still applies, since the healthy metrics ask for more. After
// `on_missing_metrics.after_failures` consecutive evaluations with a failed metric, the
// fallback applies: hold = current, fixed = replicas, current_if_higher = max(current,
// replicas); each raised to what the policies still proposing ask (a healthy metric, or a
// forecast, which needs no live reading). A fixed fallback of 4 while the forecast asks for
// 18 gives 18: the fallback stands in for the readings that failed, never for the forecast
// (KEDA's fallback ignores its other triggers, which its users report as a bug: kedacore/keda
// issue 6659).
#pragma once

#include <span>

#include "config/config.h"
#include "policy/decision.h"

namespace tide::policy {

struct Combined {
  int desired = 0;
  Reason reason = Reason::kWithinTolerance;
  bool held = false;  // the combine stage changed the outcome (hold or fallback)
};

// `missing`: some metric was not usable (no data, failed, stale).
// `failed`: some metric failed or was stale (counts toward the fallback).
// `consecutive_failures` is updated (incremented on failure, reset when all metrics are ok).
Combined Combine(std::span<const Proposal> proposals, bool missing, bool failed, int current,
                 const config::OnMissingMetrics& on_missing, int* consecutive_failures);

}  // namespace tide::policy
