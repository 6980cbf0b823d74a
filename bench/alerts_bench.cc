// alerts_bench: what the alert rules add to each evaluation of a group, side by side with
// the decision itself (the peer: policy::Decide of a one-metric target-tracking group).
// Every rule is on, with its default windows (1 h at one evaluation every 15 s: 240 entries
// of history). BM_AlertRulesOneEvaluation draws random inputs so that rules fire and resolve
// all the time (the worst case: messages are formatted for every firing rule);
// BM_AlertRulesHealthyGroup is the usual case. Figures and how to rerun them: bench/README.md.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "alerts/rules.h"
#include "policy/pipeline.h"

namespace {

using namespace tide;

struct Script {
  std::vector<alerts::GroupInputs> in;
  explicit Script(int n) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> d(1, 12), coin(0, 3);
    for (int i = 0; i < n; ++i) {
      alerts::GroupInputs g;
      g.current = d(rng);
      g.ready = g.current - (coin(rng) == 0 ? 1 : 0);
      g.max = 10;
      g.demand = d(rng);
      g.scaled = coin(rng) == 0;
      g.oldest_pending = coin(rng) == 0 ? 0 : alerts::kUnknown;
      if (coin(rng) == 0) g.failing_sources = {"rps"};
      g.forecast_error = 0.1 * coin(rng);
      g.failed_actions = coin(rng) == 0 ? 2 : 0;
      in.push_back(std::move(g));
    }
  }
};

void BM_AlertRulesOneEvaluation(benchmark::State& state) {
  const Script script(4096);
  alerts::Evaluator ev("bench", config::AlertRules{});
  double now = 0;
  size_t i = 0, changes = 0;
  for (auto _ : state) {
    alerts::GroupInputs in = script.in[i++ & 4095];
    now += 15;
    in.now = now;
    if (std::isfinite(in.oldest_pending)) in.oldest_pending = now - 900;
    changes += ev.Evaluate(in).size();
    benchmark::DoNotOptimize(changes);
  }
  state.counters["changes_per_eval"] =
      benchmark::Counter(static_cast<double>(changes) / state.iterations());
}
BENCHMARK(BM_AlertRulesOneEvaluation);

// The usual case: a healthy group (demand within capacity, sources up, nothing pending),
// with a capacity change every 40th evaluation (6 an hour); no rule fires.
void BM_AlertRulesHealthyGroup(benchmark::State& state) {
  alerts::Evaluator ev("bench", config::AlertRules{});
  alerts::GroupInputs in;
  in.current = in.ready = 6;
  in.max = 10;
  in.demand = 5;
  in.forecast_error = 0.1;
  size_t changes = 0, k = 0;
  for (auto _ : state) {
    in.now += 15;
    in.scaled = ++k % 40 == 0;  // 6 changes per hour
    changes += ev.Evaluate(in).size();
    benchmark::DoNotOptimize(changes);
  }
  if (changes != 0) state.SkipWithError("a rule fired on a healthy group");
}
BENCHMARK(BM_AlertRulesHealthyGroup);

// The peer: one decision of a group with one target-tracking metric.
void BM_DecideOneMetricPeer(benchmark::State& state) {
  config::Group g;
  g.name = "bench";
  g.capacity = {1, 10, 4};
  config::Metric m;
  m.name = "rps";
  g.metrics.push_back(m);
  config::Policy p;
  p.name = "tt";
  p.kind = config::PolicyKind::kTargetTracking;
  p.target_tracking = {0, 100, config::TargetType::kAverageValue, {0.1, 0.1}};
  g.policies = {p};
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 1200);
  std::vector<double> values(4096);
  for (auto& v : values) v = u(rng);
  policy::GroupState st;
  policy::Decision d;
  std::vector<policy::Observation> obs(1);
  double now = 0;
  size_t i = 0;
  int current = 4;
  for (auto _ : state) {
    now += 15;
    obs[0] = {values[i++ & 4095], policy::kNaN, now, policy::ObservationStatus::kOk};
    policy::Decide(g, {now, current, current, obs}, st, &d);
    current = d.desired;
    benchmark::DoNotOptimize(d.desired);
  }
}
BENCHMARK(BM_DecideOneMetricPeer);

}  // namespace

BENCHMARK_MAIN();
