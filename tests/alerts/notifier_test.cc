// Delivery: the webhook and Alertmanager bodies, re-sends every resend_interval, and a
// receiver that fails (counted, never blocking). A local HTTP server records the requests.
#include "alerts/notifier.h"

#include <gtest/gtest.h>

#include <mutex>

#include "../platform/local_http_server.h"

namespace tide::alerts {
namespace {

struct Recorder {
  std::mutex mu;
  std::vector<std::pair<std::string, nlohmann::json>> posts;  // path, body
  int status = 200;
  size_t Count(const std::string& path) {
    std::lock_guard<std::mutex> l(mu);
    size_t n = 0;
    for (const auto& p : posts) n += p.first == path;
    return n;
  }
};

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.server().Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(rec_.mu);
      rec_.posts.emplace_back(req.path, nlohmann::json::parse(req.body, nullptr, false));
      res.status = rec_.status;
      res.set_content("{}", "application/json");
    });
    receivers_.webhook_url = server_.Url("/hook");
    receivers_.alertmanager_url = server_.Url("");
    receivers_.resend_interval = 60;
    receivers_.generator_url = "http://127.0.0.1:8080/api/v1/alerts";
  }
  Alert Firing() {
    Alert a;
    a.group = "web";
    a.alert = "source_down";
    a.severity = "critical";
    a.since = 1'700'000'000;
    a.value = 1;
    a.message = "metric source(s) failing: rps";
    return a;
  }

  testing::LocalHttpServer server_;
  Recorder rec_;
  config::AlertReceivers receivers_;
  std::unique_ptr<platform::HttpClient> http_ = platform::MakeCurlHttpClient();
};

TEST_F(NotifierTest, FiringAndResolvedReachBothReceivers) {
  std::vector<std::string> log;
  Notifier n(receivers_, http_.get(), [&](const std::string& l) { log.push_back(l); });
  Alert a = Firing();
  n.Notify({a}, a.since);
  a.firing = false;
  a.ended = a.since + 120;
  n.Notify({a}, a.ended);
  n.Drain();
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(n.delivered(), 4);
  std::lock_guard<std::mutex> l(rec_.mu);
  ASSERT_EQ(rec_.posts.size(), 4u);
  // Webhook: the API's shape with the state.
  EXPECT_EQ(rec_.posts[0].first, "/hook");
  EXPECT_EQ(rec_.posts[0].second["state"], "firing");
  EXPECT_EQ(rec_.posts[0].second["alert"], "source_down");
  EXPECT_EQ(rec_.posts[0].second["group"], "web");
  EXPECT_EQ(rec_.posts[0].second["since"], 1'700'000'000);
  // Alertmanager: labels, annotations, startsAt, endsAt 4 x resend ahead while firing.
  EXPECT_EQ(rec_.posts[1].first, "/api/v2/alerts");
  const auto& fired = rec_.posts[1].second[0];
  EXPECT_EQ(fired["labels"]["alertname"], "source_down");
  EXPECT_EQ(fired["labels"]["group"], "web");
  EXPECT_EQ(fired["labels"]["severity"], "critical");
  EXPECT_EQ(fired["annotations"]["summary"], "metric source(s) failing: rps");
  EXPECT_EQ(fired["startsAt"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(fired["endsAt"], "2023-11-14T22:17:20Z");
  EXPECT_EQ(fired["generatorURL"], "http://127.0.0.1:8080/api/v1/alerts");
  // Resolved: endsAt is when it ended.
  EXPECT_EQ(rec_.posts[2].second["state"], "resolved");
  EXPECT_EQ(rec_.posts[3].second[0]["endsAt"], "2023-11-14T22:15:20Z");
}

TEST_F(NotifierTest, ResendsOpenAlertsEveryResendInterval) {
  receivers_.webhook_url.clear();
  Notifier n(receivers_, http_.get());
  const Alert a = Firing();
  for (double t = 0; t <= 150; t += 10) n.MaybeResend({a}, a.since + t);  // sends at 0, 60, 120
  n.MaybeResend({}, a.since + 200);  // due, but nothing open: nothing sent
  n.Drain();
  EXPECT_EQ(rec_.Count("/api/v2/alerts"), 3u);
}

TEST_F(NotifierTest, AFailingReceiverIsLoggedAndCounted) {
  rec_.status = 500;
  std::vector<std::string> log;
  std::mutex mu;
  Notifier n(receivers_, http_.get(), [&](const std::string& l) {
    std::lock_guard<std::mutex> g(mu);
    log.push_back(l);
  });
  n.Notify({Firing()}, 0);
  n.Drain();
  EXPECT_EQ(n.failed(), 2);
  EXPECT_EQ(n.delivered(), 0);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_NE(log[0].find("HTTP 500"), std::string::npos) << log[0];
}

}  // namespace
}  // namespace tide::alerts
