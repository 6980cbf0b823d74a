// provider local: the `local:` section and `type: local` metrics. Valid configs read every
// key; each class of mistake is one problem at its position (the invalid table's test body
// is in loader_invalid_test.cc).
#include <gtest/gtest.h>

#include "invalid_case.h"

namespace tide::config {
namespace {

TEST(LocalConfig, ReadsEveryKey) {
  const LoadResult r = LoadConfigString(R"(groups:
  - name: web
    resource: {provider: local}
    capacity: {min: 0, max: 4, initial: 0}
    local:
      command: ["./build/tide-sample", "--work-ms", "2"]
      listen: "127.0.0.1:0"
      health: {type: command, command: ["./check", "{port}"], interval: 50ms, timeout: 2s, start_timeout: 9s}
      queue: {max: 10, timeout: 3s}
      max_concurrency: 5
      drain: {timeout: 4s, grace: 1s}
      idle: 15s
      restart: {backoff: 100ms, max_backoff: 2s, crash_loop: {restarts: 3, window: 20s, cooldown: 7s}}
      log: {dir: /tmp/x, max_bytes: 2048, keep: 1}
    metrics:
      - {name: rps, source: {type: local, measure: rps}}
      - {name: ready, source: {type: local, measure: ready}}
    ready_metric: ready
    policies:
      - {type: target_tracking, metric: rps, target: 10, target_type: average_value}
)",
                                        "x.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  const Group& g = r.config.groups[0];
  ASSERT_TRUE(g.local.has_value());
  const LocalService& l = *g.local;
  EXPECT_EQ(l.command, (std::vector<std::string>{"./build/tide-sample", "--work-ms", "2"}));
  EXPECT_EQ(l.listen, "127.0.0.1:0");
  EXPECT_EQ(l.health.type, "command");
  EXPECT_EQ(l.health.command, (std::vector<std::string>{"./check", "{port}"}));
  EXPECT_DOUBLE_EQ(l.health.interval, 0.05);
  EXPECT_DOUBLE_EQ(l.health.timeout, 2);
  EXPECT_DOUBLE_EQ(l.health.start_timeout, 9);
  EXPECT_EQ(l.queue_max, 10);
  EXPECT_EQ(l.max_concurrency, 5);
  EXPECT_DOUBLE_EQ(l.queue_timeout, 3);
  EXPECT_DOUBLE_EQ(l.drain_timeout, 4);
  EXPECT_DOUBLE_EQ(l.grace, 1);
  EXPECT_DOUBLE_EQ(l.idle, 15);
  EXPECT_DOUBLE_EQ(l.restart_backoff, 0.1);
  EXPECT_DOUBLE_EQ(l.restart_max_backoff, 2);
  EXPECT_EQ(l.crash_loop_restarts, 3);
  EXPECT_DOUBLE_EQ(l.crash_loop_window, 20);
  EXPECT_DOUBLE_EQ(l.crash_loop_cooldown, 7);
  EXPECT_EQ(l.log_dir, "/tmp/x");
  EXPECT_EQ(l.log_max_bytes, 2048);
  EXPECT_EQ(l.log_keep, 1);
  EXPECT_EQ(g.metrics[0].source.type, "local");
  EXPECT_EQ(g.metrics[0].source.measure, "rps");
}

TEST(LocalConfig, BundledExampleIsValid) {
  const LoadResult r = LoadConfigFile(std::string(TIDE_SOURCE_DIR) + "/examples/local-web.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  ASSERT_TRUE(r.config.groups[0].local.has_value());
  EXPECT_EQ(r.config.groups[0].capacity.min, 0);  // scale to zero
}

const InvalidCase kLocalCases[] = {
    {"ProviderLocalNeedsTheSection", R"(groups:
  - name: web
    resource: {provider: local}
)",
     2, 5, "groups[0].local", "missing; required: for resource.provider local"},
    {"SectionNeedsProviderLocal", R"(groups:
  - name: web
    local: {command: [a]}
)",
     3, 12, "groups[0].local", "only for resource.provider local (the provider is 'simulated')"},
    {"LocalMetricNeedsProviderLocal", R"(groups:
  - name: web
    metrics:
      - {name: rps, source: {type: local, measure: rps}}
)",
     4, 9, "groups[0].metrics[0].source.type", "needs resource.provider local"},
    {"CommandIsAnArgvList", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: "./server --port 1"}
)",
     4, 22, "groups[0].local.command",
     "expected a sequence of arguments (argv, run without a shell)"},
    {"UnknownHealthType", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: [a], health: {type: grpc}}
)",
     4, 42, "groups[0].local.health.type", "allowed: http, tcp, command"},
    {"HealthPathIsAbsolute", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: [a], health: {type: http, path: healthz}}
)",
     4, 54, "groups[0].local.health.path", "starting with '/'"},
    {"UnknownMeasure", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: [a]}
    metrics:
      - {name: x, source: {type: local, measure: cpu}}
)",
     6, 50, "groups[0].metrics[0].source.measure",
     "allowed: concurrency, rps, latency, ready, queued, errors, rejected"},
    {"LocalGroupHasNoOtherActuator", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: [a]}
    actuator: {type: webhook, url: "http://127.0.0.1:9/x"}
)",
     5, 15, "groups[0].actuator.type", "applied by its own process pool"},
    {"QueueMaxAtLeastOne", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: [a], queue: {max: 0}}
)",
     4, 40, "groups[0].local.queue.max", "bad value '0'"},
    // Two listeners on one port would fail only when tide run binds the second.
    {"RouterOnTheApiPort", R"(api: {listen: "127.0.0.1:18080"}
groups:
  - name: web
    resource: {provider: local}
    local: {command: [a], listen: "127.0.0.1:18080"}
)",
     5, 35, "groups[0].local.listen",
     "a port no other listener of this file uses (api.listen is 127.0.0.1:18080"},
    {"TwoRoutersOnOnePortOneOfThemOnEveryAddress", R"(groups:
  - name: web
    resource: {provider: local}
    local: {command: [a], listen: "0.0.0.0:18081"}
  - name: api
    resource: {provider: local}
    local: {command: [a], listen: "localhost:18081"}
)",
     7, 35, "groups[1].local.listen", "(groups[0].local.listen (group web) is 0.0.0.0:18081"},
};

// Port 0 (any free port) never clashes, nor do different hosts on one port, nor a router on
// the default API port when api.listen is not written (tide run --listen may move the API).
TEST(LocalConfig, ListenersApartAreValid) {
  const LoadResult r = LoadConfigString(R"(groups:
  - name: a
    resource: {provider: local}
    local: {command: [a], listen: "127.0.0.1:0"}
  - name: b
    resource: {provider: local}
    local: {command: [a], listen: "127.0.0.1:0"}
  - name: c
    resource: {provider: local}
    local: {command: [a], listen: "127.0.0.1:18082"}
  - name: d
    resource: {provider: local}
    local: {command: [a], listen: "127.0.0.2:18082"}
  - name: e
    resource: {provider: local}
    local: {command: [a], listen: "127.0.0.1:8080"}
)",
                                        "t.yaml");
  EXPECT_TRUE(r.problems.empty()) << AllProblems(r);
}

INSTANTIATE_TEST_SUITE_P(Local, LoaderInvalid, testing::ValuesIn(kLocalCases), InvalidCaseName);

}  // namespace
}  // namespace tide::config
