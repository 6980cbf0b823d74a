// Compaction: raw → 1-minute means → 1-hour means → deleted, with exact expected means, NULLs
// ignored, whole buckets only, idempotent; decisions and events deleted past r.total.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "store/store.h"
#include "temp_dir.h"

namespace tide::store {
namespace {

using testing::StoreTest;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMin = 60;
constexpr double kHour = 3600;
constexpr double kDay = 86400;
// Keep raw 1 h, minutes 1 day, everything 7 days.
constexpr Retention kRetention{kHour, kDay, 7 * kDay};
constexpr double kNow = 100 * kDay;  // a whole day, hour and minute

// (at, value) pairs, NaN compared as NaN.
using Points = std::vector<std::pair<double, double>>;

class CompactTest : public StoreTest {
 protected:
  void SetUp() override {
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }
  void Append(const std::string& group, const std::string& metric, const Points& pts) {
    std::vector<MetricSample> in;
    for (auto [at, v] : pts) in.push_back({group, metric, at, v});
    ASSERT_TRUE(store_->AppendSamples(in).ok());
  }
  void Compact(double now) {
    Status s = store_->Compact(now, kRetention);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  Points Read(const std::string& group = "g", const std::string& metric = "cpu") {
    auto h = store_->History(group, metric, 0, 1e12);
    EXPECT_TRUE(h.ok());
    Points out;
    if (h.ok()) {
      for (const MetricSample& m : *h) out.emplace_back(m.at, m.value);
    }
    return out;
  }
  static void ExpectPoints(const Points& got, const Points& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first, want[i].first) << "row " << i;
      if (std::isnan(want[i].second)) {
        EXPECT_TRUE(std::isnan(got[i].second)) << "row " << i << " = " << got[i].second;
      } else {
        EXPECT_EQ(got[i].second, want[i].second) << "row " << i;
      }
    }
  }

  std::unique_ptr<Store> store_;
};

TEST_F(CompactTest, RawOlderThanRawRetentionBecomesMinuteMeansPerSeries) {
  const double m = kNow - 2 * kHour;  // between the raw and the minute cut-offs
  // Minute m: 1, 2, 6 → mean 3. Minute m+60: only NaNs → NULL. Minute m+120: 5 and a NaN,
  // which the mean ignores → 5. The last two are younger than 1 h and stay raw.
  Append("g", "cpu",
         {{m + 0, 1},
          {m + 20, 2},
          {m + 40, 6},
          {m + 60, kNaN},
          {m + 90, kNaN},
          {m + 120, 5},
          {m + 130, kNaN},
          {kNow - 600, 7},
          {kNow - 10, kNaN}});
  Append("g", "rps", {{m + 10, 100}});                   // other metric, same minute
  Append("h", "cpu", {{m + 10, 1000}, {m + 50, 3000}});  // other group, same minute
  Compact(kNow);
  ExpectPoints(Read(), {{m, 3}, {m + 60, kNaN}, {m + 120, 5}, {kNow - 600, 7}, {kNow - 10, kNaN}});
  ExpectPoints(Read("g", "rps"), {{m, 100}});
  ExpectPoints(Read("h", "cpu"), {{m, 2000}});
}

// Raw samples of two hours. Hour kH has minute means 2 (1 and 3), 6, NULL and 10 (its last
// minute), so its hour mean is (2 + 6 + 10) / 3 = 6: each minute weighs the same (the mean of
// the raw values would be 5). Hour kH + 1 h has one minute of 4 and one of only NaN → 4.
const double kH = kNow - 2 * kDay;
const Points kTwoHours = {
    {kH + 0, 1},     {kH + 30, 3},        {kH + 60, 6},           {kH + 120, kNaN},
    {kH + 3540, 10}, {kH + kHour + 5, 4}, {kH + kHour + 65, kNaN}};

TEST_F(CompactTest, MinuteRowsOlderThanMinuteRetentionBecomeHourMeans) {
  Append("g", "cpu", kTwoHours);
  const double first = kH + 3 * kHour;  // both hours older than 1 h, younger than 1 day
  Compact(first);
  ExpectPoints(Read(), {{kH, 2},
                        {kH + 60, 6},
                        {kH + 120, kNaN},
                        {kH + 3540, 10},
                        {kH + kHour, 4},
                        {kH + kHour + 60, kNaN}});
  const double second = kH + kDay + 3 * kHour;  // both hours now older than 1 day
  Compact(second);
  ExpectPoints(Read(), {{kH, 6}, {kH + kHour, 4}});
}

TEST_F(CompactTest, OneRunTakesOldRawSamplesStraightToHourMeans) {
  Append("g", "cpu", kTwoHours);
  Compact(kNow);
  ExpectPoints(Read(), {{kH, 6}, {kH + kHour, 4}});
}

TEST_F(CompactTest, AnHourOfOnlyNullsStaysNull) {
  Append("g", "cpu", {{kH + 10, kNaN}, {kH + 700, kNaN}});
  Compact(kNow);
  ExpectPoints(Read(), {{kH, kNaN}});
}

TEST_F(CompactTest, IsIdempotent) {
  const double m = kNow - 2 * kHour;
  Append("g", "cpu", kTwoHours);
  Append("g", "cpu", {{m + 1, 1}, {m + 2, 2}, {kNow - 5, 9}});
  Compact(kNow);
  const Points once = Read();
  Compact(kNow);
  Compact(kNow);
  ExpectPoints(Read(), once);
  ExpectPoints(once, {{kH, 6}, {kH + kHour, 4}, {m, 1.5}, {kNow - 5, 9}});
}

TEST_F(CompactTest, CutOffsRoundDownSoABucketIsDownsampledWhole) {
  const double m = kNow - 2 * kHour;
  Append("g", "cpu", {{m - 50, 8}, {m + 10, 1}, {m + 50, 3}});
  // Raw cut-off = floor((m + 30) / 60) * 60 = m: minute m-60 goes, minute m stays whole.
  Compact(m + kHour + 30);
  ExpectPoints(Read(), {{m - 60, 8}, {m + 10, 1}, {m + 50, 3}});
  Compact(m + kHour + 60);
  ExpectPoints(Read(), {{m - 60, 8}, {m, 2}});
}

TEST_F(CompactTest, DeletesEverythingOlderThanTotalRetentionButNotState) {
  const double old = kNow - 8 * kDay;
  const double kept = kNow - 6 * kDay;
  Append("g", "cpu", {{old, 1}, {kept, 2}});
  ASSERT_TRUE(store_->AppendDecision({"g", old, 1, 2, "ScaleUp", "old", "{}"}).ok());
  ASSERT_TRUE(store_->AppendDecision({"g", kept, 2, 3, "ScaleUp", "kept", "{}"}).ok());
  EventRecord e;
  e.group = "g";
  e.kind = "scale";
  e.at = old;
  ASSERT_TRUE(store_->AppendEvent(e).ok());
  e.at = kept;
  ASSERT_TRUE(store_->AppendEvent(e).ok());
  ASSERT_TRUE(store_->SaveState("g", old, "{}").ok());

  Compact(kNow);
  ExpectPoints(Read(), {{kept, 2}});  // now an hour mean, stamped at its hour (kept is whole)
  auto d = store_->RecentDecisions("g", 10);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].message, "kept");
  auto ev = store_->Events("", 0, 10);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 1u);
  EXPECT_EQ((*ev)[0].at, kept);
  auto st = store_->LoadState("g");
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->has_value());
}

TEST_F(CompactTest, RetentionOutOfOrderIsInvalidInputNamingTheValues) {
  Status s = store_->Compact(kNow, Retention{kDay, kHour, 7 * kDay});
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("raw = 86400"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace tide::store
