// quantile.cc: Forecast::Quantile, read off the 80 % and 95 % bounds.
#include <algorithm>
#include <cmath>

#include "forecast/forecast.h"

namespace tide::forecast {
namespace {

// Inverse standard normal CDF. Source: P. J. Acklam's rational approximation (relative
// error < 1.2e-9), e.g. NormalQuantile(0.9) = 1.2816, NormalQuantile(0.975) = 1.9600.
double NormalQuantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549671058738022e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double pl = 0.02425;
  if (p < pl) {
    double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -NormalQuantile(1 - p);
  double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace

// The bounds are treated as the 10/90 % and 2.5/97.5 % points of a distribution that is
// normal on each side of the mean (a split normal): z = NormalQuantile(q) is mapped piecewise
// linearly through (0, mean), (1.2816, hi80), (1.96, hi95) and extrapolated beyond 1.96 with
// the 80->95 slope. Example: mean 100, hi80 120, hi95 130, q = 0.95 (z = 1.645):
// 120 + (1.645 - 1.2816) / (1.96 - 1.2816) * 10 = 125.4.
double Forecast::Quantile(size_t i, double q) const {
  q = std::clamp(q, 1e-6, 1 - 1e-6);
  const double z80 = 1.2815515655446004, z95 = 1.959963984540054;
  double z = NormalQuantile(q);
  double m = mean[i];
  double b80 = z >= 0 ? hi80[i] : lo80[i];
  double b95 = z >= 0 ? hi95[i] : lo95[i];
  double az = std::fabs(z);
  double v;
  if (az <= z80) {
    v = m + (b80 - m) * az / z80;
  } else {
    v = b80 + (b95 - b80) * (az - z80) / (z95 - z80);
  }
  return std::max(0.0, v);
}

}  // namespace tide::forecast
