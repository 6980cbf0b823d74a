// router.cc: the proxy. Everything runs on one io thread: one coroutine per client
// connection, no strands, no thread hand-offs on a request's path. The backend table, the
// queue of held requests and the counters are also touched by the pool's and the
// controller's threads (AddBackend, Stats, ...), so they sit behind one mutex, which a
// request takes three times (pick a replica, count the answer, give the replica back) and
// which is otherwise uncontended. Messages are framed by Beast's parser and forwarded as the bytes that
// arrived when nothing hop-by-hop must change (router_wire.h); otherwise re-serialised.
#include "local/router.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "local/router_wire.h"
#include "platform/sched.h"

namespace tide::local {

double SteadyNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

namespace {

using namespace wire;  // NOLINT: the router's own I/O vocabulary
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

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

// A keep-alive connection to a replica; after a response, that response's bytes are at the
// front of `buffer` until the client has them.
struct Conn {
  Conn(const Executor& ex, WatchList& watches) : socket(ex), watch(watches, &socket) {}
  Socket socket;
  beast::flat_buffer buffer;
  Watched watch;
  std::optional<HeadParser<false>> parser;  // the last response's
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
  std::unique_ptr<Conn> idle;     // a kept-alive connection to it, when there is one
  const char* refusal = nullptr;  // set when no replica could be had
};

struct Forwarded {
  bool ok = false;
  bool answered_partly = false;  // some of the replica's answer had arrived
  std::string error;
  std::unique_ptr<Conn> conn;  // when ok: holds the response (conn->parser, `size` bytes)
  std::size_t size = 0;
};

Response Plain(http::status status, unsigned version, std::string body) {
  Response res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::server, "tide-router");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// The slow path of a request that is not plain: parsed in full, sent as HTTP/1.1 keep-alive.
std::string Reserialize(std::string_view raw) {
  http::request_parser<http::string_body> p;
  p.body_limit(kBodyLimit);
  p.eager(true);
  error_code ec;
  p.put(asio::buffer(raw.data(), raw.size()), ec);
  Request req = p.release();
  StripHopByHop(req);
  req.version(11);
  req.keep_alive(true);
  std::ostringstream os;
  os << req;
  return os.str();
}

}  // namespace

class Router::Impl {
 public:
  explicit Impl(RouterOptions o) : opt(std::move(o)), ioc(1), acceptor(ioc.get_executor()) {}
  ~Impl() {
    std::lock_guard<std::mutex> l(mu);
    backends.clear();  // their sockets go before the io_context
  }

  RouterOptions opt;
  // Declared before `ioc`: coroutine frames destroyed with the io_context unregister here.
  WatchList watches;  // io thread only

  mutable std::mutex mu;  // guards everything down to `last_change`
  std::map<int, Backend> backends;
  // A request held for a slot: its timer, and whether a wake-up is already on its way (so a
  // freed slot wakes one waiter that has not been woken yet, not every waiter).
  struct Waiter {
    explicit Waiter(const Executor& ex) : timer(ex) {}
    Timer timer;
    bool woken = false;
  };
  std::list<std::shared_ptr<Waiter>> waiters;
  unsigned next = 0;  // rotates ties between equally loaded replicas
  RouterStats stats;
  double last_change = SteadyNow();

  asio::io_context ioc;  // run by `thread` alone
  Acceptor acceptor;
  std::thread thread;
  std::string host;
  int port = 0;

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
  bool Eligible(int id, const Backend& b, int exclude) const {
    return !b.draining && !b.failed && id != exclude &&
           (opt.max_per_replica <= 0 || b.outstanding < opt.max_per_replica);
  }
  // The eligible replica with the fewest outstanding requests, other than `exclude`; ties go
  // to the first in an order that rotates by one each call. No allocation.
  std::map<int, Backend>::iterator LeastOutstanding(int exclude) {
    size_t n = 0;
    for (const auto& [id, b] : backends) n += Eligible(id, b, exclude);
    if (n == 0) return backends.end();
    const size_t start = next++ % n;
    auto best = backends.end();
    size_t best_rank = 0, k = 0;
    for (auto it = backends.begin(); it != backends.end(); ++it) {
      if (!Eligible(it->first, it->second, exclude)) continue;
      const size_t rank = (k++ + n - start) % n;
      if (best == backends.end() || it->second.outstanding < best->second.outstanding ||
          (it->second.outstanding == best->second.outstanding && rank < best_rank))
        best = it, best_rank = rank;
    }
    return best;
  }
  // A waiter arms its timer and starts waiting within one handler on the io thread, so a
  // cancel posted there cannot fall in between.
  void Wake(const std::shared_ptr<Waiter>& w) {
    w->woken = true;
    asio::post(ioc, [w] { w->timer.cancel(); });
  }
  void WakeWaiters() {  // capacity appeared (a replica joined): everyone looks again
    for (auto& w : waiters) Wake(w);
  }
  void WakeOne() {  // one slot was freed: one waiter, the longest waiting, looks again
    for (auto& w : waiters)
      if (!w->woken) return Wake(w);
  }

  // Connections belong to the io thread (their watches are in its list): a caller on another
  // thread hands them over to be closed there.
  void CloseOnIoThread(std::vector<std::unique_ptr<Conn>> conns) {
    if (conns.empty()) return;
    auto owned = std::make_shared<std::vector<std::unique_ptr<Conn>>>(std::move(conns));
    asio::post(ioc, [owned] { owned->clear(); });
  }

  // ---- the proxy (io thread) ----

  // Cancels the pending operations of every socket whose deadline has passed.
  Task<void> Watchdog() {
    Timer tick(ioc.get_executor());
    for (;;) {
      tick.expires_after(std::chrono::milliseconds(100));
      error_code ec;
      co_await tick.async_wait(Await(ec));
      if (ec) co_return;
      const auto now = Watch::Clock::now();
      for (Watch* w : watches)
        if (w->deadline <= now) {
          w->fired = true;
          w->Disarm();
          error_code ignored;
          w->socket->cancel(ignored);
        }
    }
  }

  // A replica for one request (and its idle connection, if any), waiting in the queue while
  // none can take it. `arrival` > 0 on a request's first call: it is counted as active.
  Task<Pick> Acquire(int exclude, double arrival) {
    const auto deadline = std::chrono::steady_clock::now() + Seconds(opt.queue_timeout);
    std::shared_ptr<Waiter> me;
    bool asked = false;
    for (;;) {
      bool none_ready = false;
      {
        std::lock_guard<std::mutex> l(mu);
        if (arrival > 0) {
          Integrate(arrival);
          ++stats.active;
          stats.last_request_at = arrival;
          arrival = 0;
        }
        auto it = LeastOutstanding(exclude);
        if (it != backends.end()) {
          Backend& b = it->second;
          ++b.outstanding;
          if (me) {
            waiters.remove(me);
            Integrate(SteadyNow());
            --stats.queued;
          }
          Pick p{it->first, b.port, nullptr, nullptr};
          if (!b.idle.empty()) {
            p.idle = std::move(b.idle.back());
            b.idle.pop_back();
          }
          co_return p;
        }
        if (!me) {
          if (stats.queued >= opt.queue_max)
            co_return Pick{-1, 0, nullptr, ReadyLocked() > 0 ? "busy_full" : "full"};
          me = std::make_shared<Waiter>(ioc.get_executor());
          waiters.push_back(me);
          ++stats.queued;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          waiters.remove(me);
          --stats.queued;
          if (me->woken) WakeOne();  // pass on a wake-up this waiter will not use
          co_return Pick{-1, 0, nullptr, ReadyLocked() > 0 ? "busy" : "timeout"};
        }
        me->woken = false;  // looked and found nothing: the next freed slot may wake it again
        me->timer.expires_at(deadline);
        none_ready = ReadyLocked() == 0;
      }
      if (!asked && none_ready && opt.on_demand) {
        asked = true;
        opt.on_demand();
      }
      error_code ignored;
      co_await me->timer.async_wait(Await(ignored));
    }
  }

  // Gives replica `id` its slot back (and `conn` to its idle list when reusable); `refused`:
  // it refused the connection, so it is not picked again until re-added.
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
  // Counts an answered request: `t0` to `t1` seconds; `own_error`: the router answered it.
  void Count(double t0, double t1, bool own_error) {
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
  }

  // Sends `request` (bytes) to replica `pick`: on its idle keep-alive connection when there
  // is one, and once more on a fresh connection when that reused one turns out closed before
  // any answer. On success the response sits at the front of the connection's buffer.
  Task<Forwarded> Forward(Pick& pick, std::string_view request, http::verb method, bool* refused) {
    Forwarded out;
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Conn> c = attempt == 0 ? std::move(pick.idle) : nullptr;
      const bool reused = c != nullptr;
      if (!c) {
        c = std::make_unique<Conn>(ioc.get_executor(), watches);
        c->watch->Arm(opt.connect_timeout);
        error_code ec;
        co_await c->socket.async_connect(
            tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(pick.port)),
            Await(ec));
        error_code ignored;
        if (!ec) c->socket.set_option(tcp::no_delay(true), ignored);
        if (ec) {
          *refused = ec == asio::error::connection_refused;
          out.error = fmt::format("connect to 127.0.0.1:{}: {}", pick.port,
                                  c->watch->fired ? "timed out" : ec.message());
          co_return out;
        }
      }
      c->watch->Arm(opt.request_timeout);
      error_code ec;
      co_await asio::async_write(c->socket, asio::buffer(request.data(), request.size()),
                                 Await(ec));
      const bool wrote = !ec;
      if (!ec) {
        ReadResult r;
        for (;;) {
          c->parser.emplace();
          if (method == http::verb::head) c->parser->skip(true);
          r = co_await ReadMessage(c->socket, c->buffer, *c->parser);
          // An interim answer (100 Continue, 103 Early Hints) precedes the final one. The
          // router has already sent the whole request, so a 100 means nothing to the client:
          // it is dropped and the final answer read (taken as the answer, it would leave the
          // real one to be read as the next request's).
          if (r.ec || c->parser->status / 100 != 1 || c->parser->status == 101) break;
          c->buffer.consume(r.size);
        }
        if (!r.ec) {
          c->watch->Disarm();
          out.ok = true;
          out.size = r.size;
          out.conn = std::move(c);
          co_return out;
        }
        ec = r.ec;
        out.answered_partly = r.got_some;
      }
      out.error =
          c->watch->fired ? fmt::format("no answer within {}s", opt.request_timeout) : ec.message();
      // Only a reused connection that failed before any answer may be tried afresh, and only
      // when the request cannot have been acted on twice.
      if (!reused || out.answered_partly || (wrote && !Idempotent(method))) co_return out;
    }
    co_return out;
  }

  std::string RefusalBody(std::string_view why) const {
    if (why == "full")
      return fmt::format("tide: no replica is ready and {} requests already wait; retry later\n",
                         opt.queue_max);
    if (why == "busy_full")
      return fmt::format(
          "tide: every replica is busy ({} requests each) and {} requests "
          "already wait; retry later\n",
          opt.max_per_replica, opt.queue_max);
    if (why == "busy")
      return fmt::format(
          "tide: every replica stayed busy ({} requests each) for {}s (the "
          "queue timeout); retry later\n",
          opt.max_per_replica, opt.queue_timeout);
    return fmt::format(
        "tide: no replica became ready within {}s (the queue timeout); "
        "retry later\n",
        opt.queue_timeout);
  }

  // Proxies one request whose `raw` bytes are in the client's buffer and writes the answer
  // to the client. Returns false when the client connection must close.
  Task<bool> Exchange(Socket& client, Watch& watch, const HeadParser<true>& head,
                      std::string_view raw, std::string& scratch) {
    const double t0 = SteadyNow();
    const bool keep_alive = head.keep_alive();
    const unsigned version = head.version == 10 ? 10 : 11;
    const bool plain_request = head.version == 11 && keep_alive && !head.hop_fields;
    std::string_view request = raw;
    if (!plain_request) {
      scratch = Reserialize(raw);
      request = scratch;
    }
    int exclude = -1;
    bool retried = false;
    double arrival = t0;
    for (;;) {
      Pick pick = co_await Acquire(exclude, arrival);
      arrival = 0;
      if (pick.id < 0) {
        Count(t0, SteadyNow(), true);
        co_return co_await Answer(
            client, watch,
            Plain(http::status::service_unavailable, version, RefusalBody(pick.refusal)), version,
            keep_alive, false);
      }
      bool refused = false;
      Forwarded f = co_await Forward(pick, request, head.method, &refused);
      if (f.ok) {
        Count(t0, SteadyNow(), false);
        Conn& c = *f.conn;
        const auto& rp = *c.parser;
        const bool reusable = rp.keep_alive() && !rp.need_eof();
        bool client_ok;
        if (plain_request && rp.version == 11 && reusable && !rp.hop_fields) {
          watch.Arm(opt.request_timeout);
          error_code ec;
          const std::string_view answer = Bytes(c.buffer, f.size);
          const auto [cut, resume] = rp.keep_alive_field ? KeepAliveLine(answer)
                                                         : std::pair<std::size_t, std::size_t>{};
          if (resume > cut) {  // the bytes on either side of the Keep-Alive line
            const std::array<asio::const_buffer, 2> parts = {
                asio::buffer(answer.data(), cut),
                asio::buffer(answer.data() + resume, answer.size() - resume)};
            co_await asio::async_write(client, parts, Await(ec));
          } else {
            co_await asio::async_write(client, asio::buffer(answer.data(), answer.size()), Await(ec));
          }
          client_ok = !ec;
        } else {
          http::response_parser<http::string_body> p;
          p.body_limit(kBodyLimit);
          p.eager(true);
          if (head.method == http::verb::head) p.skip(true);
          error_code ec;
          p.put(asio::buffer(c.buffer.data().data(), f.size), ec);
          if (!p.is_done()) p.put_eof(ec);
          Response res = p.release();
          StripHopByHop(res);
          client_ok = co_await Answer(client, watch, std::move(res), version, keep_alive,
                                      head.method == http::verb::head);
        }
        c.buffer.consume(f.size);
        Release(pick.id, reusable ? std::move(f.conn) : nullptr, false);
        co_return client_ok && keep_alive;
      }
      Release(pick.id, nullptr, refused);
      if (!retried && !f.answered_partly && Idempotent(head.method)) {
        retried = true;
        exclude = pick.id;
        std::lock_guard<std::mutex> l(mu);
        ++stats.retries;
        continue;
      }
      Count(t0, SteadyNow(), true);
      co_return co_await Answer(
          client, watch,
          Plain(http::status::bad_gateway, version,
                fmt::format("tide: replica {} failed{}: {}\n", pick.id,
                            retried ? " (after one retry on another replica)" : "", f.error)),
          version, keep_alive, false);
    }
  }

  // Writes a response built here (the router's own, or a re-parsed one) to the client.
  Task<bool> Answer(Socket& client, Watch& watch, Response res, unsigned version, bool keep_alive,
                    bool head) {
    res.version(version);
    res.keep_alive(keep_alive);
    if (!head) res.prepare_payload();
    watch.Arm(opt.request_timeout);
    error_code ec;
    co_await http::async_write(client, res, Await(ec));
    co_return !ec && keep_alive;
  }

  Task<void> Session(Socket client) {
    Watched watch(watches, &client);
    beast::flat_buffer buffer;
    std::string scratch;  // a re-serialised request (not plain)
    std::optional<HeadParser<true>> head;
    for (;;) {
      head.emplace();
      watch->Arm(opt.idle_timeout);
      const ReadResult r = co_await ReadMessage(client, buffer, *head);
      if (r.ec) break;
      watch->Disarm();  // held or in flight, the client has nothing pending until the answer
      const bool again = co_await Exchange(client, *watch, *head, Bytes(buffer, r.size), scratch);
      buffer.consume(r.size);
      if (!again) break;
    }
    error_code ignored;
    client.shutdown(tcp::socket::shutdown_send, ignored);
  }

  Task<void> Accept() {
    for (;;) {
      error_code ec;
      Socket s = co_await acceptor.async_accept(Await(ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // e.g. out of descriptors for a moment
      s.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(ioc.get_executor(), Session(std::move(s)), asio::detached);
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
  if (ec)
    return Status::Runtime(fmt::format("router: cannot listen on {}: {}", listen, ec.message()));
  impl->host = address.is_v6() ? "[" + host + "]" : host;
  impl->port = a.local_endpoint().port();
  asio::co_spawn(impl->ioc.get_executor(), impl->Accept(), asio::detached);
  asio::co_spawn(impl->ioc.get_executor(), impl->Watchdog(), asio::detached);
  impl->thread = std::thread([p = impl.get()] {
    // A hint only: where the kernel refuses it the router works as before, just slower to
    // get a CPU that busy replicas hold.
    if (p->opt.io_thread_slice > 0)
      (void)platform::RequestTimeSlice(std::chrono::microseconds(std::lround(p->opt.io_thread_slice * 1e6)));
    p->ioc.run();
  });
  return std::unique_ptr<Router>(new Router(std::move(impl)));
}

void Router::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  // On the io thread: no new connection, and every open one closed, so that a client whose
  // request was held or in flight sees the connection end now rather than at its timeout.
  std::promise<void> closed;
  asio::post(impl_->ioc, [p = impl_.get(), &closed] {
    error_code ec;
    p->acceptor.close(ec);
    for (Watch* w : p->watches) w->socket->close(ec);
    closed.set_value();
  });
  closed.get_future().wait();
  impl_->ioc.stop();
  impl_->thread.join();
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
  impl_->CloseOnIoThread(std::move(it->second.idle));
}

void Router::RemoveBackend(int id) {
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->backends.find(id);
  if (it == impl_->backends.end()) return;
  impl_->CloseOnIoThread(std::move(it->second.idle));
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
