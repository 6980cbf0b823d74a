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
  void PathAt(int origin, const int* leads, int count, double* out, int stride) const override {
    for (int i = 0; i < count; ++i) {
      const int k = leads[i];
      out[i * stride] = fitted_.values[origin + k - (k < m_ ? m_ : m_ * ((k + m_) / m_))];
    }
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
  void PathAt(int origin, const int* /*leads*/, int count, double* out, int stride) const override {
    int a = std::max(0, origin - w_);
    double sum = 0;
    for (int i = a; i < origin; ++i) sum += fitted_.values[i];
    const double v = origin > a ? sum / (origin - a) : 0.0;
    for (int i = 0; i < count; ++i) out[i * stride] = v;
  }

 private:
  int w_ = 1;
};

// "level_seasonal": the recent level carried along the daily shape,
//   yhat(o + k) = mean(y[o-L .. o-1]) + D(o + k) - mean(D[o-L .. o-1]),
// L = 50 minutes (>= 1 step), D(t) = the mean of y at the same time of day on the last 3 days
// before the origin, averaged over +/- 10 minutes (+/- 2 slots at 5 minutes, none at hourly
// steps, where a neighbouring slot is another part of the day). The moving average plus the change the daily
// cycle makes from the last 50 minutes to the target: a level-following member that still
// turns with the day. Worked example: last 50 min averaged 80, the days before ran 90 over
// those 50 minutes and 120 at the target: yhat = 80 + 120 - 90 = 110.
class LevelSeasonal final : public PathModel {
 public:
  std::string name() const override { return "level_seasonal"; }
  Status Fit(const Series& s) override {
    p_ = StepsPer(kDay, s.step);
    w_ = std::max(1, static_cast<int>(std::lround(3000 / s.step)));
    half_ = static_cast<int>(std::lround(600 / s.step));
    if (w_ < 3) {  // at 20-minute steps or coarser the "level" is one or two values, and the
      // model degenerates to y(o-1) + y(o+k-P) - y(o-1-P), whose error variance is doubled.
      return Status::InvalidInput(fmt::format(
          "level_seasonal: needs steps of at most 1000 s (a 50-minute mean of >= 3 values); got {} s",
          s.step));
    }
    if (static_cast<int>(s.values.size()) < p_ + w_ + 2 || p_ < 5) {
      return Status::InvalidInput(fmt::format(
          "level_seasonal: needs a day and 50 minutes of history ({} steps of {} s); got {}",
          p_ + w_ + 2, s.step, s.values.size()));
    }
    fitted_ = s;
    // tri_[j], cnt_[j]: the sum and count of y at j, j - P, j - 2P (those >= 0).
    const int n = static_cast<int>(s.values.size());
    tri_.assign(n, 0);
    cnt_.assign(n, 0);
    for (int j = 0; j < n; ++j)
      for (int r = 0, i = j; r < 3 && i >= 0; ++r, i -= p_) tri_[j] += s.values[i], ++cnt_[j];
    tri_cum_.assign(n + 1, 0);
    cnt_cum_.assign(n + 1, 0);
    for (int j = 0; j < n; ++j) tri_cum_[j + 1] = tri_cum_[j] + tri_[j], cnt_cum_[j + 1] = cnt_cum_[j] + cnt_[j];
    return Status::Ok();
  }
  int min_origin() const override { return p_ + w_ + 2; }
  void PathAt(int origin, const int* leads, int count, double* out, int stride) const override {
    double level = 0, base = 0;
    for (int i = origin - w_; i < origin; ++i) level += fitted_.values[i], base += D(origin, i);
    level /= w_, base /= w_;
    for (int i = 0; i < count; ++i)
      out[i * stride] = std::max(0.0, level + D(origin, origin + leads[i]) - base);
  }

 private:
  // Daily profile at time t as known before `origin`.
  double D(int origin, int t) const {
    // Common case: every neighbour u = t +/- half lies in [P, origin + P), so its slot is
    // u - P and the slots are contiguous: a difference of prefix sums.
    if (t - half_ >= p_ && t + half_ < origin + p_) {
      const int a = t - half_ - p_, b = t + half_ - p_ + 1;
      const int c = cnt_cum_[b] - cnt_cum_[a];
      return c ? (tri_cum_[b] - tri_cum_[a]) / c : 0;
    }
    double sum = 0;
    int cnt = 0;
    for (int d = -half_; d <= half_; ++d) {
      int u = t + d;
      // The latest time before origin in u's phase (no division in the common cases).
      int j = u < origin + p_ ? u - p_ : u - p_ * ((u - origin + p_) / p_);
      if (j >= 0) sum += tri_[j], cnt += cnt_[j];
    }
    return cnt ? sum / cnt : 0;
  }
  int p_ = 1, w_ = 1, half_ = 0;
  std::vector<double> tri_, tri_cum_;
  std::vector<int> cnt_, cnt_cum_;
};

}  // namespace

std::unique_ptr<PathModel> NewLevelSeasonal() { return std::make_unique<LevelSeasonal>(); }
std::unique_ptr<PathModel> NewSeasonalNaive(std::string name, double period_seconds) {
  return std::make_unique<SeasonalNaive>(std::move(name), period_seconds);
}
std::unique_ptr<PathModel> NewMovingAverage() { return std::make_unique<MovingAverage>(); }

}  // namespace tide::forecast
