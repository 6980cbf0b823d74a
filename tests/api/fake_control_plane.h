// fake_control_plane.h: a ControlPlane for API tests. It holds canned data, answers from it,
// and records every call; it knows nothing of policies or clamping.
#pragma once

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/control_plane.h"

namespace tide::api::testing {

class FakeControlPlane : public ControlPlane {
 public:
  struct OverrideCall {
    std::string group;
    int desired;
    double expires_at;
  };

  // --- canned data: set before the requests that read it ---
  std::set<std::string> known = {"web", "worker"};
  nlohmann::json groups = nlohmann::json::array(
      {{{"name", "web"}, {"desired", 3}, {"current", 3}, {"paused", false}},
       {{"name", "worker"}, {"desired", 1}, {"current", 2}, {"paused", true}}});
  nlohmann::json events = nlohmann::json::array({{{"group", "web"}, {"type", "scaled"}}});
  std::string metrics = "# TYPE tide_up gauge\ntide_up 1\n";
  std::atomic<bool> ready{true};
  double now = 1000;
  Status override_status;  // returned for known groups
  Status reload_status;
  std::atomic<bool> throw_in_list{false};  // ListGroups throws a nlohmann exception

  // --- recorded calls ---
  mutable std::mutex mu;
  std::vector<std::string> calls;  // "ListGroups", "Pause web", ...
  std::vector<OverrideCall> overrides;
  int last_decisions = -1;
  std::string last_events_group = "<unset>";
  double last_since = -1;
  int last_limit = -1;
  double last_horizon = -1;

  nlohmann::json ListGroups() override {
    Record("ListGroups");
    if (throw_in_list) return nlohmann::json::parse("{broken");  // throws parse_error
    return groups;
  }
  Result<nlohmann::json> GetGroup(const std::string& name, int decisions) override {
    Record("GetGroup " + name);
    std::lock_guard<std::mutex> lock(mu);
    last_decisions = decisions;
    if (!known.count(name)) return Status::NotFound("unknown group '" + name + "'");
    return nlohmann::json{{"name", name}, {"decisions", nlohmann::json::array()}};
  }
  nlohmann::json Events(const std::string& group, double since, int limit) override {
    Record("Events");
    std::lock_guard<std::mutex> lock(mu);
    last_events_group = group;
    last_since = since;
    last_limit = limit;
    return events;
  }
  Result<nlohmann::json> Series(const std::string& group, double since) override {
    if (Status s = Known("Series", group); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu);
    last_since = since;
    return nlohmann::json{{"group", group}, {"since", since}};
  }
  Result<nlohmann::json> Outlook(const std::string& group, double horizon) override {
    if (Status s = Known("Outlook", group); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu);
    last_horizon = horizon;
    return nlohmann::json{{"group", group}, {"horizon", horizon}};
  }
  Status Pause(const std::string& group) override { return Known("Pause", group); }
  Status Resume(const std::string& group) override { return Known("Resume", group); }
  Status Override(const std::string& group, int desired, double expires_at) override {
    Status s = Known("Override", group);
    if (!s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu);
    overrides.push_back({group, desired, expires_at});
    return override_status;
  }
  Status Reload() override {
    Record("Reload");
    return reload_status;
  }
  std::string MetricsText() override {
    Record("MetricsText");
    return metrics;
  }
  bool Ready() override { return ready; }
  double Now() override { return now; }

  size_t CallCount() const {
    std::lock_guard<std::mutex> lock(mu);
    return calls.size();
  }

 private:
  void Record(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(call);
  }
  Status Known(const std::string& what, const std::string& group) {
    Record(what + " " + group);
    if (!known.count(group)) return Status::NotFound("unknown group '" + group + "'");
    return Status::Ok();
  }
};

}  // namespace tide::api::testing
