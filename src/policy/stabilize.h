// stabilize.h: stage 3 — stabilization windows (Kubernetes HPA `behavior`).
//
// Every recommendation is remembered with its time. Within the scale-up window the lowest
// recommendation bounds a scale-up; within the scale-down window the highest bounds a
// scale-down:  up = min(recs in up window), down = max(recs in down window);
//              result = current, raised to `up` if below it, lowered to `down` if above.
// Worked (HPA docs): down window 300 s, recommendations 10, 8, 6 in the last 5 minutes with
// 10 units running -> stays 10 until the 10 leaves the window.
#pragma once

#include <deque>

#include "config/config.h"
#include "policy/pipeline.h"

namespace tide::policy {

// Records `desired` at `now` in `history` (pruning entries older than both windows) and
// returns the stabilized recommendation.
int Stabilize(const config::ScalingRules& up, const config::ScalingRules& down, int current,
              int desired, double now, std::deque<TimedRecommendation>* history);

}  // namespace tide::policy
