// `tide report` on a store written through the store's own API (a fixture whose figures are
// worked by hand, the same steps as tests/sim/period_test.cc), its outputs (text, JSON, HTML)
// and its bad input (unknown group, bad --since, missing store: exit 2 with a clear message).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "store/store.h"

namespace tide::cli {
namespace {

namespace fs = std::filesystem;

constexpr double kT0 = 1'800'000'000;  // 2027-01-15T08:00:00Z

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tide-report-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::ofstream(dir_ / "tide.yaml") << R"(groups:
  - name: web
    capacity: {min: 1, max: 10}
    model: {capacity_per_unit: 10, price_per_unit_hour: 3.6}
    evaluation_interval: 10s
    metrics:
      - name: rps
        source: {type: prometheus, url: "http://127.0.0.1:9", query: "rps"}
    demand_metric: rps
    policies:
      - {type: target_tracking, metric: rps, target: 10, target_type: average_value}
  - name: api
    capacity: {min: 1, max: 10}
    model: {price_per_unit_hour: 3.6}
)";
    WriteFixture();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Six evaluations 10 s apart: demand 2 2 4 4 1 1 (rps / 10), ready 2 3 3 3 3 1, ordered
  // one more than ready. Scale events: up in 30 s, up in 50 s (ready after the period),
  // down in 2 s, and a failed action (not a change).
  void WriteFixture() {
    auto st = store::Store::Open((dir_ / "tide.db").string());
    ASSERT_TRUE(st.ok()) << st.status().message();
    const double rps[] = {20, 20, 40, 40, 10, 10};
    const int ready[] = {2, 3, 3, 3, 3, 1};
    store::Batch b;
    for (int i = 0; i < 6; ++i) {
      const double at = kT0 + 10 * i;
      b.samples.push_back({"web", "rps", at, rps[i]});
      b.decisions.push_back({"web", at, ready[i] + 1, ready[i] + 1, "WithinTolerance", "",
                             nlohmann::json{{"ready", ready[i]}}.dump()});
    }
    b.decisions.push_back(
        {"web", kT0 - 100, 9, 9, "WithinTolerance", "", "{\"ready\": 9}"});  // before
    ASSERT_TRUE((*st)->WriteBatch(b).ok());
    auto scale = [&](double decided, double ready_at, int from, int to, const char* status) {
      store::EventRecord e;
      e.group = "web";
      e.kind = "scale";
      e.at = decided;
      e.decided_at = decided;
      e.applied_at = decided + 1;
      e.ready_at = ready_at;
      e.from = from;
      e.to = to;
      e.status = status;
      ASSERT_TRUE((*st)->AppendEvent(e).ok());
    };
    scale(kT0 + 5, kT0 + 35, 3, 4, "ready");
    scale(kT0 + 12, kT0 + 62, 4, 5, "ready");
    scale(kT0 + 40, kT0 + 42, 5, 2, "ready");
    scale(kT0 + 45, 0, 2, 6, "failed");
  }

  // Runs tide with `args` in the temp folder; stdout and stderr to files.
  int Run(const std::string& args) {
    const std::string cmd =
        "cd " + dir_.string() + " && " + TIDE_BINARY + " " + args + " >stdout 2>stderr";
    const int status = std::system(cmd.c_str());
    out_ = Slurp(dir_ / "stdout");
    err_ = Slurp(dir_ / "stderr");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_;
  std::string out_, err_;
  const std::string period_ = "--config tide.yaml --store tide.db --since 60s --until 1800000060";
};

TEST_F(ReportTest, FiguresFromTheStoreMatchTheWorkedExample) {
  ASSERT_EQ(Run("report " + period_ + " --group web --json -"), 0) << err_;
  const auto j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["from"], kT0);
  EXPECT_EQ(j["to"], kT0 + 60);
  ASSERT_EQ(j["groups"].size(), 1u);
  const auto& g = j["groups"][0];
  EXPECT_EQ(g["group"], "web");
  EXPECT_EQ(g["decisions"], 6);
  EXPECT_NEAR(g["cost"].get<double>(), 0.21, 1e-9);
  EXPECT_NEAR(g["oracle_cost"].get<double>(), 0.14, 1e-9);
  EXPECT_NEAR(g["static_peak_cost"].get<double>(), 0.24, 1e-9);
  EXPECT_NEAR(g["savings_vs_static_peak_percent"].get<double>(), 12.5, 1e-6);
  EXPECT_NEAR(g["excess_over_oracle_percent"].get<double>(), 50, 1e-6);
  EXPECT_NEAR(g["tau_under"].get<double>(), 100.0 / 3, 1e-6);
  EXPECT_NEAR(g["tau_over"].get<double>(), 100.0 / 3, 1e-6);
  EXPECT_EQ(g["under_provisioning_events"], 1);
  EXPECT_EQ(g["over_provisioning_events"], 2);
  EXPECT_EQ(g["scale_ups"], 2);
  EXPECT_EQ(g["scale_downs"], 1);
  EXPECT_DOUBLE_EQ(g["mean_time_to_scale_up"].get<double>(), 40);
  EXPECT_DOUBLE_EQ(g["mean_time_to_scale_down"].get<double>(), 2);
  // utilisation min(1, load / (ready x 10)): 1, 2/3, 1, 1, 1/3, 1 -> 5/6
  EXPECT_NEAR(g["mean_utilization"].get<double>(), 5.0 / 6, 1e-9);
  EXPECT_EQ(g["peak_demand"], 4);
}

TEST_F(ReportTest, TextAndHtmlAndAGroupWithoutDemand) {
  ASSERT_EQ(Run("report " + period_ + " --html report.html"), 0) << err_;
  EXPECT_NE(out_.find("group web"), std::string::npos) << out_;
  EXPECT_NE(out_.find("group api"), std::string::npos) << out_;
  EXPECT_NE(out_.find("mean time to scale up"), std::string::npos) << out_;
  EXPECT_NE(out_.find("40.0 s"), std::string::npos) << out_;
  const std::string html = Slurp(dir_ / "report.html");
  EXPECT_NE(html.find("<h2>group web</h2>"), std::string::npos);
  EXPECT_NE(html.find("<code>tau_under</code>"), std::string::npos);

  ASSERT_EQ(Run("report " + period_ + " --group api --json -"), 0) << err_;
  const auto g = nlohmann::json::parse(out_)["groups"][0];
  EXPECT_EQ(g["decisions"], 0);
  EXPECT_TRUE(g["demand_metric"].is_null());
  EXPECT_TRUE(g["theta_under"].is_null());
  EXPECT_TRUE(g["oracle_cost"].is_null());
  // Nothing recorded for api in the period: its cost is unknown, not a perfect 0 (it was 0,
  // with tau_under 0 %, reading as a flawless period), and a note says why.
  EXPECT_TRUE(g["cost"].is_null());
  EXPECT_TRUE(g["scale_ups"].is_null());
  EXPECT_NE(g.value("note", "").find("no decisions recorded in this period"), std::string::npos)
      << g.dump();
  ASSERT_EQ(Run("report " + period_ + " --group api"), 0) << err_;
  EXPECT_NE(out_.find("no decisions recorded in this period"), std::string::npos) << out_;
  EXPECT_EQ(out_.find("mean time to scale up"), std::string::npos) << out_;  // no figure lines
}

// The demand metric without readings (a source that never answered) or with readings for part
// of the period: the demand-based figures are unknown, or cover the known part only, with a
// note. They used to count a missing reading as demand 0 (mean demand 0, oracle 0, τO 100 %).
TEST_F(ReportTest, AMissingDemandReadingIsUnknownNotZero) {
  auto write = [&](const char* db, int samples) {
    auto st = store::Store::Open((dir_ / db).string());
    ASSERT_TRUE(st.ok()) << st.status().message();
    store::Batch b;
    const double rps[] = {20, 20, 40, 40, 10, 10};
    for (int i = 0; i < 6; ++i) {
      const double at = kT0 + 10 * i;
      if (i < samples) b.samples.push_back({"web", "rps", at, rps[i]});
      b.decisions.push_back({"web", at, 3, 3, "WithinTolerance", "", "{\"ready\": 3}"});
    }
    ASSERT_TRUE((*st)->WriteBatch(b).ok());
  };
  write("none.db", 0);
  write("part.db", 2);  // readings at +0 and +10 s; stale (older than 3 x 10 s) at +50 s
  const std::string range = " --since 60s --until 1800000060 --group web --json -";
  ASSERT_EQ(Run("report --config tide.yaml --store none.db" + range), 0) << err_;
  auto none = nlohmann::json::parse(out_)["groups"][0];
  EXPECT_FALSE(none["cost"].is_null()) << none.dump();
  EXPECT_EQ(none["demand_metric"], "rps");  // configured, though it has no reading
  for (const char* k :
       {"oracle_cost", "mean_demand", "peak_demand", "tau_over", "mean_utilization"})
    EXPECT_TRUE(none[k].is_null()) << k << ": " << none.dump();
  EXPECT_NE(none["note"].get<std::string>().find("no reading of the demand metric rps"),
            std::string::npos);
  ASSERT_EQ(
      Run("report --config tide.yaml --store none.db --since 60s --until 1800000060 --group web"),
      0);
  EXPECT_NE(out_.find("note: no reading of the demand metric rps"), std::string::npos) << out_;
  EXPECT_NE(out_.find("n/a"), std::string::npos) << out_;

  ASSERT_EQ(Run("report --config tide.yaml --store part.db" + range), 0) << err_;
  auto part = nlohmann::json::parse(out_)["groups"][0];
  EXPECT_NE(part["note"].get<std::string>().find("had readings for 50s of the 60s recorded"),
            std::string::npos)
      << part.dump();
  // Demand 2 (rps 20) over the five known steps: the reading at +10 s carries for 30 s.
  EXPECT_NEAR(part["mean_demand"].get<double>(), 2, 1e-9) << part.dump();
  EXPECT_EQ(part["peak_demand"].get<int>(), 2);
  EXPECT_NEAR(part["oracle_cost"].get<double>(), 2 * 50 * 3.6 / 3600, 1e-9);  // over the known 50 s
  EXPECT_NEAR(part["cost"].get<double>(), 3 * 60 * 3.6 / 3600, 1e-9);         // over all 60 s
}

TEST_F(ReportTest, BadInputExitsTwoWithAClearMessage) {
  EXPECT_EQ(Run("report " + period_ + " --group nope"), 2);
  EXPECT_NE(err_.find("--group: bad value 'nope': no such group in tide.yaml; allowed: web, api"),
            std::string::npos)
      << err_;
  EXPECT_EQ(Run("report --config tide.yaml --store tide.db --since yesterday"), 2);
  EXPECT_NE(err_.find("--since: bad value 'yesterday': allowed: a duration > 0"), std::string::npos)
      << err_;
  EXPECT_EQ(Run("report --config tide.yaml --store tide.db --since -1h"), 2);
  EXPECT_EQ(Run("report --config tide.yaml --store missing.db"), 2);
  EXPECT_NE(err_.find("--store: bad value 'missing.db': no such file"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));
  EXPECT_EQ(Run("report --config tide.yaml --until tomorrow"), 2);
  EXPECT_NE(err_.find("--until: bad value 'tomorrow'"), std::string::npos) << err_;
  // A report only reads: an empty file or another program's database is refused and left
  // as it was (the empty file became a tide store; the foreign one got exit 1 mid-migration).
  std::ofstream(dir_ / "empty.db").close();
  EXPECT_EQ(Run("report --config tide.yaml --store empty.db"), 2);
  EXPECT_NE(err_.find("--store: bad value 'empty.db': it has no tide schema"), std::string::npos)
      << err_;
  EXPECT_EQ(fs::file_size(dir_ / "empty.db"), 0u);
  std::ofstream(dir_ / "garbage.db") << "not a database, just text\n";
  EXPECT_EQ(Run("report --config tide.yaml --store garbage.db"), 2);
  EXPECT_NE(err_.find("--store: bad value 'garbage.db': not a SQLite database"), std::string::npos)
      << err_;
  // Two outputs on stdout were both written there (JSON, then HTML), exit 0.
  EXPECT_EQ(Run("report " + period_ + " --json - --html -"), 2);
  EXPECT_NE(err_.find("--json and --html both name '-' (standard output)"), std::string::npos)
      << err_;
  EXPECT_EQ(out_, "");
  // The HTML alone on stdout is the whole of stdout (the text summary followed it).
  ASSERT_EQ(Run("report " + period_ + " --html -"), 0) << err_;
  EXPECT_EQ(out_.rfind("<!DOCTYPE html>", 0), 0u) << out_.substr(0, 80);
  EXPECT_EQ(out_.find("group web\n"), std::string::npos);
}

}  // namespace
}  // namespace tide::cli
