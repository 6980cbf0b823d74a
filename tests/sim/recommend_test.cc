// `tide recommend`'s parts: SLO expressions, the variants, and the search on a small trace.
#include "sim/recommend.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "testing/groups.h"

namespace tide::sim {
namespace {

TEST(Slo, ParsesTermsAndChecksThem) {
  auto t = ParseSlo("tau_under<=1, unserved_fraction<0.001,mean_utilization>=0.5");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[1].key, "unserved_fraction");
  EXPECT_EQ((*t)[1].op, SloTerm::Op::kLt);
  Summary s;
  s.tau_under = 0.5;
  s.unserved_fraction = 0;
  s.mean_utilization = 0.6;
  double shortfall = -1;
  EXPECT_TRUE(MeetsSlo(s, *t, &shortfall));
  EXPECT_EQ(shortfall, 0);
  s.tau_under = 1.5;  // 50 % over the bound
  EXPECT_FALSE(MeetsSlo(s, *t, &shortfall));
  EXPECT_NEAR(shortfall, 0.5, 1e-9);
}

TEST(Slo, RejectsWhatDoesNotParse) {
  for (const char* bad : {"", "tau_under", "tau_under<=", "tau_undr<=1", "tau_under<=abc", "tau_under<=1,,"}) {
    auto t = ParseSlo(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().exit_code(), 2);
    EXPECT_NE(t.status().message().find("allowed"), std::string::npos) << t.status().message();
  }
  EXPECT_NE(ParseSlo("tau_undr<=1").status().message().find("tau_undr"), std::string::npos);
}

TEST(Recommend, VariantsOfEachFamily) {
  auto g = testing::MakeGroup(1, 20);
  g.model.capacity_per_unit = 40;
  // reactive: on utilisation and on load per unit, 11 targets (0.4 .. 0.9) x 4 windows each;
  // predictive: 3 quantiles x 3 targets x 2 buffers x mean/peak; hybrid: the reactive side on
  // utilisation or load x 3 x 3 x 3 x mean/peak x 3 down-scaling settings.
  EXPECT_EQ(MakeVariants(g, "reactive").size(), 1u + 88u);
  int on_load = 0;
  for (const auto& c : MakeVariants(g, "reactive"))
    for (const auto& p : c.group.policies) {
      if (p.kind != config::PolicyKind::kTargetTracking || c.family != "reactive") continue;
      const auto& tt = p.target_tracking;
      const auto& metric = c.group.metrics[tt.metric];
      if (tt.target_type == config::TargetType::kValue) {
        EXPECT_EQ(metric.source.signal, config::Signal::kUtilization) << c.label;
        // No target whose tolerance band reaches saturated utilisation (1.0).
        EXPECT_LT(tt.target * (1 + tt.tolerance.up), 1.0) << c.label;
      } else {
        // On load: the load per unit that the labelled utilisation means.
        ++on_load;
        EXPECT_EQ(metric.source.signal, config::Signal::kLoad) << c.label;
        EXPECT_NE(c.label.find(" on load"), std::string::npos) << c.label;
        EXPECT_NE(c.label.find(fmt::format("target={} ", tt.target / 40)), std::string::npos)
            << c.label;
      }
    }
  EXPECT_EQ(on_load, 44);
  EXPECT_EQ(MakeVariants(g, "predictive").size(), 1u + 36u);
  EXPECT_EQ(MakeVariants(g, "hybrid").size(), 1u + 324u);
  EXPECT_EQ(MakeVariants(g, "all").size(), 1u + 88u + 36u + 324u);
  int skips = 0, peaks = 0;
  for (const auto& c : MakeVariants(g, "hybrid")) {
    if (c.family != "hybrid") continue;
    const bool skip = c.label.find("skipped-while-forecast-healthy") != std::string::npos;
    const bool peak = c.label.find(" peak") != std::string::npos;
    skips += skip;
    peaks += peak;
    for (const auto& p : c.group.policies) {
      if (p.kind != config::PolicyKind::kPredictive) continue;
      EXPECT_FALSE(p.predictive.scale_in) << c.label;  // the forecast is a floor (combine.h)
      EXPECT_EQ(p.predictive.skip_scale_down_window, skip) << c.label;
      EXPECT_EQ(p.predictive.peak, peak) << c.label;
    }
    if (skip) {
      EXPECT_EQ(c.group.behavior.scale_down.stabilization_window, 600) << c.label;
    }
  }
  EXPECT_EQ(skips, 108);
  EXPECT_EQ(peaks, 162);
  for (const auto& c : MakeVariants(g, "reactive"))  // labels print the target plainly
    EXPECT_EQ(c.label.find("0000"), std::string::npos) << c.label;
  for (const auto& c : MakeVariants(g, "hybrid")) {
    if (c.family != "hybrid") continue;
    bool reactive = false, predictive = false;
    for (const auto& p : c.group.policies) {
      reactive |= p.kind == config::PolicyKind::kTargetTracking;
      predictive |= p.kind == config::PolicyKind::kPredictive;
    }
    EXPECT_TRUE(reactive && predictive) << c.label;
  }
}

Trace Wave() {
  Trace t;
  t.path = "wave.csv";
  for (int i = 0; i < 2 * 1440; ++i) {  // two days per minute, a daily sine
    t.t.push_back(i * 60.0);
    t.value.push_back(50 + 40 * std::sin(i * 2 * M_PI / 1440));
  }
  t.last_interval = 60;
  return t;
}

config::Group Base() {
  auto g = testing::MakeGroup(1, 50, {"utilization"});
  g.model.capacity_per_unit = 10;
  g.model.startup = 60;
  g.model.price_per_unit_hour = 1;
  g.evaluation_interval = 30;
  g.policies = {testing::TargetTracking(0, 0.5)};
  return g;
}

TEST(Recommend, PicksTheCheapestThatMeetsAndIsDeterministic) {
  RecommendOptions opt;
  opt.family = "reactive";
  opt.step = 10;
  auto slo = ParseSlo("tau_under<=5");
  ASSERT_TRUE(slo.ok());
  auto a = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_GE(a->chosen, 0);
  const Candidate& chosen = a->candidates[a->chosen];
  EXPECT_TRUE(chosen.meets);
  for (const auto& c : a->candidates)
    if (c.meets) {
      EXPECT_LE(chosen.train.cost, c.train.cost) << c.label;
    }
  EXPECT_DOUBLE_EQ(a->split, 86400);
  EXPECT_GT(a->test.steps, 0);
  opt.threads = 1;
  auto b = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->chosen, b->chosen);
  EXPECT_EQ(a->test.cost, b->test.cost);
}

// Every candidate is scored on the training part after the same warm-up: a predictive policy
// has no forecast in its first day, so scoring that day would score its fallback.
TEST(Recommend, ScoresTheTrainingPartAfterAWarmUp) {
  RecommendOptions opt;
  opt.family = "reactive";
  opt.step = 10;
  auto slo = ParseSlo("tau_under<=5");
  ASSERT_TRUE(slo.ok());
  auto byDefault = Recommend(Base(), Wave(), *slo, opt);  // training part: one day
  ASSERT_TRUE(byDefault.ok()) << byDefault.status().message();
  EXPECT_DOUBLE_EQ(byDefault->train_from, 43200);  // half of a training part shorter than 2 days
  for (const auto& c : byDefault->candidates) EXPECT_EQ(c.train.steps, (86400 - 43200) / 10) << c.label;
  opt.train_warmup = 0;
  auto none = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_TRUE(none.ok());
  EXPECT_DOUBLE_EQ(none->train_from, 0);
  EXPECT_EQ(none->candidates.front().train.steps, 86400 / 10);
  opt.train_warmup = 86400;  // the whole training part: nothing left to score
  auto all = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().exit_code(), 2);
  EXPECT_NE(all.status().message().find("--train-warmup"), std::string::npos) << all.status().message();
}

TEST(Recommend, SaysWhenNothingMeetsAndNamesTheClosest) {
  RecommendOptions opt;
  opt.family = "reactive";
  opt.step = 10;
  auto slo = ParseSlo("tau_under<=0,cost_ratio<=0.5");  // cheaper than the oracle: impossible
  ASSERT_TRUE(slo.ok());
  auto r = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->chosen, -1);
  ASSERT_GE(r->closest, 0);
  EXPECT_GT(r->candidates[r->closest].shortfall, 0);
}

// Both scored parts must hold kMinScoredIntervals evaluations: a tiny fraction used to blame
// --train-warmup (never given) and a fraction near 1 scored a 1 s held-back part as meeting
// the SLO at cost 0. Base() evaluates every 30 s: each part needs 300 s.
TEST(Recommend, EachScoredPartHoldsTenEvaluationIntervals) {
  auto slo = ParseSlo("tau_under<=5");
  ASSERT_TRUE(slo.ok());
  RecommendOptions opt;
  opt.family = "reactive";
  opt.step = 10;
  for (double fraction : {0.0001, 0.003, 0.9999, 0.999}) {
    opt.train_fraction = fraction;
    auto r = Recommend(Base(), Wave(), *slo, opt);
    ASSERT_FALSE(r.ok()) << fraction;
    EXPECT_EQ(r.status().exit_code(), 2);
    const std::string& m = r.status().message();
    EXPECT_EQ(m.rfind(fmt::format("--train-fraction: bad value '{}': on wave.csv", fraction), 0),
              0u)
        << m;
    EXPECT_NE(m.find("at least 300s (10 evaluation intervals of 30s)"), std::string::npos) << m;
    EXPECT_NE(m.find("allowed: a number in [0.0036, 0.9982]"), std::string::npos) << m;
    EXPECT_EQ(m.find("--train-warmup"), std::string::npos) << m;
  }
  opt.train_fraction = 0.008;  // 1380 s of training (690 scored), the rest held back
  EXPECT_TRUE(Recommend(Base(), Wave(), *slo, opt).ok());
  // A one-row trace is too short to split at all.
  Trace one;
  one.path = "one.csv";
  one.t = {0};
  one.value = {5};
  opt.train_fraction = 0.5;
  auto r = Recommend(Base(), one, *slo, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(
                "--train-fraction: bad value '0.5': one.csv spans 1s, too short to split", 0),
            0u)
      << r.status().message();
}

// Predictive variants cannot forecast before a day of history: on a shorter training part the
// search says so instead of listing identical rows that never forecast.
TEST(Recommend, NotesThatPredictiveVariantsNeedADayOfHistory) {
  auto slo = ParseSlo("tau_under<=5");
  ASSERT_TRUE(slo.ok());
  RecommendOptions opt;
  opt.step = 60;
  opt.family = "predictive";
  auto r = Recommend(Base(), Wave(), *slo, opt);  // two days: a 1 d training part
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("predictive variants need 1d of history before they forecast"),
            std::string::npos)
      << r->notes[0];
  EXPECT_NE(r->notes[0].find("wave.csv is 1d long"), std::string::npos) << r->notes[0];
  opt.family = "reactive";
  r = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->notes.empty());
  opt.family = "predictive";
  opt.train_fraction = 0.75;  // 36 h of training: the forecast starts after the first day
  r = Recommend(Base(), Wave(), *slo, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->notes.empty()) << r->notes[0];
}

TEST(Recommend, RejectsBadOptions) {
  auto slo = ParseSlo("tau_under<=1");
  RecommendOptions opt;
  opt.train_fraction = 1.5;
  EXPECT_EQ(Recommend(Base(), Wave(), *slo, opt).status().exit_code(), 2);
  opt.train_fraction = 0.5;
  opt.family = "magic";
  EXPECT_NE(Recommend(Base(), Wave(), *slo, opt).status().message().find("--family"), std::string::npos);
}

}  // namespace
}  // namespace tide::sim
