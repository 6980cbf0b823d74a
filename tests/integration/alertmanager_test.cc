// tide run delivering alerts to a real Alertmanager (Debian's prometheus-alertmanager) and
// to a webhook: a metric source goes down, source_down fires (seen in Alertmanager's
// GET /api/v2/alerts, tide's /api/v1/alerts and the webhook), the source recovers, the alert
// resolves (gone from Alertmanager's active alerts, a "resolved" webhook call, an
// alert_resolved event). Everything runs on loopback ports chosen at run time.
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

nlohmann::json Get(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2);
  c.set_read_timeout(5);
  auto r = c.Get(path.c_str());
  if (!r || r->status != 200) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

// The metric endpoint (GET /load: {"rps": N}, or 500 while failing) and the alert webhook
// (POST /alerts), on one test server.
class Endpoints {
 public:
  Endpoints() {
    srv_.Get("/load", [this](const httplib::Request&, httplib::Response& res) {
      if (fail_) {
        res.status = 500;
        return;
      }
      res.set_content("{\"rps\": 5}", "application/json");
    });
    srv_.Post("/alerts", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      hooks_.push_back(nlohmann::json::parse(req.body, nullptr, false));
      res.set_content("{}", "application/json");
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
  }
  ~Endpoints() {
    srv_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  void set_fail(bool f) { fail_ = f; }
  bool Hooked(const std::string& alert, const std::string& state) {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& h : hooks_)
      if (h.is_object() && h["alert"] == alert && h["state"] == state && h["group"] == "web")
        return true;
    return false;
  }

 private:
  httplib::Server srv_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> fail_{false};
  std::mutex mu_;
  std::vector<nlohmann::json> hooks_;
};

// Alertmanager's active alert named `name` for group web, or null.
nlohmann::json ActiveAlert(int am_port, const std::string& name) {
  auto list = Get(am_port, "/api/v2/alerts");
  if (!list.is_array()) return nullptr;
  for (const auto& a : list)
    if (a["labels"]["alertname"] == name && a["labels"]["group"] == "web") return a;
  return nullptr;
}

TEST(AlertmanagerIntegration, FiringThenResolvedReachAlertmanagerAndTheWebhook) {
  if (access("/usr/bin/prometheus-alertmanager", X_OK) != 0) {
    GTEST_SKIP() << "prometheus-alertmanager is not installed (scripts/deps.sh installs it)";
  }
  const std::string dir = testing::MakeTempDir("tide-am");
  Endpoints ep;
  const int am_port = FreePort();
  testing::WriteText(dir + "/am.yml",
                     "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
  Child am(
      {"prometheus-alertmanager", "--config.file=" + dir + "/am.yml",
       "--storage.path=" + dir + "/am", "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
       "--cluster.listen-address="},
      dir + "/alertmanager.log");
  ASSERT_TRUE(WaitFor([&] { return !Get(am_port, "/api/v2/status").is_null(); }, 30))
      << testing::ReadText(dir + "/alertmanager.log");

  const int tide_port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(ep.port());
  const std::string config = dir + "/tide.yaml";
  testing::WriteText(config, R"(api: {listen: "127.0.0.1:)" + std::to_string(tide_port) + R"("}
alerts:
  rules:
    source_down: {for: 0s}
  webhook: {url: ")" + base + R"(/alerts"}
  alertmanager: {url: "http://127.0.0.1:)" +
                                 std::to_string(am_port) + R"(", resend_interval: 2s}
groups:
  - name: web
    capacity: {min: 1, max: 4}
    evaluation_interval: 1s
    metrics:
      - name: rps
        source: {type: http_json, url: ")" +
                                 base +
                                 R"(/load", pointer: /rps, window: 1s, timeout: 1s, retries: 0}
    demand_metric: rps
    model: {capacity_per_unit: 10, price_per_unit_hour: 3.6}
    policies:
      - {type: target_tracking, metric: rps, target: 10, target_type: average_value}
)");
  Child tide({TIDE_BINARY, "run", config, "--db", dir + "/tide.db"}, dir + "/tide.log");
  ASSERT_TRUE(WaitFor([&] { return !Get(tide_port, "/api/v1/groups").is_null(); }, 20))
      << testing::ReadText(dir + "/tide.log");
  EXPECT_EQ(Get(tide_port, "/api/v1/alerts")["alerts"].size(), 0u);

  // The source fails: source_down fires everywhere.
  ep.set_fail(true);
  ASSERT_TRUE(WaitFor([&] { return !ActiveAlert(am_port, "source_down").is_null(); }, 20))
      << testing::ReadText(dir + "/tide.log");
  const auto fired = ActiveAlert(am_port, "source_down");
  EXPECT_EQ(fired["labels"]["severity"], "critical");
  EXPECT_EQ(fired["labels"]["service"], "tide");
  EXPECT_EQ(fired["status"]["state"], "active");
  EXPECT_NE(fired["annotations"]["summary"].get<std::string>().find("rps"), std::string::npos);
  EXPECT_EQ(fired["generatorURL"],
            "http://127.0.0.1:" + std::to_string(tide_port) + "/api/v1/alerts");
  const auto open = Get(tide_port, "/api/v1/alerts")["alerts"];
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["alert"], "source_down");
  EXPECT_EQ(open[0]["state"], "firing");
  EXPECT_EQ(Get(tide_port, "/api/v1/groups")[0]["alerts_open"], 1);
  EXPECT_TRUE(WaitFor([&] { return ep.Hooked("source_down", "firing"); }, 5));

  // Re-sent while firing: Alertmanager's endsAt moves forward with each re-send.
  const std::string ends = fired["endsAt"];
  ASSERT_TRUE(WaitFor(
      [&] {
        auto a = ActiveAlert(am_port, "source_down");
        return !a.is_null() && a["endsAt"] != ends;
      },
      10));

  // The source recovers: resolved everywhere.
  ep.set_fail(false);
  ASSERT_TRUE(WaitFor([&] { return ActiveAlert(am_port, "source_down").is_null(); }, 20));
  EXPECT_TRUE(WaitFor([&] { return ep.Hooked("source_down", "resolved"); }, 5));
  EXPECT_EQ(Get(tide_port, "/api/v1/alerts")["alerts"].size(), 0u);
  bool resolved_event = false;
  for (const auto& e : Get(tide_port, "/api/v1/events?group=web&limit=1000"))
    resolved_event |= e["kind"] == "alert_resolved" && e["status"] == "source_down";
  EXPECT_TRUE(resolved_event);

  const int status = tide.Stop(SIGTERM, 10);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << testing::ReadText(dir + "/tide.log");
  am.Stop();

  // tide report on the store this run wrote: every evaluation is counted; demand (rps 5 at
  // 10 per unit) is 1 unit, and the one unit ordered served it whenever the source answered.
  const std::string cmd = std::string(TIDE_BINARY) + " report --config " + config + " --store " +
                          dir + "/tide.db --since 10m --json " + dir + "/report.json > " + dir +
                          "/report.txt 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << testing::ReadText(dir + "/report.txt");
  const auto report =
      nlohmann::json::parse(testing::ReadText(dir + "/report.json"), nullptr, false);
  ASSERT_TRUE(report.is_object()) << testing::ReadText(dir + "/report.json");
  const auto& web = report["groups"][0];
  EXPECT_EQ(web["group"], "web");
  EXPECT_GE(web["decisions"].get<int>(), 5);
  EXPECT_GT(web["seconds"].get<double>(), 4);
  EXPECT_EQ(web["peak_demand"], 1);
  EXPECT_EQ(web["tau_under"], 0);
  EXPECT_EQ(web["scale_ups"], 0);
  EXPECT_GT(web["cost"].get<double>(), 0);
  EXPECT_NE(testing::ReadText(dir + "/report.txt").find("group web"), std::string::npos);
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tide
