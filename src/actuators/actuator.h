// actuator.h: applying a decision. Idempotent by contract: an actuator sets the desired
// capacity ("set to N"), never "add N", so a retried or repeated action is harmless.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "config/config.h"
#include "core/result.h"
#include "platform/http_client.h"

namespace tide::actuators {

struct Action {
  std::string group;
  int desired = 0;
  int current = 0;
  std::string reason;   // the decision's reason code
  std::string message;  // the decision's sentence
};

enum class Outcome { kApplied, kFailed, kTimedOut };
const char* OutcomeName(Outcome o);

struct ActionResult {
  Outcome outcome = Outcome::kApplied;
  int attempts = 0;
  std::string detail;  // exit code / HTTP status / error text of the last attempt
};

class Actuator {
 public:
  virtual ~Actuator() = default;
  // Applies `a`, retrying failures with backoff (0.5 s, 1 s, 2 s, ...) up to the configured
  // retries, each attempt bounded by the configured timeout; once shutdown began (Shutdown
  // below), no further attempt. Blocking; thread-compatible.
  virtual ActionResult Apply(const Action& a) = 0;
  virtual std::string Describe() const = 0;
  // Where the group's clients send requests (provider local: its router's URL), or "".
  virtual std::string Endpoint() const { return ""; }
};

// The daemon stopping, as actuators see it (`tide run`: the first SIGTERM or SIGINT requests
// `stop`, a second one `abort`; `abort` is only ever requested after `stop`). Tokens without
// a source (the default) never fire.
struct Shutdown {
  std::stop_token stop;   // no attempt starts after it, and a backoff sleep ends at it
  std::stop_token abort;  // the attempt in flight is given up (exec: its command is killed)
};

struct ActuatorDeps {
  platform::HttpClient* http = nullptr;
  // Seconds before the first retry; each further retry waits twice as long, capped at 5 s
  // (0.5, 1, 2, 4, 5, 5, ...). Tests make it small so retries do not sleep seconds.
  double backoff_base = 0.5;
  Shutdown shutdown = {};
};

// exec: runs command (argv; "{desired}", "{current}", "{group}" replaced in each argument;
//       TIDE_GROUP, TIDE_DESIRED, TIDE_CURRENT, TIDE_REASON in the environment); exit 0 =
//       applied.
// webhook: POSTs {"group","desired","current","reason","message"} as JSON; 2xx = applied.
// none: applies nothing (records only), always kApplied.
Result<std::unique_ptr<Actuator>> MakeActuator(const config::Actuator& cfg, const ActuatorDeps& deps);

}  // namespace tide::actuators
