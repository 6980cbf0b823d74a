// The dashboard's endpoints: /series and /outlook parameters and errors, and the static
// files of the page (served without the token, which guards the data only).
#include <gtest/gtest.h>

#include "api_test_support.h"

namespace tide::api::testing {
namespace {

using nlohmann::json;

using DashboardRoutesTest = ApiTest;

TEST_F(DashboardRoutesTest, SeriesDefaultsToTheLastHour) {
  auto res = Client().Get("/api/v1/groups/web/series");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(Json(res), (json{{"group", "web"}, {"since", 1000.0 - 3600}}));
}

TEST_F(DashboardRoutesTest, SeriesPassesSince) {
  for (const auto& [q, since] : std::vector<std::pair<std::string, double>>{
           {"?since=1500.5", 1500.5}, {"?since=1970-01-01T00:01:00Z", 60}}) {
    auto res = Client().Get("/api/v1/groups/worker/series" + q);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << q;
    EXPECT_EQ(plane_.last_since, since) << q;
  }
}

TEST_F(DashboardRoutesTest, OutlookPassesHorizon) {
  struct Case {
    const char* query;
    double horizon;
  };
  for (const Case& c : {Case{"", 86400}, Case{"?horizon=2h", 7200}, Case{"?horizon=600", 600},
                        Case{"?horizon=30d", 30 * 86400}}) {
    auto res = Client().Get(std::string("/api/v1/groups/web/outlook") + c.query);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << c.query;
    EXPECT_EQ(plane_.last_horizon, c.horizon) << c.query;
    EXPECT_EQ(Json(res)["horizon"], c.horizon) << c.query;
  }
}

TEST_F(DashboardRoutesTest, BadParametersAre400NamingThem) {
  struct Case {
    const char* path;
    const char* mentions;
  };
  for (const Case& c : {Case{"/api/v1/groups/web/series?since=yesterday", "since='yesterday'"},
                        Case{"/api/v1/groups/web/outlook?horizon=soon", "horizon='soon'"},
                        Case{"/api/v1/groups/web/outlook?horizon=0", "above 0 and at most 30d"},
                        Case{"/api/v1/groups/web/outlook?horizon=31d", "horizon='31d'"},
                        Case{"/api/v1/groups/web/outlook?horizon=-1h", "horizon='-1h'"}}) {
    auto res = Client().Get(c.path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << c.path;
    EXPECT_NE(Error(res).find(c.mentions), std::string::npos) << c.path << ": " << Error(res);
  }
}

TEST_F(DashboardRoutesTest, UnknownGroupIs404) {
  for (const char* path : {"/api/v1/groups/nope/series", "/api/v1/groups/nope/outlook"}) {
    auto res = Client().Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(Error(res), "unknown group 'nope'") << path;
  }
}

TEST_F(DashboardRoutesTest, PostIsNotAllowed) {
  auto res = Client().Post("/api/v1/groups/web/series", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
}

TEST(DashboardStaticFiles, ServedAsIsWithoutTheTokenWhileTheApiNeedsIt) {
  FakeControlPlane plane;
  ServerOptions opt;
  opt.listen = "127.0.0.1:0";
  opt.token = "s3cret";
  opt.static_files = {{"/", "text/html; charset=utf-8", "<!DOCTYPE html><p>page</p>"},
                      {"/dashboard.js", "text/javascript; charset=utf-8", "console.log(1)"}};
  auto server = Server::Start(opt, &plane);
  ASSERT_TRUE(server.ok()) << server.status().message();
  httplib::Client cli("127.0.0.1", (*server)->port());
  auto page = cli.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<!DOCTYPE html><p>page</p>");
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto js = cli.Get("/dashboard.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  // The regex route must not match a look-alike path.
  auto other = cli.Get("/dashboardXjs");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto data = cli.Get("/api/v1/groups/web/series");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->status, 401);
  (*server)->Stop();
}

}  // namespace
}  // namespace tide::api::testing
