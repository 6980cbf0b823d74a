// pool.h: a local group's replicas as processes. The pool keeps `desired` replicas of the
// group's command running (argv, never a shell; PORT and REPLICA in the environment; each in
// its own process group; output to a rotating log), lets a replica join the router only when
// its health check passes, restarts crashed replicas with backoff, opens a crash-loop breaker
// (an event, no restarts for a cooldown) instead of burning the CPU, and drains on scale-in:
// out of the rotation, in-flight requests finish, SIGTERM, SIGKILL after the grace period.
//
// Scale to zero: the pool keeps one replica while the router saw a request within
// `idle` seconds or holds one now, whatever `desired` says; at zero, a held request starts
// one at once (Activate, called by the router).
//
// Leftovers: the process groups are listed in RUN_DIR/GROUP.pids (with each process's start
// time, so a reused pid is never killed); Start() kills those of a run that crashed. The
// replicas also get SIGKILL from the kernel when tide dies (PR_SET_PDEATHSIG).
//
// Threading: one monitor thread owns the replicas; every public method is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "local/router.h"
#include "platform/http_client.h"

namespace tide::local {

// (kind, message): "replica_crashed", "crash_loop", "crash_loop_recovered", "leftover_killed",
// "replica_failed_to_start". Called from the monitor thread.
using EventSink = std::function<void(const std::string& kind, const std::string& message)>;

struct PoolOptions {
  std::string group;
  config::LocalService service;
  std::string run_dir;       // pid file; logs too unless service.log_dir is set
  double tick = 0.02;        // seconds between monitor passes
};

struct PoolStatus {
  int desired = 0;     // as last set (by the controller)
  int target = 0;      // what the pool aims at: desired, or 1 while traffic holds it up
  int starting = 0;    // spawned, health check not passed yet
  int ready = 0;       // in the router's rotation
  int draining = 0;    // out of rotation, finishing requests or stopping
  int waiting_restart = 0;
  bool breaker_open = false;
  long long crashes = 0;
  long long started = 0;  // processes spawned since the start
  std::vector<int> pids;  // live process (group) ids
};

class Pool {
 public:
  // Kills leftovers of a previous run, then starts the monitor thread with 0 replicas.
  // `router` must outlive the pool. `events` may be empty.
  static Result<std::unique_ptr<Pool>> Start(PoolOptions options, Router* router,
                                             EventSink events);
  ~Pool();  // Stop()
  // Drains every replica (up to drain_timeout), stops them (SIGTERM, SIGKILL after grace),
  // reaps them and removes the pid file. Idempotent.
  void Stop();

  void SetDesired(int n);
  // A request waits and no replica is ready: aim at one at least, now. Never blocks.
  void Activate();
  PoolStatus Snapshot() const;
  std::string pid_file() const;

  class Impl;

 private:
  explicit Pool(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Kills the process groups listed in `pid_file` ("PGID STARTTIME" lines) that still hold a
// process: when the group's leader still runs, only if its start time is the recorded one (a
// reused pid is never touched); when the leader is gone, its orphaned group members. Removes
// the file. Returns how many groups were killed.
int KillLeftovers(const std::string& pid_file);

}  // namespace tide::local
