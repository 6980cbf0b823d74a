#include "local/health.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "platform/process.h"

namespace tide::local {

bool TcpAccepts(int port, double timeout) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (!ok && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(timeout * 1000)) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
  }
  close(fd);
  return ok;
}

std::string CheckHealth(const config::HealthCheck& check, int port, platform::HttpClient* http) {
  if (check.type == "tcp") {
    return TcpAccepts(port, check.timeout) ? "" : fmt::format("port {} does not accept yet", port);
  }
  if (check.type == "http") {
    platform::HttpRequest req;
    req.url = fmt::format("http://127.0.0.1:{}{}", port, check.path);
    req.timeout = check.timeout;
    auto res = http->Do(req);
    if (!res.ok()) return res.status().message();
    if (res->status < 200 || res->status > 299)
      return fmt::format("GET {} answered {}", req.url, res->status);
    return "";
  }
  std::vector<std::string> argv = check.command;
  for (auto& arg : argv) {
    for (size_t at = arg.find("{port}"); at != std::string::npos; at = arg.find("{port}", at))
      arg.replace(at, 6, std::to_string(port));
  }
  auto r = platform::RunProcess(argv, {{"PORT", std::to_string(port)}}, check.timeout);
  if (!r.ok()) return r.status().message();
  if (r->timed_out) return fmt::format("health command timed out after {}s", check.timeout);
  if (r->exit_code != 0)
    return fmt::format("health command exited {}: {}", r->exit_code, r->output.substr(0, 200));
  return "";
}

}  // namespace tide::local
