// ensemble.cc: "ensemble" / "auto" — the models weighted by their recent rolling-origin accuracy.
//
// Members: seasonal naive daily and weekly, ets, regression, moving_average and level_seasonal
// (simple_models.cc), each fitted
// on the whole window; a member whose Fit fails is left out. From every calibration origin
// (every 2 hours over the last 7 days of the window, intervals.cc) each member forecasts from the
// data before the origin. At lead k a member's weight is proportional to MAE_k^-2, where MAE_k
// is the median over those origins of its mean absolute error at leads k +/- k/4 (anchor leads, weights
// interpolated between them): weights depend on the horizon, so the level-following models
// lead the first hour and the seasonal ones the day. The squared inverse favours the best
// member more than plain inverse MAE does while still averaging near-equals.
// The ensemble's own errors at the same origins give its intervals (intervals.cc).
// Fallback: history shorter than one day, or every member failing -> moving_average, with a
// note in Forecast::note.
#include <algorithm>
#include <cmath>

#include "forecast/internal.h"

namespace tide::forecast {
namespace {

constexpr double kWeightPower = 2;
// Calibration origins every 2 hours over the last 7 days (84 origins: 12 times of day, 7
// days each) rather than the members' hourly ones (168): half the paths, for the speed
// budget (bench/README.md); accuracy and coverage on bench/forecast_vs_r were unchanged
// within noise.
constexpr double kOriginStride = 3600;
// The ETS member's parameters are fitted on the last 8 days (its states still run over the
// whole window): half the fit's time. Measured on bench/forecast_vs_r, the ensemble's accuracy
// did not move (ALL_5min MASE_s 1 h 0.421 -> 0.423, 24 h 0.600 -> 0.598), while `ets` alone,
// which keeps the whole window, would lose (0.476 -> 0.514 at 1 h).
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
    const size_t nm = members_.size();
    // paths[m][i]: member m from origin i.
    std::vector<std::vector<std::vector<double>>> paths(nm);
    for (size_t m = 0; m < nm; ++m)
      for (int o : origins) paths[m].push_back(members_[m]->Path(o, std::min(horizon, n - o)));
    std::vector<std::vector<double>> w = Weights(origins, paths, horizon);
    std::vector<std::vector<double>> combined;
    for (size_t i = 0; i < origins.size(); ++i) {
      std::vector<double> c(paths[0][i].size(), 0);
      for (size_t m = 0; m < nm; ++m)
        for (size_t k = 0; k < c.size(); ++k) c[k] += w[k][m] * paths[m][i][k];
      combined.push_back(std::move(c));
    }
    std::vector<double> mean(horizon, 0);
    for (size_t m = 0; m < nm; ++m) {
      std::vector<double> p = members_[m]->Path(n, horizon);
      for (int k = 0; k < horizon; ++k) mean[k] += w[k][m] * p[k];
    }
    double floor = LevelFloor(y);
    Forecast f = MakeForecast("ensemble", fitted_, std::move(mean),
                              QuantilesFromPaths(y, origins, combined, horizon, floor), floor);
    f.note = note_;
    return f;
  }

 private:
  // w[k][m]: weight of member m at lead k (sums to 1 over m).
  std::vector<std::vector<double>> Weights(const std::vector<int>& origins,
                                           const std::vector<std::vector<std::vector<double>>>& paths,
                                           int h) const {
    const auto& y = fitted_.values;
    const int n = static_cast<int>(y.size());
    const size_t nm = members_.size();
    std::vector<int> anchors;
    for (double a = 0; a < h; a = std::max(a + 1, std::floor(a * 1.35))) anchors.push_back(static_cast<int>(a));
    if (anchors.back() != h - 1) anchors.push_back(h - 1);
    std::vector<std::vector<double>> aw;
    std::vector<double> last(nm, 1.0 / nm);
    double level = 0;
    for (double v : y) level += std::fabs(v) / n;
    std::vector<std::vector<double>> per_origin(nm);
    for (int k : anchors) {
      // Each member's MAE over the lead window, per origin; the median over origins is the
      // member's error at this lead (robust: a flash crowd in one origin does not decide).
      for (auto& v : per_origin) v.clear();
      const int lo = std::max(0, k - k / 4), hi = k + k / 4;
      const int thin = std::max(1, (hi - lo + 1) / 16);
      for (size_t i = 0; i < origins.size(); ++i) {
        std::vector<double> mae(nm, 0);
        int cnt = 0;
        for (int j = lo; j <= hi; j += thin) {
          if (origins[i] + j >= n || j >= static_cast<int>(paths[0][i].size())) break;
          for (size_t m = 0; m < nm; ++m) mae[m] += std::fabs(y[origins[i] + j] - paths[m][i][j]);
          ++cnt;
        }
        if (cnt == 0) continue;
        for (size_t m = 0; m < nm; ++m) per_origin[m].push_back(mae[m] / cnt);
      }
      if (per_origin[0].size() >= 8) {
        double total = 0;
        for (size_t m = 0; m < nm; ++m) {
          auto& v = per_origin[m];
          std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
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
  if (name == "seasonal_naive_daily") return std::unique_ptr<Model>(NewSeasonalNaive(name, kDay));
  if (name == "seasonal_naive_weekly") return std::unique_ptr<Model>(NewSeasonalNaive(name, kWeek));
  if (name == "ets") return std::unique_ptr<Model>(NewEts());
  if (name == "regression") return std::unique_ptr<Model>(NewRegression(utc_offset));
  if (name == "moving_average") return std::unique_ptr<Model>(NewMovingAverage());
  if (name == "level_seasonal") return std::unique_ptr<Model>(NewLevelSeasonal());
  if (name == "ensemble" || name == "auto") return NewEnsemble(utc_offset);
  std::string names;
  for (const auto& n : ModelNames()) names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidInput("model: bad value '" + name + "'; allowed: " + names);
}

std::vector<std::string> ModelNames() {
  return {"seasonal_naive_daily", "seasonal_naive_weekly", "ets", "regression",
          "moving_average", "level_seasonal", "ensemble", "auto"};
}

}  // namespace tide::forecast
