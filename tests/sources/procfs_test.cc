// procfs parsers on captured /proc files; the reader on a fixture tree and on the real /proc.
#include "sources/procfs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "sources/test_support.h"

namespace tide::sources {
namespace {

namespace fs = std::filesystem;
using testing::FixtureDir;
using testing::ReadFixture;

struct StatCase {
  std::string name;
  std::string fixture;  // under fixtures/procfs/
  bool ok;
  ProcStat want;
  std::string message;
};

TEST(ParseProcStat, Fixtures) {
  const std::vector<StatCase> cases = {
      {"Simple", "stat_simple", true, {150, 75, 191372}, ""},
      {"CommWithSpacesAndParens", "stat_odd_comm", true, {1200, 340, 555000}, ""},
      {"KernelThread", "stat_kthread", true, {0, 0, 18}, ""},
      {"Truncated", "stat_truncated", false, {}, "field 15 is missing"},
      {"NoComm", "stat_no_comm", false, {}, "no \"(comm)\""},
      {"BadUtime", "stat_bad_utime", false, {}, "stat field 14 = \"abc\""},
  };
  for (const StatCase& c : cases) {
    const std::string text = ReadFixture("procfs/" + c.fixture);
    ASSERT_FALSE(text.empty()) << c.name;
    auto r = ParseProcStat(text);
    if (c.ok) {
      ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().message();
      EXPECT_EQ(r->utime, c.want.utime) << c.name;
      EXPECT_EQ(r->stime, c.want.stime) << c.name;
      EXPECT_EQ(r->starttime, c.want.starttime) << c.name;
    } else {
      ASSERT_FALSE(r.ok()) << c.name;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << c.name;
      EXPECT_NE(r.status().message().find(c.message), std::string::npos)
          << c.name << ": " << r.status().message();
    }
  }
}

TEST(ParseVmRssKb, Fixtures) {
  struct Case {
    std::string name, fixture;
    bool ok;
    long long kb;
  };
  for (const Case& c : std::vector<Case>{{"UserProcess", "status_user", true, 5120},
                                         {"KernelThreadHasNone", "status_kthread", true, 0},
                                         {"Malformed", "status_bad_rss", false, 0}}) {
    auto r = ParseVmRssKb(ReadFixture("procfs/" + c.fixture));
    ASSERT_EQ(r.ok(), c.ok) << c.name;
    if (c.ok)
      EXPECT_EQ(*r, c.kb) << c.name;
    else
      EXPECT_NE(r.status().message().find("VmRSS: <n> kB"), std::string::npos) << c.name;
  }
}

TEST(ParsePidFile, Cases) {
  struct Case {
    std::string name, text;
    std::vector<int> want;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"OnePerLine", "10\n20\n", {10, 20}, ""},
      {"BlankLinesAndSpaces", "\n 10 \n\n\t20\r\n", {10, 20}, ""},
      {"NoTrailingNewline", "7", {7}, ""},
      {"Empty", "", {}, ""},
      {"BadLineNamed", "10\n\nabc\n", {}, "app.pids:3: \"abc\" is not a process id"},
      {"ZeroIsBad", "0\n", {}, "app.pids:1: \"0\""},
      {"NegativeIsBad", "-5\n", {}, "app.pids:1:"},
      {"TwoOnOneLine", "10 20\n", {}, "app.pids:1: \"10 20\""},
  };
  for (const Case& c : cases) {
    auto r = ParsePidFile(c.text, "/run/app.pids");
    if (c.error.empty()) {
      ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().message();
      EXPECT_EQ(*r, c.want) << c.name;
    } else {
      ASSERT_FALSE(r.ok()) << c.name;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
      EXPECT_NE(r.status().message().find(c.error), std::string::npos)
          << c.name << ": " << r.status().message();
    }
  }
}

// A private copy of fixtures/procfs/tree, so a test can move its processes forward in time.
class ProcfsTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tide_procfs_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::copy(FixtureDir() + "/procfs/tree", root_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(root_); }
  // Replaces <root>/<pid>/stat with fixtures/procfs/later/<pid>_stat.
  void Advance(int pid) {
    fs::copy_file(FixtureDir() + "/procfs/later/" + std::to_string(pid) + "_stat",
                  root_ / std::to_string(pid) / "stat", fs::copy_options::overwrite_existing);
  }
  std::string Pids() const { return (root_ / "pids").string(); }

  fs::path root_;
};

TEST_F(ProcfsTreeTest, CpuIsCoresUsedBetweenCalls) {
  ProcfsSource src(Pids(), "cpu", root_.string(), /*ticks_per_second=*/100);
  auto first = src.Fetch(1000);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->no_data);  // nothing to compare with yet

  Advance(100);  // +150 ticks
  Advance(200);  // +50 ticks
  Advance(300);  // pid reused by another process: not counted this interval
  // (150 + 50) ticks / 100 Hz = 2 CPU seconds over 2 s of wall time = 1 core.
  auto second = src.Fetch(1002);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_FALSE(second->no_data);
  EXPECT_DOUBLE_EQ(second->value, 1.0);

  // Nothing moved since: 0 cores, a real reading.
  auto third = src.Fetch(1004);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->no_data);
  EXPECT_DOUBLE_EQ(third->value, 0);
}

TEST_F(ProcfsTreeTest, CpuSkipsVanishedProcesses) {
  ProcfsSource src(Pids(), "cpu", root_.string(), 100);
  ASSERT_TRUE(src.Fetch(1000).ok());
  Advance(100);
  fs::remove_all(root_ / "200");  // exited
  auto r = src.Fetch(1001);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->value, 1.5);  // 150 ticks / 100 Hz / 1 s
}

TEST_F(ProcfsTreeTest, SameInstantTwiceIsNoData) {
  ProcfsSource src(Pids(), "cpu", root_.string(), 100);
  ASSERT_TRUE(src.Fetch(1000).ok());
  auto r = src.Fetch(1000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->no_data);
}

TEST_F(ProcfsTreeTest, MemoryIsTheSumOfResidentBytes) {
  ProcfsSource src(Pids(), "memory", root_.string());
  auto r = src.Fetch(1000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->no_data);
  EXPECT_DOUBLE_EQ(r->value, (10240.0 + 2048.0 + 0.0) * 1024);  // 300 has no VmRSS
}

TEST_F(ProcfsTreeTest, APidListedTwiceCountsOnce) {
  std::ofstream(root_ / "twice") << "100\n100\n";
  ProcfsSource src((root_ / "twice").string(), "memory", root_.string());
  auto r = src.Fetch(1000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->value, 10240.0 * 1024);
}

TEST_F(ProcfsTreeTest, NoLiveProcessIsNoData) {
  for (const char* measure : {"cpu", "memory"}) {
    ProcfsSource src((root_ / "pids_dead").string(), measure, root_.string(), 100);
    for (double now : {1000.0, 1001.0}) {
      auto r = src.Fetch(now);
      ASSERT_TRUE(r.ok()) << measure;
      EXPECT_TRUE(r->no_data) << measure;
    }
  }
}

TEST_F(ProcfsTreeTest, BadPidFileNamesFileAndLine) {
  ProcfsSource src(FixtureDir() + "/procfs/pids_bad", "cpu", root_.string(), 100);
  auto r = src.Fetch(1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("pids_bad:3: \"abc\""), std::string::npos)
      << r.status().message();
}

TEST_F(ProcfsTreeTest, MissingPidFileIsRuntime) {
  ProcfsSource src((root_ / "nope.pids").string(), "memory", root_.string());
  auto r = src.Fetch(1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_NE(r.status().message().find("nope.pids: No such file"), std::string::npos)
      << r.status().message();
}

TEST_F(ProcfsTreeTest, CorruptStatIsInvalidNamingThePath) {
  std::ofstream(root_ / "100" / "stat") << "garbage";
  ProcfsSource src(Pids(), "cpu", root_.string(), 100);
  auto r = src.Fetch(1000);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("100/stat: stat line has no"), std::string::npos)
      << r.status().message();
}

double WallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(ProcfsRealProc, OwnProcess) {
  const fs::path pid_file =
      fs::temp_directory_path() / ("tide_self_" + std::to_string(getpid()) + ".pids");
  std::ofstream(pid_file) << getpid() << "\n";

  ProcfsSource cpu(pid_file.string(), "cpu", "/proc");
  auto first = cpu.Fetch(WallNow());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->no_data);
  // Burn ~50 ms of CPU (a few clock ticks).
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  volatile double sink = 0;
  while (std::chrono::steady_clock::now() < until) sink = sink + 1;
  auto second = cpu.Fetch(WallNow());
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_FALSE(second->no_data);
  EXPECT_GE(second->value, 0);
  EXPECT_LT(second->value, 64);  // a sanity bound: cores, not ticks

  ProcfsSource mem(pid_file.string(), "memory", "/proc");
  auto rss = mem.Fetch(WallNow());
  ASSERT_TRUE(rss.ok()) << rss.status().message();
  EXPECT_GT(rss->value, 1024 * 1024);  // a test binary is resident in more than 1 MiB
  fs::remove(pid_file);
}

}  // namespace
}  // namespace tide::sources
