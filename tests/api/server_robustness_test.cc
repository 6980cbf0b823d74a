// Hostile and concurrent clients: a seeded stream of malformed requests must get 4xx answers
// (or a closed connection) and leave the server healthy; parallel clients all get served.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "api_test_support.h"

namespace tide::api::testing {
namespace {

using RobustnessTest = ApiTest;

std::string RandomBytes(std::mt19937& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(len(rng), '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

// Bodies for POST /override that must all be refused with 400.
std::vector<std::string> BadOverrideBodies() {
  return {
      "{",
      "}",
      "null",
      "[[[[[[[[[[",
      std::string(20000, '[') + std::string(20000, ']'),
      R"({"desired": 1e308, "for": "1m"})",
      R"({"desired": -9223372036854775808, "for": "1m"})",
      R"({"desired": 18446744073709551615, "for": "1m"})",
      R"({"desired": 184467440737095516150000, "for": "1m"})",
      R"({"desired": -0.0, "for": "1m"})",
      R"({"desired": true, "for": "1m"})",
      R"({"desired": [3], "for": "1m"})",
      R"({"desired": {"n": 3}, "for": "1m"})",
      R"({"desired": 3, "for": "1e999s"})",
      R"({"desired": 3, "for": 1e308})",
      R"({"desired": 3, "for": "9999999999999d"})",
      R"({"desired": 3, "expires_at": 1e20})",
      R"({"desired": 3, "expires_at": "2026-02-30T00:00:00Z"})",
      R"({"desired": 3, "for": "NaN"})",
      R"({"desired": 3, "for": "-inf"})",
      R"({"desired": 3, "for": ""})",
      R"({"desired": 3, "for": "10 minutes"})",
      R"({"desired": 3, "expires_at": null})",
      R"({"desired": 3, "expires_at": "2026-13-45T99:99:99Z"})",
      "{\"desired\": 3, \"for\": \"\xff\xfe\"}",
      "{\"\xc3\x28\": 1}",
      R"({"desired": 3, "for": "1m", "desired": -1})",
      "\xef\xbb\xbf",
  };
}

TEST_F(RobustnessTest, MalformedRequestsNeverCrashTheServer) {
  std::mt19937 rng(20240917);
  const int port = server_->port();
  int answered = 0;
  auto expect_client_error = [&](int status, const std::string& what) {
    if (status == 0) return;  // the server may close a connection it cannot parse
    ++answered;
    EXPECT_GE(status, 400) << what;
    EXPECT_LT(status, 500) << what;
  };

  // 1. Bad JSON and bad values through a well-formed HTTP request.
  for (const std::string& body : BadOverrideBodies()) {
    auto res = Client().Post("/api/v1/groups/web/override", body, "application/json");
    ASSERT_TRUE(res) << body.substr(0, 40);
    EXPECT_EQ(res->status, 400) << body.substr(0, 40) << " -> " << res->body;
    EXPECT_TRUE(Json(res).is_object()) << res->body;
  }
  // 2. Random bytes as bodies.
  for (int i = 0; i < 60; ++i) {
    auto res =
        Client().Post("/api/v1/groups/web/override", RandomBytes(rng, 2000), "application/json");
    ASSERT_TRUE(res);
    expect_client_error(res->status, "random body");
  }
  // 3. Query parameters: strings, huge and negative numbers.
  for (const char* q :
       {"/api/v1/events?limit=1e3", "/api/v1/events?limit=0x10", "/api/v1/events?limit=%00",
        "/api/v1/events?since=inf", "/api/v1/events?since=nan", "/api/v1/events?since=1e999",
        "/api/v1/events?limit=-99999999999999999999", "/api/v1/groups/web?decisions=%ff",
        "/api/v1/groups/web?decisions=x&decisions=9"}) {
    auto res = Client().Get(q);
    ASSERT_TRUE(res) << q;
    expect_client_error(res->status, q);
  }
  // 4. Raw garbage: unknown methods, broken request lines and headers, traversal paths.
  // Requests the server would wait on: sent half-closed, so it drops them at once.
  for (const std::string& bytes :
       {std::string(""), std::string("GET /api/v1/groups HTTP/1.1\r\n"),
        std::string("POST /api/v1/reload HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
        std::string("POST /api/v1/reload HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"),
        std::string("POST /api/v1/groups/web/override HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")}) {
    expect_client_error(RawStatus(RawExchange(port, bytes, /*half_close=*/true)), bytes);
  }
  // Requests the server answers at once; random bytes end in a blank line so that it does.
  std::vector<std::string> raw = {
      "\r\n\r\n",
      "GET\r\n\r\n",
      "FOO /api/v1/groups HTTP/1.1\r\nHost: x\r\n\r\n",
      "TRACE /api/v1/groups HTTP/1.1\r\nHost: x\r\n\r\n",
      "CONNECT 127.0.0.1:22 HTTP/1.1\r\n\r\n",
      "GET /api/v1/groups HTTP/9.9\r\n\r\n",
      "GET ../../etc/passwd HTTP/1.1\r\n\r\n",
      "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/groups/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX: " + std::string(20000, 'h') + "\r\n\r\n",
      "POST /api/v1/reload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /api/v1/groups HTTP/1.1\r\nRange: bytes=99999-1\r\n\r\n",
      "GET /api/v1/groups HTTP/1.1\r\nAuthorization: Bearer \xff\r\n\r\n",
  };
  for (int i = 0; i < 60; ++i) raw.push_back(RandomBytes(rng, 300) + "\r\n\r\n");
  for (int i = 0; i < 20; ++i) raw.push_back("GET /" + RandomBytes(rng, 50) + " HTTP/1.1\r\n\r\n");
  for (const std::string& bytes : raw) {
    const std::string response = RawExchange(port, bytes);
    const int status = RawStatus(response);
    if (status == 200) continue;  // e.g. /healthz with a long header, a Range on /groups
    expect_client_error(status, bytes.substr(0, 60));
  }
  EXPECT_GT(answered, 100);
  EXPECT_TRUE(plane_.overrides.empty());
  EXPECT_TRUE(Log().empty()) << Log()[0];

  auto res = Client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(RobustnessTest, ServesFourClientsAtOnce) {
  constexpr int kThreads = 4;
  constexpr int kRequestsEach = 40;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client cli("127.0.0.1", server_->port());
      cli.set_keep_alive(t % 2 == 0);  // half reuse one connection, half open one per request
      for (int i = 0; i < kRequestsEach; ++i) {
        auto send = [&]() {
          switch (i % 4) {
            case 0:
              return cli.Get("/api/v1/groups");
            case 1:
              return cli.Get("/api/v1/groups/worker?decisions=3");
            case 2:
              return cli.Post("/api/v1/groups/web/pause");
            default:
              return cli.Get("/metrics");
          }
        };
        auto res = send();
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(ok, kThreads * kRequestsEach);
  EXPECT_EQ(plane_.CallCount(), static_cast<size_t>(kThreads * kRequestsEach));
}

// Clients that send a request a header line at a time, slowly (slowloris), must not starve
// the others: /healthz answers at once while 20 of them trickle, and a client that pauses
// longer than the read timeout is dropped.
TEST_F(RobustnessTest, SlowClientsDoNotStarveTheOthers) {
  constexpr int kSlow = 20;
  std::vector<int> slow;
  for (int i = 0; i < kSlow; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const std::string start = "GET /api/v1/groups HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(send(fd, start.data(), start.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(start.size()));
    slow.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every one holds a worker
  httplib::Client cli("127.0.0.1", server_->port());
  cli.set_read_timeout(1, 0);
  const auto t0 = std::chrono::steady_clock::now();
  auto res = cli.Get("/healthz");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(res) << "no answer while " << kSlow << " clients trickle";
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(seconds, 1.0);
  // Silent for 3 s, longer than the 2 s read timeout: the server has answered 400 (or just
  // closed) and let them go.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  int dropped = 0;
  for (int fd : slow) {
    std::string got;
    char buf[512];
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<size_t>(n));
    if (n == 0 && (got.empty() || RawStatus(got) == 400)) ++dropped;  // closed, nothing served
    close(fd);
  }
  EXPECT_EQ(dropped, kSlow);
}

}  // namespace
}  // namespace tide::api::testing
