// rescale.cc: scale invariance of the public models (MakeModel wraps each one).
//
// The models are written for series at a natural level (arrivals per second, utilisation):
// a few absolute constants (a 1e-9 floor under interval scales, ensemble weights and MADs)
// and sums of squares (ETS's SSE, the regression's least squares, autocorrelations) assume
// it. Far from it they break: at a mean level near 1e154 squares overflow and every interval
// bound equals the mean; from about 1e160 the fits fail and the forecast was all zero; near
// 1e-300 squares underflow to zero. So a series whose mean absolute level lies outside
// [2^-20, 2^40] (about 1e-6 to 1.1e12) is fitted divided by the power of two 2^e that brings
// its level into [0.5, 1), and the forecast is multiplied back. Multiplying by a power of two
// is exact in binary floating point, so the forecast of x * 2^e is exactly 2^e times that of
// x, for any finite level; series inside the range are fitted as they are, bit for bit as
// before.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <memory>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

constexpr int kMinNaturalExponent = -20;  // levels below 2^-20 are scaled up
constexpr int kMaxNaturalExponent = 40;   // levels above 2^40 are scaled down

// 2^e x, at most DBL_MAX (a forecast past the largest double is that double, never inf).
double ScaleBack(double x, int e) {
  const double y = std::ldexp(x, e);
  return std::isfinite(y) ? y : (y > 0 ? DBL_MAX : y == -INFINITY ? -DBL_MAX : y);
}

class Rescaled final : public Model {
 public:
  explicit Rescaled(std::unique_ptr<Model> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name(); }
  Status Fit(const Series& s) override {
    exponent_ = LevelExponent(s.values);
    if (exponent_ == 0) return inner_->Fit(s);
    Series scaled = s;
    for (double& v : scaled.values) v = std::ldexp(v, -exponent_);  // NaN (a gap) stays NaN
    return inner_->Fit(scaled);
  }
  Forecast Predict(int horizon) const override {
    Forecast f = inner_->Predict(horizon);
    if (exponent_ == 0) return f;
    for (auto* v : {&f.mean, &f.lo80, &f.hi80, &f.lo95, &f.hi95})
      for (double& x : *v) x = ScaleBack(x, exponent_);
    return f;
  }

 private:
  std::unique_ptr<Model> inner_;
  int exponent_ = 0;
};

}  // namespace

int LevelExponent(const std::vector<double>& y) {
  // The mean of |v| over the finite values, computed relative to the largest one so that
  // neither the sum overflows nor tiny values underflow.
  double largest = 0;
  for (double v : y)
    if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
  if (!(largest > 0)) return 0;
  const int top = std::ilogb(largest);
  double sum = 0;
  size_t n = 0;
  for (double v : y) {
    if (!std::isfinite(v)) continue;
    sum += std::ldexp(std::fabs(v), -top);  // each <= 2
    ++n;
  }
  int e = 0;
  std::frexp(sum / static_cast<double>(n), &e);  // mean / 2^top = m 2^e, m in [0.5, 1)
  const int exponent = top + e;                  // level = m 2^exponent
  if (exponent - 1 >= kMinNaturalExponent && exponent <= kMaxNaturalExponent) return 0;
  return exponent;
}

std::unique_ptr<Model> WithRescaling(std::unique_ptr<Model> model) {
  return std::make_unique<Rescaled>(std::move(model));
}

}  // namespace tide::forecast
