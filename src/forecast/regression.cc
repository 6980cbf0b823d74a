// regression.cc: "regression" — calendar profile plus a decaying correction for the recent level.
//
// The calendar part is the least-squares fit of indicator features (time-of-day slot, and
// day-of-week x time-of-day slot), computed in closed form as (exponentially weighted) cell
// means, smoothed over neighbouring slots:
//   day(t)   = EW mean of y at t - P, t - 2P, ... (weight 0.8 per day back), averaged over
//              +/- 2 slots;                                  P = steps per day
//   week(t)  = EW mean of y at t - W, t - 2W, ... minus day() at those times, averaged over
//              +/- 30 minutes and shrunk by c / (c + 1) (c = weeks seen); only when weekly
//              seasonality is detected.                      W = steps per week
//   prof(t)  = day(t) + week(t)
// Every term uses only values before the forecast origin, so backtests inside the fitting
// window are honest. The recent level enters as dev(o) = mean of (y - prof) over the last L
// steps before origin o, and
//   yhat(o + k) = prof(o + k) + beta_k dev(o)
// with beta_k the no-intercept least-squares slope of the realised deviation at lead k on
// dev(o) over all origins of the fitting window (at anchor leads, interpolated), and L chosen
// from {15, 30, 60} minutes by the absolute error at a lead of one hour.
// Worked example: prof = 100 at the target, the last 30 minutes ran 20 above their profile,
// beta = 0.6 at that lead: yhat = 112.
#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

constexpr double kDecay = 0.8;

class Regression final : public PathModel {
 public:
  std::string name() const override { return "regression"; }

  Status Fit(const Series& s) override {
    const auto& y = s.values;
    n_ = static_cast<int>(y.size());
    p_ = StepsPer(kDay, s.step);
    w_ = StepsPer(kWeek, s.step);
    if (n_ < p_ + 2 || p_ < 2) {
      return Status::InvalidInput(fmt::format(
          "regression: needs more than one day of history ({} steps of {} s); got {}", p_ + 1,
          s.step, n_));
    }
    fitted_ = s;
    auto seasons = DetectSeasonality(s);  // s is clean: detection skips its own cleaning
    weekly_ = std::find(seasons.begin(), seasons.end(), w_) != seasons.end() && n_ >= w_ + p_;
    BuildProfiles(y);
    // One-step residuals from the profile as of each time, and their prefix sums.
    res_cum_.assign(n_ + 1, 0);
    for (int t = 0; t < n_; ++t) res_cum_[t + 1] = res_cum_[t] + (t >= p_ ? y[t] - Prof(t, t) : 0);
    std::vector<int> cands;
    for (double sec : {900.0, 1800.0, 3600.0}) {
      int l = StepsPer(sec, s.step);
      if (cands.empty() || cands.back() != l) cands.push_back(l);
    }
    const int hour = StepsPer(3600, s.step) - 1;
    double best = -1;
    for (int l : cands) {
      l_ = l;
      double sse = 0;
      FitBeta(hour, &sse);
      if (best < 0 || sse < best) best = sse, best_l_ = l;
    }
    l_ = best_l_;
    anchors_.clear();
    betas_.clear();
    const int max_lead = std::min(2 * p_, std::max(1, n_ - p_ - l_ - 2));
    for (double a = 0; a < max_lead; a = std::max(a + 1, std::floor(a * 1.5))) {
      anchors_.push_back(static_cast<int>(a));
      betas_.push_back(FitBeta(static_cast<int>(a), nullptr));
    }
    // beta_k per lead up to the last anchor (linear between anchors); beyond it, the last.
    beta_of_lead_.assign(anchors_.empty() ? 0 : anchors_.back() + 1, 0.0);
    size_t a = 0;
    for (int k = 0; k < static_cast<int>(beta_of_lead_.size()); ++k) {
      while (a + 1 < anchors_.size() && anchors_[a + 1] <= k) ++a;
      double beta = betas_[a];
      if (a + 1 < anchors_.size()) {
        double f = static_cast<double>(k - anchors_[a]) / (anchors_[a + 1] - anchors_[a]);
        beta += f * (betas_[a + 1] - betas_[a]);
      }
      beta_of_lead_[k] = beta;
    }
    return Status::Ok();
  }

  int min_origin() const override { return std::min(n_, p_ + l_); }

  void PathAt(int origin, const int* leads, int count, double* out, int stride) const override {
    const double dev = Dev(origin);
    const int nb = static_cast<int>(beta_of_lead_.size());
    for (int i = 0; i < count; ++i) {
      const int k = leads[i];
      const double beta = k < nb ? beta_of_lead_[k] : (betas_.empty() ? 0 : betas_.back());
      out[i * stride] = Prof(origin, origin + k) + beta * dev;
    }
  }

 private:
  void BuildProfiles(const std::vector<double>& y) {
    day_.assign(n_, 0);
    std::vector<double> e(n_), c(n_);
    for (int t = 0; t < n_; ++t) {
      e[t] = y[t] + (t >= p_ ? kDecay * e[t - p_] : 0);
      c[t] = 1 + (t >= p_ ? kDecay * c[t - p_] : 0);
      day_[t] = e[t] / c[t];
    }
    day_cum_.assign(n_ + 1, 0);
    for (int t = 0; t < n_; ++t) day_cum_[t + 1] = day_cum_[t] + day_[t];
    adj_cum_.assign(n_ + 1, 0);
    wcount_.assign(n_, 0);
    if (!weekly_) return;
    std::vector<double> ew(n_), cw(n_), dw(n_);
    for (int t = 0; t < n_; ++t) {
      // Deviation of y from the daily mean of the days before it.
      double d = t >= p_ ? y[t] - day_[t - p_] : 0;
      ew[t] = d + (t >= w_ ? kDecay * ew[t - w_] : 0);
      cw[t] = (t >= p_ ? 1 : 0) + (t >= w_ ? kDecay * cw[t - w_] : 0);
      wcount_[t] = cw[t];
      adj_cum_[t + 1] = adj_cum_[t] + (cw[t] > 0 ? ew[t] / cw[t] : 0);
    }
    half_ = StepsPer(1800, fitted_.step);
  }

  // Latest index <= origin - 1 in the same phase as u (period `per`), or u itself if u < origin.
  static int Latest(int origin, int u, int per) {
    if (u < origin) return u;
    if (u < origin + per) return u - per;  // the common case, without a division
    return u - per * ((u - origin + per) / per);
  }

  // Profile of time t as known at `origin` (t >= origin - something; uses data < origin).
  double Prof(int origin, int t) const {
    double sum = 0;
    int cnt = 0;
    if (t - 2 >= 0 && t + 2 < origin) {  // every neighbour is before the origin: itself
      sum = day_cum_[t + 3] - day_cum_[t - 2], cnt = 5;
    } else if (t - 2 >= origin && t + 2 < origin + p_ && t + 2 - p_ < n_) {  // one day back
      sum = day_cum_[t + 3 - p_] - day_cum_[t - 2 - p_], cnt = 5;
    } else {
      for (int d = -2; d <= 2; ++d) {
        int j = Latest(origin, t + d, p_);
        if (j < 0 || j >= n_ || t + d < 0) continue;
        // day_[j] includes y[j]; for a target after the origin that is the last known day.
        sum += day_[j], ++cnt;
      }
    }
    double v = cnt ? sum / cnt : 0;
    if (weekly_) {
      int jw = Latest(origin, t, w_);
      if (jw >= p_) {
        int a = std::max(0, jw - half_), b = std::min({jw + half_, origin - 1, n_ - 1});
        if (b >= a) {
          double c = wcount_[jw];
          v += (adj_cum_[b + 1] - adj_cum_[a]) / (b - a + 1) * c / (c + 1);
        }
      }
    }
    return v;
  }

  double Dev(int origin) const {
    int a = std::max(p_, origin - l_);
    if (origin <= a) return 0;
    return (res_cum_[origin] - res_cum_[a]) / (origin - a);
  }

  // Least-squares slope of the lead-k deviation on dev(o), over origins every few steps.
  double FitBeta(int k, double* sse) const {
    const auto& y = fitted_.values;
    const int stride = std::max(1, p_ / 48);
    double sxy = 0, sxx = 0;
    std::vector<std::pair<double, double>> xr;
    for (int o = p_ + l_; o + k < n_; o += stride) {
      double x = Dev(o), r = y[o + k] - Prof(o, o + k);
      sxy += x * r, sxx += x * x;
      if (sse) xr.push_back({x, r});
    }
    double beta = sxx > 0 ? std::clamp(sxy / sxx, 0.0, 1.2) : 0;
    if (sse) {
      *sse = 0;
      for (auto [x, r] : xr) *sse += std::fabs(r - beta * x);
    }
    return beta;
  }

  int n_ = 0, p_ = 1, w_ = 1, l_ = 1, best_l_ = 1, half_ = 1;
  bool weekly_ = false;
  std::vector<double> day_, day_cum_, adj_cum_, wcount_, res_cum_;
  std::vector<int> anchors_;
  std::vector<double> betas_, beta_of_lead_;
};

}  // namespace

std::unique_ptr<PathModel> NewRegression(double /*utc_offset*/) {
  return std::make_unique<Regression>();
}

}  // namespace tide::forecast
