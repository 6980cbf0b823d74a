// models_test.cc: the models on synthetic series whose answers are known.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "forecast/internal.h"
#include "forecast/trace_series.h"

namespace tide::forecast {
namespace {

constexpr double kPi = 3.14159265358979323846;

// 5-minute series: level + amp * daily sine (+ weekend factor) + N(0, sd) noise, seeded.
Series Synthetic(int days, double level, double amp, double sd, unsigned seed, double weekend = 1.0,
                 double step = 300) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, sd);
  Series s;
  s.step = step;
  const int p = StepsPer(kDay, step);
  for (int t = 0; t < days * p; ++t) {
    double v = level + amp * std::sin(2 * kPi * t / p);
    if ((t / p) % 7 >= 5) v *= weekend;
    s.values.push_back(v + noise(rng));
  }
  return s;
}

TEST(SeasonalNaive, ExactOnPurePeriodicSeries) {
  Series s = Synthetic(3, 100, 40, 0, 1);
  for (const char* name : {"seasonal_naive_daily"}) {
    auto m = MakeModel(name);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE((*m)->Fit(s).ok());
    Forecast f = (*m)->Predict(400);
    for (int k = 0; k < 400; ++k) EXPECT_NEAR(f.mean[k], 100 + 40 * std::sin(2 * kPi * (864 + k) / 288), 1e-9);
  }
}

TEST(SeasonalNaive, WeeklyNeedsAWeek) {
  auto m = MakeModel("seasonal_naive_weekly");
  Status st = (*m)->Fit(Synthetic(3, 100, 40, 1, 1));
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
}

// Simulates additive Holt-Winters with damped trend (the model's own equations) and checks
// that Nelder-Mead on the one-step SSE recovers the smoothing parameters.
TEST(Ets, RecoversSimulatedParameters) {
  const double alpha = 0.3, beta = 0.03, gamma = 0.15, phi = 0.9;
  const int m = 24;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> season(m);
  for (int i = 0; i < m; ++i) season[i] = 10 * std::sin(2 * kPi * i / m);
  double l = 100, b = 0.2;
  Series s;
  s.step = 3600;
  for (int t = 0; t < 24 * 120; ++t) {
    double mu = l + phi * b, sv = season[t % m], e = noise(rng);
    s.values.push_back(mu + sv + e);
    l = mu + alpha * e;
    b = phi * b + beta * e;
    season[t % m] = sv + gamma * e;
  }
  auto fit = FitEtsParameters(s);
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->period, 24);
  EXPECT_FALSE(fit->multiplicative);
  EXPECT_NEAR(fit->alpha, alpha, 0.08);
  EXPECT_NEAR(fit->gamma, gamma, 0.08);
  EXPECT_NEAR(fit->beta, beta, 0.05);
}

// Intervals from backtested errors cover as stated when the noise is known (iid normal).
// Paths at a few leads equal the full path at those leads, also across the end of ETS's
// table of damping sums (600 leads without seasonality) with a gap before it: a trending,
// non-seasonal 1-minute series of one day, 1,440 leads ahead.
TEST(Ets, PathAtSomeLeadsMatchesTheFullPath) {
  Series s;
  s.step = 60;
  std::mt19937 rng(4);
  std::normal_distribution<double> noise(0, 1);
  for (int t = 0; t < 1440; ++t) s.values.push_back(100 + 0.05 * t + noise(rng));
  auto m = NewEts();
  ASSERT_TRUE(m->Fit(s).ok());
  const int n = static_cast<int>(s.values.size());
  const std::vector<double> full = m->Path(n, 1440);
  const std::vector<int> leads = {0, 7, 590, 610, 1439};
  std::vector<double> some(leads.size());
  m->PathAt(n, leads.data(), static_cast<int>(leads.size()), some.data(), 1);
  for (size_t i = 0; i < leads.size(); ++i)
    EXPECT_NEAR(some[i], full[leads[i]], 1e-9 * std::fabs(full[leads[i]])) << "lead " << leads[i];
  EXPECT_NE(full[610], full[590]);  // the trend still moves the path there
}

// What `tide forecast --at end` fits on the bundled NYC taxi trace (30-minute steps): the
// rows before `end` seconds, the last 14 days, cleaned.
Series NycTaxiBefore(double end) {
  Series s = testing::LoadTrace(
      std::string(TIDE_SOURCE_DIR) + "/examples/traces/nyc_taxi_passengers_30min.csv", 1800);
  const size_t rows = static_cast<size_t>((end - s.start) / s.step), keep = 14 * 48;
  s.values.resize(std::min(rows, s.values.size()));
  if (s.values.size() > keep) {
    s.start += s.step * static_cast<double>(s.values.size() - keep);
    s.values.erase(s.values.begin(), s.values.end() - keep);
  }
  return Clean(s, nullptr);
}

// The ensemble's ETS member fits its parameters on the last 10 days. At 2401200 s those
// parameters (multiplicative, alpha 0.99, phi 0.8) run over all 14 days drove the level to
// 0.01 at a morning ramp and a seasonal factor to 1e25, so the ensemble's 95 % bound read
// 3e33 and its mean 3e12 within the day; at 18176400 s the fitted run's own level fell
// through zero (the mean read 4e5). Every path from every origin stays in the data's range.
TEST(Ets, StatesNeverDivergeWhereTheFittedParametersWouldCarryThemAway) {
  for (double end : {2401200.0, 18176400.0}) {
    const Series s = NycTaxiBefore(end);
    ASSERT_EQ(s.values.size(), 14u * 48) << "the bundled trace is missing or short";
    const double top = *std::max_element(s.values.begin(), s.values.end());
    auto m = NewEts(10);
    ASSERT_TRUE(m->Fit(s).ok());
    const int n = static_cast<int>(s.values.size());
    for (int o = m->min_origin(); o <= n; ++o) {
      const std::vector<double> path = m->Path(o, 48);
      for (int k = 0; k < 48; ++k)
        ASSERT_TRUE(std::isfinite(path[k]) && std::fabs(path[k]) < 10 * top)
            << "end " << end << " origin " << o << " lead " << k << ": " << path[k];
    }
    auto e = MakeModel("auto");
    ASSERT_TRUE((*e)->Fit(s).ok());
    const Forecast f = (*e)->Predict(48);
    for (int k = 0; k < 48; ++k) {
      EXPECT_LT(f.mean[k], 2 * top) << "end " << end << " lead " << k;
      EXPECT_LT(f.hi95[k], 2 * top) << "end " << end << " lead " << k;
    }
  }
}

TEST(Intervals, CoverageOnSimulatedNoise) {
  for (const char* name : {"regression", "ensemble", "seasonal_naive_daily", "ets"}) {
    double in80 = 0, in95 = 0, total = 0;
    for (unsigned seed = 1; seed <= 12; ++seed) {
      Series all = Synthetic(9, 100, 40, 5, seed);
      Series fit = all;
      const int h = 24;
      fit.values.resize(all.values.size() - h);
      auto m = MakeModel(name);
      ASSERT_TRUE((*m)->Fit(fit).ok());
      Forecast f = (*m)->Predict(h);
      for (int k = 0; k < h; ++k) {
        double y = all.values[fit.values.size() + k];
        in80 += y >= f.lo80[k] && y <= f.hi80[k];
        in95 += y >= f.lo95[k] && y <= f.hi95[k];
        ++total;
      }
    }
    EXPECT_NEAR(in80 / total, 0.80, 0.06) << name;
    EXPECT_NEAR(in95 / total, 0.95, 0.04) << name;
  }
}

TEST(Seasonality, DetectsDailyOnly) {
  EXPECT_EQ(DetectSeasonality(Synthetic(14, 100, 40, 5, 3)), std::vector<int>{288});
}

TEST(Seasonality, DetectsDailyAndWeekly) {
  auto p = DetectSeasonality(Synthetic(14, 100, 40, 5, 3, 0.5));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(std::find(p.begin(), p.end(), 2016), p.end());
  EXPECT_NE(std::find(p.begin(), p.end(), 288), p.end());
}

TEST(Seasonality, NoneInNoiseOrShortSeries) {
  EXPECT_TRUE(DetectSeasonality(Synthetic(14, 100, 0, 5, 3)).empty());
  EXPECT_TRUE(DetectSeasonality(Synthetic(1, 100, 40, 5, 3)).empty());  // < two periods
}

TEST(Clean, CountsGapsAndOutliers) {
  Series s = Synthetic(2, 100, 10, 1, 5);
  s.values[100] = s.values[101] = s.values[102] = std::nan("");
  s.values[300] = 10000;
  s.values[400] = -5000;
  CleaningReport rep;
  Series c = Clean(s, &rep);
  EXPECT_EQ(rep.gaps_filled, 3);
  EXPECT_EQ(rep.outliers_clipped, 2);
  EXPECT_LT(c.values[300], 200);
  EXPECT_GT(c.values[400], 0);
  EXPECT_NEAR(c.values[101], 0.5 * (s.values[99] + s.values[103]), 1e-9);
}

TEST(Ensemble, FallsBackToMovingAverageUnderOneDay) {
  Series s = Synthetic(1, 100, 40, 5, 2);
  s.values.resize(200);
  auto m = MakeModel("auto");
  ASSERT_TRUE((*m)->Fit(s).ok());
  Forecast f = (*m)->Predict(12);
  EXPECT_EQ(f.model, "moving_average");
  EXPECT_NE(f.note.find("shorter than one day"), std::string::npos);
  EXPECT_GT(f.hi95[0], f.lo95[0]);  // never a zero-width interval on a noisy series
}

// Two or three values say nothing about the spread: the 95 % interval is at least the
// level either side (a normal error of one scale unit), not the few values' own spread
// (two 5-minute means 4.74 and 4.80 gave 4.74-4.80; the next two were 5.19 and 5.21).
TEST(Ensemble, AFewValuesGiveAWideIntervalNotTheirOwnSpread) {
  Series s;
  s.step = 300;
  s.values = {4.742, 4.802};
  auto m = MakeModel("auto");
  ASSERT_TRUE((*m)->Fit(s).ok());
  Forecast f = (*m)->Predict(2);
  const double level = (4.742 + 4.802) / 2;
  EXPECT_NEAR(f.mean[0], level, 1e-9);
  EXPECT_GE(f.hi95[0], level + 1.95 * level);
  EXPECT_GE(f.hi80[0], level + 1.28 * level);
  EXPECT_EQ(f.lo95[0], 0);
  EXPECT_GT(f.hi80[1], 5.21);
}

TEST(Ensemble, BeatsSeasonalNaiveOnSmoothSeasonalSeries) {
  Series all = Synthetic(14, 100, 40, 5, 9);
  Series fit = all;
  fit.values.resize(all.values.size() - 288);
  double err[2] = {0, 0};
  const char* names[2] = {"auto", "seasonal_naive_daily"};
  for (int i = 0; i < 2; ++i) {
    auto m = MakeModel(names[i]);
    ASSERT_TRUE((*m)->Fit(fit).ok());
    Forecast f = (*m)->Predict(288);
    for (int k = 0; k < 288; ++k) err[i] += std::fabs(f.mean[k] - all.values[fit.values.size() + k]);
  }
  EXPECT_LT(err[0], 0.8 * err[1]);
}

TEST(Models, ForecastsNeverNegative) {
  // Sparse, bursty, mostly zero: a falling trend would push naive extrapolation below zero.
  std::mt19937 rng(4);
  std::exponential_distribution<double> burst(0.5);
  Series s;
  for (int t = 0; t < 288 * 9; ++t) s.values.push_back(t % 97 < 3 ? burst(rng) * (3000 - t % 3000) / 300 : 0);
  for (const auto& name : ModelNames()) {
    auto m = MakeModel(name);
    ASSERT_TRUE(m.ok()) << name;
    ASSERT_TRUE((*m)->Fit(s).ok()) << name;
    Forecast f = (*m)->Predict(300);
    for (size_t k = 0; k < f.mean.size(); ++k) {
      ASSERT_GE(f.lo95[k], 0) << name;
      ASSERT_GE(f.mean[k], 0) << name;
      ASSERT_LE(f.lo95[k], f.lo80[k]) << name;
      ASSERT_LE(f.hi80[k], f.hi95[k]) << name;
    }
  }
}

TEST(Rescale, LevelExponentOnlyOutsideTheNaturalRange) {
  EXPECT_EQ(LevelExponent({}), 0);
  EXPECT_EQ(LevelExponent({0, 0}), 0);
  EXPECT_EQ(LevelExponent({0.75, NAN, 0.75}), 0);
  EXPECT_EQ(LevelExponent({1e-6, 2e-6}), 0);  // inside [2^-20, 2^40]
  EXPECT_EQ(LevelExponent({1e12, 1e12}), 0);
  EXPECT_EQ(LevelExponent({0.75 * std::ldexp(1.0, 500)}), 500);  // level 0.75 x 2^500 -> 2^0
  EXPECT_EQ(LevelExponent({std::ldexp(0.75, -600), std::ldexp(0.75, -600)}), -600);
  // Near the largest double: the sum must not overflow.
  EXPECT_EQ(LevelExponent(std::vector<double>(1000, 1.7e308)), 1024);
}

// A series far from a natural level is forecast as the same series at level ~1, scaled back:
// exact for a power of two. Before, at a level near 1e180 every model printed zeros (and
// near 1e154 every bound equalled the mean).
TEST(Models, ForecastsAreScaleInvariantFarFromANaturalLevel) {
  Series base = Synthetic(9, 0.75, 0.2, 0.02, 5);  // mean level ~0.75: fitted as it is
  for (int e : {598, 512, -700}) {                 // 2^598 ~ 1e180, 2^512 ~ 1.3e154
    Series scaled = base;
    for (double& v : scaled.values) v = std::ldexp(v, e);
    for (const std::string& name : ModelNames()) {
      SCOPED_TRACE(name + " at 2^" + std::to_string(e));
      auto a = MakeModel(name), b = MakeModel(name);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_TRUE((*a)->Fit(base).ok());
      ASSERT_TRUE((*b)->Fit(scaled).ok());
      const Forecast fa = (*a)->Predict(36), fb = (*b)->Predict(36);
      EXPECT_EQ(fa.model, fb.model);
      ASSERT_EQ(fa.mean.size(), fb.mean.size());
      for (size_t k = 0; k < fa.mean.size(); ++k) {
        EXPECT_EQ(fb.mean[k], std::ldexp(fa.mean[k], e)) << k;
        EXPECT_EQ(fb.lo95[k], std::ldexp(fa.lo95[k], e)) << k;
        EXPECT_EQ(fb.hi95[k], std::ldexp(fa.hi95[k], e)) << k;
        EXPECT_GT(fb.mean[k], 0) << k;
        EXPECT_GT(fb.hi95[k], fb.mean[k]) << k;
      }
    }
  }
}

TEST(Seasonality, ScaleInvariant) {
  Series s = Synthetic(15, 100, 40, 3, 2, 0.5);
  const std::vector<int> want = DetectSeasonality(s);
  ASSERT_FALSE(want.empty());
  for (double& v : s.values) v *= 1e180;
  EXPECT_EQ(DetectSeasonality(s), want);
}

TEST(Models, UnknownNameListsAllowed) {
  auto m = MakeModel("arima");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(m.status().message().find("seasonal_naive_daily"), std::string::npos);
}

TEST(Forecast, QuantileReadsTheBounds) {
  Forecast f;
  f.mean = {100};
  f.lo80 = {80};
  f.hi80 = {120};
  f.lo95 = {70};
  f.hi95 = {130};
  EXPECT_NEAR(f.Quantile(0, 0.5), 100, 1e-9);
  EXPECT_NEAR(f.Quantile(0, 0.9), 120, 1e-6);
  EXPECT_NEAR(f.Quantile(0, 0.975), 130, 1e-6);
  EXPECT_NEAR(f.Quantile(0, 0.1), 80, 1e-6);
  EXPECT_NEAR(f.Quantile(0, 0.95), 125.36, 0.05);
  EXPECT_GE(f.Quantile(0, 1e-9), 0);
}

// Select (the quickselect behind interval quantiles and ensemble medians) puts the sorted
// value at kth and partitions around it, on random data, heavy ties, sorted, reversed and
// all-equal input (which forces its fallback to std::nth_element).
TEST(Select, MatchesSortedOrder) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  std::uniform_int_distribution<int> small(0, 3);
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + trial % 300 + (trial % 7 == 0 ? 500 : 0);
    std::vector<double> v(n);
    for (int i = 0; i < n; ++i) {
      switch (trial % 5) {
        case 0: v[i] = u(rng); break;
        case 1: v[i] = small(rng); break;
        case 2: v[i] = i; break;
        case 3: v[i] = -i; break;
        default: v[i] = 2.5; break;
      }
    }
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const int k = static_cast<int>(rng() % static_cast<unsigned>(n));
    Select(v.data(), v.data() + k, v.data() + n);
    ASSERT_EQ(v[k], sorted[k]) << "trial " << trial << " n " << n << " k " << k;
    for (int i = 0; i < k; ++i) ASSERT_LE(v[i], v[k]);
    for (int i = k + 1; i < n; ++i) ASSERT_GE(v[i], v[k]);
  }
}

TEST(Aggregate, BlockMeansAlignedToTheEnd) {
  Series s;
  s.step = 60;
  s.values = {9, 1, 2, 3, 4, std::nan("")};
  Series a = Aggregate(s, 2);
  ASSERT_EQ(a.values.size(), 3u);
  EXPECT_EQ(a.step, 120);
  EXPECT_DOUBLE_EQ(a.values[0], 5);
  EXPECT_DOUBLE_EQ(a.values[2], 4);
  Series b = Aggregate(s, 4);
  EXPECT_EQ(b.start, 120);  // leading partial block dropped
}

}  // namespace
}  // namespace tide::forecast
