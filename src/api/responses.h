// responses.h: how the API writes answers — JSON bodies that never throw on bad UTF-8, the
// error shape {"error": "..."}, and the mapping from a Status to an HTTP code.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"

namespace tide::api {

inline constexpr const char* kJsonContentType = "application/json";
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

// Sets status, body and Content-Type. Invalid UTF-8 in strings is replaced, not thrown on.
void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
void SendError(httplib::Response& res, int status, const std::string& message);

// NotFound -> 404, InvalidInput -> `invalid_input_code` (400, or 422 for a refused config),
// Runtime -> 500; the message is the Status message. REQUIRES: !status.ok().
void SendStatus(httplib::Response& res, const Status& status, int invalid_input_code = 400);

// The message for an error that httplib produced before any handler ran (404 unknown path,
// 400 unparsable request, 413 body too large, ...).
std::string DefaultErrorMessage(int status, const httplib::Request& req);

}  // namespace tide::api
