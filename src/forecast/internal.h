// internal.h: what the forecast models share and callers outside src/forecast do not need.
//
// Every model is a PathModel: after Fit it can forecast from any origin inside the fitted
// series using only the data before that origin (its fitted parameters are kept). The
// ensemble uses these paths for rolling-origin weights, and every model uses them to
// calibrate its prediction intervals from its own backtested errors (intervals.cc).
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "forecast/forecast.h"

namespace tide::forecast {

inline constexpr double kDay = 86400;
inline constexpr double kWeek = 7 * kDay;

// Steps per period (at least 1), e.g. 288 for a day of 5-minute steps.
inline int StepsPer(double seconds, double step) {
  return std::max(1, static_cast<int>(std::lround(seconds / step)));
}

class PathModel : public Model {
 public:
  // Mean forecasts from `origin` at the given leads (steps after the origin, 0-based,
  // ascending), from the fitted series' values before `origin`: out[i * stride] for leads[i].
  // Calibration reads only some leads of every path (CalibrationLeads), so the models compute
  // only those. REQUIRES: a successful Fit, min_origin() <= origin <= fitted size.
  virtual void PathAt(int origin, const int* leads, int count, double* out, int stride) const = 0;
  // Every lead 0 .. h-1 (steps origin .. origin+h-1).
  std::vector<double> Path(int origin, int h) const;
  // The smallest origin Path supports (enough data before it).
  virtual int min_origin() const = 0;
  Forecast Predict(int horizon) const override;

 protected:
  Series fitted_;  // set by Fit (derived classes assign it)
};

// Empirical prediction intervals: quantiles of backtested errors, per lead time.
// Errors are e = y - yhat; the interval at lead k is [yhat + q_lo(k), yhat + q_hi(k)],
// scaled with the level (see intervals.cc for the exact rule).
struct ErrorQuantiles {
  // For each lead 0..h-1: the 2.5, 10, 90, 97.5 % quantiles of relative errors.
  std::vector<double> q025, q10, q90, q975;
};

// Origins used for backtesting inside a fitted series of n values: every `stride_seconds`
// (default one hour) over the last 7 days, none before `min_origin`. Returns ascending
// origins (may be empty).
std::vector<int> CalibrationOrigins(int n, int min_origin, double step,
                                    double stride_seconds = 3600);

// Rearranges [first, last) so that *kth is the value it would have if sorted, with nothing
// greater before it and nothing smaller after it (as std::nth_element; faster on errors).
void Select(double* first, double* kth, double* last);

// Anchor leads 0, 1, 2, ... roughly 1.35x apart, and h-1: where error quantiles and ensemble
// weights are computed (interpolated between them).
std::vector<int> AnchorLeads(int h);

// The leads (ascending) QuantilesFromPaths reads from paths of `n_origins` origins.
std::vector<int> CalibrationLeads(int h, size_t n_origins);

// Error quantiles per lead 0..h-1 from backtests: paths[i * leads.size() + j] is the mean
// forecast from origins[i] at leads[j]; `leads` (ascending) must include
// CalibrationLeads(h, origins.size()). Forecasts whose target is at or after y's end are skipped.
ErrorQuantiles QuantilesFromPaths(const std::vector<double>& y, const std::vector<int>& origins,
                                  const std::vector<int>& leads, const std::vector<double>& paths,
                                  int h, double level_floor);

// Builds a Forecast (non-negative) from a mean path and error quantiles.
Forecast MakeForecast(const std::string& model, const Series& s, std::vector<double> mean,
                      const ErrorQuantiles& q, double level_floor);

// A floor for the interval scale: a small fraction of the series' mean absolute level, so
// intervals of near-zero forecasts do not collapse.
double LevelFloor(const std::vector<double>& y);

// Nelder-Mead minimisation inside a box (points are clamped to [lo, hi]).
// Source: Nelder & Mead (1965); standard coefficients 1, 2, 0.5, 0.5.
std::vector<double> NelderMead(const std::function<double(const std::vector<double>&)>& f,
                               std::vector<double> x0, const std::vector<double>& lo,
                               const std::vector<double>& hi, int max_evals, double ftol);

// The fitted ETS parameters, for tests and reports. InvalidInput as ets's Fit.
struct EtsFit {
  double alpha = 0, beta = 0, gamma = 0, phi = 0;
  bool multiplicative = false;
  int period = 0;  // steps; 0 = no seasonality
};
Result<EtsFit> FitEtsParameters(const Series& s);

// Scale invariance (rescale.cc): the exponent e of the power of two that brings the mean
// absolute level of the finite values of y into [0.5, 1) when that level lies outside
// [2^-20, 2^40]; 0 inside it (the series is fitted as it is), and for an empty or all-zero y.
int LevelExponent(const std::vector<double>& y);
// A model that fits on the series divided by 2^LevelExponent and multiplies its forecast back
// (exact: a power of two). MakeModel wraps every model in it.
std::unique_ptr<Model> WithRescaling(std::unique_ptr<Model> model);

// Model constructors (factory.cc wires them to names).
std::unique_ptr<PathModel> NewSeasonalNaive(std::string name, double period_seconds);
std::unique_ptr<PathModel> NewMovingAverage();
std::unique_ptr<PathModel> NewLevelSeasonal();
// fit_days > 0: the parameters are fitted on the last fit_days days only (0 = all).
std::unique_ptr<PathModel> NewEts(int fit_days = 0);
std::unique_ptr<PathModel> NewRegression(double utc_offset);
std::unique_ptr<Model> NewEnsemble(double utc_offset);

}  // namespace tide::forecast
