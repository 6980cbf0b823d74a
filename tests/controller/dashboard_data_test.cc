// What the dashboard reads from the controller: the group's series (metric samples and
// capacity over time, from the store and the unwritten batch), the outlook (forecast band,
// scheduled firings ahead), and the fleet figures (cost per hour, utilisation).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>

#include "calendar/cron.h"
#include "controller/controller.h"
#include "testing/controller_deps.h"
#include "testing/fakes.h"
#include "testing/groups.h"

namespace tide::controller {
namespace {

using nlohmann::json;
using testing::FakeActuator;
using testing::FakeSource;

constexpr double kStart = 1'000'000;  // 1970-01-12T13:46:40Z

struct DashRig {
  ManualClock clock{kStart};
  std::shared_ptr<FakeSource::Shared> src = std::make_shared<FakeSource::Shared>();
  std::shared_ptr<FakeActuator::Shared> act = std::make_shared<FakeActuator::Shared>();
  std::unique_ptr<store::Store> store;
  std::string dir;

  DashRig() {
    char tmpl[] = "/tmp/tide-dash-XXXXXX";
    dir = mkdtemp(tmpl);
    auto s = store::Store::Open(dir + "/tide.db");
    EXPECT_TRUE(s.ok()) << s.status().message();
    store = std::move(s).value();
  }
  ~DashRig() { std::filesystem::remove_all(dir); }

  static config::Config Config() {
    auto g = tide::testing::MakeGroup(1, 20, {"rps"});
    g.name = "web";
    g.metrics[0].source.type = "prometheus";
    g.metrics[0].source.window = 1;
    g.capacity.initial = 1;
    g.model.startup = 30;
    g.model.price_per_unit_hour = 0.25;
    g.evaluation_interval = 15;
    g.policies = {tide::testing::TargetTracking(0, 10, 0.0, config::TargetType::kAverageValue)};
    config::Config c;
    c.groups.push_back(g);
    return c;
  }

  std::unique_ptr<Controller> Make(const config::Config& cfg) {
    ControllerDeps deps = tide::testing::FakeControllerDeps(&clock, store.get(), src, act);
    auto c = Controller::Create(cfg, ControllerOptions{}, deps);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return std::move(c).value();
  }

  // Sets the reading, then ticks at the current time and advances 15 s.
  void TickWith(Controller& c, double load) {
    {
      std::lock_guard<std::mutex> l(src->mu);
      src->value = load;
    }
    c.Tick(clock.Now());
    clock.Advance(15);
  }
};

// The capacity columns must be the recorded decisions, oldest first.
void ExpectCapacityMatchesDecisions(Controller& c, const json& series, size_t n) {
  const json& cap = series["capacity"];
  ASSERT_EQ(cap["t"].size(), n) << series.dump();
  auto g = c.GetGroup("web", static_cast<int>(n));
  ASSERT_TRUE(g.ok());
  const json& decisions = (*g)["decisions"];  // newest first
  ASSERT_EQ(decisions.size(), n);
  for (size_t i = 0; i < n; ++i) {
    const json& d = decisions[n - 1 - i];
    EXPECT_EQ(cap["t"][i], d["at"]) << i;
    EXPECT_EQ(cap["desired"][i], d["desired"]) << i;
    EXPECT_EQ(cap["current"][i], d["current"]) << i;
    EXPECT_EQ(cap["ready"][i], d["ready"]) << i;
  }
}

TEST(DashboardData, SeriesHoldsEverySampleAndDecisionBeforeAndAfterTheStoreWrite) {
  DashRig rig;
  auto c = rig.Make(DashRig::Config());
  const std::vector<double> loads = {25, 80, 80, 35};
  for (double l : loads) rig.TickWith(*c, l);

  for (const char* when : {"before the flush", "after the flush"}) {
    SCOPED_TRACE(when);
    auto s = c->Series("web", kStart);
    ASSERT_TRUE(s.ok()) << s.status().message();
    const json& m = (*s)["metrics"];
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0]["name"], "rps");
    ASSERT_EQ(m[0]["t"].size(), loads.size());
    for (size_t i = 0; i < loads.size(); ++i) {
      EXPECT_EQ(m[0]["t"][i], kStart + 15.0 * static_cast<double>(i));
      EXPECT_EQ(m[0]["value"][i], loads[i]);
    }
    ExpectCapacityMatchesDecisions(*c, *s, loads.size());
    c->Flush();
  }
  // The scale-out shows: desired rose above the initial single unit.
  auto s = c->Series("web", kStart);
  EXPECT_GT((*s)["capacity"]["desired"][1].get<int>(), 1);
}

TEST(DashboardData, SeriesStartsAtSince) {
  DashRig rig;
  auto c = rig.Make(DashRig::Config());
  for (double l : {10, 20, 30, 40}) rig.TickWith(*c, l);
  c->Flush();
  auto s = c->Series("web", kStart + 30);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["metrics"][0]["value"], json({30, 40}));
  EXPECT_EQ((*s)["capacity"]["t"], json({kStart + 30, kStart + 45}));
  EXPECT_EQ((*s)["since"], kStart + 30);
}

TEST(DashboardData, UnknownGroupIsNotFound) {
  DashRig rig;
  auto c = rig.Make(DashRig::Config());
  EXPECT_EQ(c->Series("nope", 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c->Outlook("nope", 3600).status().code(), StatusCode::kNotFound);
}

TEST(DashboardData, OutlookListsScheduledFiringsWithinTheHorizonInOrder) {
  DashRig rig;
  config::Config cfg = DashRig::Config();
  config::Policy hourly;
  hourly.name = "hourly-floor";
  hourly.kind = config::PolicyKind::kScheduled;
  auto cron = calendar::CronSchedule::Parse("0 * * * *", "UTC");
  ASSERT_TRUE(cron.ok());
  hourly.scheduled.cron = std::make_shared<const calendar::CronSchedule>(*cron);
  hourly.scheduled.min = 3;
  config::Policy once;
  once.name = "once";
  once.kind = config::PolicyKind::kScheduled;
  once.scheduled.at = kStart + 100;
  once.scheduled.desired = 7;
  config::Policy past = once;
  past.name = "past";
  past.scheduled.at = kStart - 5;
  cfg.groups[0].policies.push_back(hourly);
  cfg.groups[0].policies.push_back(once);
  cfg.groups[0].policies.push_back(past);
  auto c = rig.Make(cfg);

  auto o = c->Outlook("web", 3 * 3600);
  ASSERT_TRUE(o.ok());
  const json& sc = (*o)["scheduled"];
  // kStart is 13:46:40; the hour boundaries ahead are 14:00, 15:00 and 16:00.
  ASSERT_EQ(sc.size(), 4u) << sc.dump();
  EXPECT_EQ(sc[0]["policy"], "once");
  EXPECT_EQ(sc[0]["at"], kStart + 100);
  EXPECT_EQ(sc[0]["desired"], 7);
  EXPECT_TRUE(sc[0]["min"].is_null());
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(sc[1 + k]["policy"], "hourly-floor");
    EXPECT_EQ(sc[1 + k]["at"], 278.0 * 3600 + 3600.0 * k);
    EXPECT_EQ(sc[1 + k]["min"], 3);
  }
  EXPECT_TRUE((*o)["forecasts"].empty());
}

// A source with a steady daily pattern for the predictive policy's backfill.
class DailySource : public sources::MetricSource {
 public:
  Result<sources::Reading> Fetch(double now) override { return sources::Reading{Load(now), false}; }
  Result<std::vector<sources::Sample>> History(double from, double to, double step) override {
    std::vector<sources::Sample> out;
    for (double t = from; t < to; t += step) out.push_back({t, Load(t)});
    return out;
  }
  std::string Describe() const override { return "daily"; }
  static double Load(double t) { return 100 + 50 * std::sin(2 * M_PI * t / 86400); }
};

TEST(DashboardData, OutlookCarriesTheForecastBandOfAPredictivePolicy) {
  DashRig rig;
  config::Config cfg = DashRig::Config();
  config::Policy p;
  p.name = "ahead";
  p.kind = config::PolicyKind::kPredictive;
  p.predictive.metric = 0;
  p.predictive.target = 0.8;
  p.predictive.quantile = 0.9;
  p.predictive.model = "seasonal_naive_daily";
  cfg.groups[0].policies.push_back(p);
  ControllerDeps deps;
  deps.clock = &rig.clock;
  deps.make_source = [](const config::Group&,
                        const config::Metric&) -> Result<std::unique_ptr<sources::MetricSource>> {
    return std::unique_ptr<sources::MetricSource>(new DailySource);
  };
  deps.make_actuator = [&](const config::Group&) -> Result<std::unique_ptr<actuators::Actuator>> {
    return std::unique_ptr<actuators::Actuator>(new FakeActuator(rig.act));
  };
  auto c = Controller::Create(cfg, ControllerOptions{}, deps);
  ASSERT_TRUE(c.ok()) << c.status().message();
  (*c)->Tick(rig.clock.Now());

  auto o = (*c)->Outlook("web", 86400);
  ASSERT_TRUE(o.ok());
  ASSERT_EQ((*o)["forecasts"].size(), 1u) << o->dump();
  const json& f = (*o)["forecasts"][0];
  EXPECT_EQ(f["policy"], "ahead");
  EXPECT_EQ(f["metric"], "rps");
  EXPECT_EQ(f["mode"], "forecast_and_scale");
  const size_t n = f["t"].size();
  ASSERT_GT(n, 10u);
  for (const char* col : {"mean", "lo80", "hi80", "lo95", "hi95"})
    EXPECT_EQ(f[col].size(), n) << col;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_LE(f["lo95"][i].get<double>(), f["lo80"][i].get<double>()) << i;
    EXPECT_LE(f["lo80"][i].get<double>(), f["mean"][i].get<double>()) << i;
    EXPECT_LE(f["mean"][i].get<double>(), f["hi80"][i].get<double>()) << i;
    EXPECT_LE(f["hi80"][i].get<double>(), f["hi95"][i].get<double>()) << i;
    if (i > 0) {
      EXPECT_GT(f["t"][i].get<double>(), f["t"][i - 1].get<double>());
    }
  }
  EXPECT_LE(f["t"][n - 1].get<double>(), kStart + 86400);
}

TEST(DashboardData, FleetFiguresCostAndUtilisation) {
  DashRig rig;
  auto c = rig.Make(DashRig::Config());
  rig.TickWith(*c, 25);
  const json g = c->ListGroups()[0];
  EXPECT_DOUBLE_EQ(g["cost_per_hour"].get<double>(), 0.25 * g["current"].get<int>());
  // Average-value target 10: utilisation = 25 / (ready x 10).
  ASSERT_TRUE(g["utilization"].is_number()) << g.dump();
  EXPECT_DOUBLE_EQ(g["utilization"].get<double>(), 25.0 / (g["ready"].get<int>() * 10.0));
  EXPECT_NE(g["utilization_basis"].get<std::string>().find("rps 25"), std::string::npos);
}

// At zero units a total has nothing to divide by: the basis says so (it said "no
// target-tracking policy with a reading" next to a policy with a reading).
TEST(DashboardData, UtilisationBasisAtZeroUnitsSaysWhy) {
  DashRig rig;
  config::Config cfg = DashRig::Config();
  cfg.groups[0].capacity = {0, 20, 0};
  auto c = rig.Make(cfg);
  rig.TickWith(*c, 0);
  const json g = c->ListGroups()[0];
  ASSERT_EQ(g["current"], 0) << g.dump();
  EXPECT_TRUE(g["utilization"].is_null());
  EXPECT_EQ(g["utilization_basis"], "rps 0 with no ready unit: utilisation is undefined");
}

}  // namespace
}  // namespace tide::controller
