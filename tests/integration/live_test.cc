// End-to-end tests of `tide run` against real servers from Debian's packages, started on
// loopback ports chosen at run time and stopped after: Prometheus (scraping a test exporter
// and tide's own /metrics) and Redis (a queue the test fills and drains). The actuators are
// a webhook served by the test and an exec script.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>

#include <nlohmann/json.hpp>

#include "testing/processes.h"

namespace tide {
namespace {

using testing::Child;
using testing::FreePort;
using testing::WaitFor;

bool Have(const char* path) { return access(path, X_OK) == 0; }

// A test HTTP server: a Prometheus exporter (/metrics: test_load) and a webhook sink
// (/scale) that records desired capacities and can be told to fail.
class TestServer {
 public:
  TestServer() {
    srv_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content("# TYPE test_load gauge\ntest_load " + std::to_string(load_.load()) + "\n", "text/plain");
    });
    srv_.Post("/scale", [this](const httplib::Request& req, httplib::Response& res) {
      if (fail_) {
        res.status = 500;
        return;
      }
      auto j = nlohmann::json::parse(req.body, nullptr, false);
      std::lock_guard<std::mutex> l(mu_);
      if (!j.is_discarded()) desired_.push_back(j.value("desired", -1));
      res.set_content("{}", "application/json");
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
  }
  ~TestServer() {
    srv_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  void set_load(double v) { load_ = v; }
  void set_fail(bool f) { fail_ = f; }
  int last() {
    std::lock_guard<std::mutex> l(mu_);
    return desired_.empty() ? -1 : desired_.back();
  }
  size_t calls() {
    std::lock_guard<std::mutex> l(mu_);
    return desired_.size();
  }

 private:
  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<double> load_{0};
  std::atomic<bool> fail_{false};
  std::mutex mu_;
  std::vector<int> desired_;
};

nlohmann::json GetJson(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2);
  c.set_read_timeout(5);
  auto r = c.Get(path.c_str());
  if (!r || r->status != 200) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

int HttpStatus(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  auto r = c.Get(path.c_str());
  return r ? r->status : 0;
}

class Prometheus {
 public:
  Prometheus(const std::string& dir, int port, const std::vector<int>& targets) : dir_(dir), port_(port) {
    std::string cfg = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n";
    for (size_t i = 0; i < targets.size(); ++i) {
      cfg += "  - job_name: job" + std::to_string(i) + "\n    static_configs:\n      - targets: ['127.0.0.1:" +
             std::to_string(targets[i]) + "']\n";
    }
    testing::WriteText(dir + "/prometheus.yml", cfg);
    Start();
  }
  void Start() {
    child_.Start({"prometheus", "--config.file=" + dir_ + "/prometheus.yml", "--storage.tsdb.path=" + dir_ + "/prom",
                  "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
                 dir_ + "/prometheus.log");
  }
  bool WaitReady() {
    return WaitFor([&] { return HttpStatus(port_, "/-/ready") == 200; }, 30);
  }
  void Stop() { child_.Stop(); }
  // The value of an instant query with one series, or NaN.
  double Query(const std::string& q) {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get(("/api/v1/query?query=" + httplib::detail::encode_query_param(q)).c_str());
    if (!r || r->status != 200) return NAN;
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded() || j["data"]["result"].empty()) return NAN;
    return std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
  }

 private:
  std::string dir_;
  int port_;
  Child child_;
};

class LiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Have("/usr/bin/prometheus") || !Have("/usr/bin/redis-server")) {
      GTEST_SKIP() << "prometheus or redis-server is not installed (scripts/deps.sh installs both)";
    }
    dir_ = testing::MakeTempDir("tide-live");
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_);
    if (HasFailure()) std::fprintf(stderr, "logs kept in %s\n", dir_.c_str());
  }
  void StartTide(const std::string& config) {
    tide_.Start({TIDE_BINARY, "run", config, "--db", dir_ + "/tide.db"}, dir_ + "/tide.log");
    ASSERT_TRUE(WaitFor([&] { return HttpStatus(tide_port_, "/readyz") == 200; }, 20))
        << testing::ReadText(dir_ + "/tide.log");
  }
  nlohmann::json Group(const std::string& name) { return GetJson(tide_port_, "/api/v1/groups/" + name + "?decisions=3"); }
  bool HasEvent(const std::string& kind) {
    auto ev = GetJson(tide_port_, "/api/v1/events?limit=1000");
    if (!ev.is_array()) return false;
    for (const auto& e : ev)
      if (e["kind"] == kind) return true;
    return false;
  }

  std::string dir_;
  int tide_port_ = FreePort();
  Child tide_;
};

TEST_F(LiveTest, PrometheusWebhookFailuresRestartAndReload) {
  TestServer server;
  const int prom_port = FreePort();
  Prometheus prom(dir_, prom_port, {server.port(), tide_port_});
  ASSERT_TRUE(prom.WaitReady()) << testing::ReadText(dir_ + "/prometheus.log");

  const std::string config = dir_ + "/tide.yaml";
  const std::string good = R"(api: {listen: "127.0.0.1:)" + std::to_string(tide_port_) + R"("}
groups:
  - name: web
    capacity: {min: 1, max: 10, initial: 1}
    model: {startup: 1s}
    evaluation_interval: 1s
    metrics:
      - name: load
        source: {type: prometheus, url: "http://127.0.0.1:)" + std::to_string(prom_port) + R"(", query: "test_load", timeout: 1s, retries: 0, window: 1s}
    policies:
      - {type: target_tracking, metric: load, target: 10, target_type: average_value, tolerance: 0}
    behavior:
      scale_up: {policies: [{type: units, value: 100, period: 1s}]}
      scale_down: {stabilization_window: 4s, policies: [{type: units, value: 100, period: 1s}]}
    on_missing_metrics: {after_failures: 3, fallback: "current_if_higher:7"}
    actuator: {type: webhook, url: "http://127.0.0.1:)" + std::to_string(server.port()) + R"(/scale", timeout: 2s, retries: 0}
)";
  testing::WriteText(config, good);
  server.set_load(5);
  StartTide(config);

  // Scale-out on rising load: 35 / 10 per unit -> 4 units.
  server.set_load(35);
  ASSERT_TRUE(WaitFor([&] { return server.last() == 4; }, 20)) << "last desired " << server.last();
  // Prometheus scrapes tide's own /metrics.
  ASSERT_TRUE(WaitFor([&] { return prom.Query("tide_group_desired{group=\"web\"}") == 4; }, 20));

  // Scale-in only after the 4 s window.
  server.set_load(15);
  const auto fell = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return server.last() == 2; }, 20));
  EXPECT_GE(std::chrono::duration<double>(std::chrono::steady_clock::now() - fell).count(), 3.0);

  // The metric source stops: no scale-in, then the fallback (7), then recovery.
  prom.Stop();
  ASSERT_TRUE(WaitFor([&] { return server.last() == 7; }, 20)) << "last desired " << server.last();
  EXPECT_TRUE(Group("web")["metrics"][0]["failing"].get<bool>());
  EXPECT_TRUE(HasEvent("source_failed"));
  prom.Start();
  ASSERT_TRUE(prom.WaitReady());
  ASSERT_TRUE(WaitFor([&] { return !Group("web")["metrics"][0]["failing"].get<bool>(); }, 30));
  EXPECT_TRUE(HasEvent("source_recovered"));
  ASSERT_TRUE(WaitFor([&] { return server.last() == 2; }, 30)) << "last desired " << server.last();

  // The actuator fails, then recovers: the change is retried until it lands.
  server.set_fail(true);
  server.set_load(75);
  ASSERT_TRUE(WaitFor([&] {
    auto ev = GetJson(tide_port_, "/api/v1/events?group=web&limit=50");
    for (const auto& e : ev)
      if (e["kind"] == "scale" && e["status"] == "failed") return true;
    return false;
  }, 20));
  EXPECT_EQ(Group("web")["current"], 2);
  server.set_fail(false);
  ASSERT_TRUE(WaitFor([&] { return server.last() == 8; }, 20));

  // SIGKILL and restart: the state resumes, no action is repeated.
  ASSERT_TRUE(WaitFor([&] { return Group("web")["current"] == 8; }, 5));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the state flush after the action
  tide_.Kill();
  const size_t calls = server.calls();
  StartTide(config);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(server.calls(), calls) << "an action was repeated after the restart";
  EXPECT_EQ(Group("web")["current"], 8);

  // A broken config on reload is refused; the running one stays.
  testing::WriteText(config, "groups:\n  - name: web\n    capacity: {min: 5, max: 2}\n");
  tide_.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return HasEvent("config_refused"); }, 10));
  EXPECT_TRUE(tide_.running());
  server.set_load(15);
  ASSERT_TRUE(WaitFor([&] { return server.last() == 2; }, 20));

  // SIGTERM: clean exit 0.
  const int status = tide_.Stop(SIGTERM, 10);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadText(dir_ + "/tide.log");
  prom.Stop();
}

TEST_F(LiveTest, RedisQueueDrivesAnExecActuator) {
  const int redis_port = FreePort();
  Child redis({"redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no"},
              dir_ + "/redis.log");
  auto cli = [&](const std::string& args) {
    return std::system(("redis-cli -p " + std::to_string(redis_port) + " " + args + " >/dev/null 2>&1").c_str());
  };
  ASSERT_TRUE(WaitFor([&] { return cli("PING") == 0; }, 10));

  const std::string script = dir_ + "/scale.sh";
  testing::WriteText(script, "#!/bin/sh\necho \"$1\" > " + dir_ + "/desired.txt\n");
  chmod(script.c_str(), 0755);
  const std::string config = dir_ + "/tide.yaml";
  testing::WriteText(config, R"(api: {listen: "127.0.0.1:)" + std::to_string(tide_port_) + R"("}
groups:
  - name: worker
    capacity: {min: 0, max: 8, initial: 0}
    evaluation_interval: 1s
    metrics:
      - name: queue
        source: {type: redis, address: "127.0.0.1:)" + std::to_string(redis_port) + R"(", key: jobs, measure: length, window: 1s, timeout: 1s, retries: 0}
    policies:
      - {type: target_tracking, metric: queue, target: 5, target_type: average_value, tolerance: 0}
    behavior:
      scale_up: {policies: [{type: units, value: 100, period: 1s}]}
      scale_down: {stabilization_window: 3s, policies: [{type: units, value: 100, period: 1s}]}
    actuator: {type: exec, command: [")" + script + R"(", "{desired}"], timeout: 5s, retries: 1}
)");
  StartTide(config);
  auto desired = [&] {
    std::string s = testing::ReadText(dir_ + "/desired.txt");
    return s.empty() ? -1 : std::stoi(s);
  };
  // Fill: 22 jobs at 5 per worker -> 5 workers.
  std::string push = "RPUSH jobs";
  for (int i = 0; i < 22; ++i) push += " j" + std::to_string(i);
  ASSERT_EQ(cli(push), 0);
  ASSERT_TRUE(WaitFor([&] { return desired() == 5; }, 20)) << testing::ReadText(dir_ + "/tide.log");
  // Drain: to zero after the 3 s window.
  ASSERT_EQ(cli("DEL jobs"), 0);
  ASSERT_TRUE(WaitFor([&] { return desired() == 0; }, 20));
  const int status = tide_.Stop(SIGTERM, 10);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace tide
