// SeriesRecorder: bucket sizing and what each bucket keeps.
#include "sim/series.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace tide::sim {
namespace {

struct SizeCase {
  const char* name;
  long long total_steps;
  int max_buckets;
  long long per_bucket;     // ceil(total / max), at least 1
  std::vector<int> counts;  // steps in each bucket after total_steps Add()s
};

class SeriesSizeTest : public testing::TestWithParam<SizeCase> {};

TEST_P(SeriesSizeTest, BucketsHoldCeilTotalOverMax) {
  const SizeCase& c = GetParam();
  SeriesRecorder rec(c.total_steps, c.max_buckets);
  EXPECT_EQ(rec.steps_per_bucket(), c.per_bucket);
  for (long long i = 0; i < c.total_steps; ++i) rec.Add(60.0 * i, 1, 1, 1, 1, 1);
  std::vector<int> counts;
  for (const Bucket& b : rec.buckets()) counts.push_back(b.n);
  EXPECT_EQ(counts, c.counts);
  EXPECT_LE(static_cast<long long>(rec.buckets().size()), std::max(c.max_buckets, 1));
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, SeriesSizeTest,
    testing::Values(SizeCase{"FewerStepsThanBuckets", 3, 2000, 1, {1, 1, 1}},
                    SizeCase{"ExactMultiple", 8, 4, 2, {2, 2, 2, 2}},
                    SizeCase{"RoundsUpAndLastIsPartial", 10, 4, 3, {3, 3, 3, 1}},
                    SizeCase{"OneBucket", 5, 1, 5, {5}}, SizeCase{"NoSteps", 0, 2000, 1, {}},
                    SizeCase{"ZeroBucketsMeansOne", 4, 0, 4, {4}}),
    [](const testing::TestParamInfo<SizeCase>& info) { return std::string(info.param.name); });

TEST(SeriesRecorderTest, Wc98SizeGivesAtMost2000Buckets) {
  SeriesRecorder rec(125280);
  EXPECT_EQ(rec.steps_per_bucket(), 63);  // ceil(125280 / 2000)
}

TEST(SeriesRecorderTest, BucketKeepsMinMaxMeanAndLast) {
  SeriesRecorder rec(6, 2);  // 3 steps per bucket
  //      t     load  demand supply prov desired
  rec.Add(0, 10.0, 1, 2, 3, 4);
  rec.Add(60, 40.0, 5, 1, 6, 2);
  rec.Add(120, 25.0, 3, 3, 3, 3);
  rec.Add(180, 1.0, 2, 2, 2, 7);
  rec.Add(240, 2.0, 2, 2, 2, 5);
  ASSERT_EQ(rec.buckets().size(), 2u);
  const Bucket& a = rec.buckets()[0];
  EXPECT_EQ(a.n, 3);
  EXPECT_DOUBLE_EQ(a.t, 0);
  EXPECT_DOUBLE_EQ(a.load_mean, 25);  // (10 + 40 + 25) / 3
  EXPECT_DOUBLE_EQ(a.load_max, 40);
  EXPECT_DOUBLE_EQ(a.demand_max, 5);
  EXPECT_DOUBLE_EQ(a.demand_mean, 3);  // (1 + 5 + 3) / 3
  EXPECT_DOUBLE_EQ(a.supply_min, 1);
  EXPECT_DOUBLE_EQ(a.supply_max, 3);
  EXPECT_DOUBLE_EQ(a.supply_mean, 2);
  EXPECT_DOUBLE_EQ(a.provisioned_max, 6);
  EXPECT_DOUBLE_EQ(a.desired_min, 2);
  EXPECT_DOUBLE_EQ(a.desired_max, 4);
  EXPECT_DOUBLE_EQ(a.desired_last, 3);
  const Bucket& b = rec.buckets()[1];  // partial: 2 of 3 steps
  EXPECT_EQ(b.n, 2);
  EXPECT_DOUBLE_EQ(b.t, 180);
  EXPECT_DOUBLE_EQ(b.load_mean, 1.5);
  EXPECT_DOUBLE_EQ(b.desired_min, 5);
  EXPECT_DOUBLE_EQ(b.desired_max, 7);
  EXPECT_DOUBLE_EQ(b.desired_last, 5);
}

TEST(SeriesRecorderTest, ConstantSeriesStaysExact) {
  SeriesRecorder rec(1000, 1);
  for (int i = 0; i < 1000; ++i) rec.Add(i, 0.1, 7, 7, 7, 7);
  ASSERT_EQ(rec.buckets().size(), 1u);
  EXPECT_DOUBLE_EQ(rec.buckets()[0].load_mean, 0.1);
  EXPECT_EQ(rec.buckets()[0].supply_mean, 7.0);
}

}  // namespace
}  // namespace tide::sim
