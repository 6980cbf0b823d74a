// `tide run`, `tide status` and `tide explain` from the command line: bad input is refused
// with exit 2 and a message naming the file, key and what is allowed; a daemon that cannot
// be reached is a runtime failure (exit 1).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CmdResult {
  int code = -1;
  std::string err;
};

class RunCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/tide-runcli-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  CmdResult Tide(const std::string& args) {
    const std::string cmd = std::string("cd ") + dir_.string() + " && timeout 20 " + TIDE_BINARY + " " + args +
                            " >out.txt 2>err.txt";
    const int status = std::system(cmd.c_str());
    CmdResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(dir_ / "err.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
  }
  fs::path dir_;
};

constexpr const char* kLive = R"(groups:
  - name: web
    metrics:
      - name: rps
        source: {type: prometheus, url: "http://127.0.0.1:1", query: "up"}
    policies:
      - {type: target_tracking, metric: rps, target: 10, target_type: average_value}
)";

TEST_F(RunCli, SimulatedMetricsCannotRunLive) {
  Write("sim.yaml", R"(groups:
  - name: web
    metrics:
      - name: utilization
        source: {type: simulated, signal: utilization}
    policies:
      - {type: target_tracking, metric: utilization, target: 0.6}
)");
  CmdResult r = Tide("run sim.yaml --db t.db");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("sim.yaml:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("simulated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allowed"), std::string::npos) << r.err;
}

TEST_F(RunCli, MissingAndInvalidConfigsAreBadInput) {
  CmdResult r = Tide("run nope.yaml --db t.db");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nope.yaml"), std::string::npos) << r.err;
  Write("bad.yaml", "groups:\n  - name: web\n    capacity: {min: 5, max: 2}\n");
  r = Tide("run bad.yaml --db t.db");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.yaml:3:"), std::string::npos) << r.err;
}

TEST_F(RunCli, NonLoopbackListenWithoutTokenIsRefused) {
  Write("live.yaml", kLive);
  CmdResult r = Tide("run live.yaml --db t.db --listen 0.0.0.0:0");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("token"), std::string::npos) << r.err;
}

TEST_F(RunCli, StatusWithoutADaemonIsARuntimeFailure) {
  CmdResult r = Tide("status --server http://127.0.0.1:1");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot reach tide at http://127.0.0.1:1"), std::string::npos) << r.err;
  r = Tide("explain web --server http://127.0.0.1:1");
  EXPECT_EQ(r.code, 1) << r.err;
}

}  // namespace

namespace {

class LoadCli : public RunCli {};

TEST_F(LoadCli, BadInputIsRefusedWithExit2NamingWhatIsAllowed) {
  Write("t.csv", "timestamp,value\n0,1\n1,2\n");
  CmdResult r = Tide("load --trace nope.csv --speedup 1 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("nope.csv"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 1 --target https://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("allowed: http://HOST:PORT"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 0 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--speedup 0: allowed: a number > 0"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 1 --arrivals bursty --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("allowed: poisson, uniform"), std::string::npos) << r.err;
}

TEST_F(LoadCli, UnreachableTargetCountsErrorsNotACrash) {
  Write("t.csv", "timestamp,value\n0,20\n1,20\n");
  CmdResult r = Tide("load --trace t.csv --speedup 4 --progress 0 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream out(dir_ / "out.txt");
  std::stringstream ss;
  ss << out.rdbuf();
  EXPECT_NE(ss.str().find("ok 0  errors"), std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("Connection refused"), std::string::npos) << ss.str();
}

}  // namespace
