// forecast.h: Start here for forecasting. Pure: series in, forecasts out; no clock, no I/O.
//
// A Series is equally spaced (step seconds) with NaN marking gaps. Models fit on a series
// and predict `horizon` steps after its end with a mean and 80 % / 95 % prediction
// intervals. Used by the predictive policy (policy/predictive.*), `tide forecast` and
// `tide recommend`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace tide::forecast {

struct Series {
  double start = 0;  // time of values[0], seconds
  double step = 300; // seconds between values; > 0
  std::vector<double> values;  // NaN = missing
  double end() const { return start + step * static_cast<double>(values.size()); }
};

struct Forecast {
  std::string model;  // which model produced it ("ets", "seasonal_naive_daily", "ensemble", ...)
  double start = 0;   // time of mean[0] = the series' end
  double step = 300;
  std::vector<double> mean, lo80, hi80, lo95, hi95;  // all the same length, >= 0
  std::string note;   // why a fallback was used ("history shorter than one day; ..."), or empty
  // The q-quantile (0 < q < 1) at index i, interpolated from the intervals assuming a
  // normal predictive distribution (q = 0.5 is the mean).
  double Quantile(size_t i, double q) const;
};

struct CleaningReport {
  int outliers_clipped = 0;
  int gaps_filled = 0;
};

// Robust outlier clipping (values beyond median +/- k x MAD of their seasonal neighbourhood)
// and linear interpolation of gaps; reports what it changed.
Series Clean(const Series& s, CleaningReport* report);

// Means of consecutive blocks of `factor` values (NaN values ignored; an all-NaN block is
// NaN), for fitting fine-grained traces at a coarser step. Blocks are aligned to the series'
// end, so the result ends where `s` ends; a leading partial block is dropped.
// REQUIRES: factor >= 1.
Series Aggregate(const Series& s, int factor);

// Seasonal periods (in steps) whose autocorrelation is significant, strongest first, from
// the candidates daily (86400 s) and weekly (604800 s). Needs two full periods of data.
std::vector<int> DetectSeasonality(const Series& s);

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  // Fits on `s` (already cleaned). InvalidInput when the series is too short for the model.
  virtual Status Fit(const Series& s) = 0;
  // REQUIRES: a successful Fit. `horizon` steps after the fitted series' end.
  virtual Forecast Predict(int horizon) const = 0;
};

// Names: "seasonal_naive_daily", "seasonal_naive_weekly", "ets" (Holt-Winters/ETS, additive
// or multiplicative seasonality, damped trend, parameters fitted by optimisation),
// "regression" (hour of day x day of week with recent level), "moving_average", "ensemble"
// and "auto" (= ensemble). `utc_offset` shifts calendar features to local time (seconds).
Result<std::unique_ptr<Model>> MakeModel(const std::string& name, double utc_offset = 0);

// All model names MakeModel accepts, for messages and --backtest.
std::vector<std::string> ModelNames();

}  // namespace tide::forecast
