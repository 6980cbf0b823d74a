// MakeSource wiring and the retrying decorator (backoff recorded by an injected sleeper).
#include <gtest/gtest.h>

#include <deque>

#include "sources/retrying.h"
#include "sources/source.h"
#include "sources/test_support.h"

namespace tide::sources {
namespace {

using testing::FakeHttpClient;
using testing::ReadFixture;

// Returns the scripted results in order (data only).
class ScriptedSource : public MetricSource {
 public:
  explicit ScriptedSource(std::deque<Result<Reading>> script, int* calls)
      : script_(std::move(script)), calls_(calls) {}
  Result<Reading> Fetch(double now) override {
    ++*calls_;
    auto r = std::move(script_.front());
    script_.pop_front();
    return r;
  }
  std::string Describe() const override { return "scripted"; }

 private:
  std::deque<Result<Reading>> script_;
  int* calls_;
};

TEST(RetryBackoff, DoublesFromATenthCappedAtTwoSeconds) {
  const std::vector<double> want = {0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 2};
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_DOUBLE_EQ(RetryBackoff(static_cast<int>(i)), want[i]) << i;
  EXPECT_DOUBLE_EQ(RetryBackoff(1000), 2);
}

TEST(RetryingSource, Scripts) {
  struct Case {
    std::string name;
    int retries;
    std::deque<Result<Reading>> script;
    bool ok;
    int calls;
    std::vector<double> sleeps;
    std::string message;  // exact error message
  };
  const Status down = Status::Runtime("connection refused");
  const std::vector<Case> cases = {
      {"FirstTry", 2, {Reading{3, false}}, true, 1, {}, ""},
      {"RecoversOnThird", 2, {down, down, Reading{4, false}}, true, 3, {0.1, 0.2}, ""},
      {"GivesUpWithLastMessage",
       3,
       {down, down, down, Status::Runtime("timeout after 2 s")},
       false,
       4,
       {0.1, 0.2, 0.4},
       "after 4 attempts: timeout after 2 s"},
      {"NoRetriesNoPrefix", 0, {down}, false, 1, {}, "connection refused"},
      {"InvalidInputNotRetried",
       5,
       {Status::InvalidInput("query returned 3 series")},
       false,
       1,
       {},
       "query returned 3 series"},
      {"InvalidAfterARetryKeepsItsCode",
       5,
       {down, Status::InvalidInput("query returned NaN")},
       false,
       2,
       {0.1},
       "after 2 attempts: query returned NaN"},
      {"NoDataIsASuccess", 2, {Reading{0, true}}, true, 1, {}, ""},
  };
  for (const Case& c : cases) {
    int calls = 0;
    std::vector<double> sleeps;
    RetryingSource src(std::make_unique<ScriptedSource>(c.script, &calls), c.retries,
                       [&](double s) { sleeps.push_back(s); });
    auto r = src.Fetch(0);
    EXPECT_EQ(r.ok(), c.ok) << c.name;
    EXPECT_EQ(calls, c.calls) << c.name;
    EXPECT_EQ(sleeps, c.sleeps) << c.name;
    if (!c.ok && !r.ok()) {
      EXPECT_EQ(r.status().message(), c.message) << c.name;
      EXPECT_EQ(r.status().code(), c.script.back().status().code()) << c.name;
    }
  }
}

config::MetricSource Config(const std::string& type) {
  config::MetricSource s;
  s.type = type;
  s.timeout = 0.75;
  s.retries = 2;
  return s;
}

TEST(MakeSource, PrometheusRetriesAndPassesTheTimeout) {
  FakeHttpClient http;
  http.Push(Status::Runtime("connect: connection refused"));
  http.PushOk(ReadFixture("prometheus/scalar.json"));
  std::vector<double> sleeps;
  SourceDeps deps;
  deps.http = &http;
  deps.sleep = [&](double s) { sleeps.push_back(s); };
  auto cfg = Config("prometheus");
  cfg.url = "http://prom:9090";
  cfg.query = "up";
  auto src = MakeSource(cfg, deps);
  ASSERT_TRUE(src.ok()) << src.status().message();
  auto r = (*src)->Fetch(10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->value, 0.75);
  EXPECT_EQ(sleeps, std::vector<double>{0.1});
  ASSERT_EQ(http.requests().size(), 2u);
  EXPECT_DOUBLE_EQ(http.requests()[1].timeout, 0.75);
  EXPECT_EQ((*src)->Describe(), "prometheus up at http://prom:9090");
}

TEST(MakeSource, HttpJsonGivesUpAfterRetries) {
  FakeHttpClient http;
  http.SetFallback(platform::HttpResponse{503, "busy", "text/plain"});
  std::vector<double> sleeps;
  SourceDeps deps;
  deps.http = &http;
  deps.sleep = [&](double s) { sleeps.push_back(s); };
  auto cfg = Config("http_json");
  cfg.url = "http://app/stats";
  cfg.pointer = "/depth";
  auto src = MakeSource(cfg, deps);
  ASSERT_TRUE(src.ok());
  auto r = (*src)->Fetch(0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "after 3 attempts: HTTP 503 from http://app/stats: busy");
  EXPECT_EQ(sleeps, (std::vector<double>{0.1, 0.2}));
}

TEST(MakeSource, PrometheusHistoryIsRetriedToo) {
  FakeHttpClient http;
  http.Push(Status::Runtime("timeout"));
  http.PushOk(ReadFixture("prometheus/range_one.json"));
  SourceDeps deps;
  deps.http = &http;
  deps.sleep = [](double) {};
  auto cfg = Config("prometheus");
  cfg.url = "http://prom:9090";
  cfg.query = "up";
  auto src = MakeSource(cfg, deps);
  auto h = (*src)->History(1700000000, 1700000045, 15);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->size(), 3u);
}

TEST(MakeSource, Rejects) {
  FakeHttpClient http;
  SourceDeps with_http;
  with_http.http = &http;
  struct Case {
    std::string name;
    config::MetricSource cfg;
    SourceDeps deps;
    std::string message;
  };
  auto prom = Config("prometheus");
  prom.url = "http://prom:9090";
  prom.query = "up";
  auto redis_bad_address = Config("redis");
  redis_bad_address.address = "localhost";
  redis_bad_address.key = "q";
  auto redis_no_group = Config("redis");
  redis_no_group.address = "127.0.0.1:6379";
  redis_no_group.key = "q";
  redis_no_group.measure = "lag";
  auto procfs_bad = Config("procfs");
  procfs_bad.pid_file = "/run/app.pids";
  procfs_bad.measure = "disk";
  const std::vector<Case> cases = {
      {"Simulated", Config("simulated"), with_http, "simulated is not a live source"},
      {"Unknown", Config("kafka"), with_http, "type = \"kafka\", must be one of"},
      {"PrometheusWithoutClient", prom, SourceDeps{}, "needs an HTTP client"},
      {"RedisBadAddress", redis_bad_address, with_http, "\"localhost\" is not host:port"},
      {"RedisLagWithoutGroup", redis_no_group, with_http, "needs \"consumer_group\""},
      {"ProcfsBadMeasure", procfs_bad, with_http, "measure = \"disk\", must be one of cpu, memory"},
  };
  for (const Case& c : cases) {
    auto r = MakeSource(c.cfg, c.deps);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << c.name;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.name << ": " << r.status().message();
  }
}

TEST(MakeSource, BuildsWithoutIO) {
  // Nothing listens on port 1; building must still succeed (connections are lazy).
  auto cfg = Config("redis");
  cfg.address = "127.0.0.1:1";
  cfg.key = "q";
  SourceDeps deps;
  std::vector<double> sleeps;
  deps.sleep = [&](double s) { sleeps.push_back(s); };
  auto src = MakeSource(cfg, deps);
  ASSERT_TRUE(src.ok()) << src.status().message();
  auto r = (*src)->Fetch(0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_NE(r.status().message().find("after 3 attempts: redis 127.0.0.1:1: connect:"),
            std::string::npos)
      << r.status().message();
}

TEST(MakeSource, OthersHaveNoHistory) {
  auto cfg = Config("procfs");
  cfg.pid_file = "/nonexistent.pids";
  cfg.measure = "cpu";
  auto src = MakeSource(cfg, SourceDeps{});
  ASSERT_TRUE(src.ok());
  auto h = (*src)->History(0, 100, 10);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->empty());
}

}  // namespace
}  // namespace tide::sources
