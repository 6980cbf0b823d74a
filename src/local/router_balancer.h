// router_balancer.h: the router's shared state — which replicas take requests, the requests
// held while none can, and the counters the policies read. The proxy's io thread picks a
// replica for each request (Acquire), counts the answer (Count) and gives the slot back
// (Release); the pool's and the controller's threads add, drain and remove replicas and read
// the counters. All of it sits behind one mutex, which a request takes three times and which
// is otherwise uncontended.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "local/router.h"
#include "local/router_wire.h"

namespace tide::local::proxy {

using namespace wire;  // NOLINT: the router's own I/O vocabulary

// A replica picked for one request.
struct Pick {
  int id = -1;
  int port = 0;
  std::unique_ptr<Conn> idle;     // a kept-alive connection to it, when there is one
  const char* refusal = nullptr;  // set when no replica could be had (RefusalBody)
};

class Balancer {
 public:
  // `options` and `ioc` outlive the balancer; held requests wait on timers of `ioc`.
  Balancer(const RouterOptions& options, asio::io_context& ioc) : opt_(options), ioc_(ioc) {}

  // ---- io thread ----
  // The replica with the fewest outstanding requests (other than `exclude`) and its idle
  // connection, if any; while none can take the request it is held, up to the queue timeout
  // (the first time, `on_demand` is called when no replica is ready at all). After Refuse(),
  // none: the refusal "stopping". `arrival` > 0 on a request's first call: it is counted as
  // active from then.
  Task<Pick> Acquire(int exclude, double arrival);
  // Gives replica `id` its slot back (and `conn` to its idle list when reusable); `refused`:
  // it refused the connection, so it is not picked again until re-added.
  void Release(int id, std::unique_ptr<Conn> conn, bool refused);
  // Counts an answered request: `t0` to `t1` seconds; `own_error`: the router answered it.
  void Count(double t0, double t1, bool own_error);
  // An idempotent request is being sent again on another replica.
  void CountRetry();
  // Counts a request the parser rejected (answered 4xx, never sent to a replica).
  void CountRejected();
  // The body of the 503 for a Pick's `refusal`.
  std::string RefusalBody(std::string_view why) const;

  // ---- any thread ----
  void Add(int id, int port);
  void Drain(int id);
  void Remove(int id);
  int Outstanding(int id) const;
  RouterStats Stats();  // brings the concurrency integral up to now
  int Held() const;     // requests held now
  void Clear();         // forgets every replica (their idle connections close)
  // The router is stopping: every held request, and any that asks from now on, gets the
  // refusal "stopping" (a 503) instead of a replica. Requests in flight are not affected.
  void Refuse();

 private:
  struct Backend {
    int port = 0;
    int outstanding = 0;
    bool draining = false;
    bool failed = false;  // refused a connection: not picked again until re-added
    std::vector<std::unique_ptr<Conn>> idle;
  };
  // A request held for a slot: its timer, and whether a wake-up is already on its way (so a
  // freed slot wakes one waiter that has not been woken yet, not every waiter).
  struct Waiter {
    explicit Waiter(const Executor& ex) : timer(ex) {}
    Timer timer;
    bool woken = false;
  };

  // REQUIRES: mu_ held.
  void Integrate(double now);
  int ReadyLocked() const;
  bool Eligible(int id, const Backend& b, int exclude) const;
  std::map<int, Backend>::iterator LeastOutstanding(int exclude);
  void Wake(const std::shared_ptr<Waiter>& w);
  void WakeWaiters();
  void WakeOne();
  void CloseOnIoThread(std::vector<std::unique_ptr<Conn>> conns);

  const RouterOptions& opt_;
  asio::io_context& ioc_;
  mutable std::mutex mu_;  // guards everything below
  std::map<int, Backend> backends_;
  std::list<std::shared_ptr<Waiter>> waiters_;
  unsigned next_ = 0;  // rotates ties between equally loaded replicas
  bool refusing_ = false;
  RouterStats stats_;
  double last_change_ = SteadyNow();
};

}  // namespace tide::local::proxy
