// RunProcess: fork + execvpe (never a shell) into a new process group, stdout and stderr on one
// pipe, a poll loop for output and the deadline, and SIGTERM then SIGKILL to the whole group.
//
// Exec failure is reported through a second, close-on-exec pipe: a successful exec closes it
// (the parent reads EOF), a failed one writes errno into it before _exit(127).
#include "platform/process.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <system_error>
#include <thread>
#include <utility>

#include "platform/process_internal.h"

extern char** environ;

namespace tide::platform {
namespace {

constexpr size_t kMaxOutput = 4096;  // bytes of output kept (the last ones)
constexpr double kKillGrace = 2;     // seconds between SIGTERM and SIGKILL

using Steady = std::chrono::steady_clock;

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string ErrnoText(int err) { return std::system_category().message(err); }

// The current environment with `extra` added or replacing same-named variables.
std::vector<std::string> MergedEnv(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos && extra.count(kv.substr(0, eq)) != 0) continue;
    out.push_back(kv);
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// In the child between fork and exec: async-signal-safe calls only (the parent may have threads
// holding locks that will never be released here).
// `die_with_parent`: the kernel SIGKILLs the child when the thread that forked it ends (a
// killed tide leaves no replica behind).
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, int in, int out, int err_pipe,
                            bool die_with_parent = false) {
  setpgid(0, 0);
  if (die_with_parent) prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &dfl, nullptr);  // an ignored SIGPIPE would survive exec
  dup2(in, 0);
  dup2(out, 1);
  dup2(out, 2);
  // Nothing else of the parent's (its listening sockets, its database) reaches the program:
  // a child that outlives tide must not hold tide's ports. err_pipe stays usable until exec.
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < 1024; ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  for (int fd = 0; fd <= 2; ++fd) fcntl(fd, F_SETFD, 0);  // dup2 onto itself keeps CLOEXEC
  execvpe(argv[0], argv, envp);
  const int e = errno;
  ssize_t ignored = write(err_pipe, &e, sizeof e);
  (void)ignored;
  _exit(127);
}

// Reads what the non-blocking `fd` holds now into `out`, keeping the last kMaxOutput bytes.
// Returns false at end of file (every writer closed it) or on a read error.
bool Drain(int fd, std::string* out) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      if (out->size() > kMaxOutput) out->erase(0, out->size() - kMaxOutput);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

// Milliseconds from now to `t`, rounded up, within [0, cap].
int MillisUntil(Steady::time_point t, int cap) {
  const auto now = Steady::now();
  if (t <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(t - now).count();
  return static_cast<int>(std::min<long long>(ms, cap));
}

}  // namespace

Result<ProcessResult> RunProcessWithGrace(const std::vector<std::string>& argv,
                                          const std::map<std::string, std::string>& env,
                                          double timeout, double kill_grace,
                                          std::stop_token cancel) {
  assert(!argv.empty());
  const std::string& program = argv[0];
  // Everything the child needs is built before fork.
  const std::vector<std::string> env_strings = MergedEnv(env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env_strings);

  const auto fail = [&](const char* step) {
    return Status::Runtime(
        fmt::format("cannot start '{}': {}: {}", program, step, ErrnoText(errno)));
  };
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return fail("pipe");
  Fd out_r(p[0]), out_w(p[1]);
  if (pipe2(p, O_CLOEXEC) != 0) return fail("pipe");
  Fd err_r(p[0]), err_w(p[1]);
  Fd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (devnull.get() < 0) return fail("/dev/null");

  const pid_t pid = fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) ExecChild(c_argv.data(), c_env.data(), devnull.get(), out_w.get(), err_w.get());

  setpgid(pid, pid);  // also done by the child; whichever runs first, the group exists for kill
  out_w.Close();
  err_w.Close();
  devnull.Close();

  int status = 0;
  auto reap = [&] {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  };

  int child_errno = 0;
  ssize_t n;
  while ((n = read(err_r.get(), &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
  }
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    reap();
    return Status::Runtime(fmt::format("cannot start '{}': {}", program, ErrnoText(child_errno)));
  }
  err_r.Close();

  fcntl(out_r.get(), F_SETFL, fcntl(out_r.get(), F_GETFL) | O_NONBLOCK);
  const auto never = Steady::time_point::max();
  auto next = timeout > 0 ? Steady::now() + std::chrono::duration_cast<Steady::duration>(
                                                std::chrono::duration<double>(timeout))
                          : never;
  enum class Phase { kRunning, kTerminating, kKilled } phase = Phase::kRunning;
  ProcessResult r;
  bool pipe_open = true;
  bool exited = false;
  while (!exited) {
    const bool cancelling = phase == Phase::kRunning && cancel.stop_requested();
    if (Steady::now() >= next || cancelling) {
      if (phase == Phase::kRunning) {
        kill(-pid, SIGTERM);
        (cancelling ? r.cancelled : r.timed_out) = true;
        phase = Phase::kTerminating;
        next = Steady::now() + std::chrono::duration_cast<Steady::duration>(
                                   std::chrono::duration<double>(kill_grace));
      } else if (phase == Phase::kTerminating) {
        kill(-pid, SIGKILL);
        phase = Phase::kKilled;
        next = never;
      }
    }
    if (pipe_open) {
      // Wake at least every 50 ms to notice a child that exited while a process it started
      // still holds the pipe open.
      pollfd pfd = {out_r.get(), POLLIN, 0};
      poll(&pfd, 1, MillisUntil(next, 50));
      pipe_open = Drain(out_r.get(), &r.output);
    } else {
      // Output is closed; the child is exiting (or closed its output and runs on).
      std::this_thread::sleep_for(std::chrono::milliseconds(MillisUntil(next, 2)));
    }
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      exited = true;
    } else if (w < 0 && errno == ECHILD) {
      status = -1;  // reaped elsewhere (SIGCHLD ignored by the host program): status unknown
      exited = true;
    }
  }
  if (pipe_open) Drain(out_r.get(), &r.output);  // what is left; a grandchild may hold it open
  if (status != -1 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (status != -1 && WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

Result<int> SpawnProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, int output_fd) {
  assert(!argv.empty());
  const std::vector<std::string> env_strings = MergedEnv(env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env_strings);
  const auto fail = [&](const char* step) {
    return Status::Runtime(
        fmt::format("cannot start '{}': {}: {}", argv[0], step, ErrnoText(errno)));
  };
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return fail("pipe");
  Fd err_r(p[0]), err_w(p[1]);
  Fd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (devnull.get() < 0) return fail("/dev/null");
  const int out = output_fd >= 0 ? output_fd : devnull.get();
  const pid_t pid = fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) ExecChild(c_argv.data(), c_env.data(), devnull.get(), out, err_w.get(), true);
  setpgid(pid, pid);
  err_w.Close();
  int child_errno = 0;
  ssize_t n;
  while ((n = read(err_r.get(), &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
  }
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return Status::Runtime(fmt::format("cannot start '{}': {}", argv[0], ErrnoText(child_errno)));
  }
  return static_cast<int>(pid);
}

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const std::map<std::string, std::string>& env, double timeout,
                                 std::stop_token cancel) {
  return RunProcessWithGrace(argv, env, timeout, kKillGrace, std::move(cancel));
}

}  // namespace tide::platform
