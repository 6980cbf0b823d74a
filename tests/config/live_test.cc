// live.h (which groups can be simulated), the pure checks behind the new keys (host:port,
// URLs, JSON pointers, loopback hosts), and several problems in the new sections at once.
#include "config/live.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/loader.h"
#include "config/parse.h"

namespace tide::config {
namespace {

constexpr const char* kMixed = R"(groups:
  - name: sim
    metrics:
      - name: u
        source: {signal: utilization}
      - name: q
        source: {type: simulated, signal: backlog}
  - name: live
    metrics:
      - name: u
        source: {type: simulated}
      - name: rps
        source: {type: prometheus, url: "http://127.0.0.1:9090", query: up}
      - name: depth
        source: {type: http_json, url: "http://127.0.0.1:9100/stats", pointer: /d}
)";

Config MustLoad(const std::string& yaml) {
  LoadResult r = LoadConfigString(yaml, "x.yaml");
  EXPECT_TRUE(r.problems.empty()) << (r.problems.empty() ? "" : r.problems[0].ToString());
  return r.config;
}

TEST(HasLiveMetrics, AnyMetricNotSimulated) {
  const Config c = MustLoad(kMixed);
  EXPECT_FALSE(HasLiveMetrics(c.groups[0]));
  EXPECT_TRUE(HasLiveMetrics(c.groups[1]));
  EXPECT_FALSE(HasLiveMetrics(Group{}));  // no metrics at all
}

TEST(CheckForSimulation, AllSimulatedGroupHasNoProblems) {
  const Config c = MustLoad(kMixed);
  EXPECT_TRUE(CheckForSimulation(c, c.groups[0]).empty());
}

TEST(CheckForSimulation, NamesEachLiveMetricAtItsLine) {
  const Config c = MustLoad(kMixed);
  const std::vector<Problem> p = CheckForSimulation(c, c.groups[1]);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].ToString(),
            "x.yaml:12:9: groups[1].metrics[1].source.type: bad value 'prometheus': type "
            "prometheus cannot be simulated (the simulator only produces simulated signals); "
            "allowed in simulate: type simulated");
  EXPECT_EQ(p[1].line, 14);
  EXPECT_EQ(p[1].column, 9);
  EXPECT_EQ(p[1].key_path, "groups[1].metrics[2].source.type");
  EXPECT_NE(p[1].ToString().find("type http_json cannot be simulated"), std::string::npos);
}

TEST(CheckForSimulation, FindsACopiedGroupByName) {
  const Config c = MustLoad(kMixed);
  const Group copy = c.groups[1];
  const std::vector<Problem> p = CheckForSimulation(c, copy);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].key_path, "groups[1].metrics[1].source.type");
}

TEST(LiveProblems, SeveralProblemsInTheNewSectionsInFileOrder) {
  const LoadResult r = LoadConfigString(R"(api: {listen: "0.0.0.0:80", tokn: x}
retention: {raw: 30d, total: 7d}
groups:
  - name: web
    ready_metric: rdy
    actuator: {type: exec, url: "http://h/x"}
    metrics:
      - name: q
        source: {type: redis, query: up, measure: lag}
      - name: p
        source: {type: prometheus, url: "localhost:9090"}
)",
                                        "x.yaml");
  const std::vector<std::string> expected = {
      "x.yaml:1:15: api.listen: bad value '0.0.0.0:80': a non-loopback host requires api.token",
      "x.yaml:1:29: api.tokn: unknown key 'tokn'; allowed: listen, token (did you mean 'token'?)",
      "x.yaml:2:18: retention.raw: bad value '30d': must be <= retention.minute (14d, the "
      "default)",
      "x.yaml:2:30: retention.total: bad value '7d': must be >= retention.minute (14d, the "
      "default)",
      "x.yaml:5:19: groups[0].ready_metric: bad value 'rdy': unknown metric; this group's "
      "metrics: q, p",
      "x.yaml:6:15: groups[0].actuator.command: missing; required: for type exec",
      "x.yaml:6:28: groups[0].actuator.url: url is only for type webhook",
      "x.yaml:9:17: groups[0].metrics[0].source.address: missing; required: for type redis",
      "x.yaml:9:17: groups[0].metrics[0].source.key: missing; required: for type redis",
      "x.yaml:9:17: groups[0].metrics[0].source.consumer_group: missing; required: for measure "
      "lag",
      "x.yaml:9:31: groups[0].metrics[0].source.query: query is only for type prometheus",
      "x.yaml:11:17: groups[0].metrics[1].source.query: missing; required: for type prometheus",
      "x.yaml:11:41: groups[0].metrics[1].source.url: bad value 'localhost:9090': expected an "
      "http:// or https:// URL",
  };
  std::string all;
  for (const Problem& p : r.problems) all += p.ToString() + "\n";
  ASSERT_EQ(r.problems.size(), expected.size()) << all;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.problems[i].ToString().rfind(expected[i], 0), 0u)
        << "problem " << i << ": " << r.problems[i].ToString() << "\nexpected: " << expected[i];
  }
}

TEST(LiveProblems, TheTokenIsNeverShown) {
  for (const char* token : {"\"has space\"", "12345", "true", "[s3cret]", "\"\""}) {
    const LoadResult r = LoadConfigString(
        std::string("api: {token: ") + token + "}\ngroups: [{name: a}]\n", "x.yaml");
    ASSERT_EQ(r.problems.size(), 1u) << token;
    EXPECT_EQ(r.problems[0].value, "") << r.problems[0].ToString();
    EXPECT_EQ(r.problems[0].key_path, "api.token");
    for (const char* secret : {"has space", "12345", "true", "s3cret"})
      EXPECT_EQ(r.problems[0].ToString().find(secret), std::string::npos)
          << r.problems[0].ToString();
  }
}

// ---- the pure checks (parse.h) ----

TEST(ParseHostPort, AcceptsNamesAddressesAndBracketedIpv6) {
  struct Case {
    const char* text;
    const char* host;
    int port;
  };
  for (const Case& c :
       {Case{"127.0.0.1:8080", "127.0.0.1", 8080}, Case{"redis:6379", "redis", 6379},
        Case{"my-host.example_1:0", "my-host.example_1", 0}, Case{"[::1]:65535", "::1", 65535},
        Case{"[fe80::1%]:1", "", -1}, Case{"0.0.0.0:00080", "0.0.0.0", 80}}) {
    const std::optional<internal::HostPort> hp = internal::ParseHostPort(c.text);
    if (c.port < 0) {
      EXPECT_FALSE(hp.has_value()) << c.text;
      continue;
    }
    ASSERT_TRUE(hp.has_value()) << c.text;
    EXPECT_EQ(hp->host, c.host);
    EXPECT_EQ(hp->port, c.port);
  }
}

TEST(ParseHostPort, RejectsTheRest) {
  for (const char* text :
       {"", ":80", "host", "host:", "host:65536", "host:123456", "host:-1", "host:8a", "::1:80",
        "[::1]", "[::1]80", "[]:80", "[xyz]:80", "a b:80", "http://h:80"}) {
    EXPECT_FALSE(internal::ParseHostPort(text).has_value()) << text;
  }
}

TEST(IsLoopbackHost, LocalhostLoopbackNetAndIpv6) {
  for (const char* host : {"localhost", "LOCALHOST", "127.0.0.1", "127.255.0.9", "::1"})
    EXPECT_TRUE(internal::IsLoopbackHost(host)) << host;
  for (const char* host : {"0.0.0.0", "10.0.0.1", "128.0.0.1", "127.0.0", "127.0.0.256",
                           "127.0.0.1.2", "127..0.1", "localhost.example", "::", "example"})
    EXPECT_FALSE(internal::IsLoopbackHost(host)) << host;
}

TEST(IsHttpUrl, SchemeHostAndOptionalPort) {
  for (const char* url :
       {"http://127.0.0.1:9090", "https://prom.example", "http://h/", "http://h?x=1",
        "http://user:pw@h:80/p", "http://[::1]:9090/x", "http://[::1]/x"})
    EXPECT_TRUE(internal::IsHttpUrl(url)) << url;
  for (const char* url :
       {"", "127.0.0.1:9090", "ftp://h", "HTTP://h", "http://", "http:///x", "http://h:0",
        "http://h:99999", "http://h:", "http://a b", "http://h/\tx", "http://[zz]/", "http://@/x"})
    EXPECT_FALSE(internal::IsHttpUrl(url)) << url;
}

TEST(IsJsonPointer, Rfc6901) {
  for (const char* p : {"", "/", "/queue/depth", "/a~0b/c~1d", "/0", "/~01"})
    EXPECT_TRUE(internal::IsJsonPointer(p)) << p;
  for (const char* p : {"queue", "#/queue", "/a~", "/a~2", "/~x"})
    EXPECT_FALSE(internal::IsJsonPointer(p)) << p;
}

}  // namespace
}  // namespace tide::config
