// Alerts under the live loop (manual clock, fakes): a failing source and a failing actuator
// fire and resolve; each change is an event in the store; open alerts show in Alerts(),
// ListGroups (alerts_open) and /metrics (tide_alert_firing); demand above max fires
// at_max_capacity once the demand metric says so.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "controller/controller.h"
#include "testing/controller_deps.h"
#include "testing/fakes.h"
#include "testing/groups.h"

namespace tide::controller {
namespace {

using testing::FakeActuator;
using testing::FakeSource;

struct AlertRig {
  ManualClock clock{1'000'000};
  std::shared_ptr<FakeSource::Shared> src = std::make_shared<FakeSource::Shared>();
  std::shared_ptr<FakeActuator::Shared> act = std::make_shared<FakeActuator::Shared>();
  std::unique_ptr<store::Store> store;
  std::string dir;

  AlertRig() {
    char tmpl[] = "/tmp/tide-alerts-XXXXXX";
    dir = mkdtemp(tmpl);
    store = std::move(store::Store::Open(dir + "/tide.db")).value();
  }
  ~AlertRig() { std::filesystem::remove_all(dir); }

  // desired = ceil(rps / 10) within [1, 5]; rps is also the demand metric (10 per unit).
  config::Config Config() {
    auto g = tide::testing::MakeGroup(1, 5, {"rps"});
    g.name = "web";
    g.metrics[0].source.type = "prometheus";
    g.metrics[0].source.window = 1;
    g.model.capacity_per_unit = 10;
    g.model.startup = 0;
    g.evaluation_interval = 15;
    g.behavior = tide::testing::Unlimited();
    g.policies = {tide::testing::TargetTracking(0, 10, 0.0, config::TargetType::kAverageValue)};
    g.demand_metric = "rps";
    g.alert_rules.source_down.for_seconds = 30;
    g.alert_rules.at_max_capacity.for_seconds = 30;
    g.alert_rules.under_provisioned.enabled = false;
    config::Config c;
    c.groups.push_back(g);
    return c;
  }

  std::unique_ptr<Controller> Make(const config::Config& cfg) {
    ControllerDeps deps = tide::testing::FakeControllerDeps(&clock, store.get(), src, act);
    return std::move(Controller::Create(cfg, ControllerOptions{}, deps)).value();
  }
  void Set(double load, bool source_down, bool actuator_fails) {
    {
      std::lock_guard<std::mutex> l(src->mu);
      src->value = load;
      src->fail = source_down;
    }
    std::lock_guard<std::mutex> l(act->mu);
    act->fail = actuator_fails;
  }
  void Step(Controller& c) {
    clock.Advance(15);
    c.Tick(clock.Now());
  }
  std::vector<std::string> AlertEvents() {
    std::vector<std::string> out;
    auto ev = store->Events("web", 0, 1000);
    for (auto it = ev->rbegin(); it != ev->rend(); ++it)
      if (it->kind.rfind("alert_", 0) == 0) out.push_back(it->kind + ":" + it->status);
    return out;
  }
};

bool Firing(Controller& c, const std::string& alert) {
  const nlohmann::json all = c.Alerts();
  for (const auto& a : all["alerts"])
    if (a["alert"] == alert) return true;
  return false;
}

TEST(ControllerAlerts, SourceDownFiresAfterForAndResolvesOnRecovery) {
  AlertRig rig;
  auto c = rig.Make(rig.Config());
  rig.Set(20, false, false);
  c->Tick(rig.clock.Now());
  rig.Set(20, true, false);
  rig.Step(*c);  // failing since now
  rig.Step(*c);  // 15 s
  EXPECT_FALSE(Firing(*c, "source_down"));
  rig.Step(*c);  // 30 s: fires
  ASSERT_TRUE(Firing(*c, "source_down"));
  const auto j = c->Alerts()["alerts"][0];
  EXPECT_EQ(j["group"], "web");
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["state"], "firing");
  EXPECT_EQ(j["since"], rig.clock.Now());
  EXPECT_EQ(j["value"], 1);
  EXPECT_NE(j["message"].get<std::string>().find("rps"), std::string::npos);
  EXPECT_EQ(c->ListGroups()[0]["alerts_open"], 1);
  EXPECT_NE(c->MetricsText().find(
                "tide_alert_firing{alert=\"source_down\",group=\"web\",severity=\"critical\"} 1"),
            std::string::npos)
      << c->MetricsText();

  rig.Set(20, false, false);
  rig.Step(*c);
  EXPECT_FALSE(Firing(*c, "source_down"));
  EXPECT_EQ(c->ListGroups()[0]["alerts_open"], 0);
  EXPECT_NE(c->MetricsText().find(
                "tide_alert_firing{alert=\"source_down\",group=\"web\",severity=\"critical\"} 0"),
            std::string::npos);
  EXPECT_EQ(rig.AlertEvents(),
            (std::vector<std::string>{"alert_firing:source_down", "alert_resolved:source_down"}));
}

TEST(ControllerAlerts, ActuatorFailingAndAtMaxCapacity) {
  AlertRig rig;
  auto c = rig.Make(rig.Config());
  rig.Set(10, false, false);
  c->Tick(rig.clock.Now());
  // 80 rps wants 8 units, max is 5: two failed attempts to go to 5 fire actuator_failing.
  rig.Set(80, false, true);
  rig.Step(*c);
  EXPECT_FALSE(Firing(*c, "actuator_failing"));
  rig.Step(*c);
  EXPECT_TRUE(Firing(*c, "actuator_failing"));
  EXPECT_FALSE(Firing(*c, "at_max_capacity"));  // still at 1 unit
  // The actuator recovers: capacity reaches max (5) while demand is 8.
  rig.Set(80, false, false);
  rig.Step(*c);
  EXPECT_FALSE(Firing(*c, "actuator_failing"));
  rig.Step(*c);
  EXPECT_FALSE(Firing(*c, "at_max_capacity"));  // 15 s at max: not yet
  rig.Step(*c);
  EXPECT_TRUE(Firing(*c, "at_max_capacity"));
  EXPECT_EQ(c->Alerts()["alerts"][0]["value"], 8);
  // Demand falls to max: resolved.
  rig.Set(50, false, false);
  rig.Step(*c);
  EXPECT_FALSE(Firing(*c, "at_max_capacity"));
  EXPECT_EQ(
      rig.AlertEvents(),
      (std::vector<std::string>{"alert_firing:actuator_failing", "alert_resolved:actuator_failing",
                                "alert_firing:at_max_capacity", "alert_resolved:at_max_capacity"}));
}

TEST(ControllerAlerts, AnOpenAlertSurvivesARestartAndResolvesOnce) {
  AlertRig rig;
  double since = 0;
  {
    auto c = rig.Make(rig.Config());
    rig.Set(20, true, false);
    for (int k = 0; k < 4; ++k) rig.Step(*c);
    ASSERT_TRUE(Firing(*c, "source_down"));
    since = c->Alerts()["alerts"][0]["since"].get<double>();
    c->Flush();
  }
  auto c = rig.Make(rig.Config());  // a restart on the same store
  ASSERT_TRUE(Firing(*c, "source_down"));
  EXPECT_EQ(c->Alerts()["alerts"][0]["since"], since);
  rig.Step(*c);  // still failing: no second "firing"
  rig.Set(20, false, false);
  rig.Step(*c);
  EXPECT_FALSE(Firing(*c, "source_down"));
  EXPECT_EQ(rig.AlertEvents(),
            (std::vector<std::string>{"alert_firing:source_down", "alert_resolved:source_down"}));
}

TEST(ControllerAlerts, SlowScalingWhileNewUnitsBootLongerThanAllowed) {
  AlertRig rig;
  config::Config cfg = rig.Config();
  cfg.groups[0].model.startup = 120;  // units serve 2 minutes after they are ordered
  cfg.groups[0].alert_rules.slow_scaling.threshold = 60;
  cfg.groups[0].alert_rules.at_max_capacity.enabled = false;
  auto c = rig.Make(cfg);
  rig.Set(10, false, false);
  c->Tick(rig.clock.Now());
  rig.Set(30, false, false);
  rig.Step(*c);  // scale-up to 3 decided and applied; the 2 new units boot until +120 s
  const double decided = rig.clock.Now();
  for (int k = 1; k <= 4; ++k) {  // +15 .. +60 s: not beyond 60 s yet
    rig.Step(*c);
    EXPECT_FALSE(Firing(*c, "slow_scaling")) << k;
  }
  rig.Step(*c);  // +75 s
  ASSERT_TRUE(Firing(*c, "slow_scaling"));
  const nlohmann::json all = c->Alerts();
  EXPECT_EQ(all["alerts"][0]["since"], decided + 75);
  EXPECT_EQ(all["alerts"][0]["value"], 75);
  for (int k = 6; k <= 7; ++k) rig.Step(*c);  // +105 s: still booting
  EXPECT_TRUE(Firing(*c, "slow_scaling"));
  // The units serve 120 s after the action was applied, which is a moment (the fake
  // actuator's real run time) after the decision: just after the +120 s evaluation.
  rig.Step(*c);  // +120 s
  rig.Step(*c);  // +135 s: the units serve
  EXPECT_FALSE(Firing(*c, "slow_scaling"));
}

}  // namespace
}  // namespace tide::controller
