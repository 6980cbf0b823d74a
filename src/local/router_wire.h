// router_wire.h: how the router reads one HTTP/1.1 message off a socket without copying it.
// Beast's parser frames the message (request line or status line, fields, Content-Length or
// chunked body, limits) while the bytes stay where they arrived, in the connection's buffer;
// the router then forwards those bytes as they are when nothing hop-by-hop must change
// ("plain" messages, by far the common case), and re-parses them into a full Beast message
// and re-serialises it only otherwise (HTTP/1.0, Connection or Upgrade fields, a response
// without a length).
//
// Everything here runs on the router's one io thread; nothing is shared.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tide::local::wire {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Executor = asio::io_context::executor_type;  // one io thread: no type erasure, no strand
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;
template <class T>
using Task = asio::awaitable<T, Executor>;
// The completion token of every co_await: errors land in `ec` (never thrown).
inline auto Await(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable_t<Executor>{}, ec);
}

inline constexpr std::uint64_t kBodyLimit = 64ull << 20;  // bytes, requests and responses
inline constexpr std::uint32_t kHeaderLimit = 8192;       // bytes of a header (Beast's default)

// A socket's deadline, enforced by the router's watchdog (one timer for all connections,
// instead of a timer armed and cancelled around every read and write): when `deadline` has
// passed, the watchdog cancels the socket's pending operations and sets `fired`.
struct Watch {
  using Clock = std::chrono::steady_clock;
  explicit Watch(Socket* s) : socket(s) {}
  Socket* socket;
  Clock::time_point deadline = Clock::time_point::max();
  bool fired = false;
  void Arm(double seconds) {
    fired = false;
    deadline = Clock::now() +
               std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }
  void Disarm() { deadline = Clock::time_point::max(); }
};
using WatchList = std::list<Watch*>;

// Registers a Watch in the router's list for the lifetime of its connection.
class Watched {
 public:
  Watched(WatchList& list, Socket* s) : list_(list), watch_(s) {
    it_ = list_.insert(list_.end(), &watch_);
  }
  ~Watched() { list_.erase(it_); }
  Watched(const Watched&) = delete;
  Watched& operator=(const Watched&) = delete;
  Watch& operator*() { return watch_; }
  Watch* operator->() { return &watch_; }

 private:
  WatchList& list_;
  Watch watch_;
  WatchList::iterator it_;
};

// Frames one message and remembers what decides whether it may be forwarded as is; the body
// is skipped (its bytes stay in the buffer).
template <bool isRequest>
class HeadParser : public http::basic_parser<isRequest> {
 public:
  HeadParser() {
    this->body_limit(kBodyLimit);
    this->header_limit(kHeaderLimit);
  }
  http::verb method = http::verb::unknown;  // requests
  int status = 0;                           // responses
  int version = 11;
  // A Connection, Proxy-Connection or Upgrade field (and, in a request, Keep-Alive): the
  // message's hop-by-hop part is not what the next hop must see.
  bool hop_fields = false;
  // An answer's Keep-Alive field (`timeout=5, max=100`: the replica's terms for the
  // router's connection, not the client's); the fast path cuts its line (KeepAliveLine).
  bool keep_alive_field = false;

 private:
  void on_request_impl(http::verb m, beast::string_view, beast::string_view, int v,
                       error_code&) override {
    method = m;
    version = v;
  }
  void on_response_impl(int code, beast::string_view, int v, error_code&) override {
    status = code;
    version = v;
  }
  void on_field_impl(http::field f, beast::string_view, beast::string_view, error_code&) override {
    if (f == http::field::connection || f == http::field::proxy_connection ||
        f == http::field::upgrade || (isRequest && f == http::field::keep_alive))
      hop_fields = true;
    if (!isRequest && f == http::field::keep_alive) keep_alive_field = true;
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    return body.size();
  }
  void on_finish_impl(error_code&) override {}
};

struct ReadResult {
  error_code ec;
  std::size_t size = 0;   // the message's bytes at the front of the buffer (when !ec)
  bool got_some = false;  // any byte of it had arrived (when ec)
};

// Reads until `parser` has one whole message at the front of `buffer` (bytes already in the
// buffer first: pipelined requests). The caller consumes `size` bytes once done with them.
template <class Parser>
Task<ReadResult> ReadMessage(Socket& socket, beast::flat_buffer& buffer, Parser& parser) {
  ReadResult r;
  std::size_t used = 0;
  for (;;) {
    if (used < buffer.size()) {
      const auto* data = static_cast<const char*>(buffer.data().data());
      error_code ec;
      const std::size_t n = parser.put(asio::buffer(data + used, buffer.size() - used), ec);
      used += n;
      if (ec && ec != http::error::need_more) {
        r.ec = ec;
        r.got_some = true;
        co_return r;
      }
      if (parser.is_done()) {
        r.size = used;
        co_return r;
      }
      if (n > 0 && !ec) continue;  // the header is done; the body follows in the same bytes
    }
    error_code ec;
    const std::size_t n = co_await socket.async_read_some(buffer.prepare(16 * 1024), Await(ec));
    buffer.commit(n);
    if (ec == asio::error::eof && parser.got_some() && parser.need_eof() &&
        parser.is_header_done()) {
      error_code eof_ec;
      parser.put_eof(eof_ec);  // a body delimited by the end of the connection
      if (!eof_ec && parser.is_done()) {
        r.size = buffer.size();
        co_return r;
      }
    }
    if (ec) {
      r.ec = ec;
      r.got_some = buffer.size() > 0;
      co_return r;
    }
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

inline std::string_view Bytes(const beast::flat_buffer& b, std::size_t n) {
  return {static_cast<const char*>(b.data().data()), n};
}

// Where the Keep-Alive field's line (CRLF included) lies in a message's header section:
// {begin, end} offsets, or {0, 0} when there is none. Field names are case-insensitive.
inline std::pair<std::size_t, std::size_t> KeepAliveLine(std::string_view message) {
  const std::size_t head_end = message.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return {0, 0};
  constexpr std::string_view kName = "keep-alive:";
  for (std::size_t line = message.find("\r\n"); line < head_end;
       line = message.find("\r\n", line + 2)) {
    const std::size_t begin = line + 2;
    if (message.size() - begin < kName.size()) break;
    if (beast::iequals(beast::string_view(message.data() + begin, kName.size()),
                       beast::string_view(kName.data(), kName.size())))
      return {begin, message.find("\r\n", begin) + 2};
  }
  return {0, 0};
}

// Removes what belongs to one hop from a message that is re-serialised (RFC 9110 7.6.1): the
// fields the Connection field names, and Connection, Keep-Alive, Proxy-Connection, TE and
// Upgrade themselves. The caller sets the next hop's own Connection (keep_alive()).
template <bool isRequest, class Fields>
void StripHopByHop(http::header<isRequest, Fields>& h) {
  std::vector<std::string> named;
  for (const auto& f : h) {
    if (f.name() != http::field::connection) continue;
    for (const auto& token : http::token_list{f.value()}) {
      if (!beast::iequals(token, "close") && !beast::iequals(token, "keep-alive"))
        named.emplace_back(token);
    }
  }
  for (const auto& n : named) h.erase(n);
  for (auto f : {http::field::connection, http::field::keep_alive, http::field::proxy_connection,
                 http::field::te, http::field::upgrade})
    h.erase(f);
}

}  // namespace tide::local::wire
