// webhook.h: the webhook actuator — POSTs each action as JSON to a URL.
#pragma once

#include <string>

#include "actuators/actuator.h"
#include "platform/http_client.h"

namespace tide::actuators {

// The request body: {"group","desired","current","reason","message"}.
std::string WebhookBody(const Action& a);

// POSTs WebhookBody(a) with Content-Type application/json. 2xx = applied; another status or a
// transport error = failed; a transport error that says "timed out" (libcurl's wording for the
// per-attempt timeout) = timed out. Both are retried. detail: "HTTP 503" or the transport error.
// Shutdown: no attempt starts after `shutdown.stop`; a request in flight runs to its timeout
// (the HTTP client cannot be interrupted).
class WebhookActuator : public Actuator {
 public:
  // `http` is not owned and must outlive this. REQUIRES: http != nullptr, timeout > 0,
  // retries >= 0.
  WebhookActuator(platform::HttpClient* http, std::string url, double timeout, int retries,
                  double backoff_base, Shutdown shutdown = {})
      : http_(http),
        url_(std::move(url)),
        timeout_(timeout),
        retries_(retries),
        backoff_base_(backoff_base),
        shutdown_(std::move(shutdown)) {}

  ActionResult Apply(const Action& a) override;
  std::string Describe() const override { return "webhook: POST " + url_; }

 private:
  platform::HttpClient* const http_;
  const std::string url_;
  const double timeout_;
  const int retries_;
  const double backoff_base_;
  const Shutdown shutdown_;
};

}  // namespace tide::actuators
