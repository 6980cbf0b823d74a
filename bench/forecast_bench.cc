// forecast_bench.cc: fit + 24 h forecast on 14 days of 5-minute data (4032 points), per model.
// Series: NASA HTTP July 1995 (shared traces), 1-minute counts as 5-minute means, the 14 days
// ending at day 21. Last measured figures: docs/FORECASTING.md ("Speed").
//
// Second mode, the tide side of bench/forecast_vs_r (README.md there):
//   forecast_bench --vs-r DIR [--models a,b,...] [--reps N] [--traces t1,t2,...]
// reads DIR/origins.csv and DIR/series/<trace>.csv (written by prepare.py) and, for every
// origin and model, does exactly what `tide forecast --at T --horizon 24h` does on those
// series (history = the rows before the origin, at most 14 days; Clean; Fit; Predict 24 h),
// timing Clean + Fit + Predict in CPU seconds of this process (median of N repetitions,
// default 3). Writes DIR/tide_results.csv in r_results.csv's format:
// trace,model,origin,h,mase,covered80,covered95,seconds (MASE on the one-step naive scale of
// the raw window, as peers.R) plus mase_s (daily seasonal naive scale) and mean_sum (the sum
// of the 24 h mean path, so tide_eval.py can check the CLI gives the same forecast).
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "forecast/forecast.h"

namespace {

tide::forecast::Series LoadSeries() {
  std::ifstream f(std::string(TIDE_SHARED_TRACES) + "/nasa_http_jul1995_requests_1min.csv");
  tide::forecast::Series s;
  s.step = 60;
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    auto c = line.find(',');
    if (c != std::string::npos) s.values.push_back(std::stod(line.substr(c + 1)));
  }
  if (s.values.size() < 21 * 1440) return {};
  s.values.resize(21 * 1440);
  s.values.erase(s.values.begin(), s.values.begin() + 7 * 1440);
  return tide::forecast::Aggregate(s, 5);
}

void BM_FitForecast24h(benchmark::State& state, const char* model) {
  static const tide::forecast::Series s = LoadSeries();
  if (s.values.size() != 4032) {
    state.SkipWithError("shared trace nasa_http_jul1995_requests_1min.csv not found");
    return;
  }
  tide::forecast::CleaningReport rep;
  const tide::forecast::Series clean = tide::forecast::Clean(s, &rep);
  for (auto _ : state) {
    auto m = tide::forecast::MakeModel(model);
    if (!(*m)->Fit(clean).ok()) state.SkipWithError("fit failed");
    auto f = (*m)->Predict(288);
    benchmark::DoNotOptimize(f.mean.data());
  }
}

// What bench/forecast_vs_r times per origin (and what the 50x-R's-stlf target counts):
// Clean + Fit + 24 h Predict.
void BM_CleanFitForecast24h(benchmark::State& state, const char* model) {
  static const tide::forecast::Series s = LoadSeries();
  if (s.values.size() != 4032) {
    state.SkipWithError("shared trace nasa_http_jul1995_requests_1min.csv not found");
    return;
  }
  for (auto _ : state) {
    tide::forecast::CleaningReport rep;
    const tide::forecast::Series clean = tide::forecast::Clean(s, &rep);
    auto m = tide::forecast::MakeModel(model);
    if (!(*m)->Fit(clean).ok()) state.SkipWithError("fit failed");
    auto f = (*m)->Predict(288);
    benchmark::DoNotOptimize(f.mean.data());
  }
}

void BM_CleanAndDetect(benchmark::State& state) {
  static const tide::forecast::Series s = LoadSeries();
  for (auto _ : state) {
    tide::forecast::CleaningReport rep;
    auto c = tide::forecast::Clean(s, &rep);
    benchmark::DoNotOptimize(tide::forecast::DetectSeasonality(c));
  }
}

}  // namespace

BENCHMARK_CAPTURE(BM_CleanFitForecast24h, auto, "auto")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, auto, "auto")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, ets, "ets")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, regression, "regression")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, seasonal_naive_daily, "seasonal_naive_daily")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, moving_average, "moving_average")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CleanAndDetect)->Unit(benchmark::kMillisecond);
namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

std::vector<double> ReadValues(const std::string& path) {
  std::ifstream f(path);
  std::vector<double> v;
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    auto c = line.find(',');
    if (c != std::string::npos) v.push_back(std::stod(line.substr(c + 1)));
  }
  return v;
}

int VsR(const std::string& dir, const std::vector<std::string>& models, int reps,
        const std::vector<std::string>& only) {
  std::ifstream orig(dir + "/origins.csv");
  if (!orig) {
    std::fprintf(stderr, "no %s/origins.csv: run bench/forecast_vs_r/prepare.py first\n", dir.c_str());
    return 2;
  }
  std::map<std::string, std::vector<double>> series;
  std::FILE* out = std::fopen((dir + "/tide_results.csv").c_str(), "w");
  std::fprintf(out, "trace,model,origin,h,mase,mase_s,covered80,covered95,seconds,mean_sum\n");
  std::string line;
  std::getline(orig, line);
  while (std::getline(orig, line)) {
    auto f = Split(line, ',');
    if (f.size() < 4) continue;
    const std::string& trace = f[0];
    if (!only.empty() && std::find(only.begin(), only.end(), trace) == only.end()) continue;
    const double res = std::stod(f[1]);
    const int o = std::stoi(f[2]);
    if (!series.count(trace)) series[trace] = ReadValues(dir + "/series/" + trace + ".csv");
    const auto& x = series[trace];
    const int per_day = static_cast<int>(std::lround(86400 / res));
    const int lo = std::max(0, o - 14 * per_day);
    tide::forecast::Series hist;
    hist.step = res;
    hist.start = lo * res;
    hist.values.assign(x.begin() + lo, x.begin() + o);
    double q1 = 0, qs = 0;
    for (size_t t = 1; t < hist.values.size(); ++t) q1 += std::fabs(hist.values[t] - hist.values[t - 1]);
    for (size_t t = per_day; t < hist.values.size(); ++t)
      qs += std::fabs(hist.values[t] - hist.values[t - per_day]);
    q1 /= static_cast<double>(hist.values.size() - 1);
    qs /= static_cast<double>(hist.values.size() - per_day);
    for (const auto& model : models) {
      std::vector<double> secs;
      tide::forecast::Forecast fc;
      for (int r = 0; r < reps; ++r) {
        const double t0 = CpuSeconds();
        tide::forecast::CleaningReport rep;
        auto clean = tide::forecast::Clean(hist, &rep);
        auto m = tide::forecast::MakeModel(model);
        if (!m.ok() || !(*m)->Fit(clean).ok()) {
          std::fprintf(stderr, "%s %s %d: fit failed\n", trace.c_str(), model.c_str(), o);
          break;
        }
        fc = (*m)->Predict(per_day);
        secs.push_back(CpuSeconds() - t0);
      }
      if (secs.empty()) continue;
      std::sort(secs.begin(), secs.end());
      double sum = 0;
      for (double v : fc.mean) sum += v;
      for (int hs : {static_cast<int>(std::lround(3600 / res)), per_day}) {
        double ae = 0, c80 = 0, c95 = 0;
        for (int k = 0; k < hs; ++k) {
          const double a = x[o + k];
          ae += std::fabs(a - fc.mean[k]);
          c80 += a >= fc.lo80[k] && a <= fc.hi80[k];
          c95 += a >= fc.lo95[k] && a <= fc.hi95[k];
        }
        std::fprintf(out, "%s,%s,%d,%.0f,%.10g,%.10g,%.10g,%.10g,%.6g,%.10g\n", trace.c_str(),
                     model.c_str(), o, hs * res, ae / hs / q1, ae / hs / qs, c80 / hs, c95 / hs,
                     secs[secs.size() / 2], sum);
      }
    }
  }
  std::fclose(out);
  std::printf("wrote %s/tide_results.csv\n", dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--vs-r") == 0) {
    std::vector<std::string> models = {"auto", "ets", "regression", "seasonal_naive_daily",
                                       "seasonal_naive_weekly", "moving_average"};
    std::vector<std::string> traces;
    int reps = 3;
    for (int i = 3; i + 1 < argc; i += 2) {
      if (std::strcmp(argv[i], "--models") == 0) models = Split(argv[i + 1], ',');
      else if (std::strcmp(argv[i], "--reps") == 0) reps = std::max(1, std::atoi(argv[i + 1]));
      else if (std::strcmp(argv[i], "--traces") == 0) traces = Split(argv[i + 1], ',');
    }
    return VsR(argv[2], models, reps, traces);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
