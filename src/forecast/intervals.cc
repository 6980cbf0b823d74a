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

}  // namespace

void Select(double* first, double* kth, double* last) {
  // Quickselect with a median-of-3 pivot and a branchless Lomuto partition: the comparisons
  // of errors against a pivot are unpredictable, so a partition that does not branch on them
  // beats std::nth_element's on pools of a few hundred (forecast_bench: auto 0.80x with this
  // for the interval quantiles and the ensemble's medians). Ties and bad pivots are bounded:
  // after 2 log2(n) + 8 rounds std::nth_element finishes the job.
  if (last - first <= 1 || kth < first || kth >= last) return;
  int rounds = 8;
  for (auto m = last - first; m > 1; m >>= 1) rounds += 2;
  while (last - first > 16) {
    if (--rounds < 0) {
      std::nth_element(first, kth, last);
      return;
    }
    double* mid = first + (last - first) / 2;
    double* hi = last - 1;
    // Median of first, mid, hi into *hi (the pivot).
    if (*mid < *first) std::swap(*mid, *first);
    if (*hi < *first) std::swap(*hi, *first);
    if (*mid < *hi) std::swap(*mid, *hi);
    const double pivot = *hi;
    double* j = first;
    for (double* i = first; i < hi; ++i) {
      const double x = *i;
      const bool lt = x < pivot;
      *i = *j;
      *j = x;
      j += lt;
    }
    std::swap(*j, *hi);  // [first, j) < pivot <= [j + 1, last)
    if (kth == j) return;
    if (kth < j) last = j;
    else first = j + 1;
  }
  for (double* i = first + 1; i < last; ++i)  // insertion sort of the last few
    for (double* k = i; k > first && *k < *(k - 1); --k) std::swap(*k, *(k - 1));
}

namespace {

// Places the order statistics ks (ascending, distinct) of [first, last) at their positions
// (base + k), as if the range were sorted: one selection per statistic, each on the part
// left between its neighbours (multiple selection).
void SelectMany(double* base, double* first, double* last, const int* kb, const int* ke) {
  if (kb == ke || last - first <= 1) return;
  const int* mid = kb + (ke - kb) / 2;
  Select(first, base + *mid, last);
  SelectMany(base, first, base + *mid, kb, mid);
  SelectMany(base, base + *mid + 1, last, mid + 1, ke);
}

// The qs[0..3] quantiles of v (linear interpolation between order statistics, as R's type
// 7); reorders v. Only the lower order statistic of each pair is selected; the upper one is
// the smallest value after it, up to the next selected position.
void Quantiles4(std::vector<double>& v, const double qs[4], double out[4]) {
  if (v.empty()) {
    for (int q = 0; q < 4; ++q) out[q] = 0;
    return;
  }
  const int n = static_cast<int>(v.size());
  int ks[4], nk = 0;
  for (int q = 0; q < 4; ++q) {
    int i = static_cast<int>(qs[q] * (n - 1));
    if (nk == 0 || ks[nk - 1] < i) ks[nk++] = i;
  }
  SelectMany(v.data(), v.data(), v.data() + n, ks, ks + nk);
  for (int q = 0; q < 4; ++q) {
    double pos = qs[q] * (n - 1);
    int i = static_cast<int>(pos);
    double a = v[i], b = a;
    if (i + 1 < n) {
      int next = n;
      for (int t = 0; t < nk; ++t)
        if (ks[t] > i) {
          next = ks[t];
          break;
        }
      b = *std::min_element(v.data() + i + 1, v.data() + next);
    }
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

std::vector<int> AnchorLeads(int h) {
  std::vector<int> anchors;
  for (double a = 0; a < h; a = std::max(a + 1, std::floor(a * 1.35))) anchors.push_back(static_cast<int>(a));
  if (!anchors.empty() && anchors.back() != h - 1) anchors.push_back(h - 1);
  return anchors;
}

namespace {

// The errors pooled for anchor lead k: leads lo, lo + thin, ... <= hi (and < h). The window
// is k +/- k/4; leads inside it are thinned so a pool holds about 800 errors (speed; the
// 2.5 % tail still rests on about 20 of them).
struct PoolWindow {
  int lo, hi, thin;
};
PoolWindow PoolAt(int k, int h, size_t n_origins) {
  const int w = k / 4;
  const int thin = std::max<int>(1, static_cast<int>((2 * w + 1) * n_origins / 800));
  return {std::max(0, k - w), std::min(k + w, h - 1), thin};
}

}  // namespace

std::vector<int> CalibrationLeads(int h, size_t n_origins) {
  std::vector<char> used(std::max(h, 0), 0);
  for (int k : AnchorLeads(h)) {
    const PoolWindow p = PoolAt(k, h, n_origins);
    for (int j = p.lo; j <= p.hi; j += p.thin) used[j] = 1;
  }
  std::vector<int> out;
  for (int j = 0; j < h; ++j)
    if (used[j]) out.push_back(j);
  return out;
}

ErrorQuantiles QuantilesFromPaths(const std::vector<double>& y, const std::vector<int>& origins,
                                  const std::vector<int>& leads, const std::vector<double>& paths,
                                  int h, double level_floor) {
  const int n = static_cast<int>(y.size());
  const double level = MeanLevel(y);
  const std::vector<int> anchors = AnchorLeads(h);
  std::vector<int> index_of(std::max(h, 0), -1);
  for (size_t j = 0; j < leads.size(); ++j) index_of[leads[j]] = static_cast<int>(j);
  const size_t row = leads.size();
  std::vector<double> aq[4];
  const double qs[4] = {0.025, 0.10, 0.90, 0.975};
  std::vector<double> pool;
  // Until an anchor has 8 errors (short series), fall back to the spread of the series itself
  // around its mean: wide, but never a silent zero-width interval. (Computed only when needed.)
  double last[4] = {0, 0, 0, 0};
  bool have_last = false;
  for (int k : anchors) {
    pool.clear();
    const PoolWindow p = PoolAt(k, h, origins.size());
    for (size_t i = 0; i < origins.size(); ++i) {
      const double* path = paths.data() + i * row;
      for (int j = p.lo; j <= p.hi; j += p.thin) {
        int t = origins[i] + j;
        if (t >= n) break;
        const double f = path[index_of[j]];
        pool.push_back((y[t] - f) / Scale(f, level_floor, level));
      }
    }
    if (pool.size() >= 8) {
      Quantiles4(pool, qs, last);
      have_last = true;
    } else if (!have_last) {  // keep the last anchor's, or the series' own spread
      double mean = 0;
      for (double v : y) mean += v / std::max(1, n);
      pool.clear();
      for (double v : y) pool.push_back((v - mean) / Scale(mean, level_floor, level));
      Quantiles4(pool, qs, last);
      // Under 8 values the spread says nothing (two 5-minute means 4.74 and 4.80 gave a 95 %
      // interval of 4.74-4.80 when the next two were 5.19 and 5.21): at least a normal
      // error of one scale unit, i.e. +/-1.28 and +/-1.96 x sqrt(level x level) = the level.
      if (n < 8) {
        const double normal[4] = {-1.959964, -1.281552, 1.281552, 1.959964};
        for (int q = 0; q < 4; ++q)
          last[q] = q < 2 ? std::min(last[q], normal[q]) : std::max(last[q], normal[q]);
      }
      have_last = true;
    }
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

std::vector<double> PathModel::Path(int origin, int h) const {
  std::vector<int> leads(std::max(h, 0));
  for (int k = 0; k < h; ++k) leads[k] = k;
  std::vector<double> out(leads.size());
  PathAt(origin, leads.data(), h, out.data(), 1);
  return out;
}

Forecast PathModel::Predict(int horizon) const {
  const int n = static_cast<int>(fitted_.values.size());
  std::vector<int> origins = CalibrationOrigins(n, min_origin(), fitted_.step);
  const std::vector<int> leads = CalibrationLeads(horizon, origins.size());
  const int nl = static_cast<int>(leads.size());
  std::vector<double> paths(origins.size() * leads.size());
  for (size_t i = 0; i < origins.size(); ++i) PathAt(origins[i], leads.data(), nl, &paths[i * nl], 1);
  double floor = LevelFloor(fitted_.values);
  ErrorQuantiles q = QuantilesFromPaths(fitted_.values, origins, leads, paths, horizon, floor);
  return MakeForecast(name(), fitted_, Path(n, horizon), q, floor);
}

}  // namespace tide::forecast
