#include "local/router_balancer.h"

#include <fmt/format.h>

#include <chrono>

namespace tide::local::proxy {
namespace {

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

}  // namespace

void Balancer::Integrate(double now) {
  stats_.concurrency_seconds += stats_.active * (now - last_change_);
  last_change_ = now;
}

int Balancer::ReadyLocked() const {
  int n = 0;
  for (const auto& [id, b] : backends_) n += (!b.draining && !b.failed);
  return n;
}

bool Balancer::Eligible(int id, const Backend& b, int exclude) const {
  return !b.draining && !b.failed && id != exclude &&
         (opt_.max_per_replica <= 0 || b.outstanding < opt_.max_per_replica);
}

// The eligible replica with the fewest outstanding requests, other than `exclude`; ties go to
// the first in an order that rotates by one each call. No allocation.
std::map<int, Balancer::Backend>::iterator Balancer::LeastOutstanding(int exclude) {
  size_t n = 0;
  for (const auto& [id, b] : backends_) n += Eligible(id, b, exclude);
  if (n == 0) return backends_.end();
  const size_t start = next_++ % n;
  auto best = backends_.end();
  size_t best_rank = 0, k = 0;
  for (auto it = backends_.begin(); it != backends_.end(); ++it) {
    if (!Eligible(it->first, it->second, exclude)) continue;
    const size_t rank = (k++ + n - start) % n;
    if (best == backends_.end() || it->second.outstanding < best->second.outstanding ||
        (it->second.outstanding == best->second.outstanding && rank < best_rank))
      best = it, best_rank = rank;
  }
  return best;
}

// A waiter arms its timer and starts waiting within one handler on the io thread, so a cancel
// posted there cannot fall in between.
void Balancer::Wake(const std::shared_ptr<Waiter>& w) {
  w->woken = true;
  asio::post(ioc_, [w] { w->timer.cancel(); });
}

void Balancer::WakeWaiters() {  // capacity appeared (a replica joined): everyone looks again
  for (auto& w : waiters_) Wake(w);
}

void Balancer::WakeOne() {  // one slot was freed: one waiter, the longest waiting, looks again
  for (auto& w : waiters_)
    if (!w->woken) return Wake(w);
}

// Connections belong to the io thread (their watches are in its list): a caller on another
// thread hands them over to be closed there.
void Balancer::CloseOnIoThread(std::vector<std::unique_ptr<Conn>> conns) {
  if (conns.empty()) return;
  auto owned = std::make_shared<std::vector<std::unique_ptr<Conn>>>(std::move(conns));
  asio::post(ioc_, [owned] { owned->clear(); });
}

Task<Pick> Balancer::Acquire(int exclude, double arrival) {
  const auto deadline = std::chrono::steady_clock::now() + Seconds(opt_.queue_timeout);
  std::shared_ptr<Waiter> me;
  bool asked = false;
  for (;;) {
    bool none_ready = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (arrival > 0) {
        Integrate(arrival);
        ++stats_.active;
        stats_.last_request_at = arrival;
        arrival = 0;
      }
      if (refusing_) {
        if (me) {
          waiters_.remove(me);
          --stats_.queued;
        }
        co_return Pick{-1, 0, nullptr, "stopping"};
      }
      auto it = LeastOutstanding(exclude);
      if (it != backends_.end()) {
        Backend& b = it->second;
        ++b.outstanding;
        if (me) {
          waiters_.remove(me);
          Integrate(SteadyNow());
          --stats_.queued;
        }
        Pick p{it->first, b.port, nullptr, nullptr};
        if (!b.idle.empty()) {
          p.idle = std::move(b.idle.back());
          b.idle.pop_back();
        }
        co_return p;
      }
      if (!me) {
        if (stats_.queued >= opt_.queue_max)
          co_return Pick{-1, 0, nullptr, ReadyLocked() > 0 ? "busy_full" : "full"};
        me = std::make_shared<Waiter>(ioc_.get_executor());
        waiters_.push_back(me);
        ++stats_.queued;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        waiters_.remove(me);
        --stats_.queued;
        if (me->woken) WakeOne();  // pass on a wake-up this waiter will not use
        co_return Pick{-1, 0, nullptr, ReadyLocked() > 0 ? "busy" : "timeout"};
      }
      me->woken = false;  // looked and found nothing: the next freed slot may wake it again
      me->timer.expires_at(deadline);
      none_ready = ReadyLocked() == 0;
    }
    if (!asked && none_ready && opt_.on_demand) {
      asked = true;
      opt_.on_demand();
    }
    error_code ignored;
    co_await me->timer.async_wait(Await(ignored));
  }
}

void Balancer::Release(int id, std::unique_ptr<Conn> conn, bool refused) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = backends_.find(id);
  if (it == backends_.end()) return;  // removed meanwhile: the connection just closes
  --it->second.outstanding;
  if (refused) it->second.failed = true;
  if (conn && !it->second.draining && !it->second.failed)
    it->second.idle.push_back(std::move(conn));
  if (opt_.max_per_replica > 0 && !waiters_.empty()) WakeOne();  // a slot is free
}

void Balancer::Count(double t0, double t1, bool own_error) {
  std::lock_guard<std::mutex> l(mu_);
  Integrate(t1);
  --stats_.active;
  ++stats_.requests;
  if (own_error) ++stats_.errors;
  const double latency = t1 - t0;
  stats_.latency_seconds += latency;
  size_t b = 0;
  while (b < kLatencyBounds.size() && latency > kLatencyBounds[b]) ++b;
  ++stats_.latency_buckets[b];
}

void Balancer::CountRetry() {
  std::lock_guard<std::mutex> l(mu_);
  ++stats_.retries;
}

void Balancer::CountRejected() {
  std::lock_guard<std::mutex> l(mu_);
  ++stats_.rejected;
}

std::string Balancer::RefusalBody(std::string_view why) const {
  if (why == "stopping")
    return "tide: the router is stopping (tide is shutting down) and no replica took this "
           "request; retry later\n";
  if (why == "full")
    return fmt::format("tide: no replica is ready and {} requests already wait; retry later\n",
                       opt_.queue_max);
  if (why == "busy_full")
    return fmt::format(
        "tide: every replica is busy ({} requests each) and {} requests "
        "already wait; retry later\n",
        opt_.max_per_replica, opt_.queue_max);
  if (why == "busy")
    return fmt::format(
        "tide: every replica stayed busy ({} requests each) for {}s (the "
        "queue timeout); retry later\n",
        opt_.max_per_replica, opt_.queue_timeout);
  return fmt::format(
      "tide: no replica became ready within {}s (the queue timeout); "
      "retry later\n",
      opt_.queue_timeout);
}

void Balancer::Add(int id, int port) {
  std::lock_guard<std::mutex> l(mu_);
  Backend& b = backends_[id];
  b.port = port;
  b.draining = false;
  b.failed = false;
  WakeWaiters();
}

void Balancer::Drain(int id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = backends_.find(id);
  if (it == backends_.end()) return;
  it->second.draining = true;
  CloseOnIoThread(std::move(it->second.idle));
}

void Balancer::Remove(int id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = backends_.find(id);
  if (it == backends_.end()) return;
  CloseOnIoThread(std::move(it->second.idle));
  backends_.erase(it);
}

int Balancer::Outstanding(int id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = backends_.find(id);
  return it == backends_.end() ? 0 : it->second.outstanding;
}

RouterStats Balancer::Stats() {
  std::lock_guard<std::mutex> l(mu_);
  Integrate(SteadyNow());
  RouterStats s = stats_;
  s.at = last_change_;
  s.ready = ReadyLocked();
  return s;
}

int Balancer::Held() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_.queued;
}

void Balancer::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  backends_.clear();
}

void Balancer::Refuse() {
  std::lock_guard<std::mutex> l(mu_);
  refusing_ = true;
  WakeWaiters();
}

}  // namespace tide::local::proxy
