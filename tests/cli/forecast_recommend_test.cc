// `tide forecast` and `tide recommend` from the command line: the CSV contract, bad input
// (exit 2 with a message naming the flag and what is allowed) and a ready config written.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Out {
  int code = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ForecastRecommendCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/tide-fccli-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
    // Three days of a daily cycle at 5-minute rows.
    std::ofstream t(dir_ / "trace.csv");
    t << "timestamp,value\n";
    for (int i = 0; i < 3 * 288; ++i) t << i * 300 << "," << 50 + 40 * std::sin(i * 2 * M_PI / 288) << "\n";
    std::ofstream c(dir_ / "group.yaml");
    c << "groups:\n  - name: web\n    capacity: {min: 1, max: 40, initial: 2}\n"
         "    model: {capacity_per_unit: 10, startup: 60s, price_per_unit_hour: 1}\n"
         "    evaluation_interval: 60s\n"
         "    metrics:\n      - {name: utilization, source: {type: simulated, signal: utilization}}\n"
         "    policies:\n      - {type: target_tracking, metric: utilization, target: 0.6}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  Out Tide(const std::string& args) {
    const std::string cmd = "cd " + dir_.string() + " && timeout 120 " + TIDE_BINARY + " " + args +
                            " >out.txt 2>err.txt";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(dir_ / "out.txt"), Slurp(dir_ / "err.txt")};
  }
  fs::path dir_;
};

TEST_F(ForecastRecommendCli, ForecastWritesTheCsvContract) {
  Out r = Tide("forecast --trace trace.csv --at 2d --horizon 2h --csv fc.csv");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(Slurp(dir_ / "fc.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "t,mean,lo80,hi80,lo95,hi95");
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    double t, mean, lo80, hi80, lo95, hi95;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%lf,%lf", &t, &mean, &lo80, &hi80, &lo95, &hi95), 6) << line;
    EXPECT_EQ(t, 172800 + 300 * (rows - 1));
    EXPECT_LE(lo95, lo80);
    EXPECT_LE(lo80, mean);
    EXPECT_LE(mean, hi80);
    EXPECT_LE(hi80, hi95);
    EXPECT_GE(lo95, 0);
  }
  EXPECT_EQ(rows, 24);  // 2 h of 5-minute rows
}

struct BadCase {
  const char* name;
  const char* args;
  const char* expect;  // in stderr
};

class ForecastRecommendBad : public ForecastRecommendCli, public ::testing::WithParamInterface<BadCase> {};

TEST_P(ForecastRecommendBad, ExitsTwoNamingTheProblem) {
  Out r = Tide(GetParam().args);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(GetParam().expect), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "x.yaml"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ForecastRecommendBad,
    ::testing::Values(
        BadCase{"ForecastMissingTrace", "forecast --trace nope.csv --at 1d --csv x.csv", "nope.csv"},
        BadCase{"ForecastUnknownModel", "forecast --trace trace.csv --at 2d --model prophet --csv x.csv", "prophet"},
        BadCase{"ForecastAtBeyondTrace", "forecast --trace trace.csv --at 30d --csv x.csv", "--at"},
        BadCase{"ForecastTooLittleHistory", "forecast --trace trace.csv --at 300 --csv x.csv", "needs at least 2"},
        BadCase{"ForecastHorizonTooLong", "forecast --trace trace.csv --at 1d --horizon 30d --csv x.csv", "--horizon"},
        BadCase{"RecommendBadSlo", "recommend --config group.yaml --trace trace.csv --slo 'tau_under=1' --out x.yaml",
                "--slo"},
        BadCase{"RecommendUnknownKey", "recommend --config group.yaml --trace trace.csv --slo 'latency<=1' --out x.yaml",
                "latency"},
        BadCase{"RecommendUnknownFamily",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --family magic --out x.yaml",
                "--family"},
        BadCase{"RecommendBadFraction",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --train-fraction 2 --out x.yaml",
                "--train-fraction"},
        BadCase{"RecommendBadWarmup",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --train-warmup soon --out x.yaml",
                "--train-warmup: bad value 'soon'"},
        BadCase{"RecommendWarmupOverTraining",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --train-warmup 60d --out x.yaml",
                "shorter than the training part"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ForecastRecommendCli, RecommendWritesAReadyConfig) {
  Out r = Tide("recommend --config group.yaml --trace trace.csv --slo 'tau_under<=5' --family reactive "
               "--step 10s --out best.yaml --json result.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("chosen:"), std::string::npos) << r.out;
  Out v = Tide("validate best.yaml");
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_NE(Slurp(dir_ / "result.json").find("\"found\": true"), std::string::npos);
}

TEST_F(ForecastRecommendCli, RecommendSaysPlainlyWhenNothingMeets) {
  // Cheaper than half the oracle while serving 99 % of requests: impossible.
  Out r = Tide("recommend --config group.yaml --trace trace.csv --slo 'cost_ratio<=0.5,unserved_fraction<=0.01' "
               "--family reactive --step 10s --out best.yaml");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("NO variant meets cost_ratio<=0.5,unserved_fraction<=0.01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Closest:"), std::string::npos) << r.out;
}

}  // namespace
