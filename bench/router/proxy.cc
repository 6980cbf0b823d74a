// router_proxy: tide's request router (src/local/router.h) in front of one replica that is
// already running, for bench/router/run.sh: the same replica is measured directly, through
// this router and through nginx.
//
// Usage: router_proxy LISTEN_PORT REPLICA_PORT [MAX_PER_REPLICA [IO_SLICE_US]]
//        IO_SLICE_US: RouterOptions::io_thread_slice in microseconds (0 = kernel default)
//        (runs until SIGTERM/SIGINT)
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "local/router.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: router_proxy LISTEN_PORT REPLICA_PORT [MAX_PER_REPLICA [IO_SLICE_US]]\n");
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  tide::local::RouterOptions o;
  o.listen = std::string("127.0.0.1:") + argv[1];
  if (argc > 3) o.max_per_replica = std::atoi(argv[3]);
  if (argc > 4) o.io_thread_slice = std::atof(argv[4]) * 1e-6;
  auto router = tide::local::Router::Start(o);
  if (!router.ok()) {
    std::fprintf(stderr, "router_proxy: %s\n", router.status().message().c_str());
    return 1;
  }
  (*router)->AddBackend(1, std::atoi(argv[2]));
  std::fprintf(stderr, "router_proxy: %s -> 127.0.0.1:%s (max %d per replica, io slice %.0f us)\n",
               (*router)->url().c_str(), argv[2], o.max_per_replica, o.io_thread_slice * 1e6);
  int sig = 0;
  sigwait(&set, &sig);
  (*router)->Stop();
  return 0;
}
