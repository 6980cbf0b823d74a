// pipeline_bench: one decision of a group with three metrics and full behavior, and one tick
// over 100,000 groups. Figures and how to rerun them: bench/README.md.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "policy/pipeline.h"

namespace {

using namespace tide;

// Three metrics (utilisation, rps, backlog), target tracking on each, every behavior stage
// on: HPA default rate limits, a 300 s scale-down window, cooldowns, a burst window.
config::Group FullGroup() {
  config::Group g;
  g.name = "bench";
  g.capacity = {2, 500, 10};
  g.evaluation_interval = 15;
  for (const char* name : {"cpu", "rps", "backlog"}) {
    config::Metric m;
    m.name = name;
    g.metrics.push_back(m);
  }
  auto tt = [](int metric, double target, config::TargetType type) {
    config::Policy p;
    p.name = "tt" + std::to_string(metric);
    p.kind = config::PolicyKind::kTargetTracking;
    p.target_tracking = {metric, target, type, {0.1, 0.1}};
    return p;
  };
  g.policies = {tt(0, 0.6, config::TargetType::kValue),
                tt(1, 100, config::TargetType::kAverageValue),
                tt(2, 30, config::TargetType::kAverageValue)};
  g.behavior.scale_up.cooldown = 30;
  g.behavior.scale_down.cooldown = 60;
  g.behavior.panic = config::Panic{6, 2.0, 60};
  return g;
}

struct Load {
  std::vector<std::vector<policy::Observation>> obs;
  explicit Load(int n) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < n; ++i) {
      obs.push_back({{0.3 + u(rng), 0.3 + u(rng), 0, policy::ObservationStatus::kOk},
                     {500 + 1000 * u(rng), policy::kNaN, 0, policy::ObservationStatus::kOk},
                     {100 * u(rng), policy::kNaN, 0, policy::ObservationStatus::kOk}});
    }
  }
};

void BM_DecideOneGroup(benchmark::State& state) {
  const config::Group g = FullGroup();
  const Load load(1024);
  policy::GroupState st;
  policy::Decision d;
  int current = 10;
  double now = 0;
  size_t i = 0;
  for (auto _ : state) {
    auto& o = load.obs[i++ & 1023];
    for (auto& x : const_cast<std::vector<policy::Observation>&>(o)) x.at = now;
    policy::Inputs in{now, current, current, o};
    policy::Decide(g, in, st, &d);
    if (d.desired != current) st.RecordScale(now, current, d.desired);
    current = d.desired;
    now += 15;
    benchmark::DoNotOptimize(d.desired);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideOneGroup);

// One evaluation tick over N groups, each with its own state (as the live controller holds).
void BM_TickManyGroups(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const config::Group g = FullGroup();
  const Load load(1024);
  std::vector<policy::GroupState> states(n);
  std::vector<int> current(n, 10);
  policy::Decision d;
  double now = 0;
  for (auto _ : state) {
    for (int k = 0; k < n; ++k) {
      auto& o = const_cast<std::vector<policy::Observation>&>(load.obs[k & 1023]);
      for (auto& x : o) x.at = now;
      policy::Inputs in{now, current[k], current[k], o};
      policy::Decide(g, in, states[k], &d);
      if (d.desired != current[k]) states[k].RecordScale(now, current[k], d.desired);
      current[k] = d.desired;
    }
    now += 15;
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_TickManyGroups)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
