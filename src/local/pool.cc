// pool.cc: the monitor loop. Each pass (every `tick`): copy replica output to the logs, reap
// exited processes (a crash schedules a restart with backoff and may open the breaker), run
// the health checks of starting replicas, move draining replicas on (SIGTERM once idle,
// SIGKILL after the grace), and reconcile the count with the target.
#include "local/pool.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "local/health.h"
#include "local/rotating_log.h"
#include "platform/process.h"
#include "sources/procfs.h"

namespace tide::local {
namespace {

constexpr double kBackoffResetAfter = 10;  // seconds ready before a slot's backoff resets

// The start time (clock ticks after boot) of process `pid`, or -1 when it is gone.
long long StartTime(int pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  if (!in) return -1;
  std::stringstream ss;
  ss << in.rdbuf();
  auto st = sources::ParseProcStat(ss.str());
  return st.ok() ? st->starttime : -1;
}

// A port that was free a moment ago on 127.0.0.1 (the replica binds it; if another program
// took it meanwhile the replica fails and is restarted on another one).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

enum class State { kStarting, kReady, kDraining, kStopping, kWaitRestart };

struct Replica {
  int index = 0;     // REPLICA
  int id = 0;        // the router's name for it (unique per process)
  int pid = -1;
  int port = 0;
  State state = State::kStarting;
  double since = 0;      // entered the state
  double deadline = 0;   // kStarting: start timeout; kDraining: drain end; kStopping: SIGKILL;
                         // kWaitRestart: restart time
  double next_check = 0;
  int out = -1;          // read end of the output pipe
  std::string last_health;
};

}  // namespace

class Pool::Impl {
 public:
  Impl(PoolOptions o, Router* r, EventSink e)
      : opt(std::move(o)), svc(opt.service), router(r), events(std::move(e)),
        http(platform::MakeCurlHttpClient()) {}

  PoolOptions opt;
  const config::LocalService& svc;
  Router* router;
  EventSink events;
  std::unique_ptr<platform::HttpClient> http;
  std::string pid_path;
  std::string log_dir;

  std::atomic<int> desired{0};
  std::atomic<double> activated_at{-1e18};
  std::atomic<bool> stopping{false};
  std::thread thread;

  // Monitor-thread state.
  std::vector<Replica> replicas;
  std::map<int, std::unique_ptr<RotatingLog>> logs;  // by REPLICA index
  std::map<int, int> consecutive;                    // crashes in a row, by REPLICA index
  std::map<int, double> ready_since;                 // by REPLICA index
  std::deque<double> crash_times;
  bool breaker_open = false;
  double breaker_until = 0;
  int next_id = 1;
  long long crashes = 0, started = 0;
  std::string written_pids;

  mutable std::mutex mu;  // guards snapshot
  PoolStatus snapshot;

  void Emit(const std::string& kind, const std::string& message) {
    std::fprintf(stderr, "tide: group %s: %s: %s\n", opt.group.c_str(), kind.c_str(),
                 message.c_str());
    if (events) events(kind, message);
  }

  RotatingLog& LogOf(int index) {
    auto& l = logs[index];
    if (!l)
      l = std::make_unique<RotatingLog>(fmt::format("{}/{}-{}.log", log_dir, opt.group, index),
                                        svc.log_max_bytes, svc.log_keep);
    return *l;
  }

  void CopyOutput(Replica& r) {
    if (r.out < 0) return;
    char buf[8192];
    for (;;) {
      const ssize_t n = read(r.out, buf, sizeof buf);
      if (n > 0) {
        LogOf(r.index).Write(std::string_view(buf, static_cast<size_t>(n)));
        continue;
      }
      if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        close(r.out);
        r.out = -1;
      }
      if (n < 0 && errno == EINTR) continue;
      return;
    }
  }

  // Starts a process for slot `index`; false (and a crash counted) when it cannot start.
  bool Spawn(int index, double now) {
    Replica r;
    r.index = index;
    r.id = next_id++;
    r.port = FreePort();
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return false;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    auto pid = platform::SpawnProcess(
        svc.command, {{"PORT", std::to_string(r.port)}, {"REPLICA", std::to_string(index)}}, p[1]);
    close(p[1]);
    ++started;
    if (!pid.ok()) {
      close(p[0]);
      Emit("replica_failed_to_start", pid.status().message());
      Crashed(index, now);
      return false;
    }
    r.pid = *pid;
    r.out = p[0];
    r.state = State::kStarting;
    r.since = now;
    r.deadline = now + svc.health.start_timeout;
    r.next_check = now;
    LogOf(index).Write(fmt::format("--- tide: replica {} started: pid {}, PORT={}\n", index, r.pid,
                                   r.port));
    replicas.push_back(std::move(r));
    return true;
  }

  // Counts a crash of slot `index` and schedules its restart (or opens the breaker).
  void Crashed(int index, double now) {
    ++crashes;
    auto rs = ready_since.find(index);
    if (rs != ready_since.end() && now - rs->second > kBackoffResetAfter) consecutive[index] = 0;
    ready_since.erase(index);
    const int n = ++consecutive[index];
    crash_times.push_back(now);
    while (!crash_times.empty() && crash_times.front() < now - svc.crash_loop_window)
      crash_times.pop_front();
    if (breaker_open) {
      breaker_until = now + svc.crash_loop_cooldown;
    } else if (static_cast<int>(crash_times.size()) >= svc.crash_loop_restarts) {
      breaker_open = true;
      breaker_until = now + svc.crash_loop_cooldown;
      Emit("crash_loop", fmt::format("{} crashes within {}s: restarts stop for {}s (breaker open)",
                                     crash_times.size(), svc.crash_loop_window,
                                     svc.crash_loop_cooldown));
    }
    Replica w;
    w.index = index;
    w.state = State::kWaitRestart;
    w.since = now;
    const double delay =
        std::min(svc.restart_max_backoff, svc.restart_backoff * std::pow(2.0, n - 1));
    w.deadline = now + delay;
    replicas.push_back(std::move(w));
  }

  void Reap(double now) {
    std::vector<int> crashed;
    for (auto it = replicas.begin(); it != replicas.end();) {
      Replica& r = *it;
      if (r.pid <= 0) {
        ++it;
        continue;
      }
      int status = 0;
      const pid_t w = waitpid(r.pid, &status, WNOHANG);
      if (w != r.pid) {
        ++it;
        continue;
      }
      CopyOutput(r);
      if (r.out >= 0) close(r.out);
      kill(-r.pid, SIGKILL);  // anything the replica started in its group goes with it
      const std::string how = WIFSIGNALED(status)
                                  ? fmt::format("killed by signal {}", WTERMSIG(status))
                                  : fmt::format("exited with status {}", WEXITSTATUS(status));
      LogOf(r.index).Write(fmt::format("--- tide: replica {} (pid {}) {}\n", r.index, r.pid, how));
      router->RemoveBackend(r.id);
      const bool expected = r.state == State::kStopping || r.state == State::kDraining;
      if (!expected) {
        Emit("replica_crashed", fmt::format("replica {} (pid {}) {}{}", r.index, r.pid, how,
                                            r.state == State::kStarting && !r.last_health.empty()
                                                ? " before it was ready (" + r.last_health + ")"
                                                : ""));
        crashed.push_back(r.index);
      }
      it = replicas.erase(it);
    }
    for (int index : crashed) Crashed(index, now);
  }

  void CheckStarting(double now) {
    for (Replica& r : replicas) {
      if (r.state != State::kStarting || now < r.next_check) continue;
      if (now > r.deadline) {
        r.last_health = fmt::format("not healthy within {}s: {}", svc.health.start_timeout,
                                    r.last_health);
        kill(-r.pid, SIGKILL);  // reaped next pass, counted as a crash
        r.next_check = 1e300;
        continue;
      }
      r.last_health = CheckHealth(svc.health, r.port, http.get());
      r.next_check = SteadyNow() + svc.health.interval;
      if (!r.last_health.empty()) continue;
      r.state = State::kReady;
      r.since = now;
      ready_since[r.index] = now;
      router->AddBackend(r.id, r.port);
      if (breaker_open) {
        breaker_open = false;
        crash_times.clear();
        Emit("crash_loop_recovered", fmt::format("replica {} is ready: restarts resume", r.index));
      }
    }
  }

  void Stopping(Replica& r, double now) {
    router->RemoveBackend(r.id);
    kill(-r.pid, SIGTERM);
    r.state = State::kStopping;
    r.since = now;
    r.deadline = now + svc.grace;
  }

  void Advance(double now) {
    for (auto it = replicas.begin(); it != replicas.end();) {
      Replica& r = *it;
      if (r.state == State::kDraining &&
          (router->Outstanding(r.id) == 0 || now >= r.deadline)) {
        Stopping(r, now);
      } else if (r.state == State::kStopping && now >= r.deadline) {
        kill(-r.pid, SIGKILL);
        r.deadline = 1e300;
      } else if (r.state == State::kWaitRestart && now >= r.deadline && Spawnable(now)) {
        const int index = r.index;
        it = replicas.erase(it);
        Spawn(index, now);
        return;  // the vector changed; the next pass goes on
      }
      ++it;
    }
  }

  // May a new process start now? Not while the breaker is open; once its cooldown has
  // passed, one probe at a time (half-open).
  bool Spawnable(double now) const {
    if (!breaker_open) return true;
    if (now < breaker_until) return false;
    for (const Replica& r : replicas)
      if (r.state == State::kStarting) return false;
    return true;
  }

  int Target(double now) const {
    int t = desired.load();
    const RouterStats s = router->Stats();
    const bool traffic = s.active > 0 || now - activated_at.load() < svc.idle ||
                         (s.last_request_at > 0 && now - s.last_request_at < svc.idle);
    if (traffic) t = std::max(t, 1);
    return std::min(t, 1 << 20);
  }

  void Reconcile(double now) {
    const int target = Target(now);
    std::vector<Replica*> live;
    for (Replica& r : replicas)
      if (r.state == State::kStarting || r.state == State::kReady ||
          r.state == State::kWaitRestart)
        live.push_back(&r);
    if (static_cast<int>(live.size()) < target) {
      if (!Spawnable(now)) return;
      std::vector<bool> used;
      for (const Replica& r : replicas) {
        if (r.state == State::kStopping || r.state == State::kDraining) continue;
        if (static_cast<int>(used.size()) <= r.index) used.resize(r.index + 1);
        used[r.index] = true;
      }
      int index = 0;
      while (index < static_cast<int>(used.size()) && used[index]) ++index;
      Spawn(index, now);
      return;
    }
    if (static_cast<int>(live.size()) <= target) return;
    // Scale in: the cheapest to lose first — a pending restart, a replica not ready yet, then
    // the ready replica of the highest index.
    auto rank = [](const Replica* r) {
      return r->state == State::kWaitRestart ? 0 : r->state == State::kStarting ? 1 : 2;
    };
    std::sort(live.begin(), live.end(), [&](const Replica* a, const Replica* b) {
      if (rank(a) != rank(b)) return rank(a) < rank(b);
      return a->index > b->index;
    });
    for (size_t k = 0; k < live.size() - static_cast<size_t>(target); ++k) {
      Replica* r = live[k];
      if (r->state == State::kWaitRestart) {
        r->state = State::kStopping;
        r->pid = -1;
        r->deadline = -1;  // erased below
      } else if (r->state == State::kStarting) {
        Stopping(*r, now);
      } else {
        router->DrainBackend(r->id);
        r->state = State::kDraining;
        r->since = now;
        r->deadline = now + svc.drain_timeout;
      }
    }
    replicas.erase(std::remove_if(replicas.begin(), replicas.end(),
                                  [](const Replica& r) { return r.pid < 0 && r.deadline < 0; }),
                   replicas.end());
  }

  void WritePids() {
    std::string text;
    for (const Replica& r : replicas)
      if (r.pid > 0) text += fmt::format("{} {}\n", r.pid, StartTime(r.pid));
    if (text == written_pids) return;
    const std::string tmp = pid_path + ".tmp";
    { std::ofstream(tmp) << text; }
    std::rename(tmp.c_str(), pid_path.c_str());
    written_pids = text;
  }

  void Publish(double now) {
    PoolStatus s;
    s.desired = desired.load();
    s.target = Target(now);
    for (const Replica& r : replicas) {
      s.starting += r.state == State::kStarting;
      s.ready += r.state == State::kReady;
      s.draining += r.state == State::kDraining || r.state == State::kStopping;
      s.waiting_restart += r.state == State::kWaitRestart;
      if (r.pid > 0) s.pids.push_back(r.pid);
    }
    s.breaker_open = breaker_open;
    s.crashes = crashes;
    s.started = started;
    std::lock_guard<std::mutex> l(mu);
    snapshot = std::move(s);
  }

  void Pass() {
    const double now = SteadyNow();
    for (Replica& r : replicas) CopyOutput(r);
    Reap(now);
    CheckStarting(now);
    Advance(now);
    Reconcile(now);
    WritePids();
    Publish(now);
  }

  void Loop() {
    while (!stopping.load()) {
      Pass();
      std::this_thread::sleep_for(std::chrono::duration<double>(opt.tick));
    }
    Shutdown();
  }

  // Everything out of rotation, in-flight requests finish (up to drain_timeout), then
  // SIGTERM, SIGKILL after the grace, every process reaped.
  void Shutdown() {
    const double start = SteadyNow();
    for (Replica& r : replicas) {
      if (r.state == State::kReady) router->DrainBackend(r.id);
      if (r.state == State::kReady || r.state == State::kDraining) {
        r.state = State::kDraining;
        r.deadline = start + svc.drain_timeout;
      } else if (r.state == State::kStarting) {
        Stopping(r, start);
      }
    }
    replicas.erase(std::remove_if(replicas.begin(), replicas.end(),
                                  [](const Replica& r) { return r.pid <= 0; }),
                   replicas.end());
    while (!replicas.empty()) {
      const double now = SteadyNow();
      for (Replica& r : replicas) CopyOutput(r);
      Reap(now);
      replicas.erase(std::remove_if(replicas.begin(), replicas.end(),
                                    [](const Replica& r) { return r.pid <= 0; }),
                     replicas.end());
      Advance(now);
      std::this_thread::sleep_for(std::chrono::duration<double>(opt.tick));
    }
    std::error_code ec;
    std::filesystem::remove(pid_path, ec);
    Publish(SteadyNow());
  }
};

int KillLeftovers(const std::string& pid_file) {
  std::ifstream in(pid_file);
  if (!in) return 0;
  int killed = 0;
  long long pid = 0, start = 0;
  std::vector<pid_t> groups;
  while (in >> pid >> start) {
    if (pid <= 1 || start < 0) continue;
    // A process with the group's id that started at another time is someone else's (the pid
    // was reused): left alone. With no such process, only members of our old group can still
    // hold the id (Linux does not reuse a pid that names a live process group).
    const long long now_start = StartTime(static_cast<int>(pid));
    if (now_start >= 0 && now_start != start) continue;
    if (kill(-static_cast<pid_t>(pid), SIGKILL) != 0) continue;  // the group is gone
    groups.push_back(static_cast<pid_t>(pid));
    ++killed;
  }
  // Wait (up to 2 s) until they are gone so that their ports are free again.
  for (int i = 0; i < 200; ++i) {
    bool any = false;
    for (pid_t g : groups) any = any || kill(-g, 0) == 0;
    if (!any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::error_code ec;
  std::filesystem::remove(pid_file, ec);
  return killed;
}

Pool::Pool(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pool::~Pool() { Stop(); }

Result<std::unique_ptr<Pool>> Pool::Start(PoolOptions options, Router* router, EventSink events) {
  if (options.service.command.empty())
    return Status::InvalidInput(fmt::format("group {}: local.command is empty", options.group));
  auto impl = std::make_unique<Impl>(std::move(options), router, std::move(events));
  std::error_code ec;
  std::filesystem::create_directories(impl->opt.run_dir, ec);
  if (ec)
    return Status::Runtime(fmt::format("group {}: cannot create {}: {}", impl->opt.group,
                                       impl->opt.run_dir, ec.message()));
  impl->log_dir = impl->svc.log_dir.empty() ? impl->opt.run_dir : impl->svc.log_dir;
  std::filesystem::create_directories(impl->log_dir, ec);
  if (ec)
    return Status::Runtime(fmt::format("group {}: cannot create the log folder {}: {}",
                                       impl->opt.group, impl->log_dir, ec.message()));
  impl->pid_path = fmt::format("{}/{}.pids", impl->opt.run_dir, impl->opt.group);
  if (const int n = KillLeftovers(impl->pid_path); n > 0)
    impl->Emit("leftover_killed",
               fmt::format("{} replica process group(s) of a previous run were still running "
                           "({}): killed",
                           n, impl->pid_path));
  Impl* p = impl.get();
  impl->thread = std::thread([p] { p->Loop(); });
  return std::unique_ptr<Pool>(new Pool(std::move(impl)));
}

void Pool::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->stopping = true;
  impl_->thread.join();
}

void Pool::SetDesired(int n) { impl_->desired = std::max(0, n); }

void Pool::Activate() { impl_->activated_at = SteadyNow(); }

PoolStatus Pool::Snapshot() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->snapshot;
}

std::string Pool::pid_file() const { return impl_->pid_path; }

}  // namespace tide::local
