// `tide run` with a local group, end to end: the group's status names its router, requests
// through it are served, and no process outlives tide — not after SIGTERM, and not after a
// SIGKILL followed by a restart (the replicas die with tide; what they started in their
// process group is killed by the restart, from the pid file, with an event).
#include <dirent.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "testing/processes.h"

namespace tide {
namespace {

using testing::Child;
using testing::FreePort;
using testing::WaitFor;

// The process group ids recorded in the pool's pid file.
std::vector<int> RecordedGroups(const std::string& pid_file) {
  std::ifstream in(pid_file);
  std::vector<int> out;
  long long pid, start;
  while (in >> pid >> start) out.push_back(static_cast<int>(pid));
  return out;
}

// True for a zombie (exited, not yet reaped: it runs nothing and holds nothing).
bool Zombie(int pid) {
  const std::string stat = testing::ReadText("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z';
}

// Every live (non-zombie) process whose process group is one of `groups`.
std::set<int> Members(const std::vector<int>& groups) {
  std::set<int> out;
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    const int pid = std::atoi(e->d_name);
    if (pid <= 0 || Zombie(pid)) continue;
    const pid_t g = getpgid(pid);
    for (int want : groups)
      if (g == want) out.insert(pid);
  }
  if (d) closedir(d);
  return out;
}

nlohmann::json GetJson(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get(path.c_str());
  if (!r || r->status != 200) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

TEST(LocalRun, NoProcessOutlivesTideEvenAfterSigkillAndARestart) {
  const std::string dir = testing::MakeTempDir("tide-localrun");
  const int api = FreePort();
  const int router = FreePort();
  // Each replica leaves a child in its process group (`sleep`), as a real service's helper
  // would: the kernel kills the replica with tide, the restart must kill the helper.
  testing::WriteText(dir + "/local.yaml", R"(groups:
  - name: web
    resource: {provider: local}
    capacity: {min: 2, max: 3, initial: 2}
    evaluation_interval: 1s
    local:
      command: ["/bin/sh", "-c", "sleep 300 & exec )" + std::string(TIDE_SAMPLE) + R"( --work-ms 0"]
      listen: "127.0.0.1:)" + std::to_string(router) + R"("
      health: {type: http, path: /healthz, interval: 50ms}
      drain: {grace: 2s}
    metrics:
      - {name: rps, source: {type: local, measure: rps, window: 5s}}
    policies:
      - {type: target_tracking, metric: rps, target: 1000, target_type: average_value}
)");
  const std::string pid_file = dir + "/t.db.local/web.pids";
  const std::vector<std::string> argv = {TIDE_BINARY, "run", dir + "/local.yaml", "--db",
                                         dir + "/t.db", "--listen",
                                         "127.0.0.1:" + std::to_string(api)};
  Child tide(argv, dir + "/tide1.log");
  ASSERT_TRUE(WaitFor([&] { return RecordedGroups(pid_file).size() == 2; }, 20))
      << testing::ReadText(dir + "/tide1.log");
  const std::vector<int> first = RecordedGroups(pid_file);
  // The status names the router, and requests through it are served.
  ASSERT_TRUE(WaitFor([&] { return GetJson(api, "/api/v1/groups").is_array(); }, 10));
  const nlohmann::json groups = GetJson(api, "/api/v1/groups");
  EXPECT_EQ(groups[0].value("endpoint", ""), "http://127.0.0.1:" + std::to_string(router));
  httplib::Client c("127.0.0.1", router);
  auto res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_TRUE(WaitFor([&] { return Members(first).size() == 4; }, 10));  // 2 replicas + 2 helpers

  tide.Kill();  // SIGKILL: no chance to clean up
  ASSERT_TRUE(WaitFor([&] { return Members(first).size() == 2; }, 5))
      << "the replicas must die with tide (PR_SET_PDEATHSIG)";

  Child again(argv, dir + "/tide2.log");
  EXPECT_TRUE(WaitFor([&] { return Members(first).empty(); }, 10))
      << "the restart must kill what the crashed run left";
  ASSERT_TRUE(WaitFor([&] {
    auto g = RecordedGroups(pid_file);
    return g.size() == 2 && g != first;
  }, 20)) << testing::ReadText(dir + "/tide2.log");
  const std::vector<int> second = RecordedGroups(pid_file);
  const nlohmann::json events = GetJson(api, "/api/v1/events?group=web");
  ASSERT_TRUE(events.is_object() || events.is_array()) << events.dump();
  EXPECT_NE(events.dump().find("leftover_killed"), std::string::npos) << events.dump();

  EXPECT_EQ(again.Stop(SIGTERM, 20), 0);
  EXPECT_TRUE(Members(second).empty()) << Members(second).size() << " left";
  EXPECT_FALSE(std::filesystem::exists(pid_file));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tide
