// none.h: the actuator that applies nothing. The decision is still recorded (store, events,
// API); this is the dry-run and observe-only mode.
#pragma once

#include "actuators/actuator.h"

namespace tide::actuators {

// Always kApplied after one (empty) attempt.
class NoneActuator : public Actuator {
 public:
  ActionResult Apply(const Action&) override { return {Outcome::kApplied, 1, "recorded only"}; }
  std::string Describe() const override { return "none"; }
};

}  // namespace tide::actuators
