// control_plane.h: what the HTTP API needs from the running controller. The controller
// implements it (controller/controller.h); API tests use a fake. All methods are
// thread-safe: the server calls them from its worker threads.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace tide::api {

class ControlPlane {
 public:
  virtual ~ControlPlane() = default;

  // [{"name","desired","current","ready","paused","override":{desired,expires_at}|null,
  //   "last_decision":{...}|null, "min","max","evaluation_interval","alerts_open"}]
  virtual nlohmann::json ListGroups() = 0;
  // The group's state plus its last `decisions` decisions (newest first), each with its
  // explanation. NotFound for an unknown group.
  virtual Result<nlohmann::json> GetGroup(const std::string& name, int decisions) = 0;
  // Events newest first; group "" = all; since in epoch seconds.
  virtual nlohmann::json Events(const std::string& group, double since, int limit) = 0;
  // The group's recent history for the dashboard's charts, columnar (oldest first) from
  // epoch second `since`: {"group","since","now","metrics":[{"name","t":[],"value":[]}],
  //  "capacity":{"t":[],"current":[],"desired":[],"ready":[]}}; a failed reading is null.
  // NotFound for an unknown group.
  virtual Result<nlohmann::json> Series(const std::string& group, double since) = 0;
  // What lies ahead within `horizon` seconds: {"now","horizon","forecasts":[{"policy",
  //  "metric","mode","quantile","model","note","fit_error","t":[],"mean":[],"lo80":[],
  //  "hi80":[],"lo95":[],"hi95":[]}],"scheduled":[{"policy","at","min","max","desired"}]}
  // (one forecast per predictive policy that has fitted one; scheduled firings sorted by
  // time). NotFound for an unknown group.
  virtual Result<nlohmann::json> Outlook(const std::string& group, double horizon) = 0;

  // NotFound for an unknown group.
  virtual Status Pause(const std::string& group) = 0;
  virtual Status Resume(const std::string& group) = 0;
  // Holds `desired` until epoch second `expires_at` (clamped to the group's bounds).
  // InvalidInput for desired < 0 or an expiry in the past.
  virtual Status Override(const std::string& group, int desired, double expires_at) = 0;
  // Re-reads and validates the config file; InvalidInput with every problem when refused
  // (the running config stays).
  virtual Status Reload() = 0;

  // {"alerts":[{"group","alert","severity","state":"firing","since","value","message"}]}:
  // the alerts firing now.
  virtual nlohmann::json Alerts() { return {{"alerts", nlohmann::json::array()}}; }

  // Prometheus text exposition of the controller's metrics.
  virtual std::string MetricsText() = 0;
  // true once every group has completed its first evaluation.
  virtual bool Ready() = 0;
  // Seconds since the epoch, from the controller's clock (for override expiry parsing).
  virtual double Now() = 0;
};

}  // namespace tide::api
