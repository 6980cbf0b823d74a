// The router under load from wrk (Debian package wrk, installed by scripts/deps.sh): no error
// at the issue's stated rate of 1,000 requests per second, and `tide load` replaying a trace
// through it with every request answered.
#include <fstream>
#include <regex>

#include "local/loadgen.h"
#include "local_support.h"
#include "platform/process.h"

namespace tide::local::testing {
namespace {

using RouterLoad = LocalFixture;

TEST_F(RouterLoad, WrkSeesNoErrorsAndAtLeastTheStatedRate) {
  LocalGroup& g = Start(SampleGroup());
  g.pool().SetDesired(2);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 2; }));
  auto r = platform::RunProcess({"wrk", "-t1", "-c16", "-d3s", g.endpoint() + "/"}, {}, 30);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->exit_code, 0) << r->output;
  EXPECT_EQ(r->output.find("Non-2xx"), std::string::npos) << r->output;
  EXPECT_EQ(r->output.find("Socket errors"), std::string::npos) << r->output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r->output, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")))
      << r->output;
  EXPECT_GE(std::stod(m[1]), 1000) << r->output;
  EXPECT_EQ(g.router().Stats().errors, 0);
}

TEST_F(RouterLoad, TideLoadReplaysATraceWithEveryRequestAnswered) {
  LocalGroup& g = Start(SampleGroup());
  // 4 rows of 10 trace seconds at 5, 20, 0 and 10 requests/s = 350 requests; at speedup 10
  // they arrive within 4 s, evenly spaced.
  auto trace = sim::ParseTrace("timestamp,value\n0,5\n10,20\n20,0\n30,10\n", "t.csv");
  ASSERT_TRUE(trace.ok());
  LoadOptions o;
  o.target = g.endpoint() + "/";
  o.speedup = 10;
  o.poisson = false;
  auto report = ReplayLoad(*trace, o);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_NEAR(report->sent, 350, 2);
  EXPECT_EQ(report->ok, report->sent) << FormatLoadReport(*report);
  EXPECT_EQ(report->errors, 0);
  EXPECT_NEAR(report->wall_seconds, 4, 0.5) << FormatLoadReport(*report);
  EXPECT_GT(report->p99, 0);
  EXPECT_LE(report->p50, report->p99);
}

TEST(LoadTarget, ParsesHttpUrlsAndNamesWhatIsWrong) {
  auto t = ParseHttpTarget("http://127.0.0.1:8081/api?x=1");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8081);
  EXPECT_EQ(t->path, "/api?x=1");
  auto bad = ParseHttpTarget("https://x:1/");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("allowed: http://HOST:PORT"), std::string::npos);
  EXPECT_FALSE(ParseHttpTarget("http://h:99999/").ok());
}

}  // namespace
}  // namespace tide::local::testing
