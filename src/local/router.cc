// router.cc: the proxy. Everything runs on one io thread: one coroutine per client
// connection, no strands, no thread hand-offs on a request's path. Messages are framed by
// Beast's parser and forwarded as the bytes that arrived when nothing hop-by-hop must change
// (router_wire.h); otherwise re-serialised. Which replica takes a request, the requests held
// while none can, and the counters are the balancer's (router_balancer.h).
#include "local/router.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <future>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "local/router_balancer.h"
#include "local/router_wire.h"
#include "platform/sched.h"

namespace tide::local {

double SteadyNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

namespace {

using namespace proxy;  // NOLINT: the router's own I/O vocabulary (and wire's)
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// How long Stop() waits for the 503s of the requests it refuses to be written.
constexpr std::chrono::seconds kCloseGrace{1};

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

// The answer to a request the parser rejects (the connection then closes: what follows bad
// bytes cannot be framed), as nginx and Envoy answer: 413 for a body over kBodyLimit, 431 for
// a header over kHeaderLimit, 400 otherwise, with what was wrong in the body.
Response Rejection(const error_code& ec) {
  if (ec == http::error::body_limit)
    return Plain(
        http::status::payload_too_large, 11,
        fmt::format("tide: request body over the router's limit of {} bytes\n", kBodyLimit));
  if (ec == http::error::header_limit)
    return Plain(
        http::status::request_header_fields_too_large, 11,
        fmt::format("tide: request header over the router's limit of {} bytes\n", kHeaderLimit));
  return Plain(http::status::bad_request, 11, fmt::format("tide: bad request: {}\n", ec.message()));
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

  RouterOptions opt;
  // Declared before `ioc`: coroutine frames destroyed with the io_context unregister here.
  WatchList watches;     // io thread only
  asio::io_context ioc;  // run by `thread` alone
  Acceptor acceptor;
  // Declared after `ioc`: the replicas' idle connections close before it.
  Balancer balancer{opt, ioc};
  std::thread thread;
  std::string host;
  int port = 0;
  int refusals = 0;  // the router's own 503s being written now (io thread only)

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
      Pick pick = co_await balancer.Acquire(exclude, arrival);
      arrival = 0;
      if (pick.id < 0) {
        balancer.Count(t0, SteadyNow(), true);
        // The router stopping: this answer closes the connection, and Close() waits for it.
        const bool stopping = std::string_view(pick.refusal) == "stopping";
        ++refusals;
        const bool again = co_await Answer(
            client, watch,
            Plain(http::status::service_unavailable, version, balancer.RefusalBody(pick.refusal)),
            version, keep_alive && !stopping, false);
        --refusals;
        co_return again;
      }
      bool refused = false;
      Forwarded f = co_await Forward(pick, request, head.method, &refused);
      if (f.ok) {
        balancer.Count(t0, SteadyNow(), false);
        Conn& c = *f.conn;
        const auto& rp = *c.parser;
        const bool reusable = rp.keep_alive() && !rp.need_eof();
        bool client_ok;
        if (plain_request && rp.version == 11 && reusable && !rp.hop_fields) {
          watch.Arm(opt.request_timeout);
          error_code ec;
          // The bytes on either side of the replica's Keep-Alive line ({0, 0}: none, and the
          // first part is empty).
          const std::string_view answer = Bytes(c.buffer, f.size);
          const auto [cut, resume] =
              rp.keep_alive_field ? KeepAliveLine(answer) : std::pair<std::size_t, std::size_t>{};
          const std::array<asio::const_buffer, 2> parts = {
              asio::buffer(answer.data(), cut),
              asio::buffer(answer.data() + resume, answer.size() - resume)};
          co_await asio::async_write(client, parts, Await(ec));
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
        balancer.Release(pick.id, reusable ? std::move(f.conn) : nullptr, false);
        co_return client_ok && keep_alive;
      }
      balancer.Release(pick.id, nullptr, refused);
      if (!retried && !f.answered_partly && Idempotent(head.method)) {
        retried = true;
        exclude = pick.id;
        balancer.CountRetry();
        continue;
      }
      balancer.Count(t0, SteadyNow(), true);
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
      if (r.ec) {
        if (r.ec.category() == http::make_error_code(http::error::bad_target).category()) {
          balancer.CountRejected();
          co_await Answer(client, *watch, Rejection(r.ec), 11, false, false);
        }
        break;
      }
      watch->Disarm();  // held or in flight, the client has nothing pending until the answer
      const bool again = co_await Exchange(client, *watch, *head, Bytes(buffer, r.size), scratch);
      buffer.consume(r.size);
      if (!again) break;
    }
    error_code ignored;
    client.shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Stopping, on the io thread: no new connection; every held request (and any that arrives
  // now on an open connection) is answered 503 with Connection: close, and Close() waits
  // until those answers are written (up to kCloseGrace); then every connection closes, so
  // that a client whose request is still in flight sees the connection end now rather than
  // at its timeout (in a LocalGroup the pool has drained its replicas by then).
  Task<void> Close() {
    error_code ec;
    acceptor.close(ec);
    balancer.Refuse();
    Timer pause(ioc.get_executor());
    const auto end = std::chrono::steady_clock::now() + kCloseGrace;
    while ((balancer.Held() > 0 || refusals > 0) && std::chrono::steady_clock::now() < end) {
      pause.expires_after(std::chrono::milliseconds(1));
      co_await pause.async_wait(Await(ec));
    }
    for (Watch* w : watches) w->socket->close(ec);
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
      (void)platform::RequestTimeSlice(
          std::chrono::microseconds(std::lround(p->opt.io_thread_slice * 1e6)));
    p->ioc.run();
  });
  return std::unique_ptr<Router>(new Router(std::move(impl)));
}

void Router::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  std::promise<void> closed;
  asio::co_spawn(impl_->ioc.get_executor(), impl_->Close(),
                 [&closed](std::exception_ptr) { closed.set_value(); });
  closed.get_future().wait();
  impl_->ioc.stop();
  impl_->thread.join();
  impl_->balancer.Clear();
}

void Router::Refuse() { impl_->balancer.Refuse(); }

int Router::port() const { return impl_->port; }
std::string Router::url() const { return fmt::format("http://{}:{}", impl_->host, impl_->port); }

void Router::AddBackend(int id, int port) { impl_->balancer.Add(id, port); }
void Router::DrainBackend(int id) { impl_->balancer.Drain(id); }
void Router::RemoveBackend(int id) { impl_->balancer.Remove(id); }
int Router::Outstanding(int id) const { return impl_->balancer.Outstanding(id); }
RouterStats Router::Stats() const { return impl_->balancer.Stats(); }

}  // namespace tide::local
