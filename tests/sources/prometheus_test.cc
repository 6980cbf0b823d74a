// Prometheus parsers on captured API responses, and the reader against a fake HttpClient.
#include "sources/prometheus.h"

#include <gtest/gtest.h>

#include "sources/test_support.h"

namespace tide::sources {
namespace {

using testing::FakeHttpClient;
using testing::ReadFixture;

struct InstantCase {
  std::string name;
  std::string fixture;  // under fixtures/prometheus/
  StatusCode code;      // kOk for a reading
  double value = 0;
  bool no_data = false;
  std::string message = "";  // substring of the error message
};

class InstantTest : public ::testing::TestWithParam<InstantCase> {};

TEST_P(InstantTest, Parses) {
  const InstantCase& c = GetParam();
  const std::string body = ReadFixture("prometheus/" + c.fixture);
  ASSERT_FALSE(body.empty()) << c.fixture;
  auto r = ParsePrometheusInstant(body);
  if (c.code == StatusCode::kOk) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_DOUBLE_EQ(r->value, c.value);
    EXPECT_EQ(r->no_data, c.no_data);
  } else {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().message();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, InstantTest,
    ::testing::Values(
        InstantCase{"VectorOneSample", "vector_one.json", StatusCode::kOk, 42.5},
        InstantCase{"VectorWithLabels", "vector_labels_one.json", StatusCode::kOk, 1},
        InstantCase{"Scalar", "scalar.json", StatusCode::kOk, 0.75},
        InstantCase{"ExponentAndWarnings", "vector_exponent.json", StatusCode::kOk, 1.5e6},
        InstantCase{"EmptyVectorIsNoData", "vector_empty.json", StatusCode::kOk, 0, true},
        InstantCase{"SeveralSeries", "vector_multi.json", StatusCode::kInvalidInput, 0, false,
                    "query returned 3 series"},
        InstantCase{"SeveralSeriesSuggestsAggregation", "vector_multi.json",
                    StatusCode::kInvalidInput, 0, false, "sum(...) or max(...)"},
        InstantCase{"SeveralSeriesShowsLabels", "vector_multi.json", StatusCode::kInvalidInput, 0,
                    false, "instance=\"localhost:9100\""},
        InstantCase{"NaNIsAFailure", "vector_nan.json", StatusCode::kInvalidInput, 0, false,
                    "query returned NaN"},
        InstantCase{"PlusInfIsAFailure", "vector_inf.json", StatusCode::kInvalidInput, 0, false,
                    "query returned +Inf"},
        InstantCase{"MinusInfIsAFailure", "scalar_neg_inf.json", StatusCode::kInvalidInput, 0,
                    false, "query returned -Inf"},
        InstantCase{"ErrorEnvelope", "error_bad_data.json", StatusCode::kRuntime, 0, false,
                    "Prometheus error (bad_data): invalid parameter \"query\": 1:8: parse error"},
        InstantCase{"TimeoutEnvelope", "error_timeout.json", StatusCode::kRuntime, 0, false,
                    "(timeout): query timed out"},
        InstantCase{"MatrixForInstant", "matrix_for_instant.json", StatusCode::kInvalidInput, 0,
                    false, "range vector (matrix)"},
        InstantCase{"StringResult", "string.json", StatusCode::kInvalidInput, 0, false,
                    "resultType \"string\""},
        InstantCase{"NativeHistogram", "histogram.json", StatusCode::kInvalidInput, 0, false,
                    "native histogram"},
        InstantCase{"NotJson", "not_json.html", StatusCode::kInvalidInput, 0, false,
                    "not JSON: <html>"}),
    [](const auto& info) { return info.param.name; });

TEST(PrometheusInstant, ValueThatIsNotANumber) {
  auto r = ParsePrometheusInstant(
      R"({"status":"success","data":{"resultType":"scalar","result":[1,"12abc"]}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"12abc\" is not a number"), std::string::npos);
}

TEST(PrometheusInstant, NotAnApiResponse) {
  auto r = ParsePrometheusInstant(R"({"data":1})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no \"status\""), std::string::npos);
}

TEST(PrometheusRange, OneSeriesSkipsNaNGaps) {
  auto r = ParsePrometheusRange(ReadFixture("prometheus/range_one.json"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_DOUBLE_EQ((*r)[0].at, 1700000000);
  EXPECT_DOUBLE_EQ((*r)[0].value, 10);
  EXPECT_DOUBLE_EQ((*r)[1].value, 12.5);
  EXPECT_DOUBLE_EQ((*r)[2].at, 1700000045);
  EXPECT_DOUBLE_EQ((*r)[2].value, 14);
}

TEST(PrometheusRange, EmptyMatrixIsNoSamples) {
  auto r = ParsePrometheusRange(ReadFixture("prometheus/range_empty.json"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(PrometheusRange, SeveralSeriesIsInvalid) {
  auto r = ParsePrometheusRange(ReadFixture("prometheus/range_multi.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("2 series"), std::string::npos);
}

TEST(PrometheusRange, VectorIsInvalid) {
  auto r = ParsePrometheusRange(ReadFixture("prometheus/vector_one.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected \"matrix\""), std::string::npos);
}

TEST(PrometheusRange, ErrorEnvelope) {
  auto r = ParsePrometheusRange(ReadFixture("prometheus/range_error_resolution.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_NE(r.status().message().find("11,000 points"), std::string::npos);
}

TEST(UrlEncode, KeepsUnreservedAndEscapesTheRest) {
  struct Case {
    std::string in, out;
  };
  for (const Case& c : std::vector<Case>{
           {"up", "up"},
           {"sum(rate(x[1m]))", "sum%28rate%28x%5B1m%5D%29%29"},
           {"a{job=\"api\"} > 0", "a%7Bjob%3D%22api%22%7D%20%3E%200"},
           {"a+b/c&d", "a%2Bb%2Fc%26d"},
           {"Az09-._~", "Az09-._~"},
           {"é", "%C3%A9"},
       })
    EXPECT_EQ(UrlEncode(c.in), c.out) << c.in;
}

TEST(SplitRange, Chunks) {
  struct Case {
    std::string name;
    double from, to, step;
    int max_points;
    std::vector<TimeRange> want;
  };
  const std::vector<Case> cases = {
      {"FitsInOne", 0, 100, 10, 11000, {{0, 100}}},
      {"ExactlyMaxPoints", 0, 10999, 1, 11000, {{0, 10999}}},
      {"OneMorePoint", 0, 11000, 1, 11000, {{0, 10999}, {11000, 11000}}},
      {"Documented", 0, 30000, 1, 11000, {{0, 10999}, {11000, 21999}, {22000, 30000}}},
      {"SmallMax", 100, 190, 10, 4, {{100, 130}, {140, 170}, {180, 190}}},
      {"SinglePoint", 5, 5, 15, 11000, {{5, 5}}},
      {"Reversed", 10, 5, 1, 11000, {}},
      {"ZeroStep", 0, 10, 0, 11000, {}},
  };
  for (const Case& c : cases) {
    auto got = SplitRange(c.from, c.to, c.step, c.max_points);
    ASSERT_EQ(got.size(), c.want.size()) << c.name;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_DOUBLE_EQ(got[i].start, c.want[i].start) << c.name << " #" << i;
      EXPECT_DOUBLE_EQ(got[i].end, c.want[i].end) << c.name << " #" << i;
    }
  }
}

TEST(PrometheusSource, FetchBuildsTheInstantQuery) {
  FakeHttpClient http;
  http.PushOk(ReadFixture("prometheus/vector_one.json"));
  PrometheusSource src("http://prom:9090/", "sum(rate(x[1m]))", &http, 1.5);
  auto r = src.Fetch(1700000000.25);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->value, 42.5);
  ASSERT_EQ(http.requests().size(), 1u);
  EXPECT_EQ(http.requests()[0].method, "GET");
  EXPECT_EQ(http.requests()[0].url,
            "http://prom:9090/api/v1/query?query=sum%28rate%28x%5B1m%5D%29%29&time=1700000000.250");
  EXPECT_DOUBLE_EQ(http.requests()[0].timeout, 1.5);
  EXPECT_EQ(src.Describe(), "prometheus sum(rate(x[1m])) at http://prom:9090");
}

TEST(PrometheusSource, ErrorStatusCarriesPrometheusMessage) {
  FakeHttpClient http;
  http.PushOk(ReadFixture("prometheus/error_bad_data.json"), 400);
  PrometheusSource src("http://prom:9090", "sum(x))", &http, 2);
  auto r = src.Fetch(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(r.status().message(),
            "Prometheus error (bad_data): invalid parameter \"query\": 1:8: parse error: "
            "unexpected right parenthesis ')' (HTTP 400)");
}

TEST(PrometheusSource, ErrorStatusWithoutEnvelopeNamesStatusAndUrl) {
  FakeHttpClient http;
  http.PushOk(ReadFixture("prometheus/not_json.html"), 502);
  PrometheusSource src("http://prom:9090", "up", &http, 2);
  auto r = src.Fetch(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(r.status().message().rfind("HTTP 502 from http://prom:9090/api/v1/query?query=up", 0),
            0u)
      << r.status().message();
}

TEST(PrometheusSource, TransportErrorPassesThrough) {
  FakeHttpClient http;
  http.Push(Status::Runtime("GET http://prom:9090/...: connection refused"));
  PrometheusSource src("http://prom:9090", "up", &http, 2);
  auto r = src.Fetch(1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("connection refused"), std::string::npos);
}

TEST(PrometheusSource, HistorySplitsLongRangesAndConcatenates) {
  FakeHttpClient http;
  http.PushOk(
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"1"],[10999,"2"]]}]}})");
  http.PushOk(
      R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[11000,"3"]]}]}})");
  http.PushOk(ReadFixture("prometheus/range_empty.json"));
  PrometheusSource src("http://prom:9090", "up", &http, 2);
  auto r = src.History(0, 30000, 1);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_DOUBLE_EQ((*r)[2].at, 11000);
  EXPECT_DOUBLE_EQ((*r)[2].value, 3);
  const auto reqs = http.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].url,
            "http://prom:9090/api/v1/query_range?query=up&start=0.000&end=10999.000&step=1");
  EXPECT_EQ(reqs[1].url,
            "http://prom:9090/api/v1/query_range?query=up&start=11000.000&end=21999.000&step=1");
  EXPECT_EQ(reqs[2].url,
            "http://prom:9090/api/v1/query_range?query=up&start=22000.000&end=30000.000&step=1");
}

TEST(PrometheusSource, HistoryStopsAtTheFirstFailedChunk) {
  FakeHttpClient http;
  http.PushOk(ReadFixture("prometheus/range_one.json"));
  http.PushOk(ReadFixture("prometheus/range_multi.json"));
  PrometheusSource src("http://prom:9090", "up", &http, 2);
  auto r = src.History(0, 30000, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http.requests().size(), 2u);
}

TEST(PrometheusSource, HistoryRejectsANonPositiveStep) {
  FakeHttpClient http;
  PrometheusSource src("http://prom:9090", "up", &http, 2);
  auto r = src.History(0, 10, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("step = 0, must be > 0"), std::string::npos);
  EXPECT_TRUE(http.requests().empty());
}

}  // namespace
}  // namespace tide::sources
