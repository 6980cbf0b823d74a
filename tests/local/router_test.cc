// The router's wire behaviour against a scripted replica (a loopback socket that records the
// bytes it receives and answers with canned bytes): plain messages pass byte for byte; what
// must change hop by hop (HTTP/1.0, a close-delimited or chunked answer to a 1.0 client) is
// re-serialised; pipelined requests are answered in order; bodies arrive whole.
#include "local/router.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "local/router_wire.h"
#include "local/runtime.h"

namespace tide::local {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// One answer of the scripted replica: the bytes to send, whether to close afterwards, and
// how long to wait before sending them (a slow replica).
struct Answer {
  std::string bytes;
  bool close = false;
  double delay = 0;  // seconds
};

// A replica that serves its connections one at a time on its own thread: it reads one
// request (header, then Content-Length or chunked body, by the simple rules of the scripted
// cases), records its bytes, and sends the next scripted answer.
class ScriptedReplica {
 public:
  explicit ScriptedReplica(std::vector<Answer> answers)
      : answers_(answers.begin(), answers.end()),
        acceptor_(io_, {asio::ip::address_v4::loopback(), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedReplica() {
    stop_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // ends a blocked accept
    const int conn = conn_.load();
    if (conn >= 0) ::shutdown(conn, SHUT_RDWR);  // ends a blocked read
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> received() {
    std::lock_guard<std::mutex> l(mu_);
    return received_;
  }

 private:
  static size_t MessageEnd(const std::string& s) {
    const size_t head = s.find("\r\n\r\n");
    if (head == std::string::npos) return 0;
    const size_t body = head + 4;
    const size_t cl = s.find("Content-Length: ");
    if (cl != std::string::npos && cl < head) {
      const size_t n = std::stoul(s.substr(cl + 16));
      return s.size() >= body + n ? body + n : 0;
    }
    if (s.find("chunked") < head) {
      const size_t end = s.find("0\r\n\r\n", body);
      return end == std::string::npos ? 0 : end + 5;
    }
    return body;
  }
  void Serve() {
    while (!stop_) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      conn_ = s.native_handle();
      std::string in;
      for (;;) {
        char buf[4096];
        const size_t n = s.read_some(asio::buffer(buf), ec);
        if (ec) break;
        in.append(buf, n);
        size_t end;
        bool closed = false;
        while ((end = MessageEnd(in)) > 0) {
          Answer a;
          {
            std::lock_guard<std::mutex> l(mu_);
            received_.push_back(in.substr(0, end));
            if (!answers_.empty()) a = answers_.front(), answers_.pop_front();
          }
          in.erase(0, end);
          std::this_thread::sleep_for(std::chrono::duration<double>(a.delay));
          asio::write(s, asio::buffer(a.bytes), ec);
          if (a.close || ec) {
            closed = true;
            break;
          }
        }
        if (closed) break;
      }
      conn_ = -1;
    }
  }

  std::mutex mu_;
  std::deque<Answer> answers_;
  std::vector<std::string> received_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::atomic<int> conn_{-1};
  std::thread thread_;
};

class RouterWire : public ::testing::Test {
 protected:
  void Route(ScriptedReplica& replica, ScriptedReplica* second = nullptr,
             RouterOptions options = {}) {
    auto r = Router::Start(options);
    ASSERT_TRUE(r.ok()) << r.status().message();
    router_ = std::move(*r);
    router_->AddBackend(1, replica.port());
    if (second) router_->AddBackend(2, second->port());
  }
  // Sends `bytes` on a new connection and reads until `done(received)` holds, the router
  // closes the connection (*closed = true) or 5 s pass.
  std::string Exchange(const std::string& bytes,
                       const std::function<bool(const std::string&)>& done,
                       bool* closed = nullptr) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(router_->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    std::string out;
    bool eof = false;
    while (!done(out)) {
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        eof = n == 0;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    if (closed) {
      char c;
      *closed = eof || ::recv(fd, &c, 1, 0) == 0;
    }
    ::close(fd);
    return out;
  }
  static std::function<bool(const std::string&)> Ends(const std::string& tail) {
    return [tail](const std::string& s) {
      return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    };
  }
  static bool Never(const std::string&) { return false; }
  // Polls `pred` every 5 ms for up to 5 s.
  static bool WaitFor(const std::function<bool()>& pred) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!pred() && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return pred();
  }
  std::unique_ptr<Router> router_;
};

TEST_F(RouterWire, APlainRequestAndItsAnswerPassByteForByte) {
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Replica: a\r\n\r\nok";
  ScriptedReplica replica({{answer}});
  Route(replica);
  const std::string request = "GET /x?y=1 HTTP/1.1\r\nHost: h\r\nX-Trace: 7\r\n\r\n";
  EXPECT_EQ(Exchange(request, Ends("ok")), answer);
  ASSERT_EQ(replica.received().size(), 1u);
  EXPECT_EQ(replica.received()[0], request);
}

TEST_F(RouterWire, PipelinedRequestsWithBodiesAreAnsweredInOrder) {
  ScriptedReplica replica({{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"},
                           {"HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nb"}});
  Route(replica);
  const std::string post = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
  const std::string chunked =
      "PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  const std::string out = Exchange(post + chunked, Ends("\r\n\r\nb"));
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
            "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nb");
  ASSERT_EQ(replica.received().size(), 2u);
  EXPECT_EQ(replica.received()[0], post);
  EXPECT_EQ(replica.received()[1], chunked);
}

// A replica that answers 100 Continue before its final answer (a request with Expect:
// 100-continue): the client gets the final answer, and the next request on the same
// connection gets its own answer, not the one left behind.
TEST_F(RouterWire, AnInterimAnswerIsDroppedAndTheFinalOneForwarded) {
  ScriptedReplica replica({{"HTTP/1.1 100 Continue\r\n\r\n"
                            "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\na"},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"}});
  Route(replica);
  const std::string post =
      "POST /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello";
  const std::string get = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(Exchange(post + get, Ends("\r\n\r\nb")),
            "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\na"
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
  ASSERT_EQ(replica.received().size(), 2u);
  EXPECT_EQ(replica.received()[1], get);
}

// The replica's Keep-Alive field states its terms for the router's connection; the client's
// connection is the router's, with its own idle timeout. The rest passes byte for byte.
TEST_F(RouterWire, APlainAnswerLosesTheReplicasKeepAliveFieldAndNothingElse) {
  ScriptedReplica replica(
      {{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nkeep-ALIVE: timeout=5, max=5\r\n"
        "X-Keep-Alive-Like: 1\r\n\r\nok"},
       {"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nhi"}});
  Route(replica);
  const std::string get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(Exchange(get + get, Ends("hi")),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Keep-Alive-Like: 1\r\n\r\nok"
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
}

TEST_F(RouterWire, HopByHopFieldsOfARequestAndOfAReserialisedAnswerStopAtTheRouter) {
  ScriptedReplica replica(
      {{"HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\nX-End: 2\r\n"
        "Keep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok"}});
  Route(replica);
  const std::string out = Exchange(
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
      "Keep-Alive: 300\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nX-Kept: k\r\n\r\n",
      Ends("ok"));
  ASSERT_EQ(replica.received().size(), 1u);
  const std::string sent = replica.received()[0];
  for (const char* gone : {"X-Secret", "Keep-Alive", "Proxy-Connection", "TE:"})
    EXPECT_EQ(sent.find(gone), std::string::npos) << gone << " in " << sent;
  EXPECT_NE(sent.find("X-Kept: k\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("Host: h\r\n"), std::string::npos) << sent;
  for (const char* gone : {"X-Hop", "Keep-Alive"})
    EXPECT_EQ(out.find(gone), std::string::npos) << gone << " in " << out;
  EXPECT_NE(out.find("X-End: 2\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 2), "ok");
}

TEST_F(RouterWire, AnHttp10ClientGetsAnHttp10AnswerWithALengthAndTheConnectionCloses) {
  ScriptedReplica replica(
      {{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n"}});
  Route(replica);
  bool closed = false;
  const std::string out = Exchange("GET / HTTP/1.0\r\nHost: h\r\n\r\n", Never, &closed);
  EXPECT_EQ(out.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("chunked"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 5), "ok!!!");
  EXPECT_TRUE(closed);
  // The replica was asked in HTTP/1.1, on a connection the router keeps.
  ASSERT_EQ(replica.received().size(), 1u);
  EXPECT_EQ(replica.received()[0].rfind("GET / HTTP/1.1\r\n", 0), 0u) << replica.received()[0];
  EXPECT_EQ(replica.received()[0].find("close"), std::string::npos) << replica.received()[0];
}

TEST_F(RouterWire, AnAnswerEndedByCloseReachesAKeepAliveClientWithALength) {
  ScriptedReplica replica({{"HTTP/1.0 200 OK\r\nX-Old: 1\r\n\r\nhello", true},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye"}});
  Route(replica);
  const std::string get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  // Both answers on one client connection: the first was re-framed with a length, so the
  // client can tell where it ends; the second came on a fresh replica connection.
  const std::string out = Exchange(get + get, Ends("bye"));
  const size_t second = out.find("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye");
  ASSERT_NE(second, std::string::npos) << out;
  const std::string first = out.substr(0, second);
  EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << first;
  EXPECT_NE(first.find("Content-Length: 5\r\n"), std::string::npos) << first;
  EXPECT_EQ(first.substr(first.size() - 5), "hello");
  EXPECT_EQ(replica.received().size(), 2u);
}

TEST_F(RouterWire, AClientAskingToCloseIsAnsweredAndClosedWhileTheReplicaConnectionIsKept) {
  ScriptedReplica replica({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
  Route(replica);
  for (int i = 0; i < 2; ++i) {
    bool closed = false;
    const std::string out =
        Exchange("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", Never, &closed);
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
    EXPECT_EQ(out.substr(out.size() - 2), "ok");
    EXPECT_TRUE(closed);
  }
  const auto got = replica.received();
  ASSERT_EQ(got.size(), 2u);
  for (const auto& r : got) EXPECT_EQ(r.find("close"), std::string::npos) << r;
}

TEST_F(RouterWire, AHeadAnswerHasNoBodyToWaitFor) {
  ScriptedReplica replica({{"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"},
                           {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
  Route(replica);
  const std::string head = "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string out = Exchange(head + get, Ends("ok"));
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
}

TEST_F(RouterWire, AnIdempotentRequestIsRetriedOnceOnAnotherReplicaAndAPostIsNot) {
  // Replica 1 hangs up on every request without answering; replica 2 answers. Whichever a
  // request is sent to first, a GET ends with 200 (retried once on replica 2 when it met
  // replica 1) and a POST that met replica 1 ends with 502, not retried.
  const Answer hang_up{"", true};
  const Answer ok{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"};
  ScriptedReplica broken(std::vector<Answer>(8, hang_up));
  ScriptedReplica good(std::vector<Answer>(8, ok));
  Route(broken, &good);
  const auto count = [](const std::vector<std::string>& got, const std::string& method) {
    int n = 0;
    for (const auto& r : got) n += r.rfind(method, 0) == 0;
    return n;
  };
  for (int i = 0; i < 4; ++i) {
    const std::string out = Exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Ends("ok"));
    EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0u) << out;
  }
  const int gets_met_broken = count(broken.received(), "GET ");
  EXPECT_GE(gets_met_broken, 1);
  EXPECT_EQ(router_->Stats().retries, gets_met_broken);
  EXPECT_EQ(count(good.received(), "GET "), 4);
  int bad_gateway = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string out = Exchange(
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx", [](const std::string& s) {
          return Ends("ok")(s) || (Ends("\n")(s) && !Ends("\r\n\r\n")(s));  // 200 or 502
        });
    if (out.rfind("HTTP/1.1 502", 0) == 0) {
      ++bad_gateway;
      EXPECT_NE(out.find("tide: replica 1 failed"), std::string::npos) << out;
    } else {
      EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0u) << out;
    }
  }
  EXPECT_GE(bad_gateway, 1);
  EXPECT_EQ(count(broken.received(), "POST "), bad_gateway);  // each once: no retry
  EXPECT_EQ(count(good.received(), "POST "), 4 - bad_gateway);
  EXPECT_EQ(router_->Stats().retries, gets_met_broken);
  EXPECT_EQ(router_->Stats().errors, bad_gateway);
}

TEST_F(RouterWire, AReplicaThatNeverAnswersMeetsTheRequestTimeoutAndAnIdleClientIsClosed) {
  ScriptedReplica silent({});  // reads requests, never answers
  RouterOptions o;
  o.request_timeout = 0.3;
  o.idle_timeout = 0.3;
  Route(silent, nullptr, o);
  const auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  const std::string out =
      Exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx", Never, &closed);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(out.rfind("HTTP/1.1 502", 0), 0u) << out;
  EXPECT_NE(out.find("no answer within 0.3s"), std::string::npos) << out;
  // The 502 after 0.3 s (the watchdog looks every 0.1 s), then the idle keep-alive
  // connection closed 0.3 s later.
  EXPECT_TRUE(closed);
  EXPECT_GE(took, 0.6);
  EXPECT_LT(took, 3);
}

// A request Beast's parser rejects never reaches a replica: the client is told what was
// wrong, with the status nginx and Envoy use, and the connection closes (the bytes after a
// bad message cannot be framed). Before, the router closed the connection without a word.
TEST_F(RouterWire, ARequestTheParserRejectsIsAnsweredWithWhatWasWrongAndTheConnectionCloses) {
  ScriptedReplica replica({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}});
  Route(replica);
  struct Case {
    std::string request, status, says;
  };
  const std::vector<Case> cases = {
      {"GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n",
       "tide: bad request: "},
      {"GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(wire::kHeaderLimit, 'a') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large\r\n",
       "request header over the router's limit of 8192 bytes"},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(wire::kBodyLimit + 1) +
           "\r\n\r\n",
       "HTTP/1.1 413 Payload Too Large\r\n",
       "request body over the router's limit of 67108864 bytes"},
  };
  for (const Case& c : cases) {
    bool closed = false;
    const std::string out = Exchange(c.request, Never, &closed);
    EXPECT_EQ(out.rfind(c.status, 0), 0u) << out;
    EXPECT_NE(out.find(c.says), std::string::npos) << out;
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
    EXPECT_TRUE(closed) << c.status;
  }
  EXPECT_TRUE(replica.received().empty());
  // The router serves the next client as before.
  EXPECT_EQ(Exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Ends("ok")),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  // Counted as rejected (measure: rejected), not as requests.
  const RouterStats st = router_->Stats();
  EXPECT_EQ(st.rejected, 3);
  EXPECT_EQ(st.requests, 1);
  EXPECT_EQ(st.errors, 0);
}

// tide stopping while a request is held (no replica ready yet, e.g. one still starting): the
// client is told so with a 503 and Connection: close, as at the queue timeout. Before, Stop()
// closed the connection without an answer (curl: code 000).
TEST_F(RouterWire, StopAnswersAHeldRequest503InsteadOfClosingOnIt) {
  RouterOptions o;
  o.queue_timeout = 20;
  auto r = Router::Start(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  router_ = std::move(*r);
  bool closed = false;
  auto held = std::async(std::launch::async, [&] {
    return Exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Never, &closed);
  });
  ASSERT_TRUE(WaitFor([&] { return router_->Stats().queued == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  router_->Stop();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string out = held.get();
  EXPECT_EQ(out.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n\r\ntide: the router is stopping (tide is shutting down) and no "
                     "replica took this request; retry later\n"),
            std::string::npos)
      << out;
  EXPECT_TRUE(closed);
  EXPECT_LT(took, 1.0);  // the answer is written at once, not waited out
}

// LocalGroup::Stop refuses before the pool drains: a held request gets its 503 at once, while
// a request in flight on a (slow) replica still gets the replica's answer.
TEST_F(RouterWire, RefuseAnswersHeldRequestsAndLetsThoseInFlightFinish) {
  ScriptedReplica slow({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, 1.0}});
  RouterOptions o;
  o.max_per_replica = 1;  // the second request waits in the queue
  o.queue_timeout = 20;
  Route(slow, nullptr, o);
  auto in_flight = std::async(std::launch::async, [&] {
    return Exchange("GET /a HTTP/1.1\r\nHost: h\r\n\r\n", Ends("ok"));
  });
  ASSERT_TRUE(WaitFor([&] { return router_->Outstanding(1) == 1; }));
  bool closed = false;
  auto held = std::async(std::launch::async, [&] {
    return Exchange("GET /b HTTP/1.1\r\nHost: h\r\n\r\n", Never, &closed);
  });
  ASSERT_TRUE(WaitFor([&] { return router_->Stats().queued == 1; }));
  router_->Refuse();
  const std::string refused = held.get();
  EXPECT_EQ(in_flight.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the held request is answered before the one in flight";
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << refused;
  EXPECT_NE(refused.find("the router is stopping"), std::string::npos) << refused;
  EXPECT_TRUE(closed);
  EXPECT_EQ(in_flight.get(), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_EQ(slow.received().size(), 1u);  // /b never reached the replica
  // A request arriving now is refused at once too.
  EXPECT_EQ(Exchange("GET /c HTTP/1.1\r\nHost: h\r\n\r\n", Never).rfind("HTTP/1.1 503", 0), 0u);
  EXPECT_EQ(router_->Stats().errors, 2);
}

// The router's own failures as metrics a rule can alert on: `errors` (answered 5xx by the
// router: here a request held with no replica until the queue timeout) and `rejected`
// (malformed requests), each per second since the previous reading.
TEST_F(RouterWire, ErrorsAndRejectedAreMeasuredPerSecondSinceThePreviousReading) {
  RouterOptions o;
  o.queue_timeout = 0.2;
  auto r = Router::Start(o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  router_ = std::move(*r);  // no replica at all
  RouterSource errors(router_.get(), "errors"), rejected(router_.get(), "rejected");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(
      Exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Ends("retry later\n")).rfind("HTTP/1.1 503", 0),
      0u);
  EXPECT_EQ(Exchange("GET / HTTP/1.1 x\r\n\r\n", Never).rfind("HTTP/1.1 400", 0), 0u);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto e = errors.Fetch(0), j = rejected.Fetch(0);
  ASSERT_TRUE(e.ok() && j.ok());
  // One of each since the sources were made, `took` seconds ago or a little more.
  EXPECT_GT(e->value, 0.5 / took);
  EXPECT_LE(e->value, 1.0 / took);
  EXPECT_GT(j->value, 0.5 / took);
  EXPECT_LE(j->value, 1.0 / took);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  e = errors.Fetch(0);
  j = rejected.Fetch(0);
  ASSERT_TRUE(e.ok() && j.ok());
  EXPECT_EQ(e->value, 0);  // nothing new
  EXPECT_EQ(j->value, 0);
}

// The routers' counters in the Prometheus exposition: counters and gauges per group, and the
// duration histogram with cumulative buckets whose +Inf count is the number of requests.
TEST(RouterFamilies, CountersGaugesAndACumulativeDurationHistogramPerGroup) {
  RouterStats s;
  s.requests = 6;
  s.errors = 1;
  s.rejected = 2;
  s.retries = 3;
  s.queued = 4;
  s.active = 5;
  s.latency_seconds = 0.75;
  s.latency_buckets[0] = 2;                      // <= 0.5 ms
  s.latency_buckets[2] = 3;                      // <= 2 ms
  s.latency_buckets[kLatencyBounds.size()] = 1;  // > 60 s
  const std::string text = FormatExposition(RouterFamilies({{"web", s}, {"api", RouterStats{}}}));
  for (const char* line :
       {"tide_router_requests_total{group=\"web\"} 6\n",
        "tide_router_errors_total{group=\"web\"} 1\n",
        "tide_router_rejected_total{group=\"web\"} 2\n",
        "tide_router_retries_total{group=\"web\"} 3\n", "tide_router_queued{group=\"web\"} 4\n",
        "tide_router_active{group=\"web\"} 5\n",
        "tide_router_request_duration_seconds_bucket{group=\"web\",le=\"0.0005\"} 2\n",
        "tide_router_request_duration_seconds_bucket{group=\"web\",le=\"0.001\"} 2\n",
        "tide_router_request_duration_seconds_bucket{group=\"web\",le=\"0.002\"} 5\n",
        "tide_router_request_duration_seconds_bucket{group=\"web\",le=\"60\"} 5\n",
        "tide_router_request_duration_seconds_bucket{group=\"web\",le=\"+Inf\"} 6\n",
        "tide_router_request_duration_seconds_sum{group=\"web\"} 0.75\n",
        "tide_router_request_duration_seconds_count{group=\"web\"} 6\n",
        "tide_router_requests_total{group=\"api\"} 0\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

}  // namespace
}  // namespace tide::local
