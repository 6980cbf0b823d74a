#include "config/config.h"

namespace tide::config {

const char* SignalName(Signal s) {
  switch (s) {
    case Signal::kUtilization:
      return "utilization";
    case Signal::kLoad:
      return "load";
    case Signal::kBacklog:
      return "backlog";
    case Signal::kLoadPerUnit:
      return "load_per_unit";
  }
  return "unknown";
}

}  // namespace tide::config
