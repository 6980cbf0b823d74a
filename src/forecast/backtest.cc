// backtest.cc: rolling-origin evaluation (backtest.h). Fit times are measured with
// std::chrono::steady_clock: a report figure, never an input to a forecast.
#include "forecast/backtest.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(m), v.end());
  double hi = v[m];
  if (v.size() % 2) return hi;
  return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<long>(m)));
}

struct Acc {
  std::vector<double> mase, mase_s, smape;
  double in80 = 0, in95 = 0, points = 0;
};

}  // namespace

Result<std::vector<ModelScore>> Backtest(const Series& s, const BacktestOptions& o) {
  const int n = static_cast<int>(s.values.size());
  const int h = StepsPer(o.horizon, s.step);
  const int hist = StepsPer(o.max_history, s.step);
  const int min_hist = StepsPer(o.min_history, s.step);
  const int stride = StepsPer(o.origin_stride, s.step);
  const int period = StepsPer(kDay, s.step);
  for (double lead : o.leads) {
    if (lead > o.horizon || lead < s.step) {
      return Status::InvalidInput(fmt::format(
          "backtest: lead {} s must lie in [{} s (one step); {} s (the horizon)]", lead, s.step, o.horizon));
    }
  }
  std::vector<std::unique_ptr<Model>> models;
  for (const auto& name : o.models) {
    auto m = MakeModel(name);
    if (!m.ok()) return m.status();
    models.push_back(std::move(m).value());
  }
  std::vector<std::vector<Acc>> acc(models.size(), std::vector<Acc>(o.leads.size()));
  std::vector<ModelScore> out(models.size());
  std::vector<double> total_ms(models.size(), 0);
  const int first = std::max(min_hist, static_cast<int>(std::ceil(n * (1 - o.eval_fraction))));
  for (int origin = first; origin + h <= n; origin += stride) {
    Series window;
    const int a = std::max(0, origin - hist);
    window.step = s.step;
    window.start = s.start + s.step * a;
    window.values.assign(s.values.begin() + a, s.values.begin() + origin);
    double q = 0, qs = 0;
    int nq = 0, nqs = 0;
    for (int t = 1; t < origin - a; ++t) {
      if (std::isnan(window.values[t]) || std::isnan(window.values[t - 1])) continue;
      q += std::fabs(window.values[t] - window.values[t - 1]), ++nq;
      if (t >= period && !std::isnan(window.values[t - period]))
        qs += std::fabs(window.values[t] - window.values[t - period]), ++nqs;
    }
    q = nq ? q / nq : 0;
    qs = nqs ? qs / nqs : 0;
    CleaningReport rep;
    Series clean = Clean(window, &rep);
    for (size_t m = 0; m < models.size(); ++m) {
      auto t0 = std::chrono::steady_clock::now();
      Status st = models[m]->Fit(clean);
      if (!st.ok()) {
        if (out[m].failures++ == 0) out[m].first_failure = st.message();
        continue;
      }
      Forecast f = models[m]->Predict(h);
      total_ms[m] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ++out[m].origins;
      for (size_t l = 0; l < o.leads.size(); ++l) {
        const int k_max = StepsPer(o.leads[l], s.step);
        double ae = 0, sm = 0;
        int cnt = 0;
        Acc& ac = acc[m][l];
        for (int k = 0; k < k_max; ++k) {
          double y = s.values[origin + k];
          if (std::isnan(y)) continue;
          double e = std::fabs(y - f.mean[k]);
          ae += e;
          double d = std::fabs(y) + std::fabs(f.mean[k]);
          sm += d > 0 ? 200 * e / d : 0;
          ++cnt;
          ac.in80 += (y >= f.lo80[k] && y <= f.hi80[k]);
          ac.in95 += (y >= f.lo95[k] && y <= f.hi95[k]);
          ac.points += 1;
        }
        if (!cnt) continue;
        if (q > 0) ac.mase.push_back(ae / cnt / q);
        if (qs > 0) ac.mase_s.push_back(ae / cnt / qs);
        ac.smape.push_back(sm / cnt);
      }
    }
  }
  bool any = false;
  for (size_t m = 0; m < models.size(); ++m) {
    out[m].model = o.models[m];
    out[m].fit_ms = out[m].origins ? total_ms[m] / out[m].origins : 0;
    any = any || out[m].origins > 0;
    for (size_t l = 0; l < o.leads.size(); ++l) {
      const Acc& ac = acc[m][l];
      LeadScore ls;
      ls.lead = o.leads[l];
      ls.mase = Median(ac.mase);
      ls.mase_seasonal = Median(ac.mase_s);
      ls.smape = Median(ac.smape);
      ls.coverage80 = ac.points ? ac.in80 / ac.points : std::nan("");
      ls.coverage95 = ac.points ? ac.in95 / ac.points : std::nan("");
      out[m].leads.push_back(ls);
    }
  }
  if (!any) {
    // Origins there were, but no model could fit at any: say so, not that the series is short.
    for (const ModelScore& m : out) {
      if (m.failures == 0) continue;
      return Status::InvalidInput(
          fmt::format("backtest: {} failed to fit at all {} origins (the first: {})", m.model,
                      m.failures, m.first_failure));
    }
    return Status::InvalidInput(fmt::format(
        "backtest: no origin has {} s of history and {} s of actuals after it in the last {:.0f} % "
        "of a series of {} steps of {} s",
        o.min_history, o.horizon, 100 * o.eval_fraction, n, s.step));
  }
  return out;
}

}  // namespace tide::forecast
