// Valid configurations with live sources, actuators and the `tide run` settings (api,
// retention): every key is read into its field of config.h, omitted keys take its defaults.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"

namespace tide::config {
namespace {

Config MustLoad(const std::string& yaml) {
  LoadResult r = LoadConfigString(yaml, "live.yaml");
  std::string all;
  for (const Problem& p : r.problems) all += p.ToString() + "\n";
  EXPECT_TRUE(r.problems.empty()) << all;
  return r.config;
}

constexpr const char* kLive = R"(# Every new key, each set to a value other than its default.
api: {listen: "0.0.0.0:9000", token: "s3cret"}
retention: {raw: 1d, minute: 7d, total: 30d}
groups:
  - name: web
    actuator:
      type: exec
      command: ["/usr/local/bin/scale", "--to", "{desired}", "--from={current}", "{group}"]
      timeout: 20s
      retries: 5
    ready_metric: ready
    metrics:
      - name: rps
        source:
          type: prometheus
          url: "http://127.0.0.1:9090"
          query: 'sum(rate(http_requests_total[1m]))'
          timeout: 3s
          retries: 4
          window: 30s
          max_age: 45s
      - name: ready
        source: {type: prometheus, url: "https://prom.example:9443/api-prefix",
                 query: 'kube_deployment_status_replicas_ready{deployment="web"}'}
      - name: queue
        source: {type: redis, address: "127.0.0.1:6379", key: jobs}
      - name: pending
        source: {type: redis, address: "[::1]:6380", key: events, measure: pending,
                 consumer_group: workers, retries: 0}
      - name: lag
        source: {type: redis, address: "redis.internal:6379", key: events, measure: lag,
                 consumer_group: workers}
      - name: cpu
        source: {type: procfs, pid_file: /run/app.pids}
      - name: mem
        source: {type: procfs, pid_file: /run/app.pids, measure: memory, timeout: 500ms}
      - name: depth
        source: {type: http_json, url: "http://127.0.0.1:9100/stats", pointer: /queue/depth}
      - name: whole
        source: {type: http_json, url: "http://user:pw@[::1]/n?x=1", pointer: ""}
      - name: utilization
        source: {type: simulated, signal: utilization, window: 60s}
    policies:
      - {type: target_tracking, metric: rps, target: 100, target_type: average_value}
  - name: hook
    actuator: {type: webhook, url: "http://127.0.0.1:9000/scale", timeout: 5s, retries: 0}
  - name: quiet
    actuator: {type: none}
)";

TEST(LiveValid, ApiAndRetention) {
  const Config c = MustLoad(kLive);
  EXPECT_EQ(c.api.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.api.token, "s3cret");
  EXPECT_EQ(c.retention.raw, 86400);
  EXPECT_EQ(c.retention.minute, 7 * 86400);
  EXPECT_EQ(c.retention.total, 30 * 86400);
}

TEST(LiveValid, Actuators) {
  const Config c = MustLoad(kLive);
  ASSERT_EQ(c.groups.size(), 3u);
  const Actuator& exec = c.groups[0].actuator;
  EXPECT_EQ(exec.type, "exec");
  EXPECT_EQ(exec.command, (std::vector<std::string>{"/usr/local/bin/scale", "--to", "{desired}",
                                                    "--from={current}", "{group}"}));
  EXPECT_EQ(exec.url, "");
  EXPECT_EQ(exec.timeout, 20);
  EXPECT_EQ(exec.retries, 5);
  const Actuator& hook = c.groups[1].actuator;
  EXPECT_EQ(hook.type, "webhook");
  EXPECT_EQ(hook.url, "http://127.0.0.1:9000/scale");
  EXPECT_TRUE(hook.command.empty());
  EXPECT_EQ(hook.timeout, 5);
  EXPECT_EQ(hook.retries, 0);
  EXPECT_EQ(c.groups[2].actuator.type, "none");
}

TEST(LiveValid, ReadyMetricNamesAMetric) {
  const Config c = MustLoad(kLive);
  EXPECT_EQ(c.groups[0].ready_metric, "ready");
  EXPECT_EQ(c.groups[0].FindMetric("ready"), 1);
  EXPECT_EQ(c.groups[1].ready_metric, "");
}

TEST(LiveValid, EverySourceType) {
  const Config c = MustLoad(kLive);
  const auto& m = c.groups[0].metrics;
  ASSERT_EQ(m.size(), 10u);

  const MetricSource& rps = m[0].source;
  EXPECT_EQ(rps.type, "prometheus");
  EXPECT_EQ(rps.url, "http://127.0.0.1:9090");
  EXPECT_EQ(rps.query, "sum(rate(http_requests_total[1m]))");
  EXPECT_EQ(rps.timeout, 3);
  EXPECT_EQ(rps.retries, 4);
  EXPECT_EQ(rps.window, 30);
  EXPECT_EQ(rps.max_age, 45);
  EXPECT_EQ(m[0].mark.line, 13);
  EXPECT_EQ(m[0].mark.column, 9);
  EXPECT_EQ(m[1].source.url, "https://prom.example:9443/api-prefix");
  EXPECT_EQ(m[1].source.query, "kube_deployment_status_replicas_ready{deployment=\"web\"}");
  EXPECT_EQ(m[1].source.timeout, 2);  // defaults
  EXPECT_EQ(m[1].source.retries, 2);

  const MetricSource& queue = m[2].source;
  EXPECT_EQ(queue.type, "redis");
  EXPECT_EQ(queue.address, "127.0.0.1:6379");
  EXPECT_EQ(queue.key, "jobs");
  EXPECT_EQ(queue.measure, "length");  // the default is written out
  EXPECT_EQ(queue.consumer_group, "");
  const MetricSource& pending = m[3].source;
  EXPECT_EQ(pending.address, "[::1]:6380");
  EXPECT_EQ(pending.key, "events");
  EXPECT_EQ(pending.measure, "pending");
  EXPECT_EQ(pending.consumer_group, "workers");
  EXPECT_EQ(pending.retries, 0);
  EXPECT_EQ(m[4].source.address, "redis.internal:6379");
  EXPECT_EQ(m[4].source.measure, "lag");
  EXPECT_EQ(m[4].source.consumer_group, "workers");

  const MetricSource& cpu = m[5].source;
  EXPECT_EQ(cpu.type, "procfs");
  EXPECT_EQ(cpu.pid_file, "/run/app.pids");
  EXPECT_EQ(cpu.measure, "cpu");  // the default is written out
  EXPECT_EQ(m[6].source.measure, "memory");
  EXPECT_DOUBLE_EQ(m[6].source.timeout, 0.5);

  const MetricSource& depth = m[7].source;
  EXPECT_EQ(depth.type, "http_json");
  EXPECT_EQ(depth.url, "http://127.0.0.1:9100/stats");
  EXPECT_EQ(depth.pointer, "/queue/depth");
  EXPECT_EQ(m[8].source.url, "http://user:pw@[::1]/n?x=1");
  EXPECT_EQ(m[8].source.pointer, "");  // the whole document

  const MetricSource& util = m[9].source;
  EXPECT_EQ(util.type, "simulated");
  EXPECT_EQ(util.signal, Signal::kUtilization);
  EXPECT_EQ(util.measure, "");

  EXPECT_EQ(c.groups[0].policies[0].target_tracking.metric, 0);
}

TEST(LiveValid, OmittedKeysTakeTheDefaultsOfConfigH) {
  const Config c = MustLoad("groups: [{name: web, metrics: [{name: m}]}]\n");
  EXPECT_EQ(c.api.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.api.token, "");
  EXPECT_EQ(c.retention.raw, 2 * 86400);
  EXPECT_EQ(c.retention.minute, 14 * 86400);
  EXPECT_EQ(c.retention.total, 90 * 86400);
  const Group& g = c.groups[0];
  EXPECT_EQ(g.actuator.type, "none");
  EXPECT_TRUE(g.actuator.command.empty());
  EXPECT_EQ(g.actuator.timeout, 10);
  EXPECT_EQ(g.actuator.retries, 3);
  EXPECT_EQ(g.ready_metric, "");
  const MetricSource& s = g.metrics[0].source;
  EXPECT_EQ(s.type, "simulated");
  EXPECT_EQ(s.timeout, 2);
  EXPECT_EQ(s.retries, 2);
  EXPECT_EQ(s.url, "");
  EXPECT_EQ(s.measure, "");
}

TEST(LiveValid, EmptySectionsKeepTheirDefaults) {
  const Config c = MustLoad("api:\nretention: {}\ngroups: [{name: web, actuator: {}}]\n");
  EXPECT_EQ(c.api.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.retention.minute, 14 * 86400);
  EXPECT_EQ(c.groups[0].actuator.type, "none");
}

TEST(LiveValid, LoopbackListenNeedsNoToken) {
  for (const char* listen :
       {"127.0.0.1:8080", "127.1.2.3:80", "localhost:0", "LocalHost:1", "[::1]:65535"}) {
    const Config c =
        MustLoad("api: {listen: \"" + std::string(listen) + "\"}\ngroups: [{name: a}]\n");
    EXPECT_EQ(c.api.listen, listen);
    EXPECT_EQ(c.api.token, "");
  }
}

TEST(LiveValid, RetentionTiersMayBeEqual) {
  const Config c = MustLoad("retention: {raw: 7d, minute: 7d, total: 7d}\ngroups: [{name: a}]\n");
  EXPECT_EQ(c.retention.raw, c.retention.total);
}

TEST(LiveValid, SimulatedAndLiveGroupsCoexist) {
  const Config c = MustLoad(R"(groups:
  - name: sim
    metrics: [{name: u, source: {signal: utilization}}, {name: q, source: {type: simulated}}]
  - name: live
    metrics: [{name: q, source: {type: redis, address: "localhost:6379", key: q}}]
    actuator: {type: webhook, url: "https://scaler.example/scale"}
)");
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(c.groups[0].metrics[1].source.type, "simulated");
  EXPECT_EQ(c.groups[1].metrics[0].source.type, "redis");
}

}  // namespace
}  // namespace tide::config
