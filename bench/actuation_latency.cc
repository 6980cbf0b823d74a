// actuation_latency: decision to actuation through a real webhook. One group whose load
// alternates every evaluation, so every tick decides a change and POSTs it to an HTTP
// server in this process (cpp-httplib on loopback). Reports the percentiles of
// decision -> action result (TickOutcome::actuation_seconds) next to the floor: a bare curl
// POST of the same body to the same server, measured in the same run. Figures:
// bench/README.md.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "actuators/actuator.h"
#include "controller/group_runner.h"
#include "platform/http_client.h"
#include "testing/fakes.h"

using namespace tide;

namespace {

double Pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main() {
  httplib::Server srv;
  srv.Post("/scale", [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
  const int port = srv.bind_to_any_port("127.0.0.1");
  std::thread t([&] { srv.listen_after_bind(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  auto http = platform::MakeCurlHttpClient();
  config::Group g;
  g.name = "web";
  g.capacity = {1, 100, 1};
  config::Metric m;
  m.name = "rps";
  m.source.type = "prometheus";
  m.source.window = 1;
  g.metrics = {m};
  config::Policy p;
  p.name = "rps";
  p.kind = config::PolicyKind::kTargetTracking;
  p.target_tracking = {0, 10, config::TargetType::kAverageValue, {0, 0}};
  g.policies = {p};
  g.behavior.scale_up = {0, {}, config::Select::kMax, 0};
  g.behavior.scale_down = {0, {}, config::Select::kMax, 0};
  g.actuator.type = "webhook";
  g.actuator.url = "http://127.0.0.1:" + std::to_string(port) + "/scale";
  g.actuator.retries = 0;

  auto src = std::make_shared<testing::FakeSource::Shared>();
  std::vector<std::unique_ptr<controller::LiveMetric>> metrics;
  metrics.push_back(std::make_unique<controller::LiveMetric>(m, std::make_unique<testing::FakeSource>(src)));
  actuators::ActuatorDeps ad;
  ad.http = http.get();
  auto act = actuators::MakeActuator(g.actuator, ad);
  if (!act.ok()) {
    std::fprintf(stderr, "%s\n", act.status().message().c_str());
    return 1;
  }
  controller::GroupRunner runner(g, std::move(metrics), std::move(act).value(), false);

  const int n = 2000;
  std::vector<double> tide_lat, floor_lat;
  for (int i = 0; i < n; ++i) {
    src->value = (i % 2) ? 30 : 60;  // 3 <-> 6 units: a change every tick
    auto out = runner.Tick(1000.0 + i, nullptr);
    if (out.acted) tide_lat.push_back(out.actuation_seconds);
    platform::HttpRequest req;
    req.method = "POST";
    req.url = g.actuator.url;
    req.body = R"({"group":"web","desired":6,"current":3,"reason":"ScaleUp","message":"x"})";
    req.headers["Content-Type"] = "application/json";
    const auto t0 = std::chrono::steady_clock::now();
    (void)http->Do(req);
    floor_lat.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  srv.stop();
  t.join();
  std::printf("actions                  %zu\n", tide_lat.size());
  std::printf("decision -> applied      p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", 1e3 * Pct(tide_lat, 0.5),
              1e3 * Pct(tide_lat, 0.99), 1e3 * Pct(tide_lat, 1.0));
  std::printf("bare curl POST (floor)   p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", 1e3 * Pct(floor_lat, 0.5),
              1e3 * Pct(floor_lat, 0.99), 1e3 * Pct(floor_lat, 1.0));
  std::printf("ratio tide/floor         p50 %.2f  p99 %.2f\n", Pct(tide_lat, 0.5) / Pct(floor_lat, 0.5),
              Pct(tide_lat, 0.99) / Pct(floor_lat, 0.99));
  return 0;
}
