// local_support.h: a LocalGroup of real tide-sample replicas for the tests, with waits that
// poll the pool (bounded; a test fails instead of hanging).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "local/runtime.h"
#include "platform/http_client.h"

namespace tide::local::testing {

inline config::Group SampleGroup(std::vector<std::string> extra_args = {}) {
  config::Group g;
  g.name = "web";
  g.resource.provider = "local";
  config::LocalService l;
  l.command = {TIDE_SAMPLE, "--work-ms", "0"};
  for (auto& a : extra_args) l.command.push_back(a);
  l.health.type = "http";
  l.health.path = "/healthz";
  l.health.interval = 0.05;
  l.health.start_timeout = 20;
  l.queue_timeout = 20;
  l.drain_timeout = 20;
  l.grace = 2;
  l.idle = 0;
  l.restart_backoff = 0.05;
  l.restart_max_backoff = 0.5;
  g.local = l;
  return g;
}

struct Events {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> list;
  EventSink Sink() {
    return [this](const std::string& k, const std::string& m) {
      std::lock_guard<std::mutex> l(mu);
      list.emplace_back(k, m);
    };
  }
  int Count(const std::string& kind) {
    std::lock_guard<std::mutex> l(mu);
    int n = 0;
    for (auto& e : list) n += e.first == kind;
    return n;
  }
};

class LocalFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/tide-local-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    http_ = platform::MakeCurlHttpClient();
  }
  void TearDown() override {
    if (group_) group_->Stop();
    group_.reset();
    std::filesystem::remove_all(dir_);
  }
  LocalGroup& Start(const config::Group& g) {
    auto lg = LocalGroup::Start(g, dir_, events_.Sink());
    EXPECT_TRUE(lg.ok()) << lg.status().message();
    group_ = std::move(*lg);
    return *group_;
  }
  // Polls `pred` every 20 ms for up to `seconds`.
  static bool WaitFor(const std::function<bool()>& pred, double seconds = 20) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }
  int Ready() { return group_->pool().Snapshot().ready; }
  Result<platform::HttpResponse> Get(const std::string& path, double timeout = 30,
                                     const std::string& method = "GET") {
    platform::HttpRequest r;
    r.method = method;
    r.url = group_->endpoint() + path;
    r.timeout = timeout;
    return http_->Do(r);
  }
  static bool Alive(int pid) { return kill(pid, 0) == 0; }

  std::string dir_;
  std::unique_ptr<platform::HttpClient> http_;
  std::unique_ptr<LocalGroup> group_;
  Events events_;
};

}  // namespace tide::local::testing
