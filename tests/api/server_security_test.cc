// The token guard, the loopback rule, binding and stopping.
#include <gtest/gtest.h>

#include "api_test_support.h"

namespace tide::api::testing {
namespace {

ServerOptions Options(const std::string& listen, const std::string& token) {
  ServerOptions opt;
  opt.listen = listen;
  opt.token = token;
  return opt;
}

class TokenTest : public ApiTest {
 protected:
  TokenTest() { token_ = "s3cret"; }
  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
};

TEST_F(TokenTest, GuardedPathsNeedTheToken) {
  for (const char* path : {"/metrics", "/api/v1/groups", "/api/v1/groups/web", "/api/v1/events",
                           "/api/v1/nothing-here", "/api/v1/reload"}) {
    auto res = Client().Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(Error(res).find("Authorization: Bearer"), std::string::npos) << Error(res);
  }
  auto res = Client().Post("/api/v1/groups/web/pause");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(plane_.CallCount(), 0u);
}

TEST_F(TokenTest, WrongTokensAreRefused) {
  for (const httplib::Headers& h :
       {Bearer("s3cre"), Bearer("s3cret x"), Bearer("s3cret\tx"), Bearer("S3CRET"), Bearer(""),
        httplib::Headers{{"Authorization", "Basic s3cret"}},
        httplib::Headers{{"Authorization", "s3cret"}}}) {
    auto res = Client().Get("/api/v1/groups", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << h.begin()->second;
  }
  EXPECT_EQ(plane_.CallCount(), 0u);
}

TEST_F(TokenTest, RightTokenIsAccepted) {
  auto res = Client().Get("/api/v1/groups", Bearer("s3cret"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = Client().Get("/metrics", Bearer("s3cret"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = Client().Post("/api/v1/groups/web/override", Bearer("s3cret"),
                      R"({"desired": 2, "for": "1m"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // With the token, the usual errors come through.
  res = Client().Get("/api/v1/nothing-here", Bearer("s3cret"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = Client().Get("/api/v1/reload", Bearer("s3cret"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
}

TEST_F(TokenTest, ProbesStayOpen) {
  auto res = Client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = Client().Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ServerStartTest, NonLoopbackWithoutTokenIsRefused) {
  FakeControlPlane plane;
  for (const char* listen : {"0.0.0.0:8080", "[::]:8080", "10.1.2.3:80", "tide.example:80"}) {
    auto s = Server::Start(Options(listen, ""), &plane);
    ASSERT_FALSE(s.ok()) << listen;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(s.status().message(),
              std::string("api.listen ") + listen +
                  " is not a loopback address; set api.token to listen there");
  }
}

TEST(ServerStartTest, NonLoopbackWithTokenStarts) {
  FakeControlPlane plane;
  auto s = Server::Start(Options("0.0.0.0:0", "s3cret"), &plane);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_GT((*s)->port(), 0);
  httplib::Client cli("127.0.0.1", (*s)->port());
  auto res = cli.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ServerStartTest, MalformedListenIsInvalidInput) {
  FakeControlPlane plane;
  auto s = Server::Start(Options("127.0.0.1", ""), &plane);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.status().message().find("api.listen '127.0.0.1' has no port"), std::string::npos);
}

TEST(ServerStartTest, LocalhostAndIpv6Loopback) {
  FakeControlPlane plane;
  auto s = Server::Start(Options("localhost:0", ""), &plane);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_GT((*s)->port(), 0);
  auto v6 = Server::Start(Options("[::1]:0", ""), &plane);
  if (!v6.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << v6.status().message();
  httplib::Client cli("::1", (*v6)->port());
  auto res = cli.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ServerStartTest, PortInUseIsARuntimeErrorNamingTheAddress) {
  FakeControlPlane plane;
  auto first = Server::Start(Options("127.0.0.1:0", ""), &plane);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const std::string listen = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = Server::Start(Options(listen, ""), &plane);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kRuntime);
  EXPECT_NE(second.status().message().find("api.listen " + listen + ": cannot bind"),
            std::string::npos)
      << second.status().message();
}

TEST(ServerStartTest, StopIsIdempotentAndClosesTheListener) {
  FakeControlPlane plane;
  auto s = Server::Start(Options("127.0.0.1:0", ""), &plane);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const int port = (*s)->port();
  (*s)->Stop();
  (*s)->Stop();
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(1, 0);
  EXPECT_FALSE(cli.Get("/healthz"));
}

TEST(ServerStartTest, DestructorStopsARunningServer) {
  FakeControlPlane plane;
  auto s = Server::Start(Options("127.0.0.1:0", ""), &plane);
  ASSERT_TRUE(s.ok()) << s.status().message();
  httplib::Client cli("127.0.0.1", (*s)->port());
  ASSERT_TRUE(cli.Get("/healthz"));
  s.value().reset();  // must return, joining the listener
}

}  // namespace
}  // namespace tide::api::testing
