// RunProcess with real programs from the base system (sh, sleep, true, false).
#include "platform/process.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>

#include "platform/process_internal.h"

namespace tide::platform {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// No child of this test process is left unreaped.
void ExpectNoChildren() {
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(RunProcess, ExitCodes) {
  struct Case {
    const char* name;
    std::vector<std::string> argv;
    int want;
  };
  const Case cases[] = {
      {"true", {"true"}, 0},
      {"false", {"false"}, 1},
      {"exit 3", {"sh", "-c", "exit 3"}, 3},
      {"exit 255", {"sh", "-c", "exit 255"}, 255},
  };
  for (const Case& c : cases) {
    auto r = RunProcess(c.argv, {}, 5);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().message();
    EXPECT_EQ(r->exit_code, c.want) << c.name;
    EXPECT_EQ(r->signal, 0) << c.name;
    EXPECT_FALSE(r->timed_out) << c.name;
  }
  ExpectNoChildren();
}

TEST(RunProcess, CapturesStdoutAndStderrTogether) {
  auto r = RunProcess({"sh", "-c", "echo out; echo err >&2; echo out2"}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output, "out\nerr\nout2\n");
}

TEST(RunProcess, ArgumentsAreNotInterpretedByAShell) {
  auto r =
      RunProcess({"sh", "-c", "printf '%s|' \"$@\"", "argv0", "a b", "$HOME", "*", ";"}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output, "a b|$HOME|*|;|");
}

TEST(RunProcess, KeepsTheLastFourKibibytes) {
  // 10000 'a' then "END": the kept tail is 4096 bytes ending in END.
  auto r = RunProcess({"sh", "-c",
                       "i=0; while [ $i -lt 100 ]; do printf '%0100d' 0; i=$((i+1)); "
                       "done; printf END"},
                      {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output.size(), 4096u);
  EXPECT_EQ(r->output.substr(4093), "END");
}

TEST(RunProcess, StdinIsEmpty) {
  auto r = RunProcess({"sh", "-c", "cat; echo done"}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output, "done\n");
}

TEST(RunProcess, EnvironmentIsInheritedAndExtended) {
  setenv("TIDE_TEST_INHERITED", "from-parent", 1);
  setenv("TIDE_TEST_OVERRIDDEN", "old", 1);
  auto r = RunProcess(
      {"sh", "-c", "echo $TIDE_TEST_INHERITED $TIDE_TEST_OVERRIDDEN \"$TIDE_TEST_ADDED\""},
      {{"TIDE_TEST_OVERRIDDEN", "new"}, {"TIDE_TEST_ADDED", "x y"}}, 5);
  unsetenv("TIDE_TEST_INHERITED");
  unsetenv("TIDE_TEST_OVERRIDDEN");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output, "from-parent new x y\n");
}

TEST(RunProcess, MissingProgramIsARuntimeErrorNamingIt) {
  auto r = RunProcess({"tide-no-such-program", "x"}, {}, 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_NE(r.status().message().find("'tide-no-such-program'"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("No such file"), std::string::npos) << r.status().message();

  auto abs = RunProcess({"/nonexistent/dir/prog"}, {}, 5);
  ASSERT_FALSE(abs.ok());
  EXPECT_NE(abs.status().message().find("/nonexistent/dir/prog"), std::string::npos);
  ExpectNoChildren();
}

TEST(RunProcess, KilledBySignalReportsTheSignal) {
  auto r = RunProcess({"sh", "-c", "echo bye; kill -9 $$"}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->output, "bye\n");
}

TEST(RunProcess, TimeoutTerminatesTheWholeGroup) {
  // The shell waits on a background sleep: SIGTERM must reach both, the group is killed.
  const auto start = Clock::now();
  auto r = RunProcess({"sh", "-c", "echo started; sleep 30 & wait"}, {}, 0.5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_EQ(r->output, "started\n");
  EXPECT_LT(SecondsSince(start), 2.5);
  ExpectNoChildren();
}

TEST(RunProcess, IgnoredTermEscalatesToKill) {
  // The real grace is 2 s; the same code path with 0.1 s.
  const auto start = Clock::now();
  auto r = RunProcessWithGrace(
      {"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"}, {}, 0.5, 0.1);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->output, "ready\n");
  EXPECT_LT(SecondsSince(start), 2.5);
  ExpectNoChildren();
}

// The daemon blocks SIGTERM/SIGINT/SIGHUP and ignores SIGPIPE in every thread
// (platform/signals.h); a child must start with neither, or the timeout's SIGTERM would not
// stop it and pipelines in a script would misbehave.
class DaemonSignalMask : public ::testing::Test {
 protected:
  void SetUp() override {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, &old_mask_), 0);
    old_pipe_ = signal(SIGPIPE, SIG_IGN);
  }
  void TearDown() override {
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    signal(SIGPIPE, old_pipe_);
  }
  sigset_t old_mask_;
  sighandler_t old_pipe_ = SIG_DFL;
};

TEST_F(DaemonSignalMask, ChildStartsWithNothingBlockedOrIgnored) {
  auto r = RunProcess({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->output, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_F(DaemonSignalMask, TimeoutStillTerminates) {
  const auto start = Clock::now();
  auto r = RunProcess({"sleep", "30"}, {}, 0.2);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_LT(SecondsSince(start), 2.5);
}

TEST(RunProcess, ExitedChildIsNotHeldByABackgroundGrandchild) {
  // The grandchild keeps the output pipe open; the result comes when the child exits.
  const auto start = Clock::now();
  auto r = RunProcess({"sh", "-c", "sleep 3 & echo parent done"}, {}, 5);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->output, "parent done\n");
  EXPECT_LT(SecondsSince(start), 2.0);
}

}  // namespace
}  // namespace tide::platform
