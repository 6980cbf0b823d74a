// signals.h: process signals for the daemon, delivered synchronously. Call
// BlockDaemonSignals() before starting any thread (threads inherit the mask), then
// WaitSignal() from the main thread.
#pragma once

namespace tide::platform {

enum class SignalEvent { kNone, kStop, kReload };

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and threads it starts later);
// ignores SIGPIPE (a closed socket is an error value, not a death).
void BlockDaemonSignals();

// Waits up to `timeout` seconds: kStop for SIGTERM/SIGINT, kReload for SIGHUP, kNone on
// timeout.
SignalEvent WaitSignal(double timeout);

}  // namespace tide::platform
