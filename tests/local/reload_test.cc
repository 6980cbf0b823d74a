// `tide run` and reloads that add and then remove a local group, end to end: the new group's pool
// starts at the capacity the controller holds as the group's current (capacity.initial), as a
// group's pool does at startup. Before, the runtime a reload created stayed at 0 replicas
// while the controller counted capacity.initial as current, and a decision equal to current
// is never applied: `web2 2 2 2 ... ready=0` for good.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platform/http_client.h"
#include "testing/processes.h"

namespace tide::local {
namespace {

using tide::testing::Child;
using tide::testing::FreePort;
using tide::testing::WaitFor;

std::string Group(const std::string& name, int min, int initial, int router) {
  return "  - name: " + name + R"(
    resource: {provider: local}
    capacity: {min: )" +
         std::to_string(min) + ", max: 4, initial: " + std::to_string(initial) +
         R"(}
    evaluation_interval: 1s
    local:
      command: [")" +
         std::string(TIDE_SAMPLE) + R"(", "--work-ms", "0"]
      listen: "127.0.0.1:)" +
         std::to_string(router) + R"("
      health: {type: http, path: /healthz, interval: 50ms}
      drain: {grace: 2s}
    metrics:
      - {name: rps, source: {type: local, measure: rps, window: 5s}}
      - {name: ready, source: {type: local, measure: ready, window: 1s}}
    ready_metric: ready
    policies:
      - {type: target_tracking, metric: rps, target: 1000, target_type: average_value}
)";
}

int Lines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

TEST(LocalReload, AGroupAddedByAReloadStartsAtItsInitialCapacity) {
  const std::string dir = tide::testing::MakeTempDir("tide-localreload");
  const int api = FreePort(), web_router = FreePort(), web2_router = FreePort();
  const std::string config = dir + "/local.yaml";
  tide::testing::WriteText(config, "groups:\n" + Group("web", 1, 1, web_router));
  Child tide({TIDE_BINARY, "run", config, "--db", dir + "/t.db", "--listen",
              "127.0.0.1:" + std::to_string(api)},
             dir + "/tide.log");
  const std::string pids = dir + "/t.db.local/";
  ASSERT_TRUE(WaitFor([&] { return Lines(pids + "web.pids") == 1; }, 20))
      << tide::testing::ReadText(dir + "/tide.log");

  tide::testing::WriteText(
      config, "groups:\n" + Group("web", 1, 1, web_router) + Group("web2", 2, 2, web2_router));
  tide.Signal(SIGHUP);
  auto http = platform::MakeCurlHttpClient();
  auto web2 = [&] {
    platform::HttpRequest r;
    r.url = "http://127.0.0.1:" + std::to_string(api) + "/api/v1/groups/web2";
    r.timeout = 5;
    auto res = http->Do(r);
    return res.ok() && res->status == 200 ? nlohmann::json::parse(res->body, nullptr, false)
                                          : nlohmann::json();
  };
  EXPECT_TRUE(WaitFor(
      [&] {
        const nlohmann::json g = web2();
        return g.is_object() &&
               g.value("actuator", "").rfind("local pool: 2 ready, 0 starting", 0) == 0;
      },
      20))
      << web2().dump() << "\n"
      << tide::testing::ReadText(dir + "/tide.log");
  EXPECT_EQ(Lines(pids + "web2.pids"), 2);
  // The controller's view agrees with the pool: current 2, and the ready metric reads 2.
  EXPECT_TRUE(WaitFor(
      [&] {
        const nlohmann::json g = web2();
        if (!g.is_object() || g.value("current", -1) != 2) return false;
        for (const auto& m : g["metrics"])
          if (m.value("name", "") == "ready") return m["value"].is_number() && m["value"] == 2;
        return false;
      },
      10))
      << web2().dump();
  EXPECT_EQ(Lines(pids + "web.pids"), 1);  // the running group is left as it was

  // A reload that removes web2 stops it: its replicas drain and its router stops listening
  // (they used to run until tide stopped). web goes on.
  tide::testing::WriteText(config, "groups:\n" + Group("web", 1, 1, web_router));
  tide.Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(pids + "web2.pids"); }, 20))
      << tide::testing::ReadText(dir + "/tide.log");
  platform::HttpRequest ping;
  ping.url = "http://127.0.0.1:" + std::to_string(web2_router) + "/";
  ping.timeout = 2;
  EXPECT_FALSE(http->Do(ping).ok()) << "web2's router still answers";
  ping.url = "http://127.0.0.1:" + std::to_string(web_router) + "/";
  auto answer = http->Do(ping);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(Lines(pids + "web.pids"), 1);

  const int status = tide.Stop(SIGTERM, 30);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(std::filesystem::exists(pids + "web.pids"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tide::local
