// router.h: the request router in front of a local group — an HTTP/1.1 reverse proxy on
// Boost.Beast/Asio. Least-outstanding-requests balancing over the ready replicas, keep-alive
// connections to them, a bounded queue that holds requests while no replica is ready (then
// 503 with a clear body), one retry of an idempotent request on another replica when the
// one it was sent to dies, and the measurements the group's policies read (stats below).
// Stopping answers the held requests (503) before closing.
//
// Threading: the proxy runs on one io thread of its own (on a 2-core machine shared with the
// replicas, a second thread buys hand-offs and wake-ups, not throughput); every public
// method is thread-safe. Backends are managed by the pool (pool.h) through AddBackend/Drain/Remove.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace tide::local {

struct RouterOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 = any free port
  int queue_max = 1000;                // requests held at once while no replica is ready
  // Requests (and so connections) in flight per replica at most; more wait in the queue as
  // if no replica were ready. 0 = no limit. Protects thread-per-connection servers, whose
  // threads a kept-alive connection occupies.
  int max_per_replica = 0;
  double queue_timeout = 30;           // seconds a held request waits before its 503
  double connect_timeout = 2;          // seconds to connect to a replica
  double request_timeout = 300;        // seconds for a replica's whole answer
  double idle_timeout = 60;            // seconds a client keep-alive connection may idle
  // Time slice the io thread asks the kernel for (platform/sched.h), seconds; 0 = the
  // kernel's default. Short, so that a request's hop through the router is not queued
  // behind a replica's busy thread for the rest of that thread's slice (bench/README.md).
  double io_thread_slice = 100e-6;
  // Called (from a router thread) when a request arrives and no replica is ready: the pool
  // starts one at once (scale from zero). Must not block.
  std::function<void()> on_demand;
};

// Latency histogram bucket upper bounds, seconds (the last bucket is +Inf).
inline constexpr std::array<double, 16> kLatencyBounds = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60};

// Cumulative counters since the router started; a reader computes rates and means from the
// difference of two snapshots.
struct RouterStats {
  double at = 0;                    // steady seconds of the snapshot
  long long requests = 0;           // answered requests (any status)
  long long errors = 0;             // answered by the router itself with 5xx (queue timeout,
                                    // queue full, replica failure)
  long long retries = 0;            // idempotent requests retried on another replica
  long long rejected = 0;           // malformed requests answered 4xx by the router (never sent
                                    // to a replica; not in `requests`)
  double concurrency_seconds = 0;   // integral over time of (queued + in flight)
  double latency_seconds = 0;       // sum of answered requests' latencies
  std::array<long long, kLatencyBounds.size() + 1> latency_buckets{};
  int active = 0;                   // queued + in flight now
  int queued = 0;                   // waiting for a ready replica now
  int ready = 0;                    // replicas receiving requests now
  double last_request_at = 0;       // steady seconds of the last arrival (0 = none yet)
};

class Router {
 public:
  // Binds and starts serving. A listen address that cannot be bound is a Runtime error.
  static Result<std::unique_ptr<Router>> Start(RouterOptions options);
  ~Router();  // Stop()
  // Answers every held request 503 ("the router is stopping"), with Connection: close, and
  // waits (up to 1 s) until those answers are written; then closes the listener and every
  // connection, a request still in flight included. Idempotent.
  void Stop();
  // From now on, held requests and new ones are answered 503 at once as in Stop(), while
  // requests in flight finish (LocalGroup::Stop, before the pool drains). Irreversible.
  void Refuse();

  int port() const;
  std::string url() const;  // http://HOST:PORT

  // A ready replica listening on 127.0.0.1:`port` joins the rotation; held requests go to it.
  void AddBackend(int id, int port);
  // Stops routing new requests to replica `id` (its in-flight requests finish).
  void DrainBackend(int id);
  // Forgets replica `id` (it has exited) and closes its idle connections.
  void RemoveBackend(int id);
  // Requests in flight on replica `id` (0 when unknown).
  int Outstanding(int id) const;

  RouterStats Stats() const;

  class Impl;

 private:
  explicit Router(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Steady-clock seconds (the time base of RouterStats).
double SteadyNow();

}  // namespace tide::local
