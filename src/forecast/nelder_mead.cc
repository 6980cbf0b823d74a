// nelder_mead.cc: derivative-free minimisation in a box, for fitting ETS parameters.
// Source: J. A. Nelder and R. Mead, "A simplex method for function minimization" (1965),
// with the usual coefficients reflection 1, expansion 2, contraction 0.5, shrink 0.5.
// Points outside the box are clamped onto it, which keeps smoothing parameters valid.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "forecast/internal.h"

namespace tide::forecast {

std::vector<double> NelderMead(const std::function<double(const std::vector<double>&)>& f,
                               std::vector<double> x0, const std::vector<double>& lo,
                               const std::vector<double>& hi, int max_evals, double ftol) {
  const size_t d = x0.size();
  auto clamp = [&](std::vector<double> x) {
    for (size_t i = 0; i < d; ++i) x[i] = std::clamp(x[i], lo[i], hi[i]);
    return x;
  };
  std::vector<std::vector<double>> pts(d + 1, clamp(x0));
  for (size_t i = 0; i < d; ++i) {
    double delta = 0.25 * (hi[i] - lo[i]);
    pts[i + 1][i] = pts[i + 1][i] + delta <= hi[i] ? pts[i + 1][i] + delta : pts[i + 1][i] - delta;
  }
  std::vector<double> fv(d + 1);
  int evals = 0;
  for (size_t i = 0; i <= d; ++i) fv[i] = f(pts[i]), ++evals;
  std::vector<size_t> idx(d + 1);
  while (evals < max_evals) {
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return fv[a] < fv[b]; });
    size_t best = idx[0], worst = idx[d], second = idx[d - 1];
    if (std::fabs(fv[worst] - fv[best]) <= ftol * (std::fabs(fv[best]) + 1e-12)) break;
    std::vector<double> c(d, 0);
    for (size_t i = 0; i <= d; ++i)
      if (i != worst)
        for (size_t j = 0; j < d; ++j) c[j] += pts[i][j] / static_cast<double>(d);
    auto along = [&](double t) {
      std::vector<double> x(d);
      for (size_t j = 0; j < d; ++j) x[j] = c[j] + t * (pts[worst][j] - c[j]);
      return clamp(x);
    };
    auto xr = along(-1);
    double fr = f(xr);
    ++evals;
    if (fr < fv[best]) {
      auto xe = along(-2);
      double fe = f(xe);
      ++evals;
      if (fe < fr) pts[worst] = xe, fv[worst] = fe;
      else pts[worst] = xr, fv[worst] = fr;
    } else if (fr < fv[second]) {
      pts[worst] = xr, fv[worst] = fr;
    } else {
      auto xc = fr < fv[worst] ? along(-0.5) : along(0.5);
      double fc = f(xc);
      ++evals;
      if (fc < std::min(fr, fv[worst])) {
        pts[worst] = xc, fv[worst] = fc;
      } else {
        for (size_t i = 0; i <= d; ++i) {
          if (i == best) continue;
          for (size_t j = 0; j < d; ++j) pts[i][j] = pts[best][j] + 0.5 * (pts[i][j] - pts[best][j]);
          fv[i] = f(pts[i]);
          ++evals;
        }
      }
    }
  }
  size_t best = static_cast<size_t>(std::min_element(fv.begin(), fv.end()) - fv.begin());
  return pts[best];
}

}  // namespace tide::forecast
