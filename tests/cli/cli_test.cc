// End-to-end tests of the `tide` binary: exit codes (0 success, 1 runtime failure, 2 bad
// input), messages that name the file, line, key and bad value, and the output contracts of
// `tide simulate` (DESIGN.md, "Stable contracts"). Each test runs the real binary, capturing
// stdout and stderr apart, in its own temporary folder, which is removed afterwards.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "webui/assets.h"

namespace tide::cli {
namespace {

namespace fs = std::filesystem;

// ---- harness ----

struct Outcome {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.is_open()) << "cannot read " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs TIDE_BINARY with `args` in `cwd`; its stdout and stderr go to files in `io`.
Outcome RunTide(const fs::path& cwd, const fs::path& io, const std::vector<std::string>& args) {
  std::vector<char*> argv = {const_cast<char*>(TIDE_BINARY)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string out = io / "stdout", err = io / "stderr";
  const pid_t pid = fork();
  if (pid == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || chdir(cwd.c_str()) != 0) _exit(126);
    execv(TIDE_BINARY, argv.data());
    _exit(127);
  }
  Outcome r;
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    ADD_FAILURE() << "could not run " << TIDE_BINARY << ": " << std::strerror(errno);
    return r;
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

std::string Fixture(const std::string& name) {
  return ReadFile(fs::path(TIDE_SOURCE_DIR) / "tests/cli/fixtures" / name);
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

std::vector<std::string> Lines(const std::string& text) { return Split(text, '\n'); }

// The mean of a trace's `value` column (rows weighted equally).
double MeanValue(const std::string& csv) {
  double sum = 0;
  size_t n = 0;
  const std::vector<std::string> lines = Lines(csv);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Split(lines[i], ',');
    if (f.size() < 2) continue;
    sum += std::strtod(f[1].c_str(), nullptr);
    ++n;
  }
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

std::string TargetTrackingConfig(double capacity_per_unit) {
  char capacity[32];
  std::snprintf(capacity, sizeof capacity, "%.9g", capacity_per_unit);
  return std::string(R"(groups:
  - name: g
    capacity: {min: 1, max: 1000}
    model: {capacity_per_unit: )") +
         capacity + R"(, price_per_unit_hour: 1}
    evaluation_interval: 60s
    metrics: [{name: utilization, source: {signal: utilization, window: 60s}}]
    policies: [{type: target_tracking, metric: utilization, target: 0.6}]
)";
}

// Each test gets a fresh folder: work/ is the binary's working directory, io/ holds its
// captured streams. Removed afterwards.
class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tide-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    root_ = tmpl;
    dir_ = root_ / "work";
    fs::create_directory(dir_);
    fs::create_directory(root_ / "io");
  }
  void TearDown() override {
    std::error_code ec;
    if (!root_.empty()) fs::remove_all(root_, ec);
  }

  const fs::path& dir() const { return dir_; }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string Read(const fs::path& path) const { return ReadFile(dir_ / path); }
  // File names in the folder, sorted.
  std::vector<std::string> ListDir() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  Outcome Tide(const std::vector<std::string>& args) const { return TideIn(dir_, args); }
  Outcome TideIn(const fs::path& cwd, const std::vector<std::string>& args) const {
    return RunTide(cwd, root_ / "io", args);
  }

 private:
  fs::path root_, dir_;
};

// ---- tide --help, unknown subcommands ----

TEST_F(CliTest, HelpExitsZeroAndListsTheSubcommands) {
  const Outcome r = Tide({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("validate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("simulate"), std::string::npos) << r.out;
}

TEST_F(CliTest, UnknownOrMissingSubcommandIsBadInput) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"frobnicate"}, {}}) {
    const Outcome r = Tide(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_FALSE(r.err.empty());
  }
}

// ---- tide validate ----

TEST_F(CliTest, ValidateAcceptsAValidConfig) {
  Write("config.yaml", Fixture("web.yaml"));
  const Outcome r = Tide({"validate", "config.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(CliTest, ValidateNamesAMissingFile) {
  const Outcome r = Tide({"validate", "absent.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("absent.yaml"), std::string::npos) << r.err;
}

// One mistake per fixture file; the message must name where it is, the key and the value.
struct InvalidConfigCase {
  const char* name;
  const char* fixture;   // in tests/cli/fixtures/
  const char* location;  // "LINE:COLUMN" of the problem
  const char* key_path;
  const char* bad_value;  // as written in the file
};

void PrintTo(const InvalidConfigCase& c, std::ostream* os) { *os << c.name; }

class ValidateInvalid : public CliTest, public testing::WithParamInterface<InvalidConfigCase> {};

TEST_P(ValidateInvalid, ExitsTwoNamingLocationKeyAndValue) {
  const InvalidConfigCase& c = GetParam();
  Write(c.fixture, Fixture(c.fixture));
  const Outcome r = Tide({"validate", c.fixture});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(std::string(c.fixture) + ":" + c.location + ":"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(c.key_path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.bad_value), std::string::npos) << r.err;
}

const InvalidConfigCase kInvalidConfigs[] = {
    {"UnknownKeyTypo", "invalid_unknown_key_typo.yaml", "3:5", "groups[0].capacty", "capacty"},
    {"WrongType", "invalid_wrong_type.yaml", "3:21", "groups[0].capacity.min", "'one'"},
    {"MinAboveMax", "invalid_min_above_max.yaml", "3:21", "groups[0].capacity.min", "'7'"},
    {"NegativeDuration", "invalid_negative_duration.yaml", "3:22", "groups[0].model.startup",
     "'-30s'"},
    {"ZeroTarget", "invalid_zero_target.yaml", "5:62", "groups[0].policies[0].target", "'0'"},
    {"NegativeTarget", "invalid_negative_target.yaml", "5:62", "groups[0].policies[0].target",
     "'-0.5'"},
    {"OverlappingStepIntervals", "invalid_overlapping_steps.yaml", "10:13",
     "groups[0].policies[0].steps[1]", "300"},
    {"InvalidCron", "invalid_cron.yaml", "4:33", "groups[0].policies[0].cron", "'61 8 * * 1-5'"},
    {"InvalidTimeZone", "invalid_time_zone.yaml", "4:58", "groups[0].policies[0].timezone",
     "'Mars/Olympus'"},
};

INSTANTIATE_TEST_SUITE_P(Cli, ValidateInvalid, testing::ValuesIn(kInvalidConfigs),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- tide simulate: bad input ----

constexpr const char* kTwoRows = "timestamp,value\n0,10\n60,5\n";  // ends at t = 120

constexpr const char* kTwoGroups = R"(groups:
  - name: web
    metrics: [{name: utilization, source: {signal: utilization}}]
    policies: [{type: target_tracking, metric: utilization, target: 0.6}]
  - name: batch
    metrics: [{name: utilization, source: {signal: utilization}}]
    policies: [{type: target_tracking, metric: utilization, target: 0.6}]
)";

enum class Cfg { kWeb, kTwoGroups, kInvalid, kAbsent };

struct Output {
  const char* flag;
  const char* path;
};

struct SimulateFailureCase {
  const char* name;
  const char* trace;                // written to trace.csv; nullptr: no trace file
  Cfg config;                       // written to config.yaml
  std::vector<std::string> args;    // after --config config.yaml --trace trace.csv
  std::vector<std::string> expect;  // substrings of stderr
  std::vector<Output> outputs = {
      {"--timeline", "timeline.csv"}, {"--report", "report.html"}, {"--json", "summary.json"}};
};

void PrintTo(const SimulateFailureCase& c, std::ostream* os) { *os << c.name; }

class SimulateFailure : public CliTest, public testing::WithParamInterface<SimulateFailureCase> {};

// A failed run exits 2 with a message and leaves the folder as it was: no output file, complete
// or partial, and no temporary file.
TEST_P(SimulateFailure, ExitsTwoAndLeavesNoOutput) {
  const SimulateFailureCase& c = GetParam();
  if (c.trace) Write("trace.csv", c.trace);
  switch (c.config) {
    case Cfg::kWeb:
      Write("config.yaml", Fixture("web.yaml"));
      break;
    case Cfg::kTwoGroups:
      Write("config.yaml", kTwoGroups);
      break;
    case Cfg::kInvalid:
      Write("config.yaml", "groups:\n  - name: web\n    capacty: {}\n");
      break;
    case Cfg::kAbsent:
      break;
  }
  std::vector<std::string> args = {"simulate", "--config", "config.yaml", "--trace", "trace.csv"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  for (const Output& o : c.outputs) args.insert(args.end(), {o.flag, o.path});
  const std::vector<std::string> before = ListDir();

  const Outcome r = Tide(args);

  EXPECT_EQ(r.exit_code, 2) << r.err;
  for (const std::string& s : c.expect)
    EXPECT_NE(r.err.find(s), std::string::npos) << s << " in:\n" << r.err;
  EXPECT_EQ(r.out, "") << "a failed run printed a result";
  for (const Output& o : c.outputs) {
    EXPECT_FALSE(fs::exists(dir() / o.path))
        << o.flag << " " << o.path << " exists after a failure";
  }
  EXPECT_EQ(ListDir(), before) << "the failed run left files in its folder";
}

// clang-format off
const SimulateFailureCase kSimulateFailures[] = {
    {"NonNumericValue", "timestamp,value\n0,10\n60,abc\n120,5\n", Cfg::kWeb, {},
     {"trace.csv:3:", "abc"}},
    {"NonNumericTimestamp", "timestamp,value\n0,10\nnoon,5\n", Cfg::kWeb, {},
     {"trace.csv:3:", "noon"}},
    {"EmptyTrace", "", Cfg::kWeb, {}, {"trace.csv", "empty"}},
    {"HeaderOnly", "timestamp,value\n", Cfg::kWeb, {}, {"trace.csv:", "row"}},
    {"WrongHeader", "time,load\n0,10\n", Cfg::kWeb, {}, {"trace.csv:1:", "timestamp,value"}},
    {"RepeatedTimestamp", "timestamp,value\n0,10\n60,5\n60,3\n", Cfg::kWeb, {},
     {"trace.csv:4:", "60"}},
    {"DecreasingTimestamp", "timestamp,value\n0,10\n60,5\n30,3\n", Cfg::kWeb, {},
     {"trace.csv:4:", "30"}},
    {"NegativeValue", "timestamp,value\n0,10\n60,-5\n", Cfg::kWeb, {}, {"trace.csv:3:", "-5"}},
    {"MissingTraceFile", nullptr, Cfg::kWeb, {}, {"trace.csv"}},
    {"MissingConfigFile", kTwoRows, Cfg::kAbsent, {}, {"config.yaml"}},
    {"InvalidConfig", kTwoRows, Cfg::kInvalid, {}, {"config.yaml:3:5:", "capacty"}},
    {"UnknownGroup", kTwoRows, Cfg::kTwoGroups, {"--group", "nope"},
     {"--group", "nope", "web", "batch"}},
    {"NoGroupAmongSeveral", kTwoRows, Cfg::kTwoGroups, {}, {"--group", "web", "batch"}},
    {"NonDurationStep", kTwoRows, Cfg::kWeb, {"--step", "abc"}, {"--step", "abc"}},
    {"ZeroStep", kTwoRows, Cfg::kWeb, {"--step", "0s"}, {"--step", "0s"}},
    {"NegativeStep", kTwoRows, Cfg::kWeb, {"--step=-5s"}, {"--step", "-5s"}},
    {"FromBeyondTheTrace", kTwoRows, Cfg::kWeb, {"--from", "500"}, {"--from", "500", "trace.csv"}},
    {"FromAtTheEndOfTheTrace", kTwoRows, Cfg::kWeb, {"--from", "120"}, {"--from", "120"}},
    {"FromAfterTo", kTwoRows, Cfg::kWeb, {"--from", "60", "--to", "30"}, {"60"}},
    {"BadStartTime", kTwoRows, Cfg::kWeb, {"--start-time", "yesterday"},
     {"--start-time", "yesterday"}},
    // A step below 1 ms aborted with std::bad_alloc (exit 134), or ran for hours.
    {"StepOfOneNanosecond", kTwoRows, Cfg::kWeb, {"--step", "1e-9"},
     {"--step: bad value '1e-9'", "at least 1ms"}},
    {"StepOfTenMicroseconds", kTwoRows, Cfg::kWeb, {"--step", "1e-5"},
     {"--step: bad value '1e-5'", "at least 1ms"}},
    // Rows far apart: too many steps to replay (ran "forever"), or, 1e300 s apart, a count that
    // overflowed into "steps: 0" and exit 0.
    {"RowsTerasecondsApart", "timestamp,value\n0,5\n1e12,6\n", Cfg::kWeb, {},
     {"trace.csv: spans", "2000000000000 steps", "at most 100000000 steps", "--step", "--to", "--from"}},
    {"RowsOneE300SecondsApart", "timestamp,value\n0,5\n1e300,6\n", Cfg::kWeb, {},
     {"trace.csv: spans 2e+300 s", "at most 100000000 steps"}},
    {"ToTooFarForTheStep", "timestamp,value\n0,5\n1e12,6\n", Cfg::kWeb, {"--to", "2e8"},
     {"--to: bad value", "200000000 steps", "at most 100000000"}},
    {"FromAfterTheLastStep", kTwoRows, Cfg::kWeb, {"--step", "60s", "--from", "90"},
     {"--from: bad value '90'", "allowed: trace seconds in [0, 60]"}},
    // A duration counts from the trace's start (here 1000): 5m is trace second 1300.
    {"FromDurationPastTheEndOfALaterTrace", "timestamp,value\n1000,10\n1060,5\n", Cfg::kWeb, {"--from", "5m"},
     {"--from: bad value '5m' (trace second 1300)", "[1000, 1120)", "below 120s"}},
    // An explicitly empty output path wrote nothing and exited 0.
    {"EmptyJsonPath", kTwoRows, Cfg::kWeb, {"--json", ""},
     {"--json: bad value '': allowed: a file path, or - for standard output"},
     {{"--timeline", "timeline.csv"}, {"--report", "report.html"}}},
    {"EmptyTimelinePath", kTwoRows, Cfg::kWeb, {"--timeline", ""},
     {"--timeline: bad value '': allowed: a file path, or - for standard output"},
     {{"--report", "report.html"}, {"--json", "summary.json"}}},
    {"EmptyReportPath", kTwoRows, Cfg::kWeb, {"--report", ""},
     {"--report: bad value '': allowed: a file path, or - for standard output"},
     {{"--timeline", "timeline.csv"}, {"--json", "summary.json"}}},
    // An unwritable output fails the run; the outputs that could be written must not remain.
    {"UnwritableTimeline", kTwoRows, Cfg::kWeb, {}, {"no-such-dir/timeline.csv"},
     {{"--timeline", "no-such-dir/timeline.csv"}, {"--report", "report.html"},
      {"--json", "summary.json"}}},
    {"UnwritableReport", kTwoRows, Cfg::kWeb, {}, {"no-such-dir/report.html"},
     {{"--timeline", "timeline.csv"}, {"--report", "no-such-dir/report.html"},
      {"--json", "summary.json"}}},
    {"UnwritableJson", kTwoRows, Cfg::kWeb, {}, {"no-such-dir/summary.json"},
     {{"--timeline", "timeline.csv"}, {"--report", "report.html"},
      {"--json", "no-such-dir/summary.json"}}},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Cli, SimulateFailure, testing::ValuesIn(kSimulateFailures),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- tide simulate: results ----

// Ten rows a minute apart (600 s); with capacity_per_unit 10 the demand peaks at 12 units.
constexpr const char* kSmallTrace =
    "timestamp,value\n0,5\n60,12\n120,25\n180,40\n240,80\n300,120\n360,60\n420,33\n480,18\n"
    "540,7\n";
constexpr double kCapacityPerUnit = 10;  // as in fixtures/web.yaml

const char* const kContractKeys[] = {
    "steps",      "step_seconds", "cost",     "oracle_cost", "cost_ratio",        "theta_under",
    "theta_over", "tau_under",    "tau_over", "instability", "unserved_fraction", "scaling_events"};

TEST_F(CliTest, SimulateWritesJsonTimelineAndReport) {
  Write("config.yaml", Fixture("web.yaml"));
  Write("trace.csv", kSmallTrace);
  const Outcome r =
      Tide({"simulate", "--config", "config.yaml", "--trace", "trace.csv", "--step", "15s",
            "--timeline", "timeline.csv", "--report", "report.html", "--json", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << r.out;
  for (const char* key : kContractKeys) {
    ASSERT_TRUE(j.contains(key)) << key << " missing from\n" << r.out;
    EXPECT_TRUE(j[key].is_number()) << key << " = " << j[key];
  }
  EXPECT_EQ(j["steps"].get<double>(), 40);  // 600 s / 15 s
  EXPECT_EQ(j["step_seconds"].get<double>(), 15);
  EXPECT_GE(j["cost"].get<double>(), j["oracle_cost"].get<double>())
      << "the oracle is a lower bound";
  EXPECT_GT(j["oracle_cost"].get<double>(), 0);
  EXPECT_GE(j["unserved_fraction"].get<double>(), 0);
  EXPECT_LE(j["unserved_fraction"].get<double>(), 1);

  const std::vector<std::string> lines = Lines(Read("timeline.csv"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("t,load,demand,supply,provisioned,desired", 0), 0u) << lines[0];
  ASSERT_EQ(lines.size() - 1, j["steps"].get<size_t>());
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Split(lines[i], ',');
    ASSERT_GE(f.size(), 6u) << lines[i];
    EXPECT_DOUBLE_EQ(std::stod(f[0]), 15.0 * (i - 1)) << lines[i];
    // demand = ceil(load / capacity_per_unit), the units needed at 100 %.
    EXPECT_EQ(std::stod(f[2]), std::ceil(std::stod(f[1]) / kCapacityPerUnit)) << lines[i];
  }

  const std::string report = Read("report.html");
  EXPECT_NE(report.find("<html"), std::string::npos);
  EXPECT_NE(report.find("<svg"), std::string::npos);
  // The dashboard's charts and the series, inlined when this tide embeds the web build.
  EXPECT_EQ(report.find("id=\"tide-report-data\"") != std::string::npos, webui::Built());
  EXPECT_EQ(report.find("id=\"report-chart\"") != std::string::npos, webui::Built());
  std::vector<std::string> expected = {"config.yaml", "report.html", "timeline.csv", "trace.csv"};
  EXPECT_EQ(ListDir(), expected) << "only the outputs asked for, no temporary files";
}

TEST_F(CliTest, SimulateIsDeterministic) {
  Write("config.yaml", Fixture("web.yaml"));
  Write("trace.csv", kSmallTrace);
  const std::vector<std::string> args = {"simulate",     "--config", "config.yaml", "--trace",
                                         "trace.csv",    "--step",   "5s",          "--timeline",
                                         "timeline.csv", "--json",   "summary.json"};
  ASSERT_EQ(Tide(args).exit_code, 0);
  const std::string json1 = Read("summary.json"), timeline1 = Read("timeline.csv");
  const Outcome second = Tide(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(Read("summary.json"), json1);
  EXPECT_EQ(Read("timeline.csv"), timeline1);
  EXPECT_FALSE(json1.empty());
}

struct WindowCase {
  const char* name;
  std::vector<std::string> args;
  double from, to;
};

void PrintTo(const WindowCase& c, std::ostream* os) { *os << c.name; }

class SimulateWindow : public CliTest, public testing::WithParamInterface<WindowCase> {};

// Figures count from --from: steps == (to - from) / step.
TEST_P(SimulateWindow, CountsStepsFromFromToTo) {
  const WindowCase& c = GetParam();
  Write("config.yaml", Fixture("web.yaml"));
  Write("trace.csv", kSmallTrace);
  std::vector<std::string> args = {"simulate", "--config", "config.yaml", "--trace", "trace.csv",
                                   "--step",   "60s",      "--json",      "-"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  const Outcome r = Tide(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["steps"].get<double>(), (c.to - c.from) / 60);
}

const WindowCase kWindows[] = {
    {"WholeTrace", {}, 0, 600},
    {"FromSeconds", {"--from", "120"}, 120, 600},
    {"FromDuration", {"--from", "2m"}, 120, 600},
    {"FromAndTo", {"--from", "120", "--to", "540"}, 120, 540},
    {"ToOnly", {"--to", "5m"}, 0, 300},
};

INSTANTIATE_TEST_SUITE_P(Cli, SimulateWindow, testing::ValuesIn(kWindows),
                         [](const auto& info) { return std::string(info.param.name); });

// --from and --to between steps: the summary, the timeline and the arrivals describe the same
// interval, [first step at or after --from, --to). Before, the JSON said from 15 while the
// timeline started at 20 and the arrivals counted [20, 45).
TEST_F(CliTest, SimulateFromBetweenStepsStartsEverythingAtTheNextStep) {
  Write("config.yaml", Fixture("web.yaml"));
  Write("trace.csv", kSmallTrace);  // 5 requests/s in [0, 60)
  const Outcome r =
      Tide({"simulate", "--config", "config.yaml", "--trace", "trace.csv", "--step", "10", "--from",
            "15", "--to", "45", "--json", "-", "--timeline", "timeline.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["from"].get<double>(), 20);
  EXPECT_EQ(j["to"].get<double>(), 45);
  EXPECT_EQ(j["steps"].get<double>(), 3);
  EXPECT_DOUBLE_EQ(j["arrivals"].get<double>(), 5 * 25.0);  // [20, 45)
  const std::vector<std::string> lines = Lines(Read("timeline.csv"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1].rfind("20,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[3].rfind("40,", 0), 0u) << lines[3];
  EXPECT_NE(
      r.err.find(
          "--from 15 is between steps of 10s; the figures start at the next step, trace second 20"),
      std::string::npos)
      << r.err;
}

// A duration in --from/--to counts from the trace's start, as the help says; a plain number
// is a trace second. Before, --from 2m on a trace starting at 1000 was second 120: rejected.
TEST_F(CliTest, SimulateDurationsCountFromTheTraceStart) {
  Write("config.yaml", Fixture("web.yaml"));
  std::string trace = "timestamp,value\n";
  for (int i = 0; i < 10; ++i) trace += std::to_string(1000 + 60 * i) + ",5\n";  // [1000, 1600)
  Write("trace.csv", trace);
  for (const auto& [from, to] : {std::pair{"2m", "9m"}, std::pair{"1120", "1540"}}) {
    SCOPED_TRACE(from);
    const Outcome r = Tide({"simulate", "--config", "config.yaml", "--trace", "trace.csv", "--step",
                            "60s", "--from", from, "--to", to, "--json", "-"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j["from"].get<double>(), 1120);
    EXPECT_EQ(j["to"].get<double>(), 1540);
    EXPECT_EQ(j["steps"].get<double>(), 7);
  }
}

// A load of 1e15 units' worth used to print a demand of -2147483648 and a negative theta_over.
TEST_F(CliTest, SimulateNeverPrintsANegativeDemand) {
  Write("config.yaml", Fixture("web.yaml"));
  Write("trace.csv", "timestamp,value\n0,5\n1,1e15\n2,3\n");
  const Outcome r = Tide({"simulate", "--config", "config.yaml", "--trace", "trace.csv", "--json",
                          "-", "--timeline", "timeline.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["peak_demand"].get<double>(), 2147483647);
  EXPECT_GT(j["mean_demand"].get<double>(), 0);
  EXPECT_GE(j["theta_over"].get<double>(), 0);
  EXPECT_GT(j["theta_under"].get<double>(), 0);
  const std::vector<std::string> lines = Lines(Read("timeline.csv"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(Split(lines[2], ',')[2], "2147483647") << lines[2];
  for (const std::string& line : lines) EXPECT_EQ(line.find(",-"), std::string::npos) << line;
}

// Arrivals past the largest double used to print 'inf requests' and an unserved share of
// '-nan %' with exit 0. Refused naming the row at which the total overflows; a trace whose
// total stays finite is still replayed (1e306 x 3 s).
TEST_F(CliTest, SimulateRefusesATraceWhoseArrivalsOverflow) {
  Write("config.yaml", Fixture("web.yaml"));
  Write("trace.csv", "timestamp,value\n0,5\n1,1e308\n2,1e308\n3,4\n");
  const Outcome r = Tide({"simulate", "--config", "config.yaml", "--trace", "trace.csv"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("trace.csv:4: value 1e+308: the arrivals"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allowed: a trace whose total arrivals"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  Write("fine.csv", "timestamp,value\n0,1e306\n1,1e306\n2,1e306\n");
  const Outcome ok =
      Tide({"simulate", "--config", "config.yaml", "--trace", "fine.csv", "--json", "-"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const nlohmann::json j = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << ok.out;
  EXPECT_TRUE(j["arrivals"].is_number()) << ok.out;
  EXPECT_TRUE(j["unserved_fraction"].is_number()) << ok.out;
}

// With no demand the oracle and static-peak costs are 0, so the percentages against them
// are undefined: null and n/a (they read 0.0 %, as if the cost had matched the oracle).
TEST_F(CliTest, PercentagesOfAZeroCostAreUndefinedNotZero) {
  Write("config.yaml", Fixture("web.yaml"));
  Write("zero.csv", "timestamp,value\n0,0\n60,0\n120,0\n");
  const Outcome j =
      Tide({"simulate", "--config", "config.yaml", "--trace", "zero.csv", "--json", "-"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const nlohmann::json s = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << j.out;
  EXPECT_EQ(s["oracle_cost"].get<double>(), 0);
  EXPECT_GT(s["cost"].get<double>(), 0);
  EXPECT_TRUE(s["excess_over_oracle_percent"].is_null()) << s.dump();
  EXPECT_TRUE(s["savings_vs_static_peak_percent"].is_null()) << s.dump();
  const Outcome t = Tide({"simulate", "--config", "config.yaml", "--trace", "zero.csv"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("above the oracle"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("(0.0 %)"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("(n/a)"), std::string::npos) << t.out;
}

// A metric or panic window of 1e9 s passed validate, then simulate hung or aborted.
TEST_F(CliTest, WindowsLongerThanTheirBoundAreInvalid) {
  const std::string metric = R"(groups:
  - name: web
    metrics: [{name: utilization, source: {signal: utilization, window: 1e9s}}]
    policies: [{type: target_tracking, metric: utilization, target: 0.6}]
)";
  const std::string panic = R"(groups:
  - name: web
    metrics: [{name: utilization, source: {signal: utilization}}]
    policies: [{type: target_tracking, metric: utilization, target: 0.6}]
    behavior: {panic: {window: 1e9s}}
)";
  Write("metric.yaml", metric);
  Write("panic.yaml", panic);
  Write("trace.csv", kSmallTrace);
  for (const auto& [file, text] :
       {std::pair{"metric.yaml", "metrics[0].source.window: bad value '1e9s'"},
        std::pair{"panic.yaml", "behavior.panic.window: bad value '1e9s'"}}) {
    SCOPED_TRACE(file);
    const Outcome v = Tide({"validate", file});
    EXPECT_EQ(v.exit_code, 2) << v.err;
    EXPECT_NE(v.err.find(text), std::string::npos) << v.err;
    const Outcome sim = Tide({"simulate", "--config", file, "--trace", "trace.csv"});
    EXPECT_EQ(sim.exit_code, 2) << sim.err;
    EXPECT_NE(sim.err.find(text), std::string::npos) << sim.err;
  }
}

// ---- real traces and the bundled example ----

TEST_F(CliTest, EverySharedTraceSimulates) {
  const fs::path folder = TIDE_SHARED_TRACES;
  if (!fs::is_directory(folder)) {
    GTEST_SKIP() << "the shared traces are absent (" << folder << ")";
  }
  std::vector<fs::path> traces;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.is_regular_file() && e.path().extension() == ".csv") traces.push_back(e.path());
  }
  std::sort(traces.begin(), traces.end());
  if (traces.empty()) GTEST_SKIP() << "the shared traces are absent (no *.csv in " << folder << ")";

  for (const fs::path& trace : traces) {
    SCOPED_TRACE(trace.string());
    const double capacity = std::max(MeanValue(Read(trace)) / 5, 1e-6);
    Write("config.yaml", TargetTrackingConfig(capacity));
    const Outcome r = Tide({"simulate", "--config", "config.yaml", "--trace", trace.string(),
                            "--step", "60s", "--json", "-"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    ASSERT_TRUE(j.contains("steps")) << r.out;
    EXPECT_GT(j["steps"].get<double>(), 0);
  }
}

TEST_F(CliTest, BundledExampleValidates) {
  const fs::path source = TIDE_SOURCE_DIR;
  const fs::path example = source / "examples" / "reactive.yaml";
  bool has_trace = false;
  if (fs::is_directory(source / "examples" / "traces")) {
    for (const auto& e : fs::directory_iterator(source / "examples" / "traces"))
      has_trace = has_trace || e.path().extension() == ".csv";
  }
  if (!fs::exists(example) || !has_trace) {
    GTEST_SKIP() << "examples/reactive.yaml or a trace under examples/traces/ is absent";
  }
  const Outcome r = TideIn(source, {"validate", "examples/reactive.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace tide::cli
