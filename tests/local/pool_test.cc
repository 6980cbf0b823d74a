// The local pool and its router with real replicas (build/tide-sample): scale from zero
// under a burst, drain on scale-in, a SIGKILLed replica replaced with its requests retried,
// the crash-loop breaker, the queue timeout, health check kinds, leftovers of a crashed run.
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "local/health.h"
#include "local_support.h"
#include "platform/process.h"

namespace tide::local::testing {
namespace {

using Pool = LocalFixture;

TEST_F(Pool, ScalesFromZeroUnderABurstAndServesEveryHeldRequest) {
  // A slow boot (400 ms) so that the burst is held in the router's queue.
  config::Group group = SampleGroup({"--startup-ms", "400"});
  group.local->idle = 60;  // the replica stays after the burst
  LocalGroup& g = Start(group);
  EXPECT_EQ(g.pool().Snapshot().pids.size(), 0u);
  constexpr int kBurst = 40;
  std::vector<std::future<int>> answers;
  for (int i = 0; i < kBurst; ++i)
    answers.push_back(std::async(std::launch::async, [this] {
      auto r = Get("/");
      return r.ok() ? r->status : -1;
    }));
  ASSERT_TRUE(WaitFor([&] { return g.router().Stats().queued > 0; }, 5))
      << "requests were not held while the first replica starts";
  EXPECT_EQ(Ready(), 0);
  int ok = 0;
  for (auto& a : answers) ok += a.get() == 200;
  EXPECT_EQ(ok, kBurst);  // none lost
  const RouterStats s = g.router().Stats();
  EXPECT_EQ(s.errors, 0);
  EXPECT_EQ(s.requests, kBurst);
  EXPECT_EQ(s.queued, 0);
  EXPECT_EQ(Ready(), 1);  // one replica was enough to start with (desired is still 0)
}

TEST_F(Pool, ScalesToZeroAfterTheIdlePeriod) {
  config::Group group = SampleGroup();
  group.local->idle = 2;
  LocalGroup& g = Start(group);
  auto r = Get("/");  // from zero: held, then served
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(g.pool().Snapshot().pids.size(), 1u);  // kept while requests are recent
  EXPECT_TRUE(WaitFor([&] { return g.pool().Snapshot().pids.empty(); }, 10));
  EXPECT_EQ(g.router().Stats().errors, 0);
}

TEST_F(Pool, ScaleInDrainsWithoutFailingARequest) {
  LocalGroup& g = Start(SampleGroup());
  g.pool().SetDesired(3);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 3; }));
  const std::vector<int> before = g.pool().Snapshot().pids;
  // Steady traffic of slow requests (100 ms of CPU each) from 4 clients while the pool
  // shrinks to 1: the drained replicas must finish what they hold.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&] {
      while (!stop) {
        auto r = Get("/?ms=100");
        (r.ok() && r->status == 200 ? ok : failed)++;
      }
    });
  // Scale in while every replica holds a request.
  ASSERT_TRUE(WaitFor([&] {
    return g.router().Outstanding(1) > 0 && g.router().Outstanding(2) > 0 &&
           g.router().Outstanding(3) > 0;
  }, 10));
  g.pool().SetDesired(1);
  EXPECT_TRUE(WaitFor([&] {
    const PoolStatus s = g.pool().Snapshot();
    return s.ready == 1 && s.draining == 0 && s.pids.size() == 1;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GE(ok.load(), 4);
  int alive = 0;
  for (int pid : before) alive += Alive(pid);
  EXPECT_EQ(alive, 1);  // the two drained processes are gone
  EXPECT_EQ(events_.Count("replica_crashed"), 0);
}

TEST_F(Pool, AKilledReplicaIsReplacedAndItsIdempotentRequestsRetried) {
  LocalGroup& g = Start(SampleGroup());
  g.pool().SetDesired(2);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 2; }));
  const std::vector<int> pids = g.pool().Snapshot().pids;
  ASSERT_EQ(pids.size(), 2u);
  // Slow GETs (500 ms) on both replicas; one replica dies under them.
  std::vector<std::future<int>> gets;
  for (int i = 0; i < 6; ++i)
    gets.push_back(std::async(std::launch::async, [this] {
      auto r = Get("/?ms=500");
      return r.ok() ? r->status : -1;
    }));
  ASSERT_TRUE(WaitFor([&] { return g.router().Outstanding(1) > 0 && g.router().Outstanding(2) > 0; }, 5));
  kill(pids[0], SIGKILL);
  int ok = 0;
  for (auto& f : gets) ok += f.get() == 200;
  EXPECT_EQ(ok, 6);
  EXPECT_GE(g.router().Stats().retries, 1);
  // Replaced: two ready again, the killed pid not among them.
  EXPECT_TRUE(WaitFor([&] {
    const PoolStatus s = g.pool().Snapshot();
    return s.ready == 2 && std::find(s.pids.begin(), s.pids.end(), pids[0]) == s.pids.end();
  }));
  EXPECT_EQ(events_.Count("replica_crashed"), 1);
}

TEST_F(Pool, ANonIdempotentRequestIsNotRetried) {
  LocalGroup& g = Start(SampleGroup());
  g.pool().SetDesired(2);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 2; }));
  const std::vector<int> pids = g.pool().Snapshot().pids;  // replica ids 1 and 2, in order
  ASSERT_EQ(pids.size(), 2u);
  auto post = std::async(std::launch::async, [this] { return Get("/?ms=800", 30, "POST"); });
  ASSERT_TRUE(WaitFor([&] { return g.router().Outstanding(1) + g.router().Outstanding(2) > 0; }, 5));
  kill(g.router().Outstanding(1) > 0 ? pids[0] : pids[1], SIGKILL);
  auto r = post.get();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 502);  // the POST may have had an effect: never sent twice
  EXPECT_NE(r->body.find("tide: replica"), std::string::npos) << r->body;
  EXPECT_EQ(g.router().Stats().retries, 0);
}

TEST_F(Pool, ACrashLoopTripsTheBreakerAndRaisesAnEvent) {
  config::Group group = SampleGroup();
  group.local->command = {"/bin/false"};
  group.local->crash_loop_restarts = 3;
  group.local->crash_loop_window = 30;
  group.local->crash_loop_cooldown = 30;
  LocalGroup& g = Start(group);
  g.pool().SetDesired(1);
  ASSERT_TRUE(WaitFor([&] { return g.pool().Snapshot().breaker_open; }, 10));
  EXPECT_EQ(events_.Count("crash_loop"), 1);
  const long long started = g.pool().Snapshot().started;
  EXPECT_EQ(started, 3);  // three crashes within the window, then no more starts
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(g.pool().Snapshot().started, started);  // not burning the CPU
  EXPECT_EQ(g.pool().Snapshot().pids.size(), 0u);
}

TEST_F(Pool, TheBreakerTriesAgainAfterItsCooldown) {
  config::Group group = SampleGroup();
  group.local->command = {"/bin/false"};
  group.local->crash_loop_restarts = 2;
  group.local->crash_loop_cooldown = 0.3;
  LocalGroup& g = Start(group);
  g.pool().SetDesired(1);
  ASSERT_TRUE(WaitFor([&] { return g.pool().Snapshot().breaker_open; }, 10));
  const long long started = g.pool().Snapshot().started;
  EXPECT_TRUE(WaitFor([&] { return g.pool().Snapshot().started > started; }, 5));
}

TEST_F(Pool, AHeldRequestTimesOutWith503AndAClearBody) {
  config::Group group = SampleGroup({"--startup-ms", "60000"});  // never ready in time
  group.local->queue_timeout = 0.3;
  LocalGroup& g = Start(group);
  auto r = Get("/");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("no replica became ready within 0.3s"), std::string::npos) << r->body;
  EXPECT_EQ(g.router().Stats().errors, 1);
}

TEST_F(Pool, AFullQueueAnswers503AtOnce) {
  config::Group group = SampleGroup({"--startup-ms", "60000"});
  group.local->queue_max = 1;
  group.local->queue_timeout = 5;
  LocalGroup& g = Start(group);
  auto held = std::async(std::launch::async, [this] { return Get("/"); });
  ASSERT_TRUE(WaitFor([&] { return g.router().Stats().queued == 1; }, 5));
  auto r = Get("/", 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("1 requests already wait"), std::string::npos) << r->body;
  g.Stop();  // the held request ends when the router stops
  held.wait();
}

TEST_F(Pool, MaxConcurrencyHoldsTheRequestsBeyondIt) {
  config::Group group = SampleGroup();
  group.local->max_concurrency = 1;
  LocalGroup& g = Start(group);
  g.pool().SetDesired(1);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 1; }));
  std::atomic<bool> done{false};
  std::atomic<int> most{0};
  std::thread watch([&] {
    while (!done) {
      most = std::max(most.load(), g.router().Outstanding(1));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<std::future<int>> answers;
  for (int i = 0; i < 3; ++i)
    answers.push_back(std::async(std::launch::async, [this] {
      auto r = Get("/?ms=150");
      return r.ok() ? r->status : -1;
    }));
  EXPECT_TRUE(WaitFor([&] { return g.router().Stats().queued > 0; }, 5));
  int ok = 0;
  for (auto& a : answers) ok += a.get() == 200;
  done = true;
  watch.join();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(most.load(), 1);
}

TEST_F(Pool, ReplicasGetPortAndReplicaAndTheirOutputIsLogged) {
  LocalGroup& g = Start(SampleGroup());
  g.pool().SetDesired(2);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 2; }));
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto r = Get("/");
    ASSERT_TRUE(r.ok());
    seen.insert(r->body);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"ok replica=0\n", "ok replica=1\n"}));  // both used
  std::ifstream log(dir_ + "/web-1.log");
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("tide-sample: replica 1 listening on 127.0.0.1:"), std::string::npos)
      << text.str();
}

TEST_F(Pool, TcpAndCommandHealthChecksGateReadiness) {
  config::Group tcp = SampleGroup();
  tcp.local->health.type = "tcp";
  LocalGroup& g = Start(tcp);
  g.pool().SetDesired(1);
  EXPECT_TRUE(WaitFor([&] { return Ready() == 1; }));
  g.Stop();

  config::HealthCheck never;
  never.type = "command";
  never.command = {"/bin/sh", "-c", "exit 3"};  // the check itself, not the replica
  EXPECT_NE(CheckHealth(never, 1, nullptr).find("exited 3"), std::string::npos);
  config::HealthCheck port_arg;
  port_arg.type = "command";
  port_arg.command = {"/bin/sh", "-c", "test \"$0\" = 4242 && test \"$PORT\" = 4242", "{port}"};
  EXPECT_EQ(CheckHealth(port_arg, 4242, nullptr), "");
}

TEST_F(Pool, StopLeavesNoProcessAndNoPidFile) {
  LocalGroup& g = Start(SampleGroup());
  g.pool().SetDesired(3);
  ASSERT_TRUE(WaitFor([&] { return Ready() == 3; }));
  const std::vector<int> pids = g.pool().Snapshot().pids;
  const std::string pid_file = g.pool().pid_file();
  EXPECT_TRUE(std::filesystem::exists(pid_file));
  g.Stop();
  for (int pid : pids) EXPECT_FALSE(Alive(pid)) << pid;
  EXPECT_FALSE(std::filesystem::exists(pid_file));
}

TEST(Leftovers, KillsRecordedProcessGroupsButNotAReusedPid) {
  std::string tmpl = "/tmp/tide-leftovers-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  auto pid = platform::SpawnProcess({"sleep", "60"}, {}, -1);
  ASSERT_TRUE(pid.ok());
  std::ifstream stat("/proc/" + std::to_string(*pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  // Field 22 (starttime), counted after the last ')'.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) rest >> field;
  const std::string file = dir + "/web.pids";
  // A line whose start time does not match stands for a reused pid: left alone.
  std::ofstream(file) << *pid << " " << field << "\n" << getpid() << " 1\n";
  EXPECT_EQ(KillLeftovers(file), 1);
  int status = 0;
  ASSERT_EQ(waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(file));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tide::local::testing
