// `tide forecast` and `tide recommend` from the command line: the CSV contract, bad input
// (exit 2 with a message naming the flag and what is allowed) and a ready config written.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
    std::ofstream(dir_ / "one.csv") << "timestamp,value\n0,5\n";
    std::ofstream(dir_ / "two.yaml")
        << "groups:\n"
           "  - name: web\n    metrics: [{name: utilization, source: {signal: utilization}}]\n"
           "    policies: [{type: target_tracking, metric: utilization, target: 0.6}]\n"
           "  - name: batch\n    metrics: [{name: utilization, source: {signal: utilization}}]\n"
           "    policies: [{type: target_tracking, metric: utilization, target: 0.6}]\n";
  }
  // Writes a trace of `days` days at 5-minute rows: level x (1 + 0.8 sin(day) + noise of +/- 5 %),
  // the noise from a fixed linear congruential sequence.
  void WriteScaledTrace(const std::string& name, double level, int days = 3) {
    std::ofstream t(dir_ / name);
    t << "timestamp,value\n";
    t.precision(17);
    unsigned long long x = 12345;
    for (int i = 0; i < days * 288; ++i) {
      x = (6364136223846793005ULL * x + 1442695040888963407ULL);
      const double noise = 0.1 * (static_cast<double>(x >> 11) / 9007199254740992.0 - 0.5);
      t << i * 300 << "," << level * (1 + 0.8 * std::sin(i * 2 * M_PI / 288) + noise) << "\n";
    }
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
        BadCase{"ForecastMissingTrace", "forecast --trace nope.csv --at 1d --csv x.csv",
                "nope.csv"},
        BadCase{"ForecastUnknownModel",
                "forecast --trace trace.csv --at 2d --model prophet --csv x.csv", "prophet"},
        BadCase{"ForecastAtBeyondTrace", "forecast --trace trace.csv --at 30d --csv x.csv", "--at"},
        BadCase{"ForecastTooLittleHistory", "forecast --trace trace.csv --at 300 --csv x.csv",
                "needs at least 2"},
        BadCase{"ForecastHorizonTooLong",
                "forecast --trace trace.csv --at 1d --horizon 30d --csv x.csv", "--horizon"},
        BadCase{"RecommendBadSlo",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under=1' --out x.yaml",
                "--slo"},
        BadCase{"RecommendUnknownKey",
                "recommend --config group.yaml --trace trace.csv --slo 'latency<=1' --out x.yaml",
                "latency"},
        BadCase{"RecommendUnknownFamily",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --family "
                "magic --out x.yaml",
                "--family"},
        BadCase{"RecommendBadFraction",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' "
                "--train-fraction 2 --out x.yaml",
                "--train-fraction"},
        BadCase{"RecommendBadWarmup",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' "
                "--train-warmup soon --out x.yaml",
                "--train-warmup: bad value 'soon'"},
        BadCase{"RecommendWarmupOverTraining",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' "
                "--train-warmup 60d --out x.yaml",
                "shorter than the training part"},
        // A step below 1 ms aborted with std::bad_alloc.
        BadCase{"RecommendStepOfOneNanosecond",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --step 1e-9 "
                "--out x.yaml",
                "--step: bad value '1e-9': allowed: a duration of at least 1ms"},
        // A tiny fraction blamed --train-warmup, which was never given.
        BadCase{"RecommendFractionTooSmall",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' "
                "--train-fraction 0.0001 --out x.yaml",
                "--train-fraction: bad value '0.0001': on trace.csv"},
        // A fraction near 1 scored a 1 s held-back part as meeting the SLO at cost 0.
        BadCase{"RecommendFractionTooLarge",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' "
                "--train-fraction 0.9999 --out x.yaml",
                "held-back part of 26s; the scored training part and the held-back part must each "
                "be at least 10m"},
        BadCase{"RecommendOneRowTrace",
                "recommend --config group.yaml --trace one.csv --slo 'tau_under<=1' --out x.yaml",
                "--train-fraction: bad value '0.5': one.csv spans 1s, too short to split"},
        // An explicitly empty output path wrote nothing and exited 0.
        BadCase{"RecommendEmptyOut",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --out ''",
                "--out: bad value '': allowed: a file path, or - for standard output"},
        BadCase{"RecommendEmptyJson",
                "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=1' --json ''",
                "--json: bad value '': allowed: a file path, or - for standard output"},
        BadCase{"ForecastEmptyCsv", "forecast --trace trace.csv --at 2d --csv ''",
                "--csv: bad value '': allowed: a file path, or - for standard output"},
        BadCase{"ForecastEmptyJson", "forecast --trace trace.csv --at 2d --json ''",
                "--json: bad value '': allowed: a file path, or - for standard output"},
        // --backtest ignored --at and --horizon silently.
        BadCase{"BacktestWithAt", "forecast --trace trace.csv --backtest --at 2d --csv x.csv",
                "--at: does not apply with --backtest"},
        BadCase{"BacktestWithHorizon",
                "forecast --trace trace.csv --backtest --horizon 1h --csv x.csv",
                "--horizon: does not apply with --backtest"},
        BadCase{"BacktestUnknownModel",
                "forecast --trace trace.csv --backtest --model prophet --csv x.csv", "prophet"},
        // Recommend lists the groups as simulate does.
        BadCase{"RecommendNoGroupAmongSeveral",
                "recommend --config two.yaml --trace trace.csv --slo 'tau_under<=1'",
                "two.yaml: has 2 groups; choose one with --group; allowed: web, batch"},
        BadCase{"RecommendUnknownGroup",
                "recommend --config two.yaml --trace trace.csv --slo 'tau_under<=1' --group nope",
                "--group: bad value 'nope': no such group in two.yaml; allowed: web, batch"}),
    [](const auto& info) { return std::string(info.param.name); });

// Values far from a natural level used to give an all-zero forecast (auto, regression) or
// bounds equal to the mean (ets) from about 1e160 on, with exit 0 and no note. Now the forecast
// is the one of the same series at a natural level, scaled.
TEST_F(ForecastRecommendCli, ForecastOfHugeValuesIsNeitherZeroNorFlat) {
  for (double level : {1e180, 1e200}) {
    SCOPED_TRACE(level);
    WriteScaledTrace("big.csv", level);
    for (const char* model : {"auto", "regression", "ets"}) {
      SCOPED_TRACE(model);
      Out r =
          Tide(std::string("forecast --trace big.csv --at 2d --horizon 2h --csv fc.csv --model ") +
               model);
      ASSERT_EQ(r.code, 0) << r.err;
      std::istringstream in(Slurp(dir_ / "fc.csv"));
      std::string line;
      std::getline(in, line);
      int rows = 0;
      while (std::getline(in, line)) {
        ++rows;
        double t, mean, lo80, hi80, lo95, hi95;
        ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%lf,%lf", &t, &mean, &lo80, &hi80,
                              &lo95, &hi95),
                  6);
        EXPECT_GT(mean, 0.1 * level) << line;
        EXPECT_LT(mean, 2 * level) << line;
        EXPECT_GT(hi95, mean) << line;
        EXPECT_LT(lo95, mean) << line;
      }
      EXPECT_EQ(rows, 24);
    }
  }
}

// A constant history: the note says what the intervals are. A day of equal values gives the
// constant with zero-width intervals; three equal values give wide ones (a few values cannot
// show that the load never varies), and the note used to claim zero width for them too.
TEST_F(ForecastRecommendCli, AConstantHistorysNoteSaysWhatTheIntervalsAre) {
  {
    std::ofstream t(dir_ / "flat-day.csv");
    t << "timestamp,value\n";
    for (int i = 0; i <= 288; ++i) t << i * 300 << ",5\n";
  }
  std::ofstream(dir_ / "flat-three.csv") << "timestamp,value\n0,5\n300,5\n600,5\n";
  auto first_row = [&](const std::string& out) {
    double t = 0, mean = 0, lo80 = 0, hi80 = 0, lo95 = 0, hi95 = 0;
    const size_t nl = out.find('\n');
    EXPECT_NE(nl, std::string::npos) << out;
    EXPECT_EQ(std::sscanf(out.c_str() + nl + 1, "%lf,%lf,%lf,%lf,%lf,%lf", &t, &mean, &lo80, &hi80,
                          &lo95, &hi95),
              6)
        << out;
    return std::vector<double>{mean, lo95, hi95};
  };

  Out day = Tide("forecast --trace flat-day.csv --at 1d --horizon 1h --csv -");
  ASSERT_EQ(day.code, 0) << day.err;
  EXPECT_NE(
      day.err.find(
          "the history is constant (5): the forecast is that constant with zero-width intervals"),
      std::string::npos)
      << day.err;
  std::vector<double> d = first_row(day.out);
  EXPECT_DOUBLE_EQ(d[0], 5);
  EXPECT_NEAR(d[1], 5, 1e-9);
  EXPECT_NEAR(d[2], 5, 1e-9);

  Out three = Tide("forecast --trace flat-three.csv --at 900 --horizon 600 --csv -");
  ASSERT_EQ(three.code, 0) << three.err;
  EXPECT_EQ(three.err.find("zero-width"), std::string::npos) << three.err;
  EXPECT_NE(
      three.err.find("the history is constant (5): the forecast is that constant with intervals"),
      std::string::npos)
      << three.err;
  EXPECT_NE(three.err.find("3 values are too few"), std::string::npos) << three.err;
  std::vector<double> f = first_row(three.out);
  EXPECT_DOUBLE_EQ(f[0], 5);
  // At least a normal error of the level, 5 +/- 1.96 x 5, the lower end clipped at 0 (a load).
  EXPECT_EQ(f[1], 0);
  EXPECT_GT(f[2], 5 + 1.9 * 5);
}

// The backtest of a trace finer than 5 minutes takes its 5-minute blocks from the trace's
// start, as the accuracy harness does: dropping the last 2 minutes of a 1-minute trace used to
// move every block and change every figure (NASA July's 1 h MASE 0.930 against 0.859).
TEST_F(ForecastRecommendCli, BacktestBlocksDoNotMoveWithTheTracesLength) {
  auto write = [&](const std::string& name, int rows) {
    std::ofstream t(dir_ / name);
    t << "timestamp,value\n";
    unsigned long long x = 99;
    for (int i = 0; i < rows; ++i) {
      x = 6364136223846793005ULL * x + 1442695040888963407ULL;
      t << i * 60 << "," << 50 + 30 * std::sin(i * 2 * M_PI / 1440) + static_cast<double>(x >> 58)
        << "\n";
    }
  };
  write("full.csv", 5 * 1440 + 2);
  write("trim.csv", 5 * 1440);
  auto table = [&](const std::string& trace) {
    Out r = Tide("forecast --trace " + trace + " --backtest --model moving_average --csv -");
    EXPECT_EQ(r.code, 0) << r.err;
    // Every column but the last (fit_ms, a time).
    std::string rows;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) rows += line.substr(0, line.rfind(',')) + "\n";
    return rows;
  };
  const std::string full = table("full.csv");
  EXPECT_NE(full.find("moving_average,"), std::string::npos) << full;
  EXPECT_EQ(full, table("trim.csv"));
}

// Outputs on stdout: at most one, and then stdout holds it alone (the text summary of simulate
// and recommend used to follow a `--timeline -` CSV or a `--out -` config into the same stream);
// two outputs naming one file are refused instead of one silently replacing the other.
TEST_F(ForecastRecommendCli, AnOutputOnStdoutIsAloneThereAndOutputsAreApart) {
  Out r = Tide("simulate --config group.yaml --trace trace.csv --step 60s --timeline -");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("t,load,", 0), 0u) << r.out.substr(0, 200);
  EXPECT_EQ(r.out.find("timeline: -"), std::string::npos);
  EXPECT_EQ(r.out.find("group web"), std::string::npos);
  for (const char* args :
       {"simulate --config group.yaml --trace trace.csv --timeline - --json -",
        "simulate --config group.yaml --trace trace.csv --report x.out --json x.out",
        "forecast --trace trace.csv --at 2d --horizon 1h --csv - --json -",
        "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=5' --out - --json -"}) {
    SCOPED_TRACE(args);
    Out bad = Tide(args);
    EXPECT_EQ(bad.code, 2) << bad.err;
    EXPECT_NE(bad.err.find("allowed: a different file for each output"), std::string::npos)
        << bad.err;
    EXPECT_FALSE(fs::exists(dir_ / "x.out"));
  }
  r = Tide(
      "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=5' --family reactive "
      "--step 60s --out -");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# written by tide", 0), 0u) << r.out.substr(0, 200);
  EXPECT_NE(r.out.find("\ngroups:\n"), std::string::npos) << r.out.substr(0, 400);
  EXPECT_EQ(r.out.find("searched"), std::string::npos);
  EXPECT_EQ(r.out.find("config written"), std::string::npos);
}

// Flags of simulate and forecast that were accepted or refused for the wrong reason.
TEST_F(ForecastRecommendCli, StepAndAtSayTheRealLimits) {
  // A step coarser than evaluation_interval (60 s) decides less often than configured: a note.
  Out r = Tide("simulate --config group.yaml --trace trace.csv --step 5m --json out.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("--step 5m is coarser than group web's evaluation_interval 60s"),
            std::string::npos)
      << r.err;
  r = Tide("simulate --config group.yaml --trace trace.csv --step 60s --json out.json");
  EXPECT_EQ(r.err.find("coarser"), std::string::npos) << r.err;
  // Over 100 years: the duration's own limit, not "at least 1ms".
  r = Tide("simulate --config group.yaml --trace trace.csv --step 1e10");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("100 years"), std::string::npos) << r.err;
  // On a 1-minute trace the history is two 5-minute blocks at least: --at from 600 s on.
  {
    std::ofstream t(dir_ / "minute.csv");
    t << "timestamp,value\n";
    for (int i = 0; i < 60; ++i) t << i * 60 << "," << 10 + i % 7 << "\n";
  }
  r = Tide("forecast --trace minute.csv --at 540 --horizon 5m --csv -");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("allowed: [600, 3600] s"), std::string::npos) << r.err;
  r = Tide("forecast --trace minute.csv --at 600 --horizon 5m --csv -");
  EXPECT_EQ(r.code, 0) << r.err;
  // A model that scored no origin: a note says why its row is nan.
  WriteScaledTrace("eight.csv", 10, 8);  // origins from day 4.8 on: none with a week of history
  r = Tide("forecast --trace eight.csv --backtest");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(
      r.err.find(
          "seasonal_naive_weekly scored no origin (its fit failed at all 9 origins; the first: "),
      std::string::npos)
      << r.err;
  // Asked for alone, its failure is the error, not a series too short for any origin.
  r = Tide("forecast --trace eight.csv --backtest --model seasonal_naive_weekly");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find("backtest: seasonal_naive_weekly failed to fit at all 9 origins (the first: "),
      std::string::npos)
      << r.err;
}

// recommend's train and test summaries describe the chosen variant: config_path is the --out
// file holding it (it was always empty).
TEST_F(ForecastRecommendCli, RecommendSummariesNameTheWrittenConfig) {
  Out r = Tide(
      "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=5' --family reactive "
      "--step 60s "
      "--out chosen.yaml --json r.json");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string json = Slurp(dir_ / "r.json");
  size_t n = 0;
  for (size_t at = json.find("\"config_path\": \"chosen.yaml\""); at != std::string::npos;
       at = json.find("\"config_path\": \"chosen.yaml\"", at + 1))
    ++n;
  EXPECT_EQ(n, 2u) << json.substr(0, 400);
}

// --backtest honours --model (only that model), --csv and --json (the table in that form).
TEST_F(ForecastRecommendCli, BacktestHonoursModelCsvAndJson) {
  Out r = Tide(
      "forecast --trace trace.csv --backtest --model moving_average --csv bt.csv --json bt.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::istringstream csv(Slurp(dir_ / "bt.csv"));
  std::string header, row, extra;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("model,origins,mase_1h,mase_24h,", 0), 0u) << header;
  ASSERT_TRUE(std::getline(csv, row));
  EXPECT_EQ(row.rfind("moving_average,1,", 0), 0u) << row;
  EXPECT_FALSE(std::getline(csv, extra)) << "only the model asked for: " << extra;
  const std::string json = Slurp(dir_ / "bt.json");
  EXPECT_NE(json.find("\"model\": \"moving_average\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"model\": \"ets\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"mase\""), std::string::npos) << json;
  // Without --csv or --json: the table on stdout, one row per model asked for.
  r = Tide("forecast --trace trace.csv --backtest --model moving_average");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("moving_average"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("seasonal_naive_daily"), std::string::npos) << r.out;
}

// Predictive variants need a day of history: on a shorter training part they never forecast,
// which the search now says (stderr and JSON) instead of listing identical rows silently.
TEST_F(ForecastRecommendCli, RecommendNotesThatPredictiveVariantsCannotForecastOnAShortTrace) {
  Out r = Tide(
      "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=5' --family predictive "
      "--train-fraction 0.3 --step 60s --json result.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(
      r.err.find(
          "tide recommend: note: predictive variants need 1d of history before they forecast"),
      std::string::npos)
      << r.err;
  const std::string json = Slurp(dir_ / "result.json");
  EXPECT_NE(json.find("\"notes\": [\n    \"predictive variants need 1d of history"),
            std::string::npos)
      << json;
  r = Tide(
      "recommend --config group.yaml --trace trace.csv --slo 'tau_under<=5' --family reactive "
      "--train-fraction 0.3 --step 60s");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("note:"), std::string::npos) << r.err;
}

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
