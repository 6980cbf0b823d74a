// clean.cc: gap interpolation and robust outlier clipping (forecast.h, Clean).
//
// 1. Gaps (NaN) are filled by linear interpolation between the nearest known values; leading
//    and trailing gaps take the nearest known value. An all-NaN series is returned unchanged.
// 2. A value is an outlier when it lies beyond median +/- 5 x s of its neighbourhood: the
//    values within +/- 30 minutes (at least +/- 2 steps), s = max(1.4826 x MAD, 10 % of the
//    series' mean absolute level) — the floor keeps sparse series (MAD 0) from losing every
//    burst. Outliers are clipped to that bound. A neighbourhood this short removes isolated
//    spikes and keeps sustained changes (flash crowds lasting an hour stay, since the
//    forecasts must follow them).
#include <algorithm>
#include <cmath>

#include "forecast/internal.h"

namespace tide::forecast {

Series Clean(const Series& s, CleaningReport* report) {
  CleaningReport rep;
  Series out = s;
  auto& y = out.values;
  const int n = static_cast<int>(y.size());
  int prev = -1;
  for (int i = 0; i <= n; ++i) {
    if (i < n && std::isnan(y[i])) continue;
    int gap = i - prev - 1;
    if (gap > 0 && (prev >= 0 || i < n)) {
      for (int j = prev + 1; j < i; ++j) {
        if (prev < 0) y[j] = y[i];
        else if (i >= n) y[j] = y[prev];
        else y[j] = y[prev] + (y[i] - y[prev]) * (j - prev) / static_cast<double>(i - prev);
      }
      rep.gaps_filled += gap;
    }
    prev = i;
  }
  if (prev < 0 || n == 0) {
    if (report) *report = rep;
    return out;
  }
  double mean_abs = 0;
  for (double v : y) mean_abs += std::fabs(v);
  mean_abs /= n;
  const int w = std::max(2, static_cast<int>(std::lround(1800 / s.step)));
  if (n >= 2 * w + 1) {
    const std::vector<double> orig = y;
    // The window [a, b) slides one step at a time; `win` holds its values sorted (one removal
    // and one insertion per step), so the median is win[mid] and the MAD is found by walking
    // outwards from it: the deviations left and right of the median are each already sorted.
    std::vector<double> win;
    const double floor = 0.1 * mean_abs;
    int a = 0, b = 0;
    for (int i = 0; i < n; ++i) {
      const int na = std::max(0, i - w), nb = std::min(n, i + w + 1);
      for (; b < nb; ++b) win.insert(std::upper_bound(win.begin(), win.end(), orig[b]), orig[b]);
      for (; a < na; ++a) win.erase(std::lower_bound(win.begin(), win.end(), orig[a]));
      const int size = static_cast<int>(win.size()), mid = size / 2;
      const double med = win[mid];
      // The scale is at least `floor`, so a value within 5 floors of the median is kept
      // whatever the MAD (the common case; the MAD walk below is skipped).
      if (orig[i] <= med + 5 * floor && orig[i] >= med - 5 * floor) continue;
      int l = mid - 1, r = mid;
      double mad = 0;
      for (int c = 0; c <= mid; ++c) {
        const bool left = l >= 0 && (r >= size || med - win[l] < win[r] - med);
        mad = left ? med - win[l--] : win[r++] - med;
      }
      double scale = std::max(1.4826 * mad, floor);
      double lo = med - 5 * scale, hi = med + 5 * scale;
      if (orig[i] > hi || orig[i] < lo) {
        y[i] = std::clamp(orig[i], lo, hi);
        ++rep.outliers_clipped;
      }
    }
  }
  if (report) *report = rep;
  return out;
}

}  // namespace tide::forecast
