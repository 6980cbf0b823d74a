#include "api/responses.h"

#include <fmt/format.h>

namespace tide::api {
namespace {

// Request paths are client data: cut them short before putting them in a message.
std::string ShowPath(const std::string& path) {
  return path.size() > 200 ? path.substr(0, 197) + "..." : path;
}

}  // namespace

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  kJsonContentType);
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, nlohmann::json{{"error", message}});
}

void SendStatus(httplib::Response& res, const Status& status, int invalid_input_code) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return SendError(res, 404, status.message());
    case StatusCode::kInvalidInput:
      return SendError(res, invalid_input_code, status.message());
    default:
      return SendError(res, 500, status.message());
  }
}

std::string DefaultErrorMessage(int status, const httplib::Request& req) {
  switch (status) {
    case 400:
      return "malformed HTTP request (unparsable request line or headers, or an unsupported "
             "method)";
    case 404:
      return fmt::format(
          "no endpoint {} {}; endpoints: GET / (the dashboard), /healthz, /readyz, /metrics, "
          "/api/v1/groups, /api/v1/groups/{{name}}, /api/v1/groups/{{name}}/series, "
          "/api/v1/groups/{{name}}/outlook, /api/v1/events, /api/v1/alerts; POST "
          "/api/v1/groups/{{name}}/pause, /resume, /override, /api/v1/reload",
          req.method, ShowPath(req.path));
    case 413:
      // httplib also caps a form-encoded body (application/x-www-form-urlencoded, what curl -d
      // sends by default) at 8 KiB: name both limits, and the way past the second.
      return fmt::format(
          "request body too large: at most {} bytes (64 KiB), or 8192 bytes (8 KiB) when sent as "
          "application/x-www-form-urlencoded (curl -d's default; send JSON with "
          "Content-Type: application/json)",
          kMaxBodyBytes);
    case 414:
      return "request URI too long";
    case 416:
      return "unsatisfiable Range header";
    default:
      return fmt::format("HTTP error {}", status);
  }
}

}  // namespace tide::api
