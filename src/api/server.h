// server.h: the HTTP API of `tide run` (cpp-httplib, Debian libcpp-httplib-dev).
//   GET  /healthz                       200 "ok" while the process serves
//   GET  /readyz                        200 once every group evaluated once, else 503
//   GET  /metrics                       Prometheus text exposition
//   GET  /api/v1/groups                 ControlPlane::ListGroups
//   GET  /api/v1/groups/{name}          ControlPlane::GetGroup (?decisions=N, default 20)
//   GET  /api/v1/events                 ?group=&since=&limit= (default limit 100)
//   GET  /api/v1/alerts                 ControlPlane::Alerts (the alerts firing now)
//   GET  /api/v1/groups/{name}/series   ControlPlane::Series (?since=, default the last hour)
//   GET  /api/v1/groups/{name}/outlook  ControlPlane::Outlook (?horizon=, default 1d, max 30d)
//   GET  /, /dashboard.js, ...          ServerOptions::static_files (the dashboard; no token:
//                                       the page holds no data, its API calls send the token)
//   POST /api/v1/groups/{name}/pause | /resume
//   POST /api/v1/groups/{name}/override {"desired": N, "expires_at": EPOCH | "for": "10m"}
//   POST /api/v1/reload
// Errors are JSON {"error": "..."} with 400 (malformed), 401 (token), 404 (unknown group or
// path), 405, 413 (body > 64 KiB), 422 (refused config), 500 (a handler threw; logged);
// nothing a client sends can crash it. Limits: 8 worker threads, 5 s read/write timeouts.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/control_plane.h"
#include "core/result.h"

namespace tide::api {

// A file served as is at `path` ("/" for the page). The views must outlive the server
// (the embedded dashboard's are static).
struct StaticFile {
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 = any free port
  std::string
      token;  // when set, every /api and /metrics request needs "Authorization: Bearer <token>"
  // Receives one line per request that failed inside the server (a 500: a handler threw).
  // Called from worker threads, one call at a time. Empty = write the line to stderr.
  std::function<void(const std::string&)> log;
  std::vector<StaticFile> static_files;
};

class Server {
 public:
  // Binds `opt.listen` and serves from a background thread until Stop() or destruction.
  // Refuses (InvalidInput) a malformed or non-loopback listen address without a token, and
  // reports a bind failure (Runtime) naming the address. `plane` is not owned and must outlive
  // the server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& opt, ControlPlane* plane);
  virtual ~Server() = default;
  virtual int port() const = 0;  // the bound port
  virtual void Stop() = 0;       // idempotent; returns when the listener has stopped
};

}  // namespace tide::api
