// controller_deps.h: ControllerDeps wired to the test fakes (testing/fakes.h) — every metric
// reads the one shared FakeSource state, every group applies through the one shared
// FakeActuator state. Used by the controller rigs (controller, alerts, dashboard data tests).
#pragma once

#include <memory>

#include "controller/controller.h"
#include "testing/fakes.h"

namespace tide::testing {

inline controller::ControllerDeps FakeControllerDeps(Clock* clock, store::Store* store,
                                                     std::shared_ptr<FakeSource::Shared> src,
                                                     std::shared_ptr<FakeActuator::Shared> act) {
  controller::ControllerDeps deps;
  deps.clock = clock;
  deps.store = store;
  deps.make_source = [src](const config::Group&, const config::Metric&)
      -> Result<std::unique_ptr<sources::MetricSource>> {
    return std::unique_ptr<sources::MetricSource>(new FakeSource(src));
  };
  deps.make_actuator = [act](const config::Group&) -> Result<std::unique_ptr<actuators::Actuator>> {
    return std::unique_ptr<actuators::Actuator>(new FakeActuator(act));
  };
  return deps;
}

}  // namespace tide::testing
