// http_client.h: the HTTP client seam. The real implementation uses libcurl; tests use a
// fake that returns canned responses (tests/testing/).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/result.h"

namespace tide::platform {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::map<std::string, std::string> headers;
  std::string body;
  double timeout = 5;  // seconds, whole request
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (refused, timeout, DNS) is a Runtime error naming the URL and the
  // cause; any HTTP status, 4xx/5xx included, is a response. Thread-safe.
  virtual Result<HttpResponse> Do(const HttpRequest& req) = 0;
};

// libcurl-backed client. Thread-safe (one easy handle per call).
std::unique_ptr<HttpClient> MakeCurlHttpClient();

}  // namespace tide::platform
