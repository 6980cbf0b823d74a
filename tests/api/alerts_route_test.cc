// GET /api/v1/alerts: the plane's open alerts, in the shape the dashboard reads; guarded by
// the token like every /api route; GET only.
#include <gtest/gtest.h>
#include <httplib.h>

#include "api/server.h"
#include "fake_control_plane.h"

namespace tide::api::testing {
namespace {

class AlertsPlane : public FakeControlPlane {
 public:
  nlohmann::json alerts = {{"alerts",
                            {{{"group", "web"},
                              {"alert", "source_down"},
                              {"severity", "critical"},
                              {"state", "firing"},
                              {"since", 1700000000.0},
                              {"value", 1},
                              {"message", "metric source(s) failing: rps"}}}}};
  nlohmann::json Alerts() override { return alerts; }
};

std::unique_ptr<Server> Start(ControlPlane* plane, const std::string& token) {
  ServerOptions opt;
  opt.listen = "127.0.0.1:0";
  opt.token = token;
  auto s = Server::Start(opt, plane);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(s).value();
}

TEST(AlertsRoute, ReturnsThePlanesOpenAlerts) {
  AlertsPlane plane;
  auto server = Start(&plane, "");
  httplib::Client c("127.0.0.1", server->port());
  auto res = c.Get("/api/v1/alerts");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(res->body), plane.alerts);
  res = c.Post("/api/v1/alerts", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  server->Stop();
}

TEST(AlertsRoute, TheDefaultPlaneHasNoAlertsAndTheTokenGuardsIt) {
  FakeControlPlane plane;  // does not override Alerts()
  auto server = Start(&plane, "s3cret");
  httplib::Client c("127.0.0.1", server->port());
  auto res = c.Get("/api/v1/alerts");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = c.Get("/api/v1/alerts", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body),
            (nlohmann::json{{"alerts", nlohmann::json::array()}}));
  server->Stop();
}

}  // namespace
}  // namespace tide::api::testing
