// backtest.h: rolling-origin evaluation of forecast models over one series.
//
// For each origin (every `origin_stride` seconds in the last `eval_fraction` of the series,
// as long as `horizon` seconds of actuals follow it): take at most `max_history` seconds before
// the origin (at least `min_history`), Clean it, fit the model, forecast `horizon`, and score
// the first `lead` seconds of the forecast for every lead in `leads`:
//   MASE(lead)   = mean_{k=1..K} |y(o+k) - yhat(o+k)| / Q,  K = lead / step,
//                  Q = mean_t |y(t) - y(t-1)| over the (raw) fitting window: the in-sample MAE
//                  of the one-step naive forecast. (So MASE at 24 h averages the whole day.)
//   MASE_s(lead) = the same with Q_s = mean_t |y(t) - y(t-P)|, P = one day (seasonal scaling).
//   sMAPE(lead)  = mean_k 200 |y - yhat| / (|y| + |yhat|)  (a term with both 0 counts 0), in %.
//   coverage     = share of the K actuals inside the 80 % (95 %) interval, pooled over origins.
// MASE and sMAPE are reported as medians over origins; origins with Q = 0 are skipped for MASE.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "forecast/forecast.h"

namespace tide::forecast {

struct BacktestOptions {
  std::vector<std::string> models = {"seasonal_naive_daily", "seasonal_naive_weekly", "ets",
                                     "regression", "moving_average", "auto"};
  double max_history = 14 * 86400.0;  // seconds of history used for each fit
  double min_history = 86400.0;       // origins with less history before them are skipped
  double horizon = 86400.0;           // seconds forecast from each origin
  std::vector<double> leads = {3600.0, 86400.0};  // seconds; each <= horizon
  double eval_fraction = 0.4;         // origins lie in the last 40 % of the series
  double origin_stride = 6 * 3600.0;  // seconds between origins
};

struct LeadScore {
  double lead = 0;  // seconds
  double mase = 0, mase_seasonal = 0, smape = 0;  // medians over origins
  double coverage80 = 0, coverage95 = 0;          // fractions in [0, 1], pooled
};

struct ModelScore {
  std::string model;
  int origins = 0;        // origins scored
  int failures = 0;       // origins where Fit failed (not scored)
  std::string first_failure;  // Fit's message at the first of them
  double fit_ms = 0;      // mean fit + forecast time, milliseconds
  std::vector<LeadScore> leads;  // one per options.leads
};

// InvalidInput when the options are inconsistent, a model name is unknown or no origin fits.
Result<std::vector<ModelScore>> Backtest(const Series& s, const BacktestOptions& options);

}  // namespace tide::forecast
