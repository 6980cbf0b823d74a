// Output paths of the CLI (apps/tide/files.cc): a link is written through, a pipe is written
// directly, a folder is bad input, and a run killed mid-way leaves no file behind — neither a
// partial output nor a temporary one.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr const char* kConfig = R"(groups:
  - name: web
    capacity: {min: 1, max: 40, initial: 2}
    model: {capacity_per_unit: 10, startup: 60s, price_per_unit_hour: 1}
    evaluation_interval: 60s
    metrics:
      - {name: utilization, source: {type: simulated, signal: utilization}}
    policies:
      - {type: target_tracking, metric: utilization, target: 0.6}
)";

class OutputFiles : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tide-out-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "group.yaml") << kConfig;
    std::ofstream(dir_ / "trace.csv") << "timestamp,value\n0,10\n60,25\n120,5\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts the binary in dir_ with stdout and stderr to files there; returns its pid.
  pid_t Start(const std::vector<std::string>& args) {
    std::vector<char*> argv = {const_cast<char*>(TIDE_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
      const int o = open((dir_ / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = open((dir_ / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || chdir(dir_.c_str()) != 0)
        _exit(126);
      execv(TIDE_BINARY, argv.data());
      _exit(127);
    }
    return pid;
  }
  int Wait(pid_t pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  int Run(const std::vector<std::string>& args) { return Wait(Start(args)); }
  std::string Err() const { return Slurp(dir_ / "stderr.txt"); }
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

TEST_F(OutputFiles, ALinkIsWrittenThroughAndAPipeDirectly) {
  fs::create_symlink("real.json", dir_ / "link.json");
  ASSERT_EQ(mkfifo((dir_ / "pipe.csv").c_str(), 0644), 0);
  // The read end is held open (non-blocking) before the run, so the run's writes wait for no
  // one and a run that replaced the pipe instead leaves nothing to read (no hang either way).
  const int rfd = open((dir_ / "pipe.csv").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rfd, 0);
  const int code = Run({"simulate", "--config", "group.yaml", "--trace", "trace.csv", "--json",
                        "link.json", "--timeline", "pipe.csv"});
  std::string piped;
  char buf[4096];
  for (ssize_t n; (n = read(rfd, buf, sizeof buf)) > 0;) piped.append(buf, n);
  close(rfd);
  ASSERT_EQ(code, 0) << Err();
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json")) << "the link was replaced by a file";
  EXPECT_NE(Slurp(dir_ / "real.json").find("\"cost\""), std::string::npos)
      << "the linked file was not written";
  EXPECT_EQ(fs::status(dir_ / "pipe.csv").type(), fs::file_type::fifo)
      << "the pipe was replaced by a file";
  EXPECT_EQ(piped.rfind("t,", 0), 0u) << "the timeline did not come through the pipe: " << piped;
}

TEST_F(OutputFiles, AFolderIsBadInputAsOutputOrAsConfig) {
  fs::create_directory(dir_ / "adir");
  EXPECT_EQ(Run({"simulate", "--config", "group.yaml", "--trace", "trace.csv", "--json", "adir"}),
            2);
  EXPECT_NE(Err().find("adir: is a folder"), std::string::npos) << Err();
  EXPECT_EQ(Run({"recommend", "--config", "group.yaml", "--trace", "trace.csv", "--slo",
                 "tau_under<=1", "--out", "adir"}),
            2);
  EXPECT_NE(Err().find("adir: is a folder"), std::string::npos) << Err();
  EXPECT_EQ(Run({"simulate", "--config", "adir", "--trace", "trace.csv"}), 2);
  EXPECT_NE(Err().find("adir"), std::string::npos) << Err();
  EXPECT_TRUE(fs::is_empty(dir_ / "adir"));
}

// Killed while its output is open, a run leaves neither the output nor a temporary file.
TEST_F(OutputFiles, ARunKilledMidWayLeavesNoFile) {
  {  // Two days at one second: long enough a replay to be caught with the output open.
    std::ofstream t(dir_ / "long.csv");
    t << "timestamp,value\n";
    for (int i = 0; i < 2 * 86400; ++i) t << i << ',' << 20 + (i / 600) % 30 << '\n';
  }
  const std::vector<std::string> before = Names();
  const pid_t pid = Start({"simulate", "--config", "group.yaml", "--trace", "long.csv", "--step",
                           "1s", "--json", "out.json", "--timeline", "out.csv"});
  // Wait until the process holds a file of this folder open for writing, then kill it.
  bool open_seen = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!open_seen && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& fd :
         fs::directory_iterator(fs::path("/proc") / std::to_string(pid) / "fd", ec)) {
      const std::string target = fs::read_symlink(fd.path(), ec).string();
      if (target.find(dir_.string()) == 0 && target.find("long.csv") == std::string::npos &&
          target.find(".txt") == std::string::npos) {
        open_seen = true;
      }
    }
    if (!open_seen) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  Wait(pid);
  ASSERT_TRUE(open_seen) << "the run never opened its output";
  std::vector<std::string> after = Names();
  std::erase_if(after, [](const std::string& n) { return n == "stdout.txt" || n == "stderr.txt"; });
  std::vector<std::string> expected = before;
  std::erase_if(expected,
                [](const std::string& n) { return n == "stdout.txt" || n == "stderr.txt"; });
  EXPECT_EQ(after, expected) << "a killed run left files behind";
}

}  // namespace
