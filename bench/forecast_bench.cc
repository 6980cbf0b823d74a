// forecast_bench.cc: fit + 24 h forecast on 14 days of 5-minute data (4032 points), per model.
// Series: NASA HTTP July 1995 (shared traces), 1-minute counts as 5-minute means, the 14 days
// ending at day 21. Last measured figures: docs/FORECASTING.md ("Speed").
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

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

void BM_CleanAndDetect(benchmark::State& state) {
  static const tide::forecast::Series s = LoadSeries();
  for (auto _ : state) {
    tide::forecast::CleaningReport rep;
    auto c = tide::forecast::Clean(s, &rep);
    benchmark::DoNotOptimize(tide::forecast::DetectSeasonality(c));
  }
}

}  // namespace

BENCHMARK_CAPTURE(BM_FitForecast24h, auto, "auto")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, ets, "ets")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, regression, "regression")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, seasonal_naive_daily, "seasonal_naive_daily")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FitForecast24h, moving_average, "moving_average")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CleanAndDetect)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
