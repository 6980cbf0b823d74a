// The exec actuator running a real script (the script is the program: no shell between tide
// and it) in a temporary directory. The script records what it received and exits with a code
// the test wrote beforehand, so a test can script failures followed by recovery.
#include "actuators/exec.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <stop_token>
#include <thread>

namespace tide::actuators {
namespace {

namespace fs = std::filesystem;

// Call N (1-based) records "$@" one per line in args and the TIDE_* variables in env, prints
// "attempt N", then exits with the code on line N of codes (0 past its end), or sleeps 5 s
// when that line says "sleep".
constexpr const char* kScript = R"(#!/bin/sh
d=$(dirname "$0")
n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$d/count"
printf '%s\n' "$@" > "$d/args"
echo "$TIDE_GROUP|$TIDE_DESIRED|$TIDE_CURRENT|$TIDE_REASON" > "$d/env"
code=$(sed -n "${n}p" "$d/codes" 2>/dev/null)
echo "attempt $n"
if [ "$code" = sleep ]; then exec sleep 5; fi
exit "${code:-0}"
)";

class ExecActuatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tide-exec-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    script_ = (dir_ / "scale.sh").string();
    Write("scale.sh", kScript);
    ASSERT_EQ(chmod(script_.c_str(), 0755), 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  ExecActuator Make(std::vector<std::string> extra_args, double timeout = 5, int retries = 3) {
    std::vector<std::string> argv = {script_};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    return ExecActuator(argv, timeout, retries, /*backoff_base=*/0.01);
  }

  const Action action_ = {"web", 7, 4, "ScaleUp", "cpu 90% above target 60%"};
  fs::path dir_;
  std::string script_;
};

TEST_F(ExecActuatorTest, PlaceholdersAndEnvironmentReachTheCommand) {
  auto a = Make({"--to", "{desired}", "--from={current}", "{group}/{group}", "{unknown}"});
  const ActionResult r = a.Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.detail, "exit 0: attempt 1");
  EXPECT_EQ(Read("args"), "--to\n7\n--from=4\nweb/web\n{unknown}\n");
  EXPECT_EQ(Read("env"), "web|7|4|ScaleUp\n");
}

TEST_F(ExecActuatorTest, ArgumentsAreNotShellExpanded) {
  auto a = Make({"$HOME", "a b", "*;echo"});
  EXPECT_EQ(a.Apply(action_).outcome, Outcome::kApplied);
  EXPECT_EQ(Read("args"), "$HOME\na b\n*;echo\n");
}

TEST_F(ExecActuatorTest, FailThenRecover) {
  Write("codes", "3\n1\n0\n");
  const ActionResult r = Make({}).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(Read("count"), "3\n");
}

TEST_F(ExecActuatorTest, FailsAfterRetriesWithTheLastExitAndLine) {
  Write("codes", "2\n3\n3\n0\n");
  const ActionResult r = Make({}, 5, /*retries=*/2).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.detail, "exit 3: attempt 3");
  EXPECT_EQ(Read("count"), "3\n");  // the 0 on line 4 was never reached
}

TEST_F(ExecActuatorTest, TimesOutAfterRetries) {
  Write("codes", "sleep\nsleep\n");
  const auto start = std::chrono::steady_clock::now();
  const ActionResult r = Make({}, /*timeout=*/0.4, /*retries=*/1).Apply(action_);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.outcome, Outcome::kTimedOut);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.detail.rfind("timed out after 0.4 s", 0), 0u) << r.detail;
  EXPECT_EQ(Read("count"), "2\n");
  EXPECT_LT(took, 3.0);  // generous: the bound only shows the 5 s sleeps were cut short
}

TEST_F(ExecActuatorTest, TimeoutThenSuccessIsApplied) {
  Write("codes", "sleep\n0\n");
  const ActionResult r = Make({}, /*timeout=*/0.4, /*retries=*/1).Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(ExecActuatorTest, MissingProgramFailsNamingIt) {
  ExecActuator a({(dir_ / "no-such-script").string(), "{desired}"}, 5, /*retries=*/1, 0.01);
  const ActionResult r = a.Apply(action_);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.detail.find("no-such-script"), std::string::npos) << r.detail;
}

// Polls `pred` every 10 ms for up to 10 s.
bool WaitFor(const std::function<bool()>& pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!pred() && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pred();
}

// `tide run`'s shutdown as the QA saw it (timeout 4 s, retries 3: 16.6 s of retries after
// SIGTERM): the signal during the first attempt's backoff ends the sleep (10 s here) and no
// further attempt starts. Built through the factory, as `tide run` builds it.
TEST_F(ExecActuatorTest, ShutdownDuringTheBackoffStartsNoFurtherAttempt) {
  Write("codes", "sleep\nsleep\nsleep\nsleep\n");
  std::stop_source stop;
  config::Actuator cfg;
  cfg.type = "exec";
  cfg.command = {script_};
  cfg.timeout = 0.3;
  cfg.retries = 3;
  ActuatorDeps deps;
  deps.backoff_base = 10;
  deps.shutdown.stop = stop.get_token();
  auto a = MakeActuator(cfg, deps);
  ASSERT_TRUE(a.ok()) << a.status().message();
  const auto start = std::chrono::steady_clock::now();
  auto pending = std::async(std::launch::async, [&] { return (*a)->Apply(action_); });
  ASSERT_TRUE(WaitFor([&] { return Read("count") == "1\n"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // timed out: in the backoff
  stop.request_stop();
  const ActionResult r = pending.get();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.outcome, Outcome::kTimedOut);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.detail, "timed out after 0.3 s: attempt 1; not retried: tide is stopping");
  EXPECT_EQ(Read("count"), "1\n");
  EXPECT_LT(took, 5.0);  // the backoff alone is 10 s
}

// The first signal lets the command in flight run on (no retry after it); a second one
// (`abort`) kills it.
TEST_F(ExecActuatorTest, ShutdownLetsTheCommandInFlightFinishAndAbortKillsIt) {
  Write("codes", "sleep\nsleep\n");
  std::stop_source stop, abort;
  std::vector<std::string> argv = {script_};
  ExecActuator a(argv, /*timeout=*/20, /*retries=*/3, /*backoff_base=*/0.01,
                 {stop.get_token(), abort.get_token()});
  auto pending = std::async(std::launch::async, [&] { return a.Apply(action_); });
  ASSERT_TRUE(WaitFor([&] { return Read("count") == "1\n"; }));
  stop.request_stop();
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "the attempt in flight goes on after the first signal";
  const auto aborted = std::chrono::steady_clock::now();
  abort.request_stop();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(3)), std::future_status::ready);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - aborted).count();
  const ActionResult r = pending.get();
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.detail, "cancelled: attempt 1; not retried: tide is stopping");
  EXPECT_EQ(Read("count"), "1\n");
  EXPECT_LT(took, 1.0);  // SIGTERM ends `sleep` at once (the script sleeps 5 s)
}

TEST(ExpandPlaceholders, ReplacesEveryOccurrence) {
  const Action a = {"db", 10, 2, "", ""};
  EXPECT_EQ(ExpandPlaceholders("{group}-{desired}-{current}-{desired}", a), "db-10-2-10");
  EXPECT_EQ(ExpandPlaceholders("{{desired}}", a), "{10}");
  EXPECT_EQ(ExpandPlaceholders("plain", a), "plain");
}

TEST(LastLine, Table) {
  struct Case {
    const char* output;
    std::string want;
  };
  const Case cases[] = {
      {"", ""},
      {"\n\n  \n", ""},
      {"one", "one"},
      {"one\ntwo\n", "two"},
      {"one\n  two  \r\n\n", "two"},
  };
  for (const Case& c : cases) EXPECT_EQ(LastLine(c.output), c.want) << c.output;
  const std::string long_line(500, 'x');
  EXPECT_EQ(LastLine("a\n" + long_line), std::string(197, 'x') + "...");
}

}  // namespace
}  // namespace tide::actuators
