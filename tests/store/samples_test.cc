// Samples: append, read back by group, metric and time range; NaN survives as NULL; many
// threads may append at once.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "store/store.h"
#include "temp_dir.h"

namespace tide::store {
namespace {

using testing::StoreTest;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using SamplesTest = StoreTest;

TEST_F(SamplesTest, RoundTripKeepsOnlyTheAskedSeriesOldestFirst) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  // Appended out of order and interleaved with other series.
  const std::vector<MetricSample> in = {
      {"web", "cpu", 130, 0.7}, {"web", "rps", 120, 900}, {"web", "cpu", 100, 0.5},
      {"api", "cpu", 110, 0.9}, {"web", "cpu", 115, 0.6},
  };
  ASSERT_TRUE(store->AppendSamples(in).ok());

  auto h = store->History("web", "cpu", 0, 1000);
  ASSERT_TRUE(h.ok()) << h.status().message();
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ((*h)[0].at, 100);
  EXPECT_EQ((*h)[0].value, 0.5);
  EXPECT_EQ((*h)[1].at, 115);
  EXPECT_EQ((*h)[1].value, 0.6);
  EXPECT_EQ((*h)[2].at, 130);
  EXPECT_EQ((*h)[2].value, 0.7);
  for (const MetricSample& m : *h) {
    EXPECT_EQ(m.group, "web");
    EXPECT_EQ(m.metric, "cpu");
  }
  auto api = store->History("api", "cpu", 0, 1000);
  ASSERT_TRUE(api.ok());
  ASSERT_EQ(api->size(), 1u);
  EXPECT_EQ((*api)[0].value, 0.9);
}

TEST_F(SamplesTest, RangeIsInclusiveAtBothEnds) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<MetricSample> in;
  for (int t = 0; t < 10; ++t) in.push_back({"g", "m", 100.0 + t, static_cast<double>(t)});
  ASSERT_TRUE(store->AppendSamples(in).ok());

  auto h = store->History("g", "m", 102, 105);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ(h->front().at, 102);
  EXPECT_EQ(h->back().at, 105);

  auto none = store->History("g", "m", 200, 300);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(SamplesTest, NaNIsStoredAsNullAndReadBackAsNaN) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const std::vector<MetricSample> in = {{"g", "m", 1, kNaN}, {"g", "m", 2, 0.0}};
  ASSERT_TRUE(store->AppendSamples(in).ok());
  auto h = store->History("g", "m", 0, 10);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_TRUE(std::isnan((*h)[0].value));
  EXPECT_EQ((*h)[1].value, 0.0);  // a real zero stays a zero
}

TEST_F(SamplesTest, FractionalTimesAndExtremeValuesRoundTripExactly) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const std::vector<MetricSample> in = {{"g", "m", 1700000000.125, 1e-300},
                                        {"g", "m", 1700000000.25, -1.7976931348623157e308}};
  ASSERT_TRUE(store->AppendSamples(in).ok());
  auto h = store->History("g", "m", 1700000000, 1700000001);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].at, 1700000000.125);
  EXPECT_EQ((*h)[0].value, 1e-300);
  EXPECT_EQ((*h)[1].value, -1.7976931348623157e308);
}

TEST_F(SamplesTest, EmptyAppendIsANoOp) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->AppendSamples({}).ok());
}

TEST_F(SamplesTest, TwoThreadsAppendingConcurrentlyLoseNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr int kBatches = 40;
  constexpr int kPerBatch = 250;
  auto writer = [&](const std::string& metric) {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<MetricSample> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        batch.push_back({"g", metric, static_cast<double>(b * kPerBatch + i), 1.0});
      }
      EXPECT_TRUE(store->AppendSamples(batch).ok());
    }
  };
  std::thread a(writer, "a");
  std::thread b(writer, "b");
  // A reader in the middle of it: every read sees whole batches only.
  for (int i = 0; i < 20; ++i) {
    auto h = store->History("g", "a", 0, 1e9);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->size() % kPerBatch, 0u);
  }
  a.join();
  b.join();
  for (const char* metric : {"a", "b"}) {
    auto h = store->History("g", metric, 0, 1e9);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->size(), static_cast<size_t>(kBatches * kPerBatch)) << metric;
  }
}

}  // namespace
}  // namespace tide::store
