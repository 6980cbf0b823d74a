// api_test_support.h: starts the API on 127.0.0.1:0 over a FakeControlPlane and talks to it
// with httplib::Client or raw bytes over a socket.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/server.h"
#include "fake_control_plane.h"

namespace tide::api::testing {

// A fixture with a running server. Set `token` in the test's constructor to guard it.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions opt;
    opt.listen = "127.0.0.1:0";
    opt.token = token_;
    opt.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.push_back(line);
    };
    auto started = Server::Start(opt, &plane_);
    ASSERT_TRUE(started.ok()) << started.status().message();
    server_ = std::move(started).value();
    ASSERT_GT(server_->port(), 0);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  httplib::Client Client() const {
    httplib::Client cli("127.0.0.1", server_->port());
    cli.set_connection_timeout(2, 0);
    cli.set_read_timeout(10, 0);
    cli.set_write_timeout(10, 0);
    return cli;
  }

  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  static nlohmann::json Json(const httplib::Result& res) {
    return nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  }
  static std::string Error(const httplib::Result& res) {
    const nlohmann::json j = Json(res);
    return j.is_object() && j.contains("error") && j["error"].is_string()
               ? j["error"].get<std::string>()
               : "<no error field>";
  }

  std::string token_;
  FakeControlPlane plane_;
  std::unique_ptr<Server> server_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

// True once `data` holds a whole HTTP response: the headers and Content-Length bytes of body.
inline bool CompleteResponse(const std::string& data) {
  const size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = data.substr(0, end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t cl = head.find("\r\ncontent-length:");
  const size_t length =
      cl == std::string::npos ? 0 : std::strtoull(head.c_str() + cl + 17, nullptr, 10);
  return data.size() >= end + 4 + length;
}

// Sends `bytes` on a fresh connection and returns the server's first response, or "" when the
// server closes without one. `half_close` ends the sending side right away, for requests the
// server would otherwise wait on (an empty request, a body shorter than its Content-Length);
// httplib then drops the connection without answering.
inline std::string RawExchange(int port, const std::string& bytes, bool half_close = false) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (half_close) shutdown(fd, SHUT_WR);
    char buf[4096];
    ssize_t n;
    while (!CompleteResponse(out) && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

// The status code of a raw HTTP response, or 0 when there is none.
inline int RawStatus(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

}  // namespace tide::api::testing
