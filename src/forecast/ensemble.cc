// ensemble.cc: "ensemble" / "auto" — the models weighted by their recent rolling-origin accuracy.
//
// Members: seasonal naive daily and weekly, ets, regression, moving_average and level_seasonal
// (simple_models.cc), each fitted on the whole window; a member whose Fit fails is left out.
// From every calibration origin (every hour over the last 7 days of the window, intervals.cc)
// each member forecasts from the data before the origin, at the leads the weights and the
// intervals read. At lead k a member's weight is proportional to MAE_k^-2, where MAE_k is the
// median over those origins (from 6 h ahead: those within 3 h of the forecast origin's time of
// day, see kSameTimeOfDaySeconds) of its mean absolute error at leads k +/- k/4 (anchor leads,
// weights interpolated between them): weights depend on the horizon, so the level-following
// models lead the first hour and the seasonal ones the day. The squared inverse favours the
// best member more than plain inverse MAE does while still averaging near-equals.
// The ensemble's own errors at the same origins give its intervals (intervals.cc).
// Fallback: history shorter than one day, or every member failing -> moving_average, with a
// note in Forecast::note.
#include <algorithm>
#include <cmath>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

constexpr double kWeightPower = 2;
// At leads of 6 hours and more a member's error is measured only from the calibration origins
// within 3 hours of the forecast origin's time of day (7 of every 24, 49 over the 7 days; all
// of them if fewer than 8). At short leads the error is mostly the recent level's noise, much
// the same at any hour, so every origin counts; far ahead it is how well the member's daily
// shape fits the part of the day being forecast, which differs between night and day (and,
// on WC98, between match hours and the rest). Measured on bench/forecast_vs_r: 1 h unchanged
// on every trace; MASE_s at 24 h better or equal on every trace (WC98 0.513 -> 0.360, NASA Jul
// 0.548 -> 0.536, Aug 0.759 -> 0.748, NYC 0.497 -> 0.466, iPSC 0.758 -> 0.758). The two
// constants were chosen from a handful of tries (3 h among 2-6 h; from 6 h or 12 h);
// applying it at every lead made 1 h worse on NASA Aug and NYC (docs/FORECASTING.md).
constexpr double kSameTimeOfDaySeconds = 3 * 3600;
constexpr double kSameTimeOfDayFromLead = 6 * 3600;
// Calibration origins every hour over the last 7 days (168 origins: 24 times of day, 7 days
// each), as the members' own intervals. Every 2 hours (84) was tried for speed and rejected:
// the 95 % intervals then covered 91 % on simulated noise (docs/FORECASTING.md, "Speed").
constexpr double kOriginStride = 3600;
// The ETS member's parameters are fitted on the last 10 days (its states still run over the
// whole window): fewer filter steps per evaluation of the fit. Shorter windows (4-8 days) were
// measured and rejected: WC98's 1 h error rose 4-10 % (docs/FORECASTING.md, "Speed"); `ets`
// alone keeps the whole window.
constexpr int kEtsFitDays = 10;

class Ensemble final : public Model {
 public:
  std::string name() const override { return "ensemble"; }

  Status Fit(const Series& s) override {
    fitted_ = s;
    members_.clear();
    note_.clear();
    const double seconds = s.step * static_cast<double>(s.values.size());
    if (seconds >= kDay) {
      std::vector<std::unique_ptr<PathModel>> all;
      all.push_back(NewSeasonalNaive("seasonal_naive_daily", kDay));
      if (seconds >= kWeek + kDay) all.push_back(NewSeasonalNaive("seasonal_naive_weekly", kWeek));
      all.push_back(NewEts(kEtsFitDays));
      all.push_back(NewRegression(0));
      all.push_back(NewMovingAverage());
      all.push_back(NewLevelSeasonal());
      for (auto& m : all)
        if (m->Fit(s).ok()) members_.push_back(std::move(m));
      if (members_.size() <= 1) note_ = "every seasonal model failed; moving_average fallback";
    } else {
      note_ = "history shorter than one day; moving_average fallback";
    }
    if (members_.size() <= 1) {
      members_.clear();
      members_.push_back(NewMovingAverage());
      return members_.front()->Fit(s);
    }
    return Status::Ok();
  }

  Forecast Predict(int horizon) const override {
    if (members_.size() == 1) {
      Forecast f = members_.front()->Predict(horizon);
      f.note = note_;
      return f;
    }
    const auto& y = fitted_.values;
    const int n = static_cast<int>(y.size());
    int min_origin = 0;
    for (const auto& m : members_) min_origin = std::max(min_origin, m->min_origin());
    std::vector<int> origins = CalibrationOrigins(n, min_origin, fitted_.step, kOriginStride);
    const std::vector<int> anchors = AnchorLeads(horizon);
    const std::vector<int> cal = CalibrationLeads(horizon, origins.size());
    // Only the leads the weights and the intervals read are forecast from the origins.
    std::vector<char> used(std::max(horizon, 0), 0);
    for (int k : anchors) {
      const WeightWindow ww = WeightWindowAt(k, horizon);
      for (int j = ww.lo; j <= ww.hi; j += ww.thin) used[j] = 1;
    }
    for (int j : cal) used[j] = 1;
    std::vector<int> leads, index_of(used.size(), -1);
    for (int j = 0; j < horizon; ++j)
      if (used[j]) index_of[j] = static_cast<int>(leads.size()), leads.push_back(j);
    const int nl = static_cast<int>(leads.size()), ncal = static_cast<int>(cal.size());
    const int nm = static_cast<int>(members_.size());
    const size_t no = origins.size();
    // Per origin, while its paths are in cache: each member's MAE over every anchor's weight
    // window (errs[a][m], one value per origin), and the paths at the calibration leads
    // (kept[i][j * nm + m] at cal[j]) for the ensemble's intervals. (Many small buffers rather
    // than a few large ones: a refit every simulated hour would otherwise fault fresh pages in.)
    std::vector<double> block(static_cast<size_t>(nl) * nm), acc(nm);
    std::vector<std::vector<std::vector<double>>> errs(anchors.size(), std::vector<std::vector<double>>(nm));
    for (auto& e : errs)
      for (auto& v : e) v.reserve(no);
    std::vector<std::vector<double>> kept(no);
    // Origins near the forecast origin's time of day (circular distance in the day).
    const int day = StepsPer(kDay, fitted_.step), tod_half = StepsPer(kSameTimeOfDaySeconds, fitted_.step);
    const int tod_from = StepsPer(kSameTimeOfDayFromLead, fitted_.step);
    std::vector<char> near(no, 1);
    size_t n_near = 0;
    for (size_t i = 0; i < no; ++i) {
      const int d = (n - origins[i]) % day;
      near[i] = std::min(d, day - d) <= tod_half;
      n_near += near[i];
    }
    if (n_near < 8) std::fill(near.begin(), near.end(), 1);
    for (size_t i = 0; i < no; ++i) {
      const int o = origins[i];
      for (int m = 0; m < nm; ++m) members_[m]->PathAt(o, leads.data(), nl, &block[m], nm);
      for (size_t a = 0; a < anchors.size(); ++a) {
        if (anchors[a] >= tod_from && !near[i]) continue;  // another time of day
        const WeightWindow ww = WeightWindowAt(anchors[a], horizon);
        std::fill(acc.begin(), acc.end(), 0.0);
        int cnt = 0;
        for (int j = ww.lo; j <= ww.hi; j += ww.thin) {
          if (o + j >= n) break;
          const double* p = &block[static_cast<size_t>(index_of[j]) * nm];
          const double yv = y[o + j];
          for (int m = 0; m < nm; ++m) acc[m] += std::fabs(yv - p[m]);
          ++cnt;
        }
        if (cnt == 0) continue;
        for (int m = 0; m < nm; ++m) errs[a][m].push_back(acc[m] / cnt);
      }
      kept[i].resize(static_cast<size_t>(ncal) * nm);
      for (int j = 0; j < ncal; ++j)
        std::copy_n(&block[static_cast<size_t>(index_of[cal[j]]) * nm], nm, &kept[i][static_cast<size_t>(j) * nm]);
    }
    std::vector<std::vector<double>> w = Weights(anchors, errs, horizon);
    std::vector<double> combined(no * ncal, 0);
    for (size_t i = 0; i < no; ++i)
      for (int j = 0; j < ncal; ++j) {
        const double* p = &kept[i][static_cast<size_t>(j) * nm];
        const std::vector<double>& wk = w[cal[j]];
        double c = 0;
        for (int m = 0; m < nm; ++m) c += wk[m] * p[m];
        combined[i * ncal + j] = c;
      }
    std::vector<double> mean(horizon, 0);
    for (int m = 0; m < nm; ++m) {
      std::vector<double> p = members_[m]->Path(n, horizon);
      for (int k = 0; k < horizon; ++k) mean[k] += w[k][m] * p[k];
    }
    double floor = LevelFloor(y);
    Forecast f = MakeForecast("ensemble", fitted_, std::move(mean),
                              QuantilesFromPaths(y, origins, cal, combined, horizon, floor), floor);
    f.note = note_;
    return f;
  }

 private:
  // A member's error at anchor lead k: its MAE over leads k +/- k/4, thinned to about 16 leads.
  struct WeightWindow {
    int lo, hi, thin;
  };
  static WeightWindow WeightWindowAt(int k, int h) {
    const int lo = std::max(0, k - k / 4), hi = k + k / 4;
    return {lo, std::min(hi, h - 1), std::max(1, (hi - lo + 1) / 16)};
  }

  // w[k][m]: weight of member m at lead k (sums to 1 over m), from the per-origin MAEs at the
  // anchors (errs[a][m] as in Predict; reordered here).
  std::vector<std::vector<double>> Weights(const std::vector<int>& anchors,
                                           std::vector<std::vector<std::vector<double>>>& errs,
                                           int h) const {
    const auto& y = fitted_.values;
    const int n = static_cast<int>(y.size());
    const size_t nm = members_.size();
    std::vector<std::vector<double>> aw;
    std::vector<double> last(nm, 1.0 / nm);
    double level = 0;
    for (double v : y) level += std::fabs(v) / n;
    for (size_t a = 0; a < anchors.size(); ++a) {
      // The median over origins of a member's MAE is its error at this lead (robust: a flash
      // crowd in one origin does not decide).
      std::vector<std::vector<double>>& per_origin = errs[a];
      if (per_origin[0].size() >= 8) {
        double total = 0;
        for (size_t m = 0; m < nm; ++m) {
          auto& v = per_origin[m];
          Select(v.data(), v.data() + v.size() / 2, v.data() + v.size());
          last[m] = std::pow(v[v.size() / 2] + 1e-9 * (level + 1e-9), -kWeightPower);
          total += last[m];
        }
        for (auto& v : last) v /= total;
      }
      aw.push_back(last);
    }
    std::vector<std::vector<double>> w(h, std::vector<double>(nm));
    size_t a = 0;
    for (int k = 0; k < h; ++k) {
      while (a + 1 < anchors.size() && anchors[a + 1] <= k) ++a;
      double f = a + 1 < anchors.size() ? static_cast<double>(k - anchors[a]) / (anchors[a + 1] - anchors[a]) : 0;
      for (size_t m = 0; m < nm; ++m)
        w[k][m] = aw[a][m] + (a + 1 < anchors.size() ? f * (aw[a + 1][m] - aw[a][m]) : 0);
    }
    return w;
  }

  Series fitted_;
  std::vector<std::unique_ptr<PathModel>> members_;
  std::string note_;
};

}  // namespace

std::unique_ptr<Model> NewEnsemble(double utc_offset) {
  (void)utc_offset;
  return std::make_unique<Ensemble>();
}

Result<std::unique_ptr<Model>> MakeModel(const std::string& name, double utc_offset) {
  // Every model is scale-invariant through WithRescaling (rescale.cc).
  if (name == "seasonal_naive_daily") return WithRescaling(NewSeasonalNaive(name, kDay));
  if (name == "seasonal_naive_weekly") return WithRescaling(NewSeasonalNaive(name, kWeek));
  if (name == "ets") return WithRescaling(NewEts());
  if (name == "regression") return WithRescaling(NewRegression(utc_offset));
  if (name == "moving_average") return WithRescaling(NewMovingAverage());
  if (name == "level_seasonal") return WithRescaling(NewLevelSeasonal());
  if (name == "ensemble" || name == "auto") return WithRescaling(NewEnsemble(utc_offset));
  std::string names;
  for (const auto& n : ModelNames()) names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidInput("model: bad value '" + name + "'; allowed: " + names);
}

std::vector<std::string> ModelNames() {
  return {"seasonal_naive_daily", "seasonal_naive_weekly", "ets", "regression",
          "moving_average", "level_seasonal", "ensemble", "auto"};
}

}  // namespace tide::forecast
