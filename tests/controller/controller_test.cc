// The live loop with a manual clock, fake sources and actuators: scale-out and scale-in,
// a failing source (no scale-in, fallback, recovery), a failing actuator, pause and
// override, restart from the store, reload.
#include "controller/controller.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>

#include "controller/codec.h"
#include "testing/controller_deps.h"
#include "testing/fakes.h"
#include "testing/groups.h"

namespace tide::controller {
namespace {

using testing::FakeActuator;
using testing::FakeSource;

struct Rig {
  ManualClock clock{1'000'000};
  std::shared_ptr<FakeSource::Shared> src = std::make_shared<FakeSource::Shared>();
  std::shared_ptr<FakeActuator::Shared> act = std::make_shared<FakeActuator::Shared>();
  std::unique_ptr<store::Store> store;
  std::string dir;

  Rig() {
    char tmpl[] = "/tmp/tide-ctl-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~Rig() { std::filesystem::remove_all(dir); }

  // Average-value target tracking on one live metric: desired = ceil(value / 10).
  config::Config Config(int min = 1, int max = 20) {
    auto g = tide::testing::MakeGroup(min, max, {"rps"});
    g.name = "web";
    g.metrics[0].source.type = "prometheus";
    g.metrics[0].source.window = 1;  // the latest reading only
    g.capacity.initial = min;
    g.model.startup = 30;
    g.evaluation_interval = 15;
    g.policies = {tide::testing::TargetTracking(0, 10, 0.0, config::TargetType::kAverageValue)};
    g.on_missing_metrics = {3, config::Fallback::kCurrentIfHigher, 6};
    config::Config c;
    c.groups.push_back(g);
    return c;
  }

  std::unique_ptr<Controller> Make(const config::Config& cfg, bool with_store = true) {
    if (with_store && !store) {
      auto s = store::Store::Open(dir + "/tide.db");
      EXPECT_TRUE(s.ok()) << s.status().message();
      store = std::move(s).value();
    }
    ControllerDeps deps = tide::testing::FakeControllerDeps(&clock, with_store ? store.get() : nullptr, src, act);
    auto c = Controller::Create(cfg, ControllerOptions{}, deps);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return std::move(c).value();
  }

  void Load(double v) {
    std::lock_guard<std::mutex> l(src->mu);
    src->value = v;
  }
  void SourceDown(bool down) {
    std::lock_guard<std::mutex> l(src->mu);
    src->fail = down;
  }
  int Applied() {
    std::lock_guard<std::mutex> l(act->mu);
    return static_cast<int>(act->applied.size());
  }
  int LastDesired() {
    std::lock_guard<std::mutex> l(act->mu);
    return act->applied.empty() ? -1 : act->applied.back().desired;
  }
  // Advances 15 s and ticks.
  void Step(Controller& c) {
    clock.Advance(15);
    c.Tick(clock.Now());
  }
};

TEST(Controller, ScalesOutOnRisingLoadAndInAfterTheWindow) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  rig.Load(10);
  c->Tick(rig.clock.Now());
  EXPECT_EQ(rig.Applied(), 0);  // 1 unit wanted, 1 running
  rig.Load(55);
  rig.Step(*c);
  EXPECT_EQ(rig.LastDesired(), 5);  // HPA default: max(+100 %, +4) from 1 = 5
  rig.Step(*c);
  EXPECT_EQ(rig.LastDesired(), 6);
  // Load falls: the 300 s scale-down window holds 6, then scale-in.
  rig.Load(10);
  int first_down_at = -1;
  for (int k = 0; k < 30 && first_down_at < 0; ++k) {
    rig.Step(*c);
    if (rig.LastDesired() < 6) first_down_at = k;
  }
  ASSERT_GE(first_down_at, 0);
  EXPECT_GE((first_down_at + 1) * 15, 300 - 15);
  EXPECT_EQ(rig.LastDesired(), 1);
  // The events record decided -> applied -> ready timings.
  c->Flush();
  auto events = c->Events("web", 0, 100);
  int scale = 0;
  for (const auto& e : events)
    if (e["kind"] == "scale") ++scale;
  EXPECT_EQ(scale, rig.Applied());
}

// The API's and /metrics' "ready" is what the pipeline read: the ready_metric's count when the
// group names one, not the startup model's (it showed 5 ready while the metric read 2).
TEST(Controller, ReadyIsTheReadyMetricsCountWhenTheGroupNamesOne) {
  Rig rig;
  auto cfg = rig.Config(5, 20);
  cfg.groups[0].ready_metric = "rps";  // the fake source gives every metric the same reading
  auto c = rig.Make(cfg);
  rig.Load(2);
  c->Tick(rig.clock.Now());
  auto g = c->GetGroup("web", 1);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)["current"], 5);
  EXPECT_EQ((*g)["ready"], 2);
  EXPECT_EQ(c->ListGroups()[0]["ready"], 2);
  EXPECT_NE(c->MetricsText().find("tide_group_ready{group=\"web\"} 2"), std::string::npos)
      << c->MetricsText();
}

TEST(Controller, SourceDownNeverScalesInAndFallbackThenRecovers) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  rig.Load(40);
  c->Tick(rig.clock.Now());
  EXPECT_EQ(rig.LastDesired(), 4);
  rig.SourceDown(true);
  rig.Step(*c);
  rig.Step(*c);
  EXPECT_EQ(rig.LastDesired(), 4);  // held: missing data never scales in
  rig.Step(*c);                     // 3rd failure: current_if_higher 6
  EXPECT_EQ(rig.LastDesired(), 6);
  auto g = c->GetGroup("web", 5);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)["last_decision"]["reason"], "Fallback");
  EXPECT_TRUE((*g)["metrics"][0]["failing"].get<bool>());
  rig.SourceDown(false);
  rig.Load(40);
  rig.Step(*c);
  g = c->GetGroup("web", 5);
  EXPECT_FALSE((*g)["metrics"][0]["failing"].get<bool>());
  EXPECT_EQ((*g)["decisions"].size(), 5u);
  // ?decisions=0 asks for the group alone (it used to return one decision).
  EXPECT_TRUE((*c->GetGroup("web", 0))["decisions"].empty());
  EXPECT_EQ((*c->GetGroup("web", 2))["decisions"].size(), 2u);
  EXPECT_NE((*g)["last_decision"]["reason"], "Fallback");
  bool failed_event = false, recovered_event = false;
  for (const auto& e : c->Events("web", 0, 100)) {
    failed_event |= e["kind"] == "source_failed";
    recovered_event |= e["kind"] == "source_recovered";
  }
  EXPECT_TRUE(failed_event);
  EXPECT_TRUE(recovered_event);
}

TEST(Controller, FailingActuatorIsRetriedOnTheNextEvaluation) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  rig.act->fail = true;
  rig.Load(30);
  c->Tick(rig.clock.Now());
  EXPECT_EQ(rig.Applied(), 0);
  auto g = c->GetGroup("web", 1);
  EXPECT_EQ((*g)["current"], 1);  // nothing changed
  rig.act->fail = false;
  rig.Step(*c);
  EXPECT_EQ(rig.LastDesired(), 3);
  bool failed = false;
  for (const auto& e : c->Events("web", 0, 100)) {
    if (e["status"] != "failed") continue;
    failed = true;
    EXPECT_EQ(e["applied_at"], 0) << e.dump();  // never applied (it carried the failure's time)
  }
  EXPECT_TRUE(failed);
}

TEST(Controller, PauseAndOverride) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  ASSERT_TRUE(c->Pause("web", true).ok());
  rig.Load(80);
  c->Tick(rig.clock.Now());
  EXPECT_EQ(rig.Applied(), 0);
  EXPECT_EQ((*c->GetGroup("web", 1))["last_decision"]["reason"], "Paused");
  ASSERT_TRUE(c->Pause("web", false).ok());
  ASSERT_TRUE(c->Override("web", 12, rig.clock.Now() + 60).ok());
  rig.Step(*c);
  EXPECT_EQ(rig.LastDesired(), 12);
  EXPECT_FALSE(c->Override("web", 3, rig.clock.Now() - 1).ok());
  EXPECT_EQ(c->Pause("nope", true).code(), StatusCode::kNotFound);
  // Outside capacity.min..max it is refused (it was accepted and echoed, then clamped).
  const Status above = c->Override("web", 21, rig.clock.Now() + 60);
  EXPECT_EQ(above.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(above.message(),
            "override desired 21: allowed: 1 to 20 (capacity.min and capacity.max of group web)");
  EXPECT_FALSE(c->Override("web", 0, rig.clock.Now() + 60).ok());
  EXPECT_TRUE(c->Override("web", 20, rig.clock.Now() + 60).ok());
}

TEST(Controller, RestartResumesStateWithoutRepeatingAnAction) {
  Rig rig;
  {
    auto c = rig.Make(rig.Config());
    rig.Load(50);
    c->Tick(rig.clock.Now());
    EXPECT_EQ(rig.LastDesired(), 5);
    rig.Load(10);  // wants 1, but the scale-down window remembers 5
    rig.Step(*c);
    c->Flush();
  }  // "crash": the controller is gone, the store stays
  const int actions_before = rig.Applied();
  auto c = rig.Make(rig.Config());
  rig.Step(*c);
  EXPECT_EQ(rig.Applied(), actions_before);  // no repeated action, window still holds 5
  EXPECT_EQ((*c->GetGroup("web", 1))["current"], 5);
  EXPECT_EQ((*c->GetGroup("web", 1))["last_decision"]["reason"], "ScaleDownStabilized");
}

TEST(Controller, ReloadRefusesABrokenConfigAndKeepsRunning) {
  Rig rig;
  rig.Make(rig.Config());  // opens the store
  std::string path = rig.dir + "/cfg.yaml";
  FILE* f = fopen(path.c_str(), "w");
  fputs("groups:\n  - name: web\n    capacity: {min: 5, max: 2}\n", f);
  fclose(f);
  // Reload through the real loader: the broken file is refused, the running config stays.
  ControllerOptions opt;
  opt.config_path = path;
  ControllerDeps deps;
  deps.clock = &rig.clock;
  deps.store = rig.store.get();
  deps.make_source = [&](const config::Group&, const config::Metric&) -> Result<std::unique_ptr<sources::MetricSource>> {
    return std::unique_ptr<sources::MetricSource>(new FakeSource(rig.src));
  };
  deps.make_actuator = [&](const config::Group&) -> Result<std::unique_ptr<actuators::Actuator>> {
    return std::unique_ptr<actuators::Actuator>(new FakeActuator(rig.act));
  };
  auto ctl = Controller::Create(rig.Config(), opt, deps);
  ASSERT_TRUE(ctl.ok());
  Status s = (*ctl)->Reload();
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("capacity.min"), std::string::npos) << s.message();
  rig.Load(30);
  (*ctl)->Tick(rig.clock.Now());
  EXPECT_EQ(rig.LastDesired(), 3);  // still deciding with the old config
  // A valid config with a new max is applied and keeps the state.
  ASSERT_TRUE((*ctl)->ApplyConfig(rig.Config(1, 2)).ok());
  rig.Step(**ctl);
  EXPECT_EQ((*(*ctl)->GetGroup("web", 1))["max"], 2);
  EXPECT_EQ(rig.LastDesired(), 2);
}

// A reload keeps what a group that keeps its name has learned (docs/CONTROLLER.md): the
// predictive policy's history (every reload used to start it over, "learning: 0s of 1d
// history", for a day), the metrics' readings and the last decision (the API showed no
// reading and no decision until the next evaluation, and /readyz answered 503). A metric
// that now measures something else starts over, and so does a forecast that reads it.
TEST(Controller, ReloadKeepsTheForecastHistoryReadingsAndLastDecision) {
  Rig rig;
  config::Config cfg = rig.Config(1, 50);
  cfg.groups[0].evaluation_interval = 60;
  config::Policy p;
  p.name = "fc";
  p.kind = config::PolicyKind::kPredictive;
  p.predictive.metric = 0;
  p.predictive.model = "seasonal_naive_daily";
  p.predictive.scale_in = true;
  cfg.groups[0].policies.push_back(p);
  auto c = rig.Make(cfg);
  rig.Load(40);
  for (int k = 0; k < 25 * 60; ++k) {
    rig.clock.Advance(60);
    c->Tick(rig.clock.Now());
  }
  auto note = [&] {
    return (*c->GetGroup("web", 1))["last_decision"]["proposals"][1]["note"].get<std::string>();
  };
  ASSERT_EQ(note().find("learning"), std::string::npos) << note();

  ASSERT_TRUE(c->ApplyConfig(cfg).ok());
  auto g = *c->GetGroup("web", 1);
  EXPECT_EQ(g["metrics"][0]["value"], 40);
  EXPECT_FALSE(g["last_decision"].is_null());
  EXPECT_TRUE(c->Ready());
  rig.clock.Advance(60);
  c->Tick(rig.clock.Now());
  EXPECT_EQ(note().find("learning"), std::string::npos) << note();
  EXPECT_EQ((*c->GetGroup("web", 1))["last_decision"]["proposals"][1]["desired"],
            50);  // ceil(40 / (0.8 x 1 per unit))

  // The query changes: another measurement, so the readings and the history start over.
  cfg.groups[0].metrics[0].source.query = "sum(rate(other[1m]))";
  ASSERT_TRUE(c->ApplyConfig(cfg).ok());
  EXPECT_TRUE((*c->GetGroup("web", 1))["metrics"][0]["value"].is_null());
  rig.clock.Advance(60);
  c->Tick(rig.clock.Now());
  const std::string n = note();
  ASSERT_EQ(n.rfind("learning: ", 0), 0u) << n;
  EXPECT_LT(std::stod(n.substr(10)), 300) << n;  // "learning: 180s of 1d history": one bucket
  EXPECT_NE(n.find("s of 1d history"), std::string::npos) << n;
}

// A restart resumes the forecast's learning from the store when the metric's source keeps no
// history of its own (a local pool, redis, http_json, procfs): it started over at every
// restart ("learning: 0s of 1d history"), so a forecast on a local pool never proposed
// unless tide ran a whole day without a restart.
TEST(Controller, RestartResumesTheForecastHistoryFromTheStore) {
  Rig rig;
  config::Config cfg = rig.Config(1, 50);
  cfg.groups[0].evaluation_interval = 60;
  cfg.groups[0].metrics[0].source.type = "local";  // no History(): the fake source has none either
  config::Policy p;
  p.name = "fc";
  p.kind = config::PolicyKind::kPredictive;
  p.predictive.metric = 0;
  p.predictive.model = "seasonal_naive_daily";
  cfg.groups[0].policies.push_back(p);
  auto note = [](Controller& c) {
    return (*c.GetGroup("web", 1))["last_decision"]["proposals"][1]["note"].get<std::string>();
  };
  {
    auto c = rig.Make(cfg);
    rig.Load(40);
    for (int k = 0; k < 23 * 60; ++k) {  // 23 h: still learning
      rig.clock.Advance(60);
      c->Tick(rig.clock.Now());
    }
    EXPECT_NE(note(*c).find("learning: 23h of 1d history"), std::string::npos) << note(*c);
    c->Flush();
  }  // stopped; the store stays
  auto c = rig.Make(cfg);
  rig.clock.Advance(60);
  c->Tick(rig.clock.Now());
  EXPECT_NE(note(*c).find("learning: 23h of 1d history"), std::string::npos) << note(*c);
  for (int k = 0; k < 61; ++k) {
    rig.clock.Advance(60);
    c->Tick(rig.clock.Now());
  }
  EXPECT_EQ(note(*c).find("learning"), std::string::npos) << note(*c);
  // Proposing: 50 units for 40 req/s at 0.8, reached in steps of max_change (50 %) from 4.
  EXPECT_GT((*c->GetGroup("web", 1))["last_decision"]["proposals"][1]["desired"].get<int>(), 4)
      << note(*c);
}

// A scale-up's units serve `startup` after the action was applied, not after it was decided:
// an actuator that takes time delays them by as much (ready_at came before applied_at with
// a slow actuator and startup 0).
TEST(Controller, ReadyAtCountsFromWhenTheActionWasApplied) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  rig.act->delay = 0.05;
  rig.Load(30);
  c->Tick(rig.clock.Now());
  ASSERT_EQ(rig.LastDesired(), 3);
  for (int k = 0; k < 3; ++k) rig.Step(*c);  // 45 s: past the 30 s startup
  c->Flush();
  bool seen = false;
  for (const auto& e : c->Events("web", 0, 100)) {
    if (e["kind"] != "scale" || e["to"] != 3) continue;
    seen = true;
    EXPECT_EQ(e["status"], "ready") << e.dump();
    const double decided = e["decided_at"], applied = e["applied_at"], ready = e["ready_at"];
    EXPECT_GE(applied - decided, 0.05) << e.dump();
    EXPECT_NEAR(ready - applied, 30, 1e-6) << e.dump();
  }
  EXPECT_TRUE(seen);
}

TEST(Controller, MetricsExposition) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  rig.Load(30);
  c->Tick(rig.clock.Now());
  const std::string text = c->MetricsText();
  EXPECT_NE(text.find("tide_group_desired{group=\"web\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("tide_decision_latency_seconds_bucket"), std::string::npos);
  EXPECT_NE(text.find("tide_policy_proposal{group=\"web\",policy=\"tt0\"} 3"), std::string::npos) << text;
  EXPECT_TRUE(c->Ready());
}

// `tide run` adds the local routers' families (local::RouterFamilies) to GET /metrics
// through ControllerDeps::more_metrics, read afresh at every scrape.
TEST(Controller, MoreMetricsAreAppendedAtEachScrape) {
  Rig rig;
  ControllerDeps deps = tide::testing::FakeControllerDeps(&rig.clock, nullptr, rig.src, rig.act);
  int scrapes = 0;
  deps.more_metrics = [&scrapes] {
    ++scrapes;
    return std::vector<MetricFamily>{{"tide_extra_total",
                                      "An extra family.",
                                      "counter",
                                      {{{{"group", "web"}}, 1.0 * scrapes}},
                                      {}}};
  };
  auto c = Controller::Create(rig.Config(), ControllerOptions{}, deps);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_NE((*c)->MetricsText().find("tide_extra_total{group=\"web\"} 1\n"), std::string::npos);
  const std::string text = (*c)->MetricsText();
  EXPECT_NE(text.find("# TYPE tide_extra_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("tide_extra_total{group=\"web\"} 2\n"), std::string::npos) << text;
}

TEST(Controller, LoopRunsOnItsOwnAndStopsCleanly) {
  Rig rig;
  auto c = rig.Make(rig.Config());
  rig.Load(30);
  c->Start();
  for (int i = 0; i < 200 && rig.Applied() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  c->Stop();
  EXPECT_EQ(rig.LastDesired(), 3);
  c->Stop();  // idempotent
}

}  // namespace
}  // namespace tide::controller

namespace tide::controller {
namespace {

// A step in load reaches a scale-out order within one evaluation interval plus the metric
// window (the bound of issue #4): 15 s interval, 60 s window, utilisation 0.6 -> 1.2 at a
// 0.6 target. The step happens between two evaluations, at a random phase (seeded).
TEST(Controller, StepInLoadOrdersScaleOutWithinIntervalPlusWindow) {
  for (double phase : {0.0, 1.0, 7.5, 14.9}) {
    Rig rig;
    config::Config cfg = rig.Config(1, 50);
    auto& g = cfg.groups[0];
    g.metrics[0].source.window = 60;
    g.policies = {tide::testing::TargetTracking(0, 0.6, 0.1, config::TargetType::kValue)};
    g.capacity.initial = 4;
    auto c = rig.Make(cfg, /*with_store=*/false);
    rig.Load(0.6);
    for (int i = 0; i < 8; ++i) rig.Step(*c);  // steady state, full window
    ASSERT_EQ(rig.Applied(), 0);
    const double step_at = rig.clock.Now() + phase;
    rig.clock.Set(step_at);
    rig.Load(1.2);
    // Evaluations continue on their 15 s grid.
    double ordered_at = -1;
    for (int i = 0; i < 10 && ordered_at < 0; ++i) {
      rig.clock.Set(step_at - phase + 15 * (i + 1));
      c->Tick(rig.clock.Now());
      if (rig.Applied() > 0) ordered_at = rig.clock.Now();
    }
    ASSERT_GE(ordered_at, 0) << "no scale-out order after the step";
    EXPECT_LE(ordered_at - step_at, 15 + 60) << "phase " << phase;
    EXPECT_GT(rig.LastDesired(), 4);
  }
}

}  // namespace
}  // namespace tide::controller

namespace tide::controller {
namespace {

// A source with history: the first decision after a start sees the backfilled window.
class HistorySource : public sources::MetricSource {
 public:
  Result<sources::Reading> Fetch(double) override { return sources::Reading{40, false}; }
  Result<std::vector<sources::Sample>> History(double from, double to, double step) override {
    std::vector<sources::Sample> out;
    for (double t = from; t < to; t += step) out.push_back({t, 100});
    return out;
  }
  std::string Describe() const override { return "history"; }
};

TEST(Controller, BackfillFillsTheWindowAtStart) {
  Rig rig;
  config::Config cfg = rig.Config(1, 50);
  cfg.groups[0].metrics[0].source.window = 60;
  ControllerDeps deps;
  deps.clock = &rig.clock;
  deps.make_source = [](const config::Group&, const config::Metric&) -> Result<std::unique_ptr<sources::MetricSource>> {
    return std::unique_ptr<sources::MetricSource>(new HistorySource);
  };
  deps.make_actuator = [&](const config::Group&) -> Result<std::unique_ptr<actuators::Actuator>> {
    return std::unique_ptr<actuators::Actuator>(new FakeActuator(rig.act));
  };
  auto c = Controller::Create(cfg, ControllerOptions{}, deps);
  ASSERT_TRUE(c.ok());
  (*c)->Tick(rig.clock.Now());
  // Window (now-60, now]: history at -45, -30, -15 (value 100) and the fetch now (40):
  // mean 85 -> ceil(85 / 10) = 9 units; without the backfill it would be 4.
  auto g = (*c)->GetGroup("web", 1);
  EXPECT_EQ((*g)["last_decision"]["proposals"][0]["desired"], 9);
}

// The schedule's state survives a restart with the actions it was computed for, so a restart
// on an edited config starts the schedule over (policy/schedule.h); a state stored before the
// fingerprint existed reads as none, which starts over once.
TEST(GroupStateCodec, KeepsTheScheduleFingerprint) {
  policy::GroupState st;
  st.schedule.initialized = true;
  st.schedule.next_fire = {std::numeric_limits<double>::infinity(), 1798761600};
  st.schedule.fingerprint = "1|0 0 1 1 *@UTC||-|-|4;";
  auto back = GroupStateFromJson(GroupStateToJson(st));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->schedule.fingerprint, st.schedule.fingerprint);
  EXPECT_EQ(back->schedule.next_fire, st.schedule.next_fire);
  nlohmann::json old = GroupStateToJson(st);
  old["schedule"].erase("fingerprint");
  auto earlier = GroupStateFromJson(old);
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ(earlier->schedule.fingerprint, "");
}

}  // namespace
}  // namespace tide::controller
