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
#include <sstream>

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
