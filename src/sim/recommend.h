// recommend.h: `tide recommend` — the cheapest policy that meets an SLO on the user's own
// traffic. Variants of the requested family are simulated on the training part of the
// trace (its first train_fraction, scored after a warm-up), every core busy; the cheapest variant meeting the SLO
// is then evaluated on the held-back part, with everything before it as warm-up (as
// `simulate --from` does). Pure apart from threads: no clock, no file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "sim/slo.h"
#include "sim/summary.h"
#include "sim/trace.h"

namespace tide::sim {

// Each part of the trace that is scored — the training part after its warm-up, and the
// held-back part — must be at least this many evaluation intervals of the group long (and one
// step): a shorter part holds too few decisions for its figures to say anything (a 1 s
// held-back part "meets" any SLO at cost 0).
inline constexpr int kMinScoredIntervals = 10;

struct RecommendOptions {
  double train_fraction = 0.5;  // in (0, 1), leaving both parts kMinScoredIntervals long
  // The start of the training part that is replayed but not scored, for every candidate
  // alike: a predictive policy needs a day of history (min_history) before it proposes, so
  // scoring its first day would score the policy it falls back to, not the one searched —
  // the held-back part has its warm-up too. < 0: the default, one day or, when the training
  // part is shorter than two days, half of it. Must leave part of the training part scored.
  double train_warmup = -1;
  std::string family = "all";   // reactive | predictive | hybrid | all
  double step = 1;
  double start_epoch = 0;
  int threads = 0;              // 0 = every core
  // Called after each variant (done, total), from worker threads, serialised.
  std::function<void(int, int)> progress;
};

struct Candidate {
  std::string label;     // what was varied, e.g. "reactive target=0.6 down-window=300s"
  std::string family;    // as configured | reactive | predictive | hybrid
  config::Group group;
  Summary train;
  bool meets = false;
  double shortfall = 0;  // sum of relative SLO violations (0 when met)
};

struct RecommendResult {
  double train_from = 0;              // trace seconds where the training figures start
  double split = 0;                   // trace seconds where the held-back part starts
  std::vector<Candidate> candidates;  // in the order simulated
  int chosen = -1;                    // cheapest meeting the SLO on training, or -1
  int closest = -1;                   // when none meets: smallest shortfall
  Summary test;                       // the chosen (or closest) on the held-back part
  // What the user should know about the search, e.g. predictive variants that cannot forecast
  // on a trace shorter than their min_history.
  std::vector<std::string> notes;
};

// The variants of `family` built from `base` (which keeps its model, bounds and schedule).
std::vector<Candidate> MakeVariants(const config::Group& base, const std::string& family);

Result<RecommendResult> Recommend(const config::Group& base, const Trace& trace,
                                  const std::vector<SloTerm>& slo, const RecommendOptions& opt);

}  // namespace tide::sim
