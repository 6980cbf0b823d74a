// The webhook actuator with the real libcurl client against an in-test HTTP server on a
// loopback port chosen by the kernel. The server answers with a scripted list of statuses.
#include "actuators/webhook.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "platform/http_client.h"
#include "platform/local_http_server.h"

namespace tide::actuators {
namespace {

using Steady = std::chrono::steady_clock;

class WebhookActuatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    local_.server().Post("/scale", [this](const httplib::Request& req, httplib::Response& res) {
      int status = 200;
      {
        std::lock_guard<std::mutex> l(mu_);
        bodies_.push_back(req.body);
        content_types_.push_back(req.get_header_value("Content-Type"));
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.pop_front();
        }
      }
      if (status == 0) {  // "slow": answer when the test is over (at most 1 s), too late
        const auto until = Steady::now() + std::chrono::seconds(1);
        while (!released_ && Steady::now() < until) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        status = 200;
      }
      res.status = status;
      res.set_content("{}", "application/json");
    });
  }
  void TearDown() override { released_ = true; }

  void Script(std::deque<int> statuses) {
    std::lock_guard<std::mutex> l(mu_);
    statuses_ = std::move(statuses);
  }
  int Requests() {
    std::lock_guard<std::mutex> l(mu_);
    return static_cast<int>(bodies_.size());
  }
  WebhookActuator Make(double timeout, int retries) {
    return WebhookActuator(http_.get(), local_.Url("/scale"), timeout, retries, 0.01);
  }

  const Action action_ = {"web", 7, 4, "ScaleUp", "cpu \"90%\" above target"};
  std::unique_ptr<platform::HttpClient> http_ = platform::MakeCurlHttpClient();
  std::atomic<bool> released_{false};
  std::mutex mu_;
  std::deque<int> statuses_;  // 0 = slow
  std::vector<std::string> bodies_;
  std::vector<std::string> content_types_;
  tide::testing::LocalHttpServer local_;  // last: stops (and joins handlers) first
};

TEST_F(WebhookActuatorTest, PostsTheActionAsJson) {
  const ActionResult r = Make(2, 3).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.detail, "HTTP 200");
  std::lock_guard<std::mutex> l(mu_);
  ASSERT_EQ(bodies_.size(), 1u);
  EXPECT_EQ(content_types_[0], "application/json");
  const auto body = nlohmann::json::parse(bodies_[0]);
  EXPECT_EQ(body, nlohmann::json({{"group", "web"},
                                  {"desired", 7},
                                  {"current", 4},
                                  {"reason", "ScaleUp"},
                                  {"message", "cpu \"90%\" above target"}}));
}

TEST_F(WebhookActuatorTest, AnyTwoHundredIsApplied) {
  Script({204});
  const ActionResult r = Make(2, 0).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.detail, "HTTP 204");
}

TEST_F(WebhookActuatorTest, ServerErrorThenSuccessIsAppliedOnTheSecondAttempt) {
  Script({500, 200});
  const ActionResult r = Make(2, 3).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(Requests(), 2);
}

TEST_F(WebhookActuatorTest, AlwaysFailingFailsAfterRetries) {
  Script({500, 503, 503, 200});
  const ActionResult r = Make(2, /*retries=*/2).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.detail, "HTTP 503");
  EXPECT_EQ(Requests(), 3);
}

TEST_F(WebhookActuatorTest, ClientErrorsAreRetriedToo) {
  Script({404, 404});
  const ActionResult r = Make(2, 1).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.detail, "HTTP 404");
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(WebhookActuatorTest, SlowServerTimesOut) {
  Script({0, 0});
  const auto start = Steady::now();
  const ActionResult r = Make(/*timeout=*/0.3, /*retries=*/1).Apply(action_);
  const double took = std::chrono::duration<double>(Steady::now() - start).count();
  EXPECT_EQ(r.outcome, Outcome::kTimedOut);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.detail.find("timed out"), std::string::npos) << r.detail;
  EXPECT_LT(took, 1.5);
}

TEST_F(WebhookActuatorTest, SlowThenFastIsApplied) {
  Script({0, 200});
  const ActionResult r = Make(/*timeout=*/0.3, /*retries=*/1).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 2);
}

TEST(WebhookActuator, TransportErrorIsFailedWithTheError) {
  auto http = platform::MakeCurlHttpClient();
  const int port = tide::testing::ClosedLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/scale";
  WebhookActuator a(http.get(), url, 1, /*retries=*/1, 0.01);
  const ActionResult r = a.Apply({"web", 1, 1, "", ""});
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.detail.rfind("POST " + url + ": ", 0), 0u) << r.detail;
}

TEST(WebhookBody, InvalidUtf8IsReplacedNotThrown) {
  const auto body = nlohmann::json::parse(WebhookBody({"w\xff", 1, 0, "r", "m"}));
  EXPECT_EQ(body["group"], "w\xef\xbf\xbd");
}

}  // namespace
}  // namespace tide::actuators
