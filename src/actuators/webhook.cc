#include "actuators/webhook.h"

#include <nlohmann/json.hpp>

#include "actuators/retry.h"

namespace tide::actuators {

std::string WebhookBody(const Action& a) {
  const nlohmann::json body = {
      {"group", a.group},   {"desired", a.desired}, {"current", a.current},
      {"reason", a.reason}, {"message", a.message},
  };
  // Invalid UTF-8 (from a group name or message) becomes U+FFFD instead of throwing.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ActionResult WebhookActuator::Apply(const Action& a) {
  platform::HttpRequest req;
  req.method = "POST";
  req.url = url_;
  req.headers = {{"Content-Type", "application/json"}};
  req.body = WebhookBody(a);
  req.timeout = timeout_;
  return ApplyWithRetries(
      retries_, backoff_base_,
      [&]() -> Attempt {
        auto r = http_->Do(req);
        if (!r.ok()) {
          const std::string& msg = r.status().message();
          const bool timed_out = msg.find("timed out") != std::string::npos;
          return {timed_out ? Outcome::kTimedOut : Outcome::kFailed, msg};
        }
        const bool ok = r->status >= 200 && r->status < 300;
        return {ok ? Outcome::kApplied : Outcome::kFailed, "HTTP " + std::to_string(r->status)};
      },
      shutdown_.stop);
}

}  // namespace tide::actuators
