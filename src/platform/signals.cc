#include "platform/signals.h"

#include <signal.h>

#include <cerrno>
#include <cmath>
#include <ctime>

namespace tide::platform {
namespace {

sigset_t DaemonSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockDaemonSignals() {
  sigset_t set = DaemonSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

SignalEvent WaitSignal(double timeout) {
  sigset_t set = DaemonSet();
  timespec ts;
  ts.tv_sec = static_cast<time_t>(std::floor(timeout));
  ts.tv_nsec = static_cast<long>((timeout - std::floor(timeout)) * 1e9);
  const int sig = sigtimedwait(&set, nullptr, &ts);
  if (sig == SIGHUP) return SignalEvent::kReload;
  if (sig == SIGTERM || sig == SIGINT) return SignalEvent::kStop;
  return SignalEvent::kNone;
}

}  // namespace tide::platform
