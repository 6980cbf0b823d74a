// The success case of every endpoint, and the errors the control plane reports.
#include <gtest/gtest.h>

#include "api_test_support.h"

namespace tide::api::testing {
namespace {

using nlohmann::json;

using RoutesTest = ApiTest;

TEST_F(RoutesTest, HealthzAnswersOk) {
  auto res = Client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
}

TEST_F(RoutesTest, ReadyzFollowsThePlane) {
  auto res = Client().Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  plane_.ready = false;
  res = Client().Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(res->body.find("not ready"), std::string::npos);
}

TEST_F(RoutesTest, MetricsIsPrometheusText) {
  auto res = Client().Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res->body, plane_.metrics);
}

TEST_F(RoutesTest, ListGroupsReturnsThePlanesJson) {
  auto res = Client().Get("/api/v1/groups");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Json(res), plane_.groups);
}

TEST_F(RoutesTest, HeadIsServedLikeGet) {
  auto res = Client().Head("/api/v1/groups");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
}

TEST_F(RoutesTest, GetGroupPassesDecisions) {
  struct Case {
    const char* query;
    int decisions;
  };
  for (const Case& c : {Case{"", 20}, Case{"?decisions=5", 5}, Case{"?decisions=0", 0},
                        Case{"?decisions=5000", 1000}}) {
    auto res = Client().Get(std::string("/api/v1/groups/web") + c.query);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << c.query;
    EXPECT_EQ(Json(res)["name"], "web");
    EXPECT_EQ(plane_.last_decisions, c.decisions) << c.query;
  }
}

TEST_F(RoutesTest, GetGroupRefusesBadDecisions) {
  for (const char* q : {"?decisions=abc", "?decisions=-1", "?decisions=", "?decisions=2.5"}) {
    auto res = Client().Get(std::string("/api/v1/groups/web") + q);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << q;
    EXPECT_NE(Error(res).find("decisions="), std::string::npos) << Error(res);
  }
}

TEST_F(RoutesTest, UnknownGroupIs404WithThePlanesMessage) {
  auto res = Client().Get("/api/v1/groups/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Error(res), "unknown group 'nope'");
}

TEST_F(RoutesTest, EventsDefaults) {
  auto res = Client().Get("/api/v1/events");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json(res), plane_.events);
  EXPECT_EQ(plane_.last_events_group, "");
  EXPECT_EQ(plane_.last_since, 0);
  EXPECT_EQ(plane_.last_limit, 100);
}

// A mistyped group read as "no events" (200 []); a group without events that is not
// configured is 404 as on the other per-group endpoints. Events of a group a reload removed
// are still returned.
TEST_F(RoutesTest, EventsOfAnUnknownGroupWithoutEventsIs404) {
  plane_.events = nlohmann::json::array();
  auto res = Client().Get("/api/v1/events?group=nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Error(res), "unknown group 'nope' (and no events recorded for it)");
  plane_.events = nlohmann::json::array({{{"kind", "scale"}}});
  res = Client().Get("/api/v1/events?group=removed");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(RoutesTest, EventsFiltersAndCapsLimit) {
  auto res = Client().Get("/api/v1/events?group=web&since=1500.5&limit=7");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(plane_.last_events_group, "web");
  EXPECT_EQ(plane_.last_since, 1500.5);
  EXPECT_EQ(plane_.last_limit, 7);
  res = Client().Get("/api/v1/events?since=1970-01-01T00:01:00Z&limit=100000");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(plane_.last_since, 60);
  EXPECT_EQ(plane_.last_limit, 1000);
}

TEST_F(RoutesTest, EventsRefusesBadParams) {
  struct Case {
    const char* query;
    const char* mentions;
  };
  for (const Case& c : {Case{"?limit=abc", "limit='abc'"}, Case{"?limit=0", "limit='0'"},
                        Case{"?limit=-5", "limit='-5'"}, Case{"?since=abc", "since='abc'"},
                        Case{"?since=", "since=''"}}) {
    auto res = Client().Get(std::string("/api/v1/events") + c.query);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << c.query;
    EXPECT_NE(Error(res).find(c.mentions), std::string::npos) << Error(res);
  }
}

TEST_F(RoutesTest, PauseAndResume) {
  auto res = Client().Post("/api/v1/groups/web/pause", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json(res), (json{{"group", "web"}, {"paused", true}}));
  res = Client().Post("/api/v1/groups/web/resume");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json(res), (json{{"group", "web"}, {"paused", false}}));
  EXPECT_EQ(plane_.calls, (std::vector<std::string>{"Pause web", "Resume web"}));
}

TEST_F(RoutesTest, PauseUnknownGroupIs404) {
  for (const char* path : {"/api/v1/groups/nope/pause", "/api/v1/groups/nope/resume"}) {
    auto res = Client().Post(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(Error(res), "unknown group 'nope'");
  }
}

TEST_F(RoutesTest, OverrideForADuration) {
  auto res = Client().Post("/api/v1/groups/web/override", R"({"desired": 5, "for": "10m"})",
                           "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  ASSERT_EQ(plane_.overrides.size(), 1u);
  EXPECT_EQ(plane_.overrides[0].group, "web");
  EXPECT_EQ(plane_.overrides[0].desired, 5);
  EXPECT_EQ(plane_.overrides[0].expires_at, 1600);  // the plane's now (1000) + 600
  EXPECT_EQ(Json(res),
            (json{{"group", "web"}, {"override", {{"desired", 5}, {"expires_at", 1600.0}}}}));
}

TEST_F(RoutesTest, OverrideUntilAnEpoch) {
  auto res = Client().Post("/api/v1/groups/worker/override",
                           R"({"desired": 0, "expires_at": 5000})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  ASSERT_EQ(plane_.overrides.size(), 1u);
  EXPECT_EQ(plane_.overrides[0].desired, 0);
  EXPECT_EQ(plane_.overrides[0].expires_at, 5000);
}

TEST_F(RoutesTest, OverrideUnknownGroupIs404) {
  auto res = Client().Post("/api/v1/groups/nope/override", R"({"desired": 1, "for": "1m"})",
                           "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_TRUE(plane_.overrides.empty());
}

TEST_F(RoutesTest, OverrideRefusedByThePlaneIs400) {
  plane_.override_status = Status::InvalidInput("expires_at 10 is in the past (now 1000)");
  auto res = Client().Post("/api/v1/groups/web/override", R"({"desired": 1, "expires_at": 10})",
                           "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Error(res), "expires_at 10 is in the past (now 1000)");
}

TEST_F(RoutesTest, OverrideBadBodyIs400NamingTheField) {
  struct Case {
    const char* body;
    const char* mentions;
  };
  for (const Case& c : {Case{"{not json", "not valid JSON: [json.exception.parse_error"},
                        Case{R"({"desired": -3, "for": "1m"})", "\"desired\" = -3"},
                        Case{R"({"desired": "many", "for": "1m"})", "\"desired\" = \"many\""},
                        Case{R"({"desired": 3})", "\"expires_at\" (epoch seconds) or \"for\""},
                        Case{R"({"desired": 3, "for": "a while"})", "\"for\" = \"a while\""},
                        Case{"", "the body is empty"}}) {
    auto res = Client().Post("/api/v1/groups/web/override", c.body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << c.body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(Error(res).find(c.mentions), std::string::npos) << Error(res);
  }
  EXPECT_TRUE(plane_.overrides.empty());
}

TEST_F(RoutesTest, ReloadAccepted) {
  auto res = Client().Post("/api/v1/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json(res), (json{{"reloaded", true}}));
}

TEST_F(RoutesTest, ReloadRefusedIs422WithEveryProblem) {
  plane_.reload_status = Status::InvalidInput("tide.yaml:3: groups.web.min = -1, must be >= 0");
  auto res = Client().Post("/api/v1/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(Error(res), "tide.yaml:3: groups.web.min = -1, must be >= 0");
  plane_.reload_status = Status::NotFound("tide.yaml: no such file");
  res = Client().Post("/api/v1/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
}

}  // namespace
}  // namespace tide::api::testing
