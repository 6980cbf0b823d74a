// predictive.h: the predictive policy — provisions ahead of a forecast of its metric.
//
// Each decision adds the metric's reading to a history of 5-minute means and maxima (at most
// max_history long); the forecast is of the means, or with provision_for: peak of the
// maxima (the highest reading in each 5 minutes, so that the provisioned capacity covers the
// peaks within a bucket, not only its average). Every refit_interval, once min_history is there, a forecast model
// (forecast::MakeModel) is fitted on the history and forecasts `horizon` ahead; the proposal
// then provisions for the forecast's `quantile` over the launch lead (model.startup +
// scheduling_buffer):
//   desired = ceil(max over [now + startup, now + lead] of q-forecast / (target x capacity_per_unit))
// capped at current + max_change x current. Below current, unless scale_in is on, it is a floor
// under the other policies (they scale in, but not below the forecast) and never scales in
// by itself. In forecast_only mode it records its proposal
// without voting. A circuit breaker compares each reading with what was forecast for it:
// when the recent relative error (sum |error| / sum actual over breaker_window, at least 6
// readings) exceeds breaker_threshold the policy stands aside until the error falls below
// 0.8 x threshold. (In peak mode each complete bucket's maximum is compared with the forecast
// for that bucket.) Because the forecast needs no live reading, the policy keeps proposing
// while its metric fails: the forecast is the fallback. Pure: `now` is an argument.
#pragma once

#include <deque>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "forecast/forecast.h"
#include "policy/decision.h"

namespace tide::policy {

inline constexpr double kHistoryStep = 300;  // seconds per history bucket

struct PredictiveState {
  double history_start = kNaN;  // start of the first bucket
  std::vector<double> sums;     // per bucket: sum and count of readings
  std::vector<int> counts;
  std::vector<double> maxes;    // per bucket: the highest reading (provision_for: peak)
  double scored_bucket = -1e300;  // peak mode: the last complete bucket the breaker scored
  double last_fit = -1e300;
  std::optional<forecast::Forecast> forecast;
  std::string fit_error;        // why the last fit failed ("" when it did not)
  bool open = false;            // circuit breaker
  std::deque<std::pair<double, std::pair<double, double>>> errors;  // (at, (|error|, actual))
};

struct PredictiveProposal {
  int desired = -1;
  bool active = false;
  bool floor = false;      // healthy, below current, scale-in off: a floor (decision.h)
  double forecast = kNaN;  // the quantile provisioned for (load)
  bool opened = false, closed = false;  // breaker transitions at this decision
  std::string note;
};

// Adds a reading (ignored when not finite) at `now`.
void ObservePredictive(const config::Predictive& p, double now, double value, PredictiveState* s);

// Adds history (oldest first), e.g. backfilled from Prometheus or the store at start.
void SeedPredictive(const config::Predictive& p, std::span<const std::pair<double, double>> samples,
                    PredictiveState* s);

// The breaker's recent relative error (sum |error| / sum actual over breaker_window), or NaN
// before it has 6 readings. The controller's forecast_drift alert reads it.
double PredictiveRecentError(const PredictiveState& s);

// Refits when due and proposes. `current` is the capacity ordered now.
PredictiveProposal ProposePredictive(const config::Group& g, const config::Predictive& p, double now,
                                     int current, PredictiveState* s);

}  // namespace tide::policy
