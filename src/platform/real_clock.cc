#include "platform/real_clock.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
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

bool SleepFor(double seconds, std::stop_token stop) {
  if (stop.stop_requested()) return false;
  if (!stop.stop_possible()) {
    SleepFor(seconds);
    return true;
  }
  if (!(seconds > 0)) return true;
  // condition_variable_any wakes its wait when `stop` is requested (C++20); nothing else
  // notifies it.
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> l(mu);
  cv.wait_for(l, stop,
              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                  std::chrono::duration<double>(seconds)),
              [] { return false; });
  return !stop.stop_requested();
}

}  // namespace tide::platform
