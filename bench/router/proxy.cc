// router_proxy: tide's request router (src/local/router.h) in front of one replica that is
// already running, for bench/router/run.sh: the same replica is measured directly, through
// this router and through nginx.
//
// Usage: router_proxy LISTEN_PORT REPLICA_PORT [MAX_PER_REPLICA]
//        (runs until SIGTERM/SIGINT)
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "local/router.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: router_proxy LISTEN_PORT REPLICA_PORT [MAX_PER_REPLICA]\n");
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
  auto router = tide::local::Router::Start(o);
  if (!router.ok()) {
    std::fprintf(stderr, "router_proxy: %s\n", router.status().message().c_str());
    return 1;
  }
  (*router)->AddBackend(1, std::atoi(argv[2]));
  std::fprintf(stderr, "router_proxy: %s -> 127.0.0.1:%s (max %d per replica)\n",
               (*router)->url().c_str(), argv[2], o.max_per_replica);
  int sig = 0;
  sigwait(&set, &sig);
  (*router)->Stop();
  return 0;
}
