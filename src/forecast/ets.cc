// ets.cc: Holt-Winters exponential smoothing, ETS(A,Ad,A) or ETS(A,Ad,M), damped trend.
//
// Error-correction form (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice",
// 3rd ed., section 8.3), with mu = l + phi b and s = the seasonal state one period back:
//   additive:        yhat = mu + s;  e = y - yhat;  l' = mu + a e;  b' = phi b + b_ e;
//                    s_new = s + g e
//   multiplicative:  yhat = mu s;    e = y - yhat;  l' = mu + a e / s;  b' = phi b + b_ e / s;
//                    s_new = s + g e / mu
// The forecast h steps from the last state is l + (phi + ... + phi^h) b, plus or times the
// seasonal state of the target's slot. The filter runs these equations rewritten in mu (the
// same model; Filter below), so that one step depends on the last through one multiply-add.
// alpha in [0.01, 0.99], beta = alpha * f with f in [0, 0.5] (so beta <= alpha), gamma in
// [0, 0.5], phi in [0.8, 0.98] are fitted by Nelder-Mead on the one-step sum of squared errors
// (over the whole window; the ensemble's member over its last 10 days, ensemble.cc).
// The seasonal period is one day when the series holds two days, else none (damped Holt).
// Multiplicative seasonality is used when the series is positive and the daily spread grows
// with the daily mean (correlation of per-day means and standard deviations > 0.5): one
// optimisation instead of two keeps the fit within the speed budget.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

struct Params {
  double alpha, beta, gamma, phi;
};

class Ets final : public PathModel {
 public:
  explicit Ets(int fit_days) : fit_days_(fit_days) {}
  std::string name() const override { return "ets"; }

  Status Fit(const Series& s) override {
    const auto& y = s.values;
    const int n = static_cast<int>(y.size());
    if (n < 4) return Status::InvalidInput(fmt::format("ets: needs at least 4 values; got {}", n));
    fitted_ = s;
    const int p = StepsPer(kDay, s.step);
    m_ = (n >= 2 * p && p >= 2) ? p : 0;
    mult_ = m_ > 0 && ChooseMultiplicative(y, m_);
    // The parameters are fitted on the last fit_days_ days at most (the first two initialise
    // the states; 0 = the whole window); the states then run over the whole window with them
    // (the seasonal states converge slowly: on NYC taxi, keeping only the fitted run's states
    // made auto's 24 h error 11 % larger). Where that longer run diverges — it starts from
    // states the optimiser never saw — the states are those of the fitted run instead. (On
    // NYC taxi 297 of 2,040 hourly origins had a multiplicative fit, alpha 0.99 and phi 0.8,
    // whose whole-window run drove the level to 0.01 at a morning ramp and one slot's seasonal
    // factor to 1e25: 1e24 in the ensemble's 95 % bounds, or in its mean 14 hours ahead.)
    const int fit_n = m_ > 0 && fit_days_ > 0 ? std::min(n, fit_days_ * m_) : n;
    fitted_.values.assign(y.end() - fit_n, y.end());
    Initialise(fitted_.values);
    auto sse = [&](const std::vector<double>& x) {
      return Run(Params{x[0], x[0] * x[1], x[2], x[3]}, false);
    };
    auto optimise = [&] {
      return NelderMead(sse, {0.5, 0.1, 0.05, 0.95}, {0.01, 0, 0, 0.8},
                        {0.99, 0.5, m_ > 0 ? 0.5 : 0.0, 0.98}, 100, 1e-4);
    };
    std::vector<double> best = optimise();
    // No admissible multiplicative parameters (the level falls to zero somewhere under every
    // set the optimiser tried; Filter): the season is additive, whose filter cannot.
    if (mult_ && sse(best) >= kInadmissible) {
      mult_ = false;
      Initialise(fitted_.values);
      best = optimise();
    }
    params_ = Params{best[0], best[0] * best[1], best[2], best[3]};
    offset_ = 0;
    fitted_ = s;
    Initialise(y);
    if (Run(params_, true) >= kInadmissible) {
      offset_ = n - fit_n;
      fitted_.values.assign(y.end() - fit_n, y.end());
      Initialise(fitted_.values);
      Run(params_, true);
      fitted_ = s;
    }
    damp_.resize(std::max(2 * m_, 600));
    for (size_t k = 0; k < damp_.size(); ++k)
      damp_[k] = (k > 0 ? damp_[k - 1] : 0) * params_.phi + params_.phi;
    return Status::Ok();
  }

  int min_origin() const override { return offset_ + std::max(2, m_); }

  void PathAt(int origin, const int* leads, int count, double* out, int stride) const override {
    origin -= offset_;  // the states start at offset_ (Fit)
    const double l = level_[origin], b = trend_[origin];
    // damp = phi + phi^2 + ... + phi^(k+1): from the table up to its end, then accumulated.
    const int cached = static_cast<int>(damp_.size());
    double damp = cached > 0 ? damp_.back() : 0;
    int done = cached - 1;  // damp holds the sum for lead `done`
    for (int i = 0; i < count; ++i) {
      const int k = leads[i];
      if (k < cached) {
        damp = damp_[k];
        done = k;
      } else {
        for (; done < k; ++done) damp = damp * params_.phi + params_.phi;
      }
      double mu = l + damp * b;
      if (m_ == 0) {
        out[i * stride] = mu;
        continue;
      }
      int j = origin + k - (k < m_ ? m_ : m_ * ((k + m_) / m_));  // no division in the first period
      double sv = j >= 0 ? season_[j] : init_season_[((j % m_) + m_) % m_];
      out[i * stride] = mult_ ? mu * sv : mu + sv;
    }
  }

  EtsFit fit() const { return {params_.alpha, params_.beta, params_.gamma, params_.phi, mult_, m_}; }

 private:
  static bool ChooseMultiplicative(const std::vector<double>& y, int m) {
    const int days = static_cast<int>(y.size()) / m;
    if (days < 3) return false;
    if (*std::min_element(y.begin(), y.end()) <= 0) return false;
    std::vector<double> mu(days), sd(days);
    for (int d = 0; d < days; ++d) {
      double s = 0, ss = 0;
      for (int i = d * m; i < (d + 1) * m; ++i) s += y[i], ss += y[i] * y[i];
      mu[d] = s / m;
      sd[d] = std::sqrt(std::max(0.0, ss / m - mu[d] * mu[d]));
    }
    double am = 0, as = 0;
    for (int d = 0; d < days; ++d) am += mu[d] / days, as += sd[d] / days;
    double c = 0, vm = 0, vs = 0;
    for (int d = 0; d < days; ++d)
      c += (mu[d] - am) * (sd[d] - as), vm += (mu[d] - am) * (mu[d] - am), vs += (sd[d] - as) * (sd[d] - as);
    return vm > 0 && vs > 0 && c / std::sqrt(vm * vs) > 0.5;
  }

  // Initial states: level = mean of the first period (or first 4 values), trend = change of
  // the period means over the first two periods per step, seasonals = mean deviation (or
  // ratio) of each slot from its period's mean over the first two periods.
  void Initialise(const std::vector<double>& y) {
    const int n = static_cast<int>(y.size());
    int m = m_ > 0 ? m_ : std::min(n, 4);
    double a = 0, b = 0;
    for (int i = 0; i < m; ++i) a += y[i] / m;
    bool two = n >= 2 * m;
    if (two)
      for (int i = m; i < 2 * m; ++i) b += y[i] / m;
    l0_ = a;
    b0_ = two ? (b - a) / m : 0;
    init_season_.assign(std::max(m_, 1), mult_ ? 1.0 : 0.0);
    for (int i = 0; i < m_; ++i) {
      if (mult_) init_season_[i] = 0.5 * (y[i] / a + y[i + m_] / b);
      else init_season_[i] = 0.5 * ((y[i] - a) + (y[i + m_] - b));
    }
  }

  // Runs the filter; returns the one-step SSE. With `keep`, stores the state at every origin.
  double Run(const Params& p, bool keep) {
    if (keep) return mult_ ? Filter<true, true>(p) : Filter<false, true>(p);
    if (!mult_ && m_ > 0) return SseAdditivePairs(p);
    return mult_ ? Filter<true, false>(p) : Filter<false, false>(p);
  }

  // The one-step SSE of the additive seasonal filter (what Filter<false, false> returns, up to
  // rounding), two steps at a time: with r = 1 the state update is linear with a constant
  // matrix, x' = M x + (c, b_) z with x = (mu, b) and M = [[1 - c, phi^2], [-b_, phi]], so
  //   x(t+2) = M^2 x(t) + M (c, b_) z(t) + (c, b_) z(t+1)
  // and the chain from one pair to the next is one multiply and two adds for two steps. The
  // forecast mu(t+1) that the second step's error needs is computed off that chain.
  double SseAdditivePairs(const Params& p) {
    const auto& y = fitted_.values;
    const int n = static_cast<int>(y.size());
    std::vector<double> seas = init_season_;
    const double phi = p.phi, beta = p.beta, g = p.gamma;
    const double c = p.alpha + phi * beta, phi2 = phi * phi, a = 1 - c;
    const double p11 = a * a - phi2 * beta, p12 = a * phi2 + phi2 * phi;
    const double p21 = -beta * a - phi * beta, p22 = phi * phi - beta * phi2;
    const double k1 = a * c + phi2 * beta, k2 = phi * beta - beta * c;
    double b = b0_, mu = l0_ + phi * b0_, sse = 0;
    int slot = 0;
    int t = 0;
    for (; t + 1 < n; t += 2) {
      const int slot1 = slot + 1 == m_ ? 0 : slot + 1;
      const double sv0 = seas[slot], sv1 = seas[slot1];
      const double z0 = y[t] - sv0, z1 = y[t + 1] - sv1;
      const double mu1 = a * mu + (phi2 * b + c * z0);
      const double e0 = z0 - mu, e1 = z1 - mu1;
      sse += e0 * e0 + e1 * e1;
      seas[slot] = sv0 + g * e0;
      seas[slot1] = sv1 + g * e1;
      const double kmu = k1 * z0 + c * z1, kb = k2 * z0 + beta * z1;
      const double mu2 = p11 * mu + (p12 * b + kmu);
      b = p22 * b + (p21 * mu + kb);
      mu = mu2;
      slot = slot1 + 1 == m_ ? 0 : slot1 + 1;
    }
    if (t < n) {  // an odd last step
      const double sv = seas[slot], e = y[t] - sv - mu;
      sse += e * e;
    }
    return std::isfinite(sse) ? sse : kInadmissible;
  }

  // The filter specialised at compile time (it is the inner loop of the fit); the seasonal
  // slot is a counter, not a division per step. It is the equations above rewritten so that
  // one step's forecast depends on the last one through a single multiply-add (the fit is
  // bound by this chain's latency, not by arithmetic): with z = y / s, r = s / max(s, 1e-6)
  // (= 1 unless s is clamped) in the multiplicative case, z = y - s, r = 1 in the additive one,
  // the scaled error is e' = z - r mu (= e / s, or e), and
  //   l' = mu + a e',   b' = phi b + b_ e',   mu' = l' + phi b' = mu + (a + phi b_) e' + phi^2 b
  //      = (1 - c r) mu + phi^2 b + c z   with c = a + phi b_;   b' = phi b + b_ z - b_ r mu.
  // The stored level is l = mu - phi b.
  template <bool kMult, bool kKeep>
  double Filter(const Params& p) {
    const auto& y = fitted_.values;
    const int n = static_cast<int>(y.size());
    std::vector<double> seas = init_season_;
    double b = b0_, mu = l0_ + p.phi * b0_, sse = 0;
    if (kKeep) level_.resize(n + 1), trend_.resize(n + 1), season_.resize(n);
    const bool seasonal = m_ > 0;
    const double none = kMult ? 1.0 : 0.0;
    const double c = p.alpha + p.phi * p.beta, phi2 = p.phi * p.phi;
    int slot = 0;
    bool diverged = false;
    for (int t = 0; t < n; ++t) {
      if (kKeep) level_[t] = mu - p.phi * b, trend_[t] = b;
      const double sv = seasonal ? seas[slot] : none;
      double z, r, e;
      if (kMult) {
        // A level at or below zero makes no sense for positive data, and the seasonal update
        // (e / mu) explodes near it: such a run is inadmissible (as R's ets rejects a
        // non-finite likelihood), and so is a kept run whose seasonal factors explode.
        if (mu <= 0 || (kKeep && !(sv < kMaxSeasonFactor))) diverged = true;
        // 1/s does not depend on this step's level, so it stays off the chain.
        const double inv = 1.0 / std::max(sv, 1e-6);
        z = y[t] * inv, r = sv * inv, e = y[t] - mu * sv;
        if (seasonal) seas[slot] = sv + p.gamma * e / std::max(mu, 1e-9);
      } else {
        z = y[t] - sv, r = 1, e = z - mu;
        if (seasonal) seas[slot] = sv + p.gamma * e;
      }
      sse += e * e;
      const double mu_next = (1 - c * r) * mu + (phi2 * b + c * z);
      b = (p.phi * b + p.beta * z) - (p.beta * r) * mu;
      mu = mu_next;
      if (kKeep && seasonal) season_[t] = seas[slot];
      if (seasonal && ++slot == m_) slot = 0;
    }
    if (kKeep) level_[n] = mu - p.phi * b, trend_[n] = b;
    return std::isfinite(sse) && std::isfinite(mu) && !diverged ? sse : kInadmissible;
  }

  // The one-step SSE of parameters the fit must not choose.
  static constexpr double kInadmissible = 1e300;
  // A multiplicative seasonal factor above this (a slot 50 times its day's level) means the
  // filter has diverged; on the 100 forecast_vs_r origins the largest factor of a run that
  // did not diverge was 4.9.
  static constexpr double kMaxSeasonFactor = 50;

  int fit_days_ = 0;
  int offset_ = 0;  // index in the series of the states' first value (0, or the fitted run's)
  int m_ = 0;
  bool mult_ = false;
  double l0_ = 0, b0_ = 0;
  Params params_{0.5, 0, 0, 0.95};
  std::vector<double> init_season_, level_, trend_, season_;
  std::vector<double> damp_;  // damp_[k] = phi + ... + phi^(k+1), for the paths' leads
};

}  // namespace

std::unique_ptr<PathModel> NewEts(int fit_days) { return std::make_unique<Ets>(fit_days); }

Result<EtsFit> FitEtsParameters(const Series& s) {
  Ets m(0);
  if (Status st = m.Fit(s); !st.ok()) return st;
  return m.fit();
}

}  // namespace tide::forecast
