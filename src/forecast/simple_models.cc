// simple_models.cc: seasonal naive (daily, weekly) and the moving average.
#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

// yhat(o + k) = y(o + k - m * ceil((k + 1) / m)): the value one period (or as many whole
// periods as needed) before the target. Exact on a purely periodic series.
class SeasonalNaive final : public PathModel {
 public:
  SeasonalNaive(std::string name, double period) : name_(std::move(name)), period_(period) {}
  std::string name() const override { return name_; }
  Status Fit(const Series& s) override {
    m_ = StepsPer(period_, s.step);
    if (static_cast<int>(s.values.size()) < m_) {
      return Status::InvalidInput(fmt::format(
          "{}: needs one full period of history ({} steps of {} s); got {}", name_, m_, s.step,
          s.values.size()));
    }
    fitted_ = s;
    return Status::Ok();
  }
  int min_origin() const override { return m_; }
  std::vector<double> Path(int origin, int h) const override {
    std::vector<double> out(h);
    for (int k = 0; k < h; ++k) out[k] = fitted_.values[origin + k - m_ * ((k + m_) / m_)];
    return out;
  }

 private:
  std::string name_;
  double period_;
  int m_ = 1;
};

// The mean of the last 50 minutes (at least one step), flat over the horizon. The fallback
// for short history: it needs only one value.
class MovingAverage final : public PathModel {
 public:
  std::string name() const override { return "moving_average"; }
  Status Fit(const Series& s) override {
    if (s.values.empty()) return Status::InvalidInput("moving_average: the series is empty");
    w_ = std::max(1, static_cast<int>(std::lround(3000 / s.step)));
    fitted_ = s;
    return Status::Ok();
  }
  int min_origin() const override { return std::min<int>(w_, fitted_.values.size()); }
  std::vector<double> Path(int origin, int h) const override {
    int a = std::max(0, origin - w_);
    double sum = 0;
    for (int i = a; i < origin; ++i) sum += fitted_.values[i];
    return std::vector<double>(h, origin > a ? sum / (origin - a) : 0.0);
  }

 private:
  int w_ = 1;
};

}  // namespace

std::unique_ptr<PathModel> NewSeasonalNaive(std::string name, double period_seconds) {
  return std::make_unique<SeasonalNaive>(std::move(name), period_seconds);
}
std::unique_ptr<PathModel> NewMovingAverage() { return std::make_unique<MovingAverage>(); }

}  // namespace tide::forecast
