// The simulator end to end on tiny traces whose figures are worked by hand below.
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <sstream>
#include <utility>

#include "testing/groups.h"

namespace tide::sim {
namespace {

// One unit serves 10 req/s; price 3600 per unit-hour = 1 per unit-second; startup 2 s,
// no shutdown, billing per second with a 5 s minimum; no backlog (excess is dropped).
// One policy: average-value target tracking on the load, 10 per unit, no tolerance, 1 s
// window, evaluated every second; no stabilization or rate limits.
config::Group GoldenGroup() {
  auto g = testing::MakeGroup(1, 10, {"rps"});
  g.capacity.initial = 1;
  g.metrics[0].source.signal = config::Signal::kLoad;
  g.metrics[0].source.window = 1;
  g.model = {10, 2, 0, 3600, 1, 5, 0};
  g.evaluation_interval = 1;
  g.behavior = testing::Unlimited();
  g.policies = {testing::TargetTracking(0, 10, 0.0, config::TargetType::kAverageValue)};
  return g;
}

Trace GoldenTrace() {
  Trace t;
  t.path = "golden.csv";
  t.t = {0, 1, 2, 3, 4, 5};
  t.value = {10, 10, 30, 30, 10, 10};
  t.last_interval = 1;
  return t;
}

// Worked by hand. Each step: decide on the previous steps' load, apply, then serve.
//  t  decision (load seen)        fleet after           arrivals served dropped  d s p
//  0  no data yet: hold 1         1 serving              10     10      0       1 1 1
//  1  10 -> 1, hold               1                      10     10      0       1 1 1
//  2  10 -> 1, hold               1                      30     10     20       3 1 1
//  3  30 -> 3: launch 2 (ready 5) 1 serving + 2 booting  30     10     20       3 1 3
//  4  30 -> 3, hold               1 + 2 booting          10     10      0       1 1 3
//  5  10 -> 1: remove the 2       2 became ready at 5 and are removed at once:
//                                 1 serving              10     10      0       1 1 1
// cost: provisioned unit-seconds 1+1+1+3+3+1 = 10, plus the 5 s minimum for the two removed
//       units that lived 2 s each: 2 x 3 = 6 -> 16.  oracle: demand 1+1+3+3+1+1 = 10.
// theta_U = 100/6 x (2/3 + 2/3) = 22.222 %;  theta_O = 0;  tau_U = 100 x 2/6 = 33.333 %.
// instability: sign(delta supply) is always 0; sign(delta demand) differs from it at t=2 (+)
//              and t=4 (-): 2 of the 5 seconds after the first = 40 %.
// unserved: 40 of 100 arrivals = 0.4.  scaling events 2.  static peak: 3 x 6 s x 1 = 18.
TEST(Simulator, GoldenWorkedByHand) {
  const config::Group g = GoldenGroup();
  SimOptions opt;
  std::string timeline;
  opt.timeline = [&](std::string_view chunk) { timeline += chunk; };
  auto r = Simulate(g, GoldenTrace(), opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Summary& s = r->summary;
  EXPECT_EQ(s.steps, 6);
  EXPECT_DOUBLE_EQ(s.cost, 16);
  EXPECT_DOUBLE_EQ(s.oracle_cost, 10);
  EXPECT_DOUBLE_EQ(s.cost_ratio, 1.6);
  EXPECT_NEAR(s.theta_under, 22.2222, 1e-3);
  EXPECT_DOUBLE_EQ(s.theta_over, 0);
  EXPECT_NEAR(s.tau_under, 33.3333, 1e-3);
  EXPECT_DOUBLE_EQ(s.tau_over, 0);
  EXPECT_NEAR(s.instability, 40, 1e-9);
  EXPECT_DOUBLE_EQ(s.arrivals, 100);
  EXPECT_DOUBLE_EQ(s.unserved, 40);
  EXPECT_DOUBLE_EQ(s.unserved_fraction, 0.4);
  EXPECT_EQ(s.scaling_events, 2);
  EXPECT_EQ(s.decisions, 6);
  EXPECT_EQ(s.peak_demand, 3);
  EXPECT_DOUBLE_EQ(s.static_peak_cost, 18);
  // The scaling report's figures: one change each way; up is ready after startup (2 s), down
  // at once; one under-provisioning episode (t 2-3), none over; 18 - 16 = 2 saved (11.1 %)
  // and 16 - 10 = 6 above the oracle (60 %).
  EXPECT_EQ(s.scale_ups, 1);
  EXPECT_EQ(s.scale_downs, 1);
  EXPECT_DOUBLE_EQ(s.mean_time_to_scale_up, 2);
  EXPECT_DOUBLE_EQ(s.mean_time_to_scale_down, 0);
  EXPECT_EQ(s.under_provisioning_events, 1);
  EXPECT_EQ(s.over_provisioning_events, 0);
  EXPECT_DOUBLE_EQ(s.savings_vs_static_peak, 2);
  EXPECT_NEAR(s.savings_vs_static_peak_percent, 100.0 / 9, 1e-9);
  EXPECT_DOUBLE_EQ(s.excess_over_oracle, 6);
  EXPECT_DOUBLE_EQ(s.excess_over_oracle_percent, 60);

  const std::string want =
      "t,load,demand,supply,provisioned,desired,backlog,utilization,reason\n"
      "0,10,1,1,1,1,0,1.0000,NoData\n"
      "1,10,1,1,1,1,0,1.0000,WithinTolerance\n"
      "2,30,3,1,1,1,0,1.0000,WithinTolerance\n"
      "3,30,3,1,3,3,0,1.0000,ScaleUp\n"
      "4,10,1,1,3,3,0,1.0000,WithinTolerance\n"
      "5,10,1,1,1,1,0,1.0000,ScaleDown\n";
  EXPECT_EQ(timeline, want);
}

TEST(Simulator, FromCountsFiguresFromT) {
  SimOptions opt;
  opt.from = 3;
  auto r = Simulate(GoldenGroup(), GoldenTrace(), opt);
  ASSERT_TRUE(r.ok());
  // Steps 3, 4, 5; both scaling events (t=3, t=5) fall inside; provisioned 3+3+1 plus the
  // 6 unit-seconds of minimum billing at t=5 -> 13; demand 3+1+1 = 5.
  EXPECT_EQ(r->summary.steps, 3);
  EXPECT_EQ(r->summary.scaling_events, 2);
  EXPECT_DOUBLE_EQ(r->summary.cost, 13);
  EXPECT_DOUBLE_EQ(r->summary.oracle_cost, 5);
}

TEST(Simulator, BacklogWaitsThenIsServed) {
  // Queue timeout 10 s: the 20 requests that do not fit at t=2 and t=3 wait and are served
  // by the 3 units from t=5 on (30 per second of capacity, 10 arriving).
  config::Group g = GoldenGroup();
  g.model.queue_timeout = 10;
  Trace t = GoldenTrace();
  t.t.push_back(6);
  t.value.push_back(0);
  g.behavior.scale_down.stabilization_window = 10;  // keep the 3 units
  auto r = Simulate(g, t, SimOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->summary.unserved, 0);
  EXPECT_DOUBLE_EQ(r->summary.max_backlog, 40);
}

TEST(Simulator, RejectsBadOptions) {
  SimOptions opt;
  opt.step = 0;
  auto r = Simulate(GoldenGroup(), GoldenTrace(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().exit_code(), 2);
  opt.step = 1;
  opt.from = 100;
  r = Simulate(GoldenGroup(), GoldenTrace(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--from"), std::string::npos);
}

TEST(Simulator, RejectsAStepBelowOneMillisecond) {
  for (double step : {1e-9, 1e-7, 1e-5, 0.0009}) {
    SimOptions opt;
    opt.step = step;
    auto r = Simulate(GoldenGroup(), GoldenTrace(), opt);
    ASSERT_FALSE(r.ok()) << step;
    EXPECT_EQ(r.status().exit_code(), 2);
    EXPECT_NE(r.status().message().find("--step"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("1 ms"), std::string::npos) << r.status().message();
  }
  SimOptions opt;
  opt.step = kMinStep;
  EXPECT_TRUE(Simulate(GoldenGroup(), GoldenTrace(), opt).ok());
}

// A replay longer than kMaxSteps is refused before it starts (it used to run for days, or
// report 0 steps when the count overflowed).
TEST(Simulator, RejectsMoreThanTheMaximumNumberOfSteps) {
  for (double gap : {1e12, 1e300}) {
    Trace t;
    t.path = "far.csv";
    t.t = {0, gap};
    t.value = {5, 6};
    t.last_interval = gap;
    auto r = Simulate(GoldenGroup(), t, SimOptions{});
    ASSERT_FALSE(r.ok()) << gap;
    EXPECT_EQ(r.status().exit_code(), 2);
    const std::string& m = r.status().message();
    EXPECT_EQ(m.rfind("far.csv: spans", 0), 0u) << m;
    EXPECT_NE(m.find("--step"), std::string::npos) << m;
    EXPECT_NE(m.find("at most 100000000 steps"), std::string::npos) << m;
    EXPECT_EQ(CheckReplay(GoldenGroup(), t, SimOptions{}).message(), m);
  }
  Trace t;
  t.path = "far.csv";
  t.t = {0, 1e12};
  t.value = {5, 6};
  t.last_interval = 1e12;
  SimOptions opt;
  opt.to = 2e8;  // 2e8 steps of 1 s
  auto r = Simulate(GoldenGroup(), t, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--to: bad value '200000000'"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("200000000 steps"), std::string::npos)
      << r.status().message();
  opt.to = 1e8;  // exactly the limit: accepted (checked only, not replayed)
  EXPECT_TRUE(CheckReplay(GoldenGroup(), t, opt).ok());
}

TEST(Simulator, RejectsAWindowOfMoreThanTenMillionSteps) {
  config::Group g = GoldenGroup();
  g.metrics[0].source.window = 86400;
  SimOptions opt;
  opt.step = 0.001;
  auto r = Simulate(g, GoldenTrace(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--step: bad value '0.001s'"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("metric 'rps'"), std::string::npos) << r.status().message();
  opt.step = 0.01;  // 8.64 million samples
  EXPECT_TRUE(CheckReplay(g, GoldenTrace(), opt).ok());
  g.metrics[0].source.window = 1;
  g.behavior.panic = config::Panic{};
  g.behavior.panic->window = 86400;
  opt.step = 0.001;
  r = Simulate(g, GoldenTrace(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("panic window"), std::string::npos) << r.status().message();
}

// --from between two steps: the figures, the arrivals and the timeline all start at the next
// step, and the summary says so.
TEST(Simulator, FromBetweenStepsStartsAtTheNextStep) {
  SimOptions opt;
  opt.step = 2;
  opt.from = 1;  // steps start at 0, 2, 4
  std::string timeline;
  opt.timeline = [&](std::string_view chunk) { timeline += chunk; };
  auto r = Simulate(GoldenGroup(), GoldenTrace(), opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->summary.from, 2);
  EXPECT_DOUBLE_EQ(r->summary.to, 6);
  EXPECT_EQ(r->summary.steps, 2);
  EXPECT_DOUBLE_EQ(r->summary.arrivals, 30 + 30 + 10 + 10);  // [2, 6)
  std::istringstream in(timeline);
  std::string line, first;
  std::getline(in, line);  // header
  std::getline(in, first);
  EXPECT_EQ(first.substr(0, 2), "2,") << timeline;
  opt.from = 5;  // no step starts in [5, 6)
  r = Simulate(GoldenGroup(), GoldenTrace(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--from: bad value '5'"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("[0, 4]"), std::string::npos) << r.status().message();
}

// A demand past INT_MAX units saturates: never a negative demand or theta_over.
TEST(Simulator, DemandPastIntMaxSaturates) {
  for (auto [load, capacity] : {std::pair{1e15, 1.0}, std::pair{5.0, 1e-300}}) {
    config::Group g = GoldenGroup();
    g.model.capacity_per_unit = capacity;
    g.policies[0].target_tracking.target = capacity;
    Trace t = GoldenTrace();
    t.value[2] = load;
    std::string timeline;
    SimOptions opt;
    opt.timeline = [&](std::string_view chunk) { timeline += chunk; };
    auto r = Simulate(g, t, opt);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->summary.peak_demand, INT_MAX) << load << " " << capacity;
    EXPECT_GT(r->summary.mean_demand, 0);
    EXPECT_GE(r->summary.theta_over, 0);
    EXPECT_GT(r->summary.theta_under, 0);
    EXPECT_GE(r->summary.oracle_cost, 0);
    EXPECT_EQ(timeline.find(",-"), std::string::npos) << timeline;
  }
}

TEST(Simulator, Deterministic) {
  auto a = Simulate(GoldenGroup(), GoldenTrace(), SimOptions{});
  auto b = Simulate(GoldenGroup(), GoldenTrace(), SimOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->summary.cost, b->summary.cost);
  EXPECT_EQ(a->summary.theta_under, b->summary.theta_under);
  EXPECT_EQ(a->summary.scaling_events, b->summary.scaling_events);
}

}  // namespace
}  // namespace tide::sim

namespace tide::sim {
namespace {

// Property over seeded random traces and configs: desired and supply never leave
// [min, max], and the same inputs give the same timeline.
TEST(SimulatorProperty, CapacityStaysWithinBoundsAndRunsRepeat) {
  for (int seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    Trace t;
    t.path = "random.csv";
    for (int i = 0; i < 400; ++i) {
      t.t.push_back(i * 10.0);
      t.value.push_back(u(rng) < 0.1 ? 200 * u(rng) : 40 * u(rng));
    }
    t.last_interval = 10;
    auto g = testing::MakeGroup(1 + seed % 3, 8 + seed, {"cpu", "rps"});
    g.metrics[1].source.signal = config::Signal::kLoad;
    g.model = {10, 5.0 * (seed % 4), 3, 1, 1, 10, 5.0 * (seed % 3)};
    g.evaluation_interval = 5 + seed;
    g.policies = {testing::TargetTracking(0, 0.5 + 0.03 * seed),
                  testing::TargetTracking(1, 8, 0.1, config::TargetType::kAverageValue)};
    if (seed % 2) g.behavior = testing::Unlimited();
    if (seed % 3 == 0) g.behavior.panic = config::Panic{6, 2.0, 30};

    std::string a, b;
    SimOptions opt;
    opt.step = 1 + seed % 2;
    opt.timeline = [&](std::string_view c) { a += c; };
    ASSERT_TRUE(Simulate(g, t, opt).ok());
    opt.timeline = [&](std::string_view c) { b += c; };
    ASSERT_TRUE(Simulate(g, t, opt).ok());
    EXPECT_EQ(a, b) << "seed " << seed;

    std::istringstream in(a);
    std::string line;
    std::getline(in, line);  // header
    int rows = 0;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      ASSERT_GE(f.size(), 6u);
      const int supply = std::stoi(f[3]), desired = std::stoi(f[5]);
      ASSERT_GE(desired, g.capacity.min) << "seed " << seed << ": " << line;
      ASSERT_LE(desired, g.capacity.max) << "seed " << seed << ": " << line;
      ASSERT_LE(supply, g.capacity.max) << "seed " << seed << ": " << line;
      ++rows;
    }
    EXPECT_GT(rows, 0);
  }
}

}  // namespace
}  // namespace tide::sim
