// tide-sample: the bundled service of the local main job (examples/local-web.yaml). A tiny
// HTTP server on cpp-httplib that burns a fixed amount of CPU per request, so that load
// shows as busy replicas. It listens on 127.0.0.1:$PORT (tide sets PORT and REPLICA).
//
//   GET|POST /     CPU work (--work-ms of this thread's CPU time, or ?ms=N), then 200
//                  "ok replica=R\n"
//   GET /healthz   200 once listening
//
// Usage: tide-sample [--work-ms MS] [--startup-ms MS] [--threads N]
//   --startup-ms waits before listening (a slow boot, so that scale-from-zero shows).
//   --threads    connections served at once (default 64; see below).
#include <httplib.h>
#include <sys/socket.h>
#include <time.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

// Spins until this thread has used `ms` milliseconds of CPU; returns a value that depends on
// the work so the compiler keeps it.
double Work(double ms) {
  const double end = ThreadCpuSeconds() + ms / 1000.0;
  double x = 1.0;
  while (ThreadCpuSeconds() < end) {
    for (int i = 0; i < 1000; ++i) x = std::sqrt(x + i);
  }
  return x;
}

httplib::Server* g_server = nullptr;

}  // namespace

int main(int argc, char** argv) {
  double work_ms = 2, startup_ms = 0;
  int threads = 64;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--work-ms" || a == "--startup-ms") && i + 1 < argc) {
      (a == "--work-ms" ? work_ms : startup_ms) = std::atof(argv[++i]);
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
      if (threads < 1 || threads > 10000) {
        std::fprintf(stderr, "tide-sample: --threads '%s': allowed: an integer in [1, 10000]\n",
                     argv[i]);
        return 2;
      }
    } else {
      std::fprintf(stderr,
                   "tide-sample: unknown argument '%s'; allowed: --work-ms MS, --startup-ms MS, "
                   "--threads N\n",
                   a.c_str());
      return 2;
    }
  }
  const char* port_env = std::getenv("PORT");
  const int port = port_env ? std::atoi(port_env) : 0;
  if (port <= 0 || port > 65535) {
    std::fprintf(stderr, "tide-sample: PORT = '%s': expected a port number in [1, 65535]\n",
                 port_env ? port_env : "");
    return 2;
  }
  const char* replica_env = std::getenv("REPLICA");
  const std::string replica = replica_env ? replica_env : "?";
  if (startup_ms > 0)
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(startup_ms));

  httplib::Server server;
  g_server = &server;
  // cpp-httplib serves one connection per pool thread for as long as it is kept alive; tide's
  // router keeps one connection per concurrent request open, so the pool must be at least as
  // large as the concurrency a replica is sent (64 by default).
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.set_keep_alive_max_count(1000000);
  server.set_keep_alive_timeout(60);
  server.set_tcp_nodelay(true);  // header and body are separate writes: no Nagle delay
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  const auto work = [&](const httplib::Request& req, httplib::Response& res) {
    double ms = work_ms;
    if (req.has_param("ms")) ms = std::atof(req.get_param_value("ms").c_str());
    const double x = Work(ms);
    res.set_content("ok replica=" + replica + (x < 0 ? "!" : "") + "\n", "text/plain");
  };
  server.Get("/", work);
  server.Post("/", work);
  std::signal(SIGTERM, [](int) {
    if (g_server) g_server->stop();
  });
  std::fprintf(stderr, "tide-sample: replica %s listening on 127.0.0.1:%d, %.1f ms CPU per request\n",
               replica.c_str(), port, work_ms);
  // Debian's cpp-httplib is a compiled library that listens with a backlog of 5: a burst of
  // new connections (the router opening keep-alive connections to a replica that has just
  // become ready) overflows it, and every dropped SYN costs a 1 s retransmission. The
  // listener is found through the socket-options hook and given the system's backlog.
  int listener = -1;
  server.set_socket_options([&listener](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listener = sock;
  });
  if (!server.bind_to_port("127.0.0.1", port) || ::listen(listener, SOMAXCONN) != 0 ||
      !server.listen_after_bind()) {
    std::fprintf(stderr, "tide-sample: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::fprintf(stderr, "tide-sample: replica %s stopped\n", replica.c_str());
  return 0;
}
