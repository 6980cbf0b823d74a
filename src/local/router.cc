// router.cc: the proxy. One coroutine per client connection (C++20 coroutines on Asio, each
// on its own strand); requests are read and written with Beast's HTTP/1.1 parser and
// serializer; the backend table, the queue of held requests and the counters are guarded by
// one mutex (held only for bookkeeping, never across I/O).
#include "local/router.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace tide::local {

double SteadyNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::redirect_error;
using asio::use_awaitable;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::uint64_t kBodyLimit = 64ull << 20;  // bytes, requests and responses

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

// RFC 9110 9.2.2: methods whose repetition has the same effect as one request.
bool Idempotent(http::verb v) {
  switch (v) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
    case http::verb::put:
    case http::verb::delete_:
      return true;
    default:
      return false;
  }
}

// A keep-alive connection to a replica.
struct Conn {
  explicit Conn(const asio::any_io_executor& ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

struct Backend {
  int port = 0;
  int outstanding = 0;
  bool draining = false;
  bool failed = false;  // refused a connection: not picked again until re-added
  std::vector<std::unique_ptr<Conn>> idle;
};

struct Pick {
  int id = -1;
  int port = 0;
  const char* refusal = nullptr;  // set when no replica could be had
};

struct Forwarded {
  bool ok = false;
  bool answered_partly = false;  // some of the replica's answer had arrived
  std::string error;
  Response response;
  std::unique_ptr<Conn> reusable;
};

Response Plain(http::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::server, "tide-router");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

class Router::Impl {
 public:
  explicit Impl(RouterOptions o) : opt(std::move(o)), acceptor(ioc) {}

  RouterOptions opt;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::string host;
  int port = 0;

  mutable std::mutex mu;  // guards everything below
  std::map<int, Backend> backends;
  // A request held for a slot: its timer, and whether a wake-up is already on its way (so a
  // freed slot wakes one waiter that has not been woken yet, not every waiter).
  struct Waiter {
    std::shared_ptr<asio::steady_timer> timer;
    bool woken = false;
  };
  std::list<std::shared_ptr<Waiter>> waiters;
  unsigned next = 0;  // rotates ties between equally loaded replicas
  RouterStats stats;
  double last_change = SteadyNow();

  // ---- bookkeeping (REQUIRES: mu held) ----
  void Integrate(double now) {
    stats.concurrency_seconds += stats.active * (now - last_change);
    last_change = now;
  }
  int ReadyLocked() const {
    int n = 0;
    for (const auto& [id, b] : backends) n += (!b.draining && !b.failed);
    return n;
  }
  // The ready replica with the fewest outstanding requests, other than `exclude`.
  int LeastOutstanding(int exclude) {
    std::vector<std::pair<int, int>> ready;  // (id, outstanding)
    for (const auto& [id, b] : backends)
      if (!b.draining && !b.failed && id != exclude &&
          (opt.max_per_replica <= 0 || b.outstanding < opt.max_per_replica))
        ready.emplace_back(id, b.outstanding);
    if (ready.empty()) return -1;
    const size_t start = next++ % ready.size();
    int best = -1, best_load = 0;
    for (size_t k = 0; k < ready.size(); ++k) {
      const auto& [id, load] = ready[(start + k) % ready.size()];
      if (best < 0 || load < best_load) best = id, best_load = load;
    }
    return best;
  }
  // A waiter's timer lives on its session's strand, and the waiter arms it and starts waiting
  // within one handler on that strand, so a cancel posted there cannot fall in between.
  static void Wake(Waiter& w) {
    w.woken = true;
    auto t = w.timer;
    asio::post(t->get_executor(), [t] { t->cancel(); });
  }
  void WakeWaiters() {  // capacity appeared (a replica joined): everyone looks again
    for (auto& w : waiters) Wake(*w);
  }
  void WakeOne() {  // one slot was freed: one waiter, the longest waiting, looks again
    for (auto& w : waiters)
      if (!w->woken) return Wake(*w);
  }

  // ---- the proxy ----
  awaitable<Pick> Acquire(int exclude) {
    auto ex = co_await asio::this_coro::executor;
    const auto deadline = std::chrono::steady_clock::now() + Seconds(opt.queue_timeout);
    std::shared_ptr<Waiter> me;
    bool asked = false;
    for (;;) {
      bool none_ready = false;
      {
        std::lock_guard<std::mutex> l(mu);
        const int id = LeastOutstanding(exclude);
        if (id >= 0) {
          Backend& b = backends[id];
          ++b.outstanding;
          if (me) {
            waiters.remove(me);
            Integrate(SteadyNow());
            --stats.queued;
          }
          co_return Pick{id, b.port, nullptr};
        }
        if (!me) {
          if (stats.queued >= opt.queue_max)
            co_return Pick{-1, 0, ReadyLocked() > 0 ? "busy_full" : "full"};
          me = std::make_shared<Waiter>();
          me->timer = std::make_shared<asio::steady_timer>(ex);
          waiters.push_back(me);
          ++stats.queued;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          waiters.remove(me);
          --stats.queued;
          if (me->woken) WakeOne();  // pass on a wake-up this waiter will not use
          co_return Pick{-1, 0, ReadyLocked() > 0 ? "busy" : "timeout"};
        }
        me->woken = false;  // looked and found nothing: the next freed slot may wake it again
        me->timer->expires_at(deadline);
        none_ready = ReadyLocked() == 0;
      }
      if (!asked && none_ready && opt.on_demand) {
        asked = true;
        opt.on_demand();
      }
      boost::system::error_code ec;
      co_await me->timer->async_wait(redirect_error(use_awaitable, ec));
    }
  }

  void Release(int id, std::unique_ptr<Conn> conn, bool refused) {
    std::lock_guard<std::mutex> l(mu);
    auto it = backends.find(id);
    if (it == backends.end()) return;  // removed meanwhile: the connection just closes
    --it->second.outstanding;
    if (refused) it->second.failed = true;
    if (conn && !it->second.draining && !it->second.failed)
      it->second.idle.push_back(std::move(conn));
    if (opt.max_per_replica > 0 && !waiters.empty()) WakeOne();  // a slot is free
  }

  std::unique_ptr<Conn> TakeIdle(int id) {
    std::lock_guard<std::mutex> l(mu);
    auto it = backends.find(id);
    if (it == backends.end() || it->second.idle.empty()) return nullptr;
    auto c = std::move(it->second.idle.back());
    it->second.idle.pop_back();
    return c;
  }

  // Sends `req` to replica `id`: on an idle keep-alive connection when there is one, and once
  // more on a fresh connection when that reused one turns out closed before any answer.
  awaitable<Forwarded> Forward(int id, int backend_port, Request& req, bool* refused) {
    auto ex = co_await asio::this_coro::executor;
    Forwarded out;
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Conn> c = attempt == 0 ? TakeIdle(id) : nullptr;
      const bool reused = c != nullptr;
      boost::system::error_code ec;
      if (!c) {
        c = std::make_unique<Conn>(ex);
        c->stream.expires_after(Seconds(opt.connect_timeout));
        co_await c->stream.async_connect(
            tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(backend_port)),
            redirect_error(use_awaitable, ec));
        if (!ec) c->stream.socket().set_option(tcp::no_delay(true), ec);
        if (ec) {
          *refused = ec == asio::error::connection_refused;
          out.error = fmt::format("connect to 127.0.0.1:{}: {}", backend_port, ec.message());
          co_return out;
        }
      }
      c->stream.expires_after(Seconds(opt.request_timeout));
      co_await http::async_write(c->stream, req, redirect_error(use_awaitable, ec));
      bool wrote = !ec;
      if (!ec) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(kBodyLimit);
        if (req.method() == http::verb::head) parser.skip(true);
        co_await http::async_read(c->stream, c->buffer, parser, redirect_error(use_awaitable, ec));
        if (!ec) {
          out.ok = true;
          out.response = parser.release();
          if (out.response.keep_alive()) {
            c->stream.expires_never();
            out.reusable = std::move(c);
          }
          co_return out;
        }
        out.answered_partly = parser.got_some();
      }
      out.error = ec.message();
      // Only a reused connection that failed before any answer may be tried afresh, and only
      // when the request cannot have been acted on twice.
      if (!reused || out.answered_partly || (wrote && !Idempotent(req.method()))) co_return out;
    }
    co_return out;
  }

  awaitable<Response> Proxy(Request& req) {
    const double t0 = SteadyNow();
    {
      std::lock_guard<std::mutex> l(mu);
      Integrate(t0);
      ++stats.active;
      stats.last_request_at = t0;
    }
    const unsigned version = req.version();
    req.version(11);
    req.keep_alive(true);
    Response res;
    bool own_error = false;
    int exclude = -1;
    bool retried = false;
    for (;;) {
      const Pick pick = co_await Acquire(exclude);
      if (pick.id < 0) {
        own_error = true;
        const std::string why = pick.refusal;
        std::string body;
        if (why == "full")
          body = fmt::format("tide: no replica is ready and {} requests already wait; retry later\n",
                             opt.queue_max);
        else if (why == "busy_full")
          body = fmt::format("tide: every replica is busy ({} requests each) and {} requests "
                             "already wait; retry later\n",
                             opt.max_per_replica, opt.queue_max);
        else if (why == "busy")
          body = fmt::format("tide: every replica stayed busy ({} requests each) for {}s (the "
                             "queue timeout); retry later\n",
                             opt.max_per_replica, opt.queue_timeout);
        else
          body = fmt::format("tide: no replica became ready within {}s (the queue timeout); "
                             "retry later\n",
                             opt.queue_timeout);
        res = Plain(http::status::service_unavailable, version, std::move(body));
        break;
      }
      bool refused = false;
      Forwarded f = co_await Forward(pick.id, pick.port, req, &refused);
      Release(pick.id, std::move(f.reusable), refused);
      if (f.ok) {
        res = std::move(f.response);
        break;
      }
      if (!retried && !f.answered_partly && Idempotent(req.method())) {
        retried = true;
        exclude = pick.id;
        std::lock_guard<std::mutex> l(mu);
        ++stats.retries;
        continue;
      }
      own_error = true;
      res = Plain(http::status::bad_gateway, version,
                  fmt::format("tide: replica {} failed{}: {}\n", pick.id,
                              retried ? " (after one retry on another replica)" : "", f.error));
      break;
    }
    const double t1 = SteadyNow();
    std::lock_guard<std::mutex> l(mu);
    Integrate(t1);
    --stats.active;
    ++stats.requests;
    if (own_error) ++stats.errors;
    const double latency = t1 - t0;
    stats.latency_seconds += latency;
    size_t b = 0;
    while (b < kLatencyBounds.size() && latency > kLatencyBounds[b]) ++b;
    ++stats.latency_buckets[b];
    co_return res;
  }

  awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream client(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      client.expires_after(Seconds(opt.idle_timeout));
      boost::system::error_code ec;
      co_await http::async_read(client, buffer, parser, redirect_error(use_awaitable, ec));
      if (ec) break;
      Request req = parser.release();
      const bool keep_alive = req.keep_alive();
      const bool head = req.method() == http::verb::head;
      Response res = co_await Proxy(req);
      res.version(req.version() == 10 ? 10 : 11);
      res.keep_alive(keep_alive);
      if (!head) res.prepare_payload();
      client.expires_after(Seconds(opt.request_timeout));
      co_await http::async_write(client, res, redirect_error(use_awaitable, ec));
      if (ec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    client.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::make_strand(ioc),
                                                     redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // e.g. out of descriptors for a moment
      s.set_option(tcp::no_delay(true), ec);
      auto ex = s.get_executor();
      asio::co_spawn(ex, Session(std::move(s)), asio::detached);
    }
  }
};

Router::Router(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Router::~Router() { Stop(); }

Result<std::unique_ptr<Router>> Router::Start(RouterOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  const std::string& listen = impl->opt.listen;
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Status::InvalidInput(fmt::format("router listen '{}': expected host:port", listen));
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidInput(fmt::format("router listen '{}': bad address", listen));
  const int port = std::atoi(listen.c_str() + colon + 1);
  tcp::endpoint ep(address, static_cast<unsigned short>(port));
  auto& a = impl->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Runtime(fmt::format("router: cannot listen on {}: {}", listen, ec.message()));
  impl->host = address.is_v6() ? "[" + host + "]" : host;
  impl->port = a.local_endpoint().port();
  asio::co_spawn(impl->ioc, impl->Accept(), asio::detached);
  const int threads = std::max(1, impl->opt.threads);
  for (int i = 0; i < threads; ++i) impl->threads.emplace_back([p = impl.get()] { p->ioc.run(); });
  return std::unique_ptr<Router>(new Router(std::move(impl)));
}

void Router::Stop() {
  if (!impl_ || impl_->threads.empty()) return;
  asio::post(impl_->ioc, [p = impl_.get()] {
    boost::system::error_code ec;
    p->acceptor.close(ec);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->backends.clear();
}

int Router::port() const { return impl_->port; }
std::string Router::url() const { return fmt::format("http://{}:{}", impl_->host, impl_->port); }

void Router::AddBackend(int id, int port) {
  std::lock_guard<std::mutex> l(impl_->mu);
  Backend& b = impl_->backends[id];
  b.port = port;
  b.draining = false;
  b.failed = false;
  impl_->WakeWaiters();
}

void Router::DrainBackend(int id) {
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->backends.find(id);
  if (it == impl_->backends.end()) return;
  it->second.draining = true;
  it->second.idle.clear();
}

void Router::RemoveBackend(int id) {
  std::vector<std::unique_ptr<Conn>> idle;  // closed outside the lock
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->backends.find(id);
  if (it == impl_->backends.end()) return;
  idle = std::move(it->second.idle);
  impl_->backends.erase(it);
}

int Router::Outstanding(int id) const {
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->backends.find(id);
  return it == impl_->backends.end() ? 0 : it->second.outstanding;
}

RouterStats Router::Stats() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->Integrate(SteadyNow());
  RouterStats s = impl_->stats;
  s.at = impl_->last_change;
  s.ready = impl_->ReadyLocked();
  return s;
}

}  // namespace tide::local
