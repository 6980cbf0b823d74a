// server.cc: the cpp-httplib wiring of the API — binding, the route table with 405s, the
// token guard, error and exception handlers, and one handler per endpoint.
#include "api/server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "api/listen_address.h"
#include "api/request_parse.h"
#include "api/responses.h"

namespace tide::api {
namespace {

using httplib::Request;
using httplib::Response;
using Handler = httplib::Server::Handler;

// httplib serves a connection on one worker while it reads the request, and its read timeout
// restarts with every byte: a client trickling header lines holds a worker indefinitely. With
// 8 workers, 10 such clients made even /healthz unreachable. Mitigated, not removed: a worker
// per 64 connections in flight (threads cost little here) and a read timeout of 2 s (a client
// sends its request at once; one pausing longer is dropped). It takes 64 clients each sending
// a byte more often than every 2 s to block the API; the default listener is loopback only.
constexpr size_t kWorkerThreads = 64;
constexpr time_t kReadTimeoutSeconds = 2;
constexpr time_t kWriteTimeoutSeconds = 5;
constexpr time_t kKeepAliveSeconds = 1;
constexpr int kDefaultDecisions = 20;
constexpr int kDefaultEventLimit = 100;
constexpr int kMaxListLimit = 1000;
constexpr double kDefaultSeriesSpan = 3600;     // seconds of history when ?since= is absent
constexpr double kDefaultHorizon = 86400;       // seconds ahead for /outlook
constexpr double kMaxHorizon = 30 * 86400;

std::optional<std::string> Param(const Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

// Paths that need the token when one is set; /healthz and /readyz stay open for probes.
bool IsGuardedPath(std::string_view path) {
  return path == "/metrics" || path.substr(0, 5) == "/api/" || path == "/api";
}

// httplib routes are regular expressions: a file path must match only itself.
std::string LiteralPattern(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

struct Endpoint {
  std::string method;  // GET or POST
  Handler handler;
};

class HttpServer final : public Server {
 public:
  HttpServer(ServerOptions opt, ControlPlane* plane) : opt_(std::move(opt)), plane_(plane) {
    Configure();
    InstallRoutes();
  }
  ~HttpServer() override { Stop(); }

  Status Bind(const ListenAddress& addr) {
    errno = 0;
    port_ = addr.port == 0 ? http_.bind_to_any_port(addr.host)
                           : (http_.bind_to_port(addr.host, addr.port) ? addr.port : -1);
    const int err = errno;
    if (port_ < 0) {
      return Status::Runtime(fmt::format("api.listen {}: cannot bind{}", opt_.listen,
                                         err != 0 ? fmt::format(": {}", std::strerror(err)) : ""));
    }
    // Debian's compiled cpp-httplib listens with a backlog of 5; a dashboard's parallel
    // fetches on fresh connections can overflow it, and a dropped SYN costs a 1 s retry.
    if (listener_ >= 0) ::listen(listener_, SOMAXCONN);
    return Status::Ok();
  }

  // Serves from a background thread; returns once the listener accepts connections, so that
  // a Stop() right after cannot miss it.
  void Run() {
    thread_ = std::thread([this] {
      http_.listen_after_bind();
      finished_ = true;
    });
    while (!http_.is_running() && !finished_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  int port() const override { return port_; }

  void Stop() override {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (!thread_.joinable()) return;
    http_.stop();
    thread_.join();
  }

 private:
  void Configure() {
    http_.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
    http_.set_read_timeout(kReadTimeoutSeconds, 0);
    http_.set_write_timeout(kWriteTimeoutSeconds, 0);
    http_.set_payload_max_length(kMaxBodyBytes);
    // An idle keep-alive connection holds a worker, and Stop() waits for it: keep it short.
    http_.set_keep_alive_timeout(kKeepAliveSeconds);
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second tide
    // bind the same port silently. CLOEXEC keeps the listener out of spawned processes.
    http_.set_socket_options([this](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      fcntl(sock, F_SETFD, FD_CLOEXEC);
      listener_ = sock;
    });
    // httplib 0.11 caps Content-Length bodies (413) but reads chunked bodies without limit:
    // refuse bodies of unknown length before anything is read.
    http_.set_pre_routing_handler([](const Request& req, Response& res) {
      // A POST with neither header (`curl -X POST` without -d) would be read until the
      // connection closes: answer at once with what to send instead.
      if (req.method == "POST" && !req.has_header("Content-Length") &&
          !req.has_header("Transfer-Encoding")) {
        res.set_header("Connection", "close");
        SendError(res, 411,
                  "POST needs a Content-Length header; an empty body is fine "
                  "(curl -X POST -d '' URL)");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!req.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
      res.set_header("Connection", "close");
      SendError(res, 411,
                fmt::format("request bodies need a Content-Length (at most {} bytes); "
                            "Transfer-Encoding is not accepted",
                            kMaxBodyBytes));
      return httplib::Server::HandlerResponse::Handled;
    });
    // Fills in errors raised before any handler ran (unknown path, bad request, 413); leaves
    // the bodies that handlers wrote alone.
    http_.set_error_handler(
        httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          if (res.status == 404 && IsGuardedPath(req.path) && !Authorized(req)) {
            Unauthorized(res);
          } else {
            SendError(res, res.status, DefaultErrorMessage(res.status, req));
          }
          return httplib::Server::HandlerResponse::Handled;
        }));
    http_.set_exception_handler([this](const Request& req, Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      const std::string line =
          fmt::format("tide api: {} {} failed: {}", req.method, req.path.substr(0, 200), what);
      Log(line);
      res.headers.clear();
      SendError(res, 500, fmt::format("internal error: {}", what));
    });
  }

  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (opt_.log) {
      opt_.log(line);
    } else {
      std::cerr << line << '\n';
    }
  }

  bool Authorized(const Request& req) const {
    return opt_.token.empty() ||
           BearerTokenMatches(req.get_header_value("Authorization"), opt_.token);
  }

  static void Unauthorized(Response& res) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401,
              "missing or wrong token; send the header \"Authorization: Bearer <api.token>\"");
  }

  // Registers every method on `pattern`: the endpoints' handlers, and a 405 naming the
  // allowed methods for the rest. Guarded patterns check the token first.
  void Register(const std::string& pattern, bool guarded, std::vector<Endpoint> endpoints) {
    std::string allow;
    for (const Endpoint& e : endpoints) {
      allow += (allow.empty() ? "" : ", ") + e.method + (e.method == "GET" ? ", HEAD" : "");
    }
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
      Handler h = [allow](const Request& req, Response& res) {
        res.set_header("Allow", allow);
        SendError(res, 405,
                  fmt::format("{} is not allowed on {}; allowed: {}", req.method,
                              req.path.substr(0, 200), allow));
      };
      for (const Endpoint& e : endpoints) {
        if (e.method == method) h = e.handler;
      }
      if (guarded) {
        h = [this, inner = std::move(h)](const Request& req, Response& res) {
          if (!Authorized(req)) return Unauthorized(res);
          inner(req, res);
        };
      }
      const std::string_view m = method;
      if (m == "GET") http_.Get(pattern, h);
      if (m == "POST") http_.Post(pattern, h);
      if (m == "PUT") http_.Put(pattern, h);
      if (m == "PATCH") http_.Patch(pattern, h);
      if (m == "DELETE") http_.Delete(pattern, h);
      if (m == "OPTIONS") http_.Options(pattern, h);
    }
  }

  template <typename Method>
  Handler Bound(Method method) {
    return [this, method](const Request& req, Response& res) { (this->*method)(req, res); };
  }

  void InstallRoutes() {
    const std::string group = "/api/v1/groups/([^/]+)";
    Register("/healthz", false, {{"GET", Bound(&HttpServer::Healthz)}});
    Register("/readyz", false, {{"GET", Bound(&HttpServer::Readyz)}});
    Register("/metrics", true, {{"GET", Bound(&HttpServer::Metrics)}});
    Register("/api/v1/groups", true, {{"GET", Bound(&HttpServer::ListGroups)}});
    Register(group, true, {{"GET", Bound(&HttpServer::GetGroup)}});
    Register("/api/v1/events", true, {{"GET", Bound(&HttpServer::Events)}});
    Register("/api/v1/alerts", true, {{"GET", Bound(&HttpServer::Alerts)}});
    Register(group + "/series", true, {{"GET", Bound(&HttpServer::Series)}});
    Register(group + "/outlook", true, {{"GET", Bound(&HttpServer::Outlook)}});
    for (const StaticFile& f : opt_.static_files) {
      Register(LiteralPattern(f.path), false, {{"GET", [f](const Request&, Response& res) {
                                               res.set_content(f.body.data(), f.body.size(),
                                                               std::string(f.content_type).c_str());
                                               res.set_header("Cache-Control", "no-cache");
                                             }}});
    }
    Register(group + "/pause", true, {{"POST", Bound(&HttpServer::Pause)}});
    Register(group + "/resume", true, {{"POST", Bound(&HttpServer::Resume)}});
    Register(group + "/override", true, {{"POST", Bound(&HttpServer::Override)}});
    Register("/api/v1/reload", true, {{"POST", Bound(&HttpServer::Reload)}});
  }

  void Healthz(const Request&, Response& res) { res.set_content("ok\n", "text/plain"); }

  void Readyz(const Request&, Response& res) {
    if (plane_->Ready()) {
      res.set_content("ok\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready: not every group has completed its first evaluation\n",
                      "text/plain");
    }
  }

  void Metrics(const Request&, Response& res) {
    res.set_content(plane_->MetricsText(), kMetricsContentType);
  }

  void ListGroups(const Request&, Response& res) { SendJson(res, 200, plane_->ListGroups()); }

  void GetGroup(const Request& req, Response& res) {
    auto decisions =
        ParseCountParam("decisions", Param(req, "decisions"), kDefaultDecisions, 0, kMaxListLimit);
    if (!decisions.ok()) return SendStatus(res, decisions.status());
    auto group = plane_->GetGroup(req.matches[1].str(), *decisions);
    if (!group.ok()) return SendStatus(res, group.status());
    SendJson(res, 200, *group);
  }

  void Events(const Request& req, Response& res) {
    auto since = ParseSinceParam(Param(req, "since"));
    if (!since.ok()) return SendStatus(res, since.status());
    auto limit =
        ParseCountParam("limit", Param(req, "limit"), kDefaultEventLimit, 1, kMaxListLimit);
    if (!limit.ok()) return SendStatus(res, limit.status());
    const std::string group = Param(req, "group").value_or("");
    nlohmann::json events = plane_->Events(group, *since, *limit);
    // A mistyped group read as "no events"; a group that a reload removed keeps its events.
    if (!group.empty() && events.empty()) {
      if (auto g = plane_->GetGroup(group, 0);
          !g.ok() && g.status().code() == StatusCode::kNotFound)
        return SendStatus(
            res, Status::NotFound(g.status().message() + " (and no events recorded for it)"));
    }
    SendJson(res, 200, events);
  }

  void Alerts(const Request&, Response& res) { SendJson(res, 200, plane_->Alerts()); }
  void Series(const Request& req, Response& res) {
    const auto text = Param(req, "since");
    auto since = ParseSinceParam(text);
    if (!since.ok()) return SendStatus(res, since.status());
    if (!text) *since = plane_->Now() - kDefaultSeriesSpan;
    auto series = plane_->Series(req.matches[1].str(), *since);
    if (!series.ok()) return SendStatus(res, series.status());
    SendJson(res, 200, *series);
  }

  void Outlook(const Request& req, Response& res) {
    auto horizon =
        ParseDurationParam("horizon", Param(req, "horizon"), kDefaultHorizon, kMaxHorizon);
    if (!horizon.ok()) return SendStatus(res, horizon.status());
    auto outlook = plane_->Outlook(req.matches[1].str(), *horizon);
    if (!outlook.ok()) return SendStatus(res, outlook.status());
    SendJson(res, 200, *outlook);
  }

  void Pause(const Request& req, Response& res) { SetPaused(req, res, true); }
  void Resume(const Request& req, Response& res) { SetPaused(req, res, false); }

  void SetPaused(const Request& req, Response& res, bool paused) {
    const std::string name = req.matches[1].str();
    const Status s = paused ? plane_->Pause(name) : plane_->Resume(name);
    if (!s.ok()) return SendStatus(res, s);
    SendJson(res, 200, {{"group", name}, {"paused", paused}});
  }

  void Override(const Request& req, Response& res) {
    auto parsed = ParseOverrideBody(req.body, plane_->Now());
    if (!parsed.ok()) return SendStatus(res, parsed.status());
    const std::string name = req.matches[1].str();
    const Status s = plane_->Override(name, parsed->desired, parsed->expires_at);
    if (!s.ok()) return SendStatus(res, s);
    SendJson(res, 200,
             {{"group", name},
              {"override", {{"desired", parsed->desired}, {"expires_at", parsed->expires_at}}}});
  }

  void Reload(const Request&, Response& res) {
    const Status s = plane_->Reload();
    // A config that is invalid or gone is refused (422); the running config stays.
    if (s.code() == StatusCode::kNotFound) return SendError(res, 422, s.message());
    if (!s.ok()) return SendStatus(res, s, /*invalid_input_code=*/422);
    SendJson(res, 200, {{"reloaded", true}});
  }

  const ServerOptions opt_;
  ControlPlane* const plane_;
  httplib::Server http_;
  int listener_ = -1;  // the listening socket, from the socket-options hook
  std::thread thread_;
  std::atomic<bool> finished_{false};
  int port_ = -1;
  std::mutex stop_mu_;
  std::mutex log_mu_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& opt, ControlPlane* plane) {
  auto addr = ParseListenAddress(opt.listen);
  if (!addr.ok()) return addr.status();
  if (!addr->loopback && opt.token.empty()) {
    return Status::InvalidInput(fmt::format(
        "api.listen {} is not a loopback address; set api.token to listen there", opt.listen));
  }
  auto server = std::make_unique<HttpServer>(opt, plane);
  if (Status s = server->Bind(*addr); !s.ok()) return s;
  server->Run();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace tide::api
