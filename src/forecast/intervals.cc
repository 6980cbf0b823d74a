// intervals.cc: prediction intervals from each model's own backtested errors.
//
// Rule: at lead k the relative error r = (y - yhat) / s(yhat) with s(yhat) = sqrt(max(yhat, f) * L)
// (L = the series' mean level, f = LevelFloor) is collected over the calibration origins (every
// hour over the last 7 days of the fitting window) and neighbouring leads (k +/- k/4); its
// 2.5/10/90/97.5 % quantiles, times s(yhat) of the new forecast, give the 95 % and 80 % bounds.
// The square root sits between additive noise (s constant) and proportional noise (s = yhat):
// arrival counts are roughly Poisson at night and proportional in flash crowds.
#include <algorithm>
#include <cmath>
#include <limits>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

double Scale(double yhat, double floor, double level) {
  return std::sqrt(std::max(yhat, floor) * std::max(level, floor));
}

// Places the order statistics ks (ascending, distinct) of [first, last) at their positions
// (base + k), as if the range were sorted: one nth_element per statistic, each on the part
// left between its neighbours (multiple selection).
void SelectMany(double* base, double* first, double* last, const int* kb, const int* ke) {
  if (kb == ke || last - first <= 1) return;
  const int* mid = kb + (ke - kb) / 2;
  std::nth_element(first, base + *mid, last);
  SelectMany(base, first, base + *mid, kb, mid);
  SelectMany(base, base + *mid + 1, last, mid + 1, ke);
}

// The qs[0..3] quantiles of v (linear interpolation between order statistics, as R's type
// 7); reorders v.
void Quantiles4(std::vector<double>& v, const double qs[4], double out[4]) {
  if (v.empty()) {
    for (int q = 0; q < 4; ++q) out[q] = 0;
    return;
  }
  const int n = static_cast<int>(v.size());
  int ks[8], nk = 0;
  for (int q = 0; q < 4; ++q) {
    int i = static_cast<int>(qs[q] * (n - 1));
    for (int k : {i, std::min(i + 1, n - 1)})
      if (nk == 0 || ks[nk - 1] < k) ks[nk++] = k;
  }
  SelectMany(v.data(), v.data(), v.data() + n, ks, ks + nk);
  for (int q = 0; q < 4; ++q) {
    double pos = qs[q] * (n - 1);
    int i = static_cast<int>(pos);
    double a = v[i], b = v[std::min(i + 1, n - 1)];
    out[q] = a + (b - a) * (pos - i);
  }
}

double MeanLevel(const std::vector<double>& y) {
  double s = 0;
  for (double v : y) s += std::fabs(v);
  return y.empty() ? 0 : s / static_cast<double>(y.size());
}

}  // namespace

double LevelFloor(const std::vector<double>& y) {
  return std::max(0.02 * MeanLevel(y), 1e-9);
}

std::vector<int> CalibrationOrigins(int n, int min_origin, double step, double stride_seconds) {
  int stride = StepsPer(stride_seconds, step);
  int span = StepsPer(7 * kDay, step);
  std::vector<int> out;
  for (int o = n - 1; o >= std::max(min_origin, n - span); o -= stride) out.push_back(o);
  std::reverse(out.begin(), out.end());
  return out;
}

ErrorQuantiles QuantilesFromPaths(const std::vector<double>& y, const std::vector<int>& origins,
                                  const std::vector<std::vector<double>>& paths, int h,
                                  double level_floor) {
  const int n = static_cast<int>(y.size());
  const double level = MeanLevel(y);
  // Anchor leads (0-based), roughly geometric; quantiles between anchors are interpolated.
  std::vector<int> anchors;
  for (double a = 0; a < h; a = std::max(a + 1, std::floor(a * 1.35))) anchors.push_back(static_cast<int>(a));
  if (anchors.back() != h - 1) anchors.push_back(h - 1);
  std::vector<double> aq[4];
  const double qs[4] = {0.025, 0.10, 0.90, 0.975};
  std::vector<double> pool;
  // Until an anchor has 8 errors (short series), fall back to the spread of the series itself
  // around its mean: wide, but never a silent zero-width interval.
  double last[4] = {0, 0, 0, 0};
  double mean = 0;
  for (double v : y) mean += v / std::max(1, n);
  for (double v : y) pool.push_back((v - mean) / Scale(mean, level_floor, level));
  Quantiles4(pool, qs, last);
  for (int k : anchors) {
    pool.clear();
    int w = k / 4;
    // Leads inside the window are thinned so a pool holds about 800 errors (speed; the 2.5 %
    // tail still rests on about 20 of them).
    int thin = std::max<int>(1, static_cast<int>((2 * w + 1) * origins.size() / 800));
    for (size_t i = 0; i < origins.size(); ++i) {
      const auto& p = paths[i];
      for (int j = std::max(0, k - w); j <= k + w && j < static_cast<int>(p.size()); j += thin) {
        int t = origins[i] + j;
        if (t >= n) break;
        pool.push_back((y[t] - p[j]) / Scale(p[j], level_floor, level));
      }
    }
    if (pool.size() >= 8) Quantiles4(pool, qs, last);  // else: keep the last anchor's
    for (int q = 0; q < 4; ++q) aq[q].push_back(last[q]);
  }
  ErrorQuantiles out;
  std::vector<double>* dst[4] = {&out.q025, &out.q10, &out.q90, &out.q975};
  for (int q = 0; q < 4; ++q) {
    dst[q]->resize(h);
    size_t a = 0;
    for (int k = 0; k < h; ++k) {
      while (a + 1 < anchors.size() && anchors[a + 1] <= k) ++a;
      if (a + 1 >= anchors.size()) {
        (*dst[q])[k] = aq[q][a];
        continue;
      }
      double f = static_cast<double>(k - anchors[a]) / (anchors[a + 1] - anchors[a]);
      (*dst[q])[k] = aq[q][a] + f * (aq[q][a + 1] - aq[q][a]);
    }
  }
  return out;
}

Forecast MakeForecast(const std::string& model, const Series& s, std::vector<double> mean,
                      const ErrorQuantiles& q, double level_floor) {
  const double level = MeanLevel(s.values);
  Forecast f;
  f.model = model;
  f.start = s.end();
  f.step = s.step;
  const size_t h = mean.size();
  for (auto* v : {&f.lo95, &f.lo80, &f.hi80, &f.hi95}) v->resize(h);
  for (size_t k = 0; k < h; ++k) {
    double m = std::isfinite(mean[k]) ? std::max(0.0, mean[k]) : 0.0;
    mean[k] = m;
    double sc = Scale(m, level_floor, level);
    f.lo95[k] = std::max(0.0, std::min(m, m + q.q025[k] * sc));
    f.lo80[k] = std::max(f.lo95[k], std::min(m, m + q.q10[k] * sc));
    f.hi80[k] = std::max(m, m + q.q90[k] * sc);
    f.hi95[k] = std::max(f.hi80[k], m + q.q975[k] * sc);
  }
  f.mean = std::move(mean);
  return f;
}

Forecast PathModel::Predict(int horizon) const {
  const int n = static_cast<int>(fitted_.values.size());
  std::vector<int> origins = CalibrationOrigins(n, min_origin(), fitted_.step);
  std::vector<std::vector<double>> paths;
  paths.reserve(origins.size());
  for (int o : origins) paths.push_back(Path(o, std::min(horizon, n - o)));
  double floor = LevelFloor(fitted_.values);
  ErrorQuantiles q = QuantilesFromPaths(fitted_.values, origins, paths, horizon, floor);
  return MakeForecast(name(), fitted_, Path(n, horizon), q, floor);
}

}  // namespace tide::forecast
