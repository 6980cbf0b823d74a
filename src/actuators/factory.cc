// MakeActuator: the one place that maps config::Actuator::type to an implementation.
#include <fmt/format.h>

#include "actuators/actuator.h"
#include "actuators/exec.h"
#include "actuators/none.h"
#include "actuators/webhook.h"

namespace tide::actuators {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kApplied:
      return "applied";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kTimedOut:
      return "timed_out";
  }
  return "unknown";
}

Result<std::unique_ptr<Actuator>> MakeActuator(const config::Actuator& cfg,
                                               const ActuatorDeps& deps) {
  // The config loader validates these too; repeated here so the factory's contract holds for
  // configs built in code.
  if (!(cfg.timeout > 0)) {
    return Status::InvalidInput(
        fmt::format("actuator.timeout = {}, must be > 0 seconds", cfg.timeout));
  }
  if (cfg.retries < 0) {
    return Status::InvalidInput(fmt::format("actuator.retries = {}, must be >= 0", cfg.retries));
  }
  if (cfg.type == "none") return std::unique_ptr<Actuator>(std::make_unique<NoneActuator>());
  if (cfg.type == "exec") {
    if (cfg.command.empty() || cfg.command[0].empty()) {
      return Status::InvalidInput("actuator.command is empty; exec needs a program to run");
    }
    return std::unique_ptr<Actuator>(std::make_unique<ExecActuator>(
        cfg.command, cfg.timeout, cfg.retries, deps.backoff_base, deps.shutdown));
  }
  if (cfg.type == "webhook") {
    if (cfg.url.empty()) {
      return Status::InvalidInput("actuator.url is empty; webhook needs a URL to POST to");
    }
    if (deps.http == nullptr) {
      return Status::InvalidInput("actuator webhook: no HTTP client was provided");
    }
    return std::unique_ptr<Actuator>(std::make_unique<WebhookActuator>(
        deps.http, cfg.url, cfg.timeout, cfg.retries, deps.backoff_base, deps.shutdown));
  }
  return Status::InvalidInput(
      fmt::format("actuator.type = '{}', allowed: none, exec, webhook", cfg.type));
}

}  // namespace tide::actuators
