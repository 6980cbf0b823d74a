// cmd_forecast.cc: `tide forecast` (forecast_command.h). Reads the trace, cuts the history at
// --at (at most the last 14 days), resamples traces finer than 5 minutes to 5-minute means,
// cleans, fits, and writes one row per trace interval after --at.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/duration.h"
#include "files.h"
#include "forecast/backtest.h"
#include "forecast/forecast.h"
#include "forecast_command.h"
#include "sim/trace.h"

namespace tide::app {
namespace {

constexpr double kMaxHistory = 14 * 86400.0;
constexpr double kFitStep = 300;  // traces finer than this are fitted on 5-minute means

Result<double> ParseFlagSeconds(const std::string& flag, const std::string& text, const std::string& allowed) {
  auto d = ParseDuration(text);
  if (!d.ok() || !std::isfinite(*d)) {
    return Status::InvalidInput(fmt::format("{}: bad value '{}': allowed: {}", flag, text, allowed));
  }
  return *d;
}

// The trace's interval; InvalidInput unless the rows are equally spaced.
Result<double> Interval(const sim::Trace& tr) {
  if (tr.size() < 2) {
    return Status::InvalidInput(fmt::format("{}: has {} row(s); forecasting needs at least 2", tr.path, tr.size()));
  }
  const double dt = tr.t[1] - tr.t[0];
  for (size_t i = 2; i < tr.size(); ++i) {
    if (std::fabs(tr.t[i] - tr.t[i - 1] - dt) > 1e-6 * dt) {
      return Status::InvalidInput(fmt::format(
          "{}:{}: timestamp {} is {} s after the previous row; forecasting needs equally spaced rows ({} s)",
          tr.path, i + 2, tr.t[i], tr.t[i] - tr.t[i - 1], dt));
    }
  }
  return dt;
}

// Trace intervals per fitting step: 5-minute means when the trace is finer, else 1.
int FitFactor(double dt) {
  return dt < kFitStep ? std::max(1, static_cast<int>(std::floor(kFitStep / dt + 1e-9))) : 1;
}

// The fitting series at the trace's interval, or 5-minute means when the trace is finer (blocks
// counted back from `end`; a partial block at the start is dropped).
forecast::Series ToSeries(const sim::Trace& tr, size_t first, size_t end, double dt, int* factor) {
  forecast::Series s;
  s.start = tr.t[first];
  s.step = dt;
  s.values.assign(tr.value.begin() + static_cast<long>(first), tr.value.begin() + static_cast<long>(end));
  *factor = FitFactor(dt);
  return *factor > 1 ? forecast::Aggregate(s, *factor) : s;
}

// --backtest: the table on stdout, or as CSV (--csv) and/or JSON (--json).
Status Backtest(const forecast::Series& s, const ForecastArgs& a) {
  const std::string& path = a.trace;
  forecast::BacktestOptions opt;
  if (a.model_given) opt.models = {a.model};
  auto scores = forecast::Backtest(s, opt);
  if (!scores.ok()) return Status::InvalidInput(fmt::format("{}: {}", path, scores.status().message()));
  // A model's row of nan says why, whatever the output form (JSON also has `failures`).
  for (const auto& m : *scores) {
    if (m.origins > 0) continue;
    const std::string why = m.failures > 0
                                ? fmt::format("its fit failed at all {} origins; the first: {}",
                                              m.failures, m.first_failure)
                                : "no origin had a usable scale";
    fmt::print(stderr, "tide forecast: note: {} scored no origin ({}): its figures are {}\n",
               m.model, why, a.json.empty() ? "nan" : "nan (null in JSON)");
  }
  if (a.csv.empty() && a.json.empty()) {
    std::string out = fmt::format(
        "backtest of {} at {} s steps: origins every 6 h in the last 40 %, <= 14 d of history "
        "each,\n"
        "MASE = MAE over the first lead / in-sample MAE of the one-step naive forecast (median "
        "over origins)\n"
        "{:<22} {:>7} {:>8} {:>9} {:>10} {:>11} {:>7} {:>7} {:>8} {:>8} {:>8}\n",
        path, s.step, "model", "origins", "MASE_1h", "MASE_24h", "sMAPE_1h", "sMAPE_24h",
        "cov80_1h", "cov95_1h", "cov80_24h", "cov95_24h", "fit_ms");
    for (const auto& m : *scores) {
      const auto &l1 = m.leads[0], &l2 = m.leads[1];
      out += fmt::format(
          "{:<22} {:>7} {:>8.3f} {:>9.3f} {:>10.1f} {:>11.1f} {:>7.1f} {:>7.1f} {:>8.1f} {:>8.1f} "
          "{:>8.2f}\n",
          m.model, m.origins, l1.mase, l2.mase, l1.smape, l2.smape, 100 * l1.coverage80,
          100 * l1.coverage95, 100 * l2.coverage80, 100 * l2.coverage95, m.fit_ms);
    }
    return WriteFileAtomic("-", out);
  }
  if (!a.csv.empty()) {
    std::string csv =
        "model,origins,mase_1h,mase_24h,mase_seasonal_1h,mase_seasonal_24h,smape_1h,smape_24h,"
        "coverage80_1h,coverage95_1h,coverage80_24h,coverage95_24h,fit_ms\n";
    for (const auto& m : *scores) {
      const auto &l1 = m.leads[0], &l2 = m.leads[1];
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", m.model, m.origins, l1.mase,
                         l2.mase, l1.mase_seasonal, l2.mase_seasonal, l1.smape, l2.smape,
                         l1.coverage80, l1.coverage95, l2.coverage80, l2.coverage95, m.fit_ms);
    }
    if (Status st = WriteFileAtomic(a.csv, csv); !st.ok()) return st;
  }
  if (!a.json.empty()) {
    // NaN (no origin scored) is written as null.
    nlohmann::json models = nlohmann::json::array();
    for (const auto& m : *scores) {
      nlohmann::json leads = nlohmann::json::array();
      for (const auto& l : m.leads) {
        leads.push_back({{"lead", l.lead},
                         {"mase", l.mase},
                         {"mase_seasonal", l.mase_seasonal},
                         {"smape", l.smape},
                         {"coverage80", l.coverage80},
                         {"coverage95", l.coverage95}});
      }
      models.push_back({{"model", m.model},
                        {"origins", m.origins},
                        {"failures", m.failures},
                        {"fit_ms", m.fit_ms},
                        {"leads", leads}});
    }
    nlohmann::json j = {{"trace", path},
                        {"fit_step", s.step},
                        {"origin_stride", opt.origin_stride},
                        {"eval_fraction", opt.eval_fraction},
                        {"horizon", opt.horizon},
                        {"models", models}};
    if (Status st = WriteFileAtomic(a.json, j.dump(2) + "\n"); !st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace

Status RunForecast(const ForecastArgs& a) {
  if (Status st = CheckOutputsApart({{"--csv", &a.csv}, {"--json", &a.json}}); !st.ok()) return st;
  auto model = forecast::MakeModel(a.model);
  if (!model.ok()) return Status::InvalidInput("--" + model.status().message());
  auto trace = sim::ReadTrace(a.trace);
  if (!trace.ok()) return trace.status();
  const sim::Trace& tr = *trace;
  auto dt = Interval(tr);
  if (!dt.ok()) return dt.status();
  if (a.backtest) {
    // Its origins and horizon are fixed (docs/FORECASTING.md, "Backtest harness").
    for (auto [given, flag] :
         {std::pair{a.at_given, "--at"}, std::pair{a.horizon_given, "--horizon"}}) {
      if (!given) continue;
      return Status::InvalidInput(
          fmt::format("{}: does not apply with --backtest (its origins are every 6 h in the last "
                      "40 % of the trace, each "
                      "forecasting 24 h); allowed with --backtest: --trace, --model, --csv, --json",
                      flag));
    }
    // Blocks counted from the trace's start, as the accuracy harness does (docs/FORECASTING.md):
    // a partial block at the end is dropped. Counted from the end, the blocks moved with the
    // trace's length and the figures with them (NASA July's 1 h MASE 0.930 instead of 0.859).
    int factor = FitFactor(*dt);
    forecast::Series s =
        ToSeries(tr, 0, tr.size() - tr.size() % static_cast<size_t>(factor), *dt, &factor);
    if (s.step > 3600) return Status::InvalidInput(fmt::format("{}: interval {} s; --backtest needs 1 h or finer", a.trace, s.step));
    return Backtest(s, a);
  }
  if (a.at.empty()) return Status::InvalidInput("--at: missing; allowed: trace seconds or a duration (e.g. 864000, 10d)");
  auto at = ParseFlagSeconds("--at", a.at, "trace seconds or a duration (e.g. 864000, 10d)");
  if (!at.ok()) return at.status();
  auto horizon = ParseFlagSeconds("--horizon", a.horizon, "a positive duration (e.g. 2h, 1d)");
  if (!horizon.ok()) return horizon.status();
  if (*horizon <= 0) return Status::InvalidInput(fmt::format("--horizon: bad value '{}': must be > 0", a.horizon));
  // History: the rows whose interval ends by --at.
  const size_t end = static_cast<size_t>(std::upper_bound(tr.t.begin(), tr.t.end(), *at - *dt + 1e-9) - tr.t.begin());
  // At least two fitting steps of history: two 5-minute blocks on a finer trace.
  const size_t need = 2 * static_cast<size_t>(FitFactor(*dt));
  if (end < need) {
    return Status::InvalidInput(
        fmt::format("--at: bad value '{}': {} has {} complete interval(s) of {} before it; "
                    "forecasting needs at least {} "
                    "({} fitting steps of {}) (allowed: [{}, {}] s)",
                    a.at, a.trace, end, FormatDuration(*dt), need, 2,
                    FormatDuration(*dt * static_cast<double>(need) / 2),
                    tr.t[0] + *dt * static_cast<double>(need), tr.end()));
  }
  if (*at > tr.end() + 1e-9) {
    return Status::InvalidInput(fmt::format("--at: bad value '{}': after the trace's end ({} s)", a.at, tr.end()));
  }
  size_t first = end;
  while (first > 0 && tr.t[end - 1] + *dt - tr.t[first - 1] <= kMaxHistory + 1e-9) --first;
  int factor = 1;
  forecast::Series s = ToSeries(tr, first, end, *dt, &factor);
  const double history = s.step * static_cast<double>(s.values.size());
  if (s.values.size() < 2) {
    return Status::InvalidInput(fmt::format("--at: {} s of history before '{}' is less than two {} s steps", history, a.at, s.step));
  }
  if (*horizon > history) {
    return Status::InvalidInput(fmt::format(
        "--horizon: bad value '{}': longer than the {} of history before --at; allowed: at most the history",
        a.horizon, FormatDuration(history)));
  }
  forecast::CleaningReport rep;
  forecast::Series clean = forecast::Clean(s, &rep);
  std::vector<std::string> notes;
  auto [lo, hi] = std::minmax_element(clean.values.begin(), clean.values.end());
  Status fit = (*model)->Fit(clean);
  if (!fit.ok()) return Status::InvalidInput(fmt::format("--model {}: {}", a.model, fit.message()));
  const int steps = static_cast<int>(std::ceil(*horizon / s.step - 1e-9));
  forecast::Forecast f = (*model)->Predict(steps);
  if (*hi == *lo) {
    // Says what the intervals are rather than assuming it: a long constant history gives
    // zero-width ones (up to rounding), a few equal values wide ones (intervals.cc: a few
    // values cannot show that the load never varies).
    const double tol = 1e-9 * std::max(1.0, std::fabs(*hi));
    bool zero_width = true;
    for (size_t k = 0; k < f.mean.size(); ++k)
      zero_width = zero_width && f.hi95[k] - f.lo95[k] <= tol;
    notes.push_back(fmt::format(
        "the history is constant ({}{}): the forecast is that constant {}", *hi,
        *hi == 0 ? ", all zero" : "",
        zero_width
            ? "with zero-width intervals"
            : fmt::format(
                  "with intervals as wide as a normal error of the level ({} values are too few to "
                  "show that the load never varies)",
                  clean.values.size())));
  }
  if (!f.note.empty()) notes.push_back(f.note);
  // A forecast of zero from a history that is not: never silent (docs/FORECASTING.md).
  if (*hi > 0 && std::all_of(f.mean.begin(), f.mean.end(), [](double v) { return v == 0; })) {
    notes.push_back(
        fmt::format("the forecast is zero throughout although the history reaches {}", *hi));
  }
  for (const auto& n : notes) std::fprintf(stderr, "tide forecast: note: %s\n", n.c_str());
  // One row per trace interval after the history's end, each taking its fitting step's values.
  const double t0 = tr.t[end - 1] + *dt;
  const int rows = static_cast<int>(std::ceil(*horizon / *dt - 1e-9));
  std::string csv = "t,mean,lo80,hi80,lo95,hi95\n";
  nlohmann::json points = nlohmann::json::array();
  for (int r = 0; r < rows; ++r) {
    size_t k = std::min<size_t>(static_cast<size_t>(r / factor), f.mean.size() - 1);
    double t = t0 + r * *dt;
    csv += fmt::format("{},{},{},{},{},{}\n", t, f.mean[k], f.lo80[k], f.hi80[k], f.lo95[k], f.hi95[k]);
    points.push_back({{"t", t}, {"mean", f.mean[k]}, {"lo80", f.lo80[k]}, {"hi80", f.hi80[k]},
                      {"lo95", f.lo95[k]}, {"hi95", f.hi95[k]}});
  }
  const std::string csv_path = a.csv.empty() && a.json.empty() ? "-" : a.csv;
  if (!csv_path.empty()) {
    if (Status st = WriteFileAtomic(csv_path, csv); !st.ok()) return st;
  }
  if (!a.json.empty()) {
    nlohmann::json j = {{"trace", a.trace}, {"at", t0}, {"model", f.model}, {"fit_step", s.step},
                        {"trace_interval", *dt}, {"history_seconds", history},
                        {"cleaning", {{"outliers_clipped", rep.outliers_clipped}, {"gaps_filled", rep.gaps_filled}}},
                        {"seasonality_steps", forecast::DetectSeasonality(clean)},
                        {"notes", notes}, {"points", points}};
    if (Status st = WriteFileAtomic(a.json, j.dump(2) + "\n"); !st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace tide::app
