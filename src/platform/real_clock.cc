#include "platform/real_clock.h"

#include <chrono>
#include <thread>

namespace tide::platform {

double RealClock::Now() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

void SleepFor(double seconds) {
  if (!(seconds > 0)) return;  // also NaN
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

}  // namespace tide::platform
