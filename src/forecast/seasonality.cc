// seasonality.cc: DetectSeasonality by autocorrelation.
//
// Daily: after removing a least-squares linear trend, the autocorrelation at a lag of one day
// must exceed max(0.2, 2/sqrt(n)) (2/sqrt(n) is the usual white-noise band). Weekly: a series
// with a daily cycle also correlates at 7 days, so the weekly test runs on what the daily
// profile leaves: residuals from the mean of each time-of-day slot; their autocorrelation at a
// lag of one week must exceed max(0.1, 2/sqrt(n)). Each needs two full periods of data.
// Ordering, strongest first, uses the raw (detrended) autocorrelation at each lag. A series far
// from a natural level is first scaled by a power of two (LevelExponent, rescale.cc).
#include <algorithm>
#include <cmath>
#include <utility>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

double Acf(const std::vector<double>& x, int lag) {
  const int n = static_cast<int>(x.size());
  double m = 0;
  for (double v : x) m += v;
  m /= n;
  double num = 0, den = 0;
  for (int i = 0; i < n; ++i) {
    den += (x[i] - m) * (x[i] - m);
    if (i + lag < n) num += (x[i] - m) * (x[i + lag] - m);
  }
  return den > 0 ? num / den : 0;
}

}  // namespace

std::vector<int> DetectSeasonality(const Series& s) {
  std::vector<double> y = s.values;
  if (std::any_of(y.begin(), y.end(), [](double v) { return std::isnan(v); })) {
    CleaningReport unused;
    y = Clean(s, &unused).values;
  }
  // Sums of squares overflow far from a natural level: the same power-of-two scaling as the
  // models (rescale.cc); autocorrelations do not depend on the scale.
  if (const int e = LevelExponent(y); e != 0)
    for (double& v : y) v = std::ldexp(v, -e);
  const int n = static_cast<int>(y.size());
  std::vector<std::pair<double, int>> found;
  const int p = StepsPer(kDay, s.step), w = StepsPer(kWeek, s.step);
  if (n < 2 * p || p < 2) return {};
  for (double v : y)
    if (std::isnan(v)) return {};
  // Linear detrend.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; ++i) sx += i, sy += y[i], sxx += double(i) * i, sxy += i * y[i];
  double den = n * sxx - sx * sx;
  double b = den > 0 ? (n * sxy - sx * sy) / den : 0, a = (sy - b * sx) / n;
  for (int i = 0; i < n; ++i) y[i] -= a + b * i;
  const double band = 2 / std::sqrt(static_cast<double>(n));
  double acf_day = Acf(y, p);
  if (acf_day > std::max(0.2, band)) found.push_back({acf_day, p});
  if (n >= 2 * w) {
    std::vector<double> sum(p, 0), cnt(p, 0);
    for (int i = 0; i < n; ++i) sum[i % p] += y[i], cnt[i % p] += 1;
    std::vector<double> r(n);
    for (int i = 0; i < n; ++i) r[i] = y[i] - sum[i % p] / cnt[i % p];
    if (Acf(r, w) > std::max(0.1, band)) found.push_back({Acf(y, w), w});
  }
  std::sort(found.begin(), found.end(), [](auto& l, auto& r) { return l.first > r.first; });
  std::vector<int> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

}  // namespace tide::forecast
