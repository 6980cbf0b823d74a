// simulator_bench: 30 days of a per-minute trace replayed at 1-second steps (2,592,000
// steps) with target tracking and full behavior, next to a floor that only integrates the
// same trace at the same step (the least any replay must do), so the ratio is meaningful on
// a noisy machine. Reports steps per second and peak memory. Figures: bench/README.md.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "config/loader.h"
#include "sim/simulator.h"

namespace {

using namespace tide;

constexpr double kThirtyDays = 30 * 86400.0;

// The first 30 days of the WC98 per-minute trace (shared traces) when present; otherwise a
// synthetic diurnal per-minute trace of the same length (the bench says which it used).
const sim::Trace& ThirtyDayTrace() {
  static sim::Trace trace = [] {
    const std::string path = std::string(TIDE_SHARED_TRACES) + "/wc98_requests_1min.csv";
    if (std::filesystem::exists(path)) {
      auto t = sim::ReadTrace(path);
      if (t.ok()) {
        sim::Trace cut = *t;
        while (!cut.t.empty() && cut.t.back() >= kThirtyDays) {
          cut.t.pop_back();
          cut.value.pop_back();
        }
        cut.last_interval = 60;
        std::fprintf(stderr, "trace: %s, first 30 days (%zu rows)\n", path.c_str(), cut.size());
        return cut;
      }
    }
    sim::Trace synth;
    synth.path = "synthetic-diurnal";
    for (int i = 0; i < 43200; ++i) {
      synth.t.push_back(i * 60.0);
      synth.value.push_back(100 + 80 * std::sin(i * 2 * M_PI / 1440));
    }
    synth.last_interval = 60;
    std::fprintf(stderr, "trace: shared traces absent, synthetic diurnal trace (43200 rows)\n");
    return synth;
  }();
  return trace;
}

const char* kConfig = R"(
groups:
  - name: web
    capacity: {min: 2, max: 2000, initial: 20}
    model: {capacity_per_unit: 20, startup: 120s, shutdown: 30s, price_per_unit_hour: 0.096,
            billing: {granularity: 1s, minimum: 60s}, queue_timeout: 30s}
    evaluation_interval: 15s
    metrics:
      - {name: utilization, source: {type: simulated, signal: utilization, window: 60s}}
      - {name: rps, source: {type: simulated, signal: load, window: 60s}}
    policies:
      - {type: target_tracking, metric: utilization, target: 0.6}
      - {type: target_tracking, metric: rps, target: 14, target_type: average_value}
    behavior:
      scale_up: {stabilization_window: 0s, policies: [{type: percent, value: 100, period: 15s}, {type: units, value: 4, period: 15s}], select: max, cooldown: 15s}
      scale_down: {stabilization_window: 300s, policies: [{type: percent, value: 10, period: 60s}], select: max, cooldown: 60s}
      warmup: 30s
      panic: {window: 6s, threshold: 2.0, stable_window: 60s}
)";

void BM_Simulate30DaysAt1s(benchmark::State& state) {
  auto loaded = config::LoadConfigString(kConfig, "bench.yaml");
  if (!loaded.problems.empty()) {
    state.SkipWithError(loaded.problems.front().ToString().c_str());
    return;
  }
  const config::Group& g = loaded.config.groups.front();
  const sim::Trace& trace = ThirtyDayTrace();
  long long steps = 0;
  for (auto _ : state) {
    auto r = sim::Simulate(g, trace, sim::SimOptions{});
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    steps = r->summary.steps;
    benchmark::DoNotOptimize(r->summary.cost);
  }
  state.counters["steps"] = static_cast<double>(steps);
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsIterationInvariantRate);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  state.counters["peak_rss_MB"] = ru.ru_maxrss / 1024.0;
}
BENCHMARK(BM_Simulate30DaysAt1s)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The floor: integrate the same trace at the same 1 s step, nothing else.
void BM_FloorIntegrateOnly(benchmark::State& state) {
  const sim::Trace& trace = ThirtyDayTrace();
  const long long n = static_cast<long long>(trace.end() - trace.start());
  for (auto _ : state) {
    double sum = 0;
    size_t row = 0;
    for (long long k = 0; k < n; ++k) {
      const double t = trace.start() + k;
      while (row + 1 < trace.size() && trace.t[row + 1] <= t) ++row;
      sum += trace.value[row];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FloorIntegrateOnly)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
