// The libcurl client against a real HTTP server on a loopback port chosen by the kernel.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "platform/http_client.h"
#include "platform/local_http_server.h"

namespace tide::platform {
namespace {

using Clock = std::chrono::steady_clock;

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = local_.server();
    s.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain; charset=utf-8");
    });
    s.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("no such page", "text/plain");
    });
    s.Get("/redirect",
          [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok"); });
    s.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string((16 << 20) + 1, 'x'), "application/octet-stream");
    });
    s.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      // Answers when the test is over (or after 1 s), long after the client gave up.
      const auto until = Clock::now() + std::chrono::seconds(1);
      while (!released_ && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      res.set_content("late", "text/plain");
    });
    s.Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      seen_method_ = req.method;
      seen_type_ = req.get_header_value("Content-Type");
      seen_custom_ = req.get_header_value("X-Tide");
      res.status = 201;
      res.set_content(req.body, "application/json");
    });
  }
  void TearDown() override { released_ = true; }

  std::unique_ptr<HttpClient> client_ = MakeCurlHttpClient();
  std::atomic<bool> released_{false};
  std::mutex mu_;
  std::string seen_method_, seen_type_, seen_custom_;
  tide::testing::LocalHttpServer local_;  // last: stops (and joins handlers) first
};

TEST_F(CurlHttpClientTest, OkResponseWithBodyAndContentType) {
  HttpRequest req;
  req.url = local_.Url("/ok");
  auto r = client_->Do(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->content_type, "text/plain; charset=utf-8");
}

TEST_F(CurlHttpClientTest, NotFoundIsAResponseNotAnError) {
  HttpRequest req;
  req.url = local_.Url("/missing");
  auto r = client_->Do(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "no such page");
}

TEST_F(CurlHttpClientTest, RedirectsAreNotFollowed) {
  HttpRequest req;
  req.url = local_.Url("/redirect");
  auto r = client_->Do(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 302);
}

TEST_F(CurlHttpClientTest, PostSendsBodyAndHeaders) {
  HttpRequest req;
  req.method = "POST";
  req.url = local_.Url("/echo");
  req.headers = {{"Content-Type", "application/json"}, {"X-Tide", "1"}};
  req.body = std::string(4000, 'a');  // large enough that curl would otherwise send Expect
  auto r = client_->Do(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, req.body);
  std::lock_guard<std::mutex> l(mu_);
  EXPECT_EQ(seen_method_, "POST");
  EXPECT_EQ(seen_type_, "application/json");
  EXPECT_EQ(seen_custom_, "1");
}

TEST_F(CurlHttpClientTest, TimeoutIsARuntimeErrorNamingTheUrl) {
  HttpRequest req;
  req.url = local_.Url("/slow");
  req.timeout = 0.2;
  const auto start = Clock::now();
  auto r = client_->Do(req);
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(r.status().message().rfind("GET " + req.url + ": ", 0), 0u) << r.status().message();
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_LT(took, 1.5);  // generous: the bound only shows it did not wait for the server
}

TEST_F(CurlHttpClientTest, BodyOverSixteenMebibytesIsAnError) {
  HttpRequest req;
  req.url = local_.Url("/big");
  auto r = client_->Do(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("larger than 16 MiB"), std::string::npos)
      << r.status().message();
}

using tide::testing::ClosedLoopbackPort;

TEST(CurlHttpClient, ConnectionRefusedIsARuntimeError) {
  HttpRequest req;
  const int port = ClosedLoopbackPort();
  ASSERT_GT(port, 0);
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  req.timeout = 1;
  auto r = MakeCurlHttpClient()->Do(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(r.status().message().rfind("GET " + req.url + ": ", 0), 0u) << r.status().message();
}

TEST(CurlHttpClient, MalformedUrlIsARuntimeError) {
  HttpRequest req;
  req.url = "not a url";
  auto r = MakeCurlHttpClient()->Do(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("GET not a url: ", 0), 0u) << r.status().message();
}

TEST(CurlHttpClient, LoopbackBypassesAnEnvironmentProxy) {
  // A proxy that does not exist: the request only succeeds when it is not used.
  tide::testing::LocalHttpServer local;
  local.server().Get("/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("direct", "text/plain");
  });
  const std::string proxy = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  setenv("http_proxy", proxy.c_str(), 1);
  auto client = MakeCurlHttpClient();
  HttpRequest req;
  req.url = local.Url("/ok");
  auto r = client->Do(req);
  unsetenv("http_proxy");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->body, "direct");
}

}  // namespace
}  // namespace tide::platform
