// Problems about the whole document or file, several problems at once, the message format and
// the LoadConfig / LoadConfigFile entry points.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/loader.h"

namespace tide::config {
namespace {

const std::string kFixtures = std::string(TIDE_SOURCE_DIR) + "/tests/config/fixtures/";

std::string AllProblems(const LoadResult& r) {
  std::string all;
  for (const Problem& p : r.problems) all += p.ToString() + "\n";
  return all;
}

TEST(LoaderProblems, YamlSyntaxErrorHasTheParsersPosition) {
  const LoadResult r = LoadConfigString(R"(groups:
  - name: web
    capacity: {min: 1, max: 10
  - name: api
)",
                                        "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].line, 4);
  EXPECT_EQ(r.problems[0].column, 9);
  EXPECT_EQ(r.problems[0].key_path, "");
  EXPECT_EQ(r.problems[0].ToString(), "x.yaml:4:9: YAML syntax error: end of map flow not found");
}

TEST(LoaderProblems, BadIndentationIsASyntaxError) {
  const LoadResult r = LoadConfigString("groups:\n  - name: web\n   capacity: 1\n", "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].line, 3);
  EXPECT_NE(r.problems[0].ToString().find("YAML syntax error"), std::string::npos);
}

TEST(LoaderProblems, EmptyFile) {
  for (const char* text : {"", "\n\n", "# only a comment\n"}) {
    const LoadResult r = LoadConfigString(text, "x.yaml");
    ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
    EXPECT_EQ(r.problems[0].ToString(),
              "x.yaml:1:1: the file is empty; expected a map with the key 'groups' (a non-empty "
              "sequence of groups)");
  }
}

TEST(LoaderProblems, GroupsMissingOrEmpty) {
  LoadResult r = LoadConfigString("groups: []\n", "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].ToString(),
            "x.yaml:1:9: groups: bad value '[...]': expected a non-empty sequence");

  r = LoadConfigString("[1, 2]\n", "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].line, 1);
  EXPECT_NE(r.problems[0].ToString().find("expected a map with the key 'groups'"),
            std::string::npos);

  r = LoadConfigString("group:\n  - name: web\n", "x.yaml");
  ASSERT_EQ(r.problems.size(), 2u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].ToString(),
            "x.yaml:1:1: group: unknown key 'group'; allowed: groups, api, retention, alerts (did you mean "
            "'groups'?)");
  EXPECT_EQ(r.problems[1].ToString(),
            "x.yaml:1:1: groups: missing; required: a non-empty sequence of groups");
}

TEST(LoaderProblems, SecondDocumentIsAProblem) {
  const LoadResult r =
      LoadConfigString("groups: [{name: a}]\n---\ngroups: [{name: b}]\n", "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].line, 3);
  EXPECT_NE(r.problems[0].ToString().find("a second YAML document"), std::string::npos);
}

TEST(LoaderProblems, UnknownKeyWithoutACloseMatchHasNoSuggestion) {
  const LoadResult r = LoadConfigString("groups:\n  - name: web\n    colour: red\n", "x.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].ToString().find("did you mean"), std::string::npos)
      << r.problems[0].ToString();
}

TEST(LoaderProblems, SeveralProblemsAreAllReportedOnceInFileOrder) {
  const LoadResult r = LoadConfigString(R"(groups:
  - name: web
    capacity: {min: 5, max: 2}
    model: {startup: -1s, shutdown: soon}
    metrics:
      - name: cpu
        source: {signal: cpu}
      - name: cpu
    policies:
      - {type: target_tracking, metric: memory, target: 0}
      - {type: scheduled, cron: "0 8 * * *", at: 1798135200, set: {min: 1}}
    behavoir: {}
  - name: web
    on_missing_metrics: {after_failures: 0}
extra: true
)",
                                        "x.yaml");
  const std::vector<std::string> expected = {
      "x.yaml:3:21: groups[0].capacity.min: bad value '5': must be <= capacity.max (2)",
      "x.yaml:4:22: groups[0].model.startup: bad value '-1s': must be >= 0",
      "x.yaml:4:37: groups[0].model.shutdown: bad value 'soon': expected a duration",
      "x.yaml:7:26: groups[0].metrics[0].source.signal: bad value 'cpu': allowed: utilization",
      "x.yaml:8:15: groups[0].metrics[1].name: bad value 'cpu': duplicate metric name",
      "x.yaml:10:41: groups[0].policies[0].metric: bad value 'memory': unknown metric; this "
      "group's metrics: cpu",
      "x.yaml:10:57: groups[0].policies[0].target: bad value '0': must be > 0",
      "x.yaml:11:50: groups[0].policies[1].at: bad value '1798135200': cron and at are exclusive",
      "x.yaml:12:5: groups[0].behavoir: unknown key 'behavoir'",
      "x.yaml:13:11: groups[1].name: bad value 'web': duplicate group name",
      "x.yaml:14:42: groups[1].on_missing_metrics.after_failures: bad value '0': must be >= 1",
      "x.yaml:15:1: extra: unknown key 'extra'; allowed: groups",
  };
  ASSERT_EQ(r.problems.size(), expected.size()) << AllProblems(r);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.problems[i].ToString().rfind(expected[i], 0), 0u)
        << "problem " << i << ": " << r.problems[i].ToString() << "\nexpected: " << expected[i];
  }
}

TEST(ProblemToString, FormatsEachShape) {
  Problem p{"a.yaml", 7, 12, "groups[0].capacity.min", "12", "must be <= capacity.max (10)"};
  EXPECT_EQ(p.ToString(),
            "a.yaml:7:12: groups[0].capacity.min: bad value '12': must be <= "
            "capacity.max (10)");
  p.value = "";  // a key problem or a missing value: no "bad value" part
  p.allowed = "missing; required: an integer";
  EXPECT_EQ(p.ToString(), "a.yaml:7:12: groups[0].capacity.min: missing; required: an integer");
  p.key_path = "";  // about the whole document
  p.allowed = "YAML syntax error: end of map flow not found";
  EXPECT_EQ(p.ToString(), "a.yaml:7:12: YAML syntax error: end of map flow not found");
  p.line = 0;  // about the file
  p.column = 0;
  p.allowed = "cannot read the file: No such file or directory";
  EXPECT_EQ(p.ToString(), "a.yaml: cannot read the file: No such file or directory");
}

TEST(LoadConfigFile, MissingFileIsOneProblemAtLineZero) {
  const std::string path = kFixtures + "does-not-exist.yaml";
  const LoadResult r = LoadConfigFile(path);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 0);
  EXPECT_EQ(r.problems[0].file, path);
  EXPECT_EQ(r.problems[0].ToString(), path + ": cannot read the file: No such file or directory");
}

TEST(LoadConfigFile, DirectoryIsOneProblem) {
  const LoadResult r = LoadConfigFile(kFixtures);
  ASSERT_EQ(r.problems.size(), 1u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].line, 0);
  EXPECT_NE(r.problems[0].ToString().find("cannot read the file"), std::string::npos);
}

TEST(LoadConfigFile, ReadsAFileAndNamesItInProblems) {
  LoadResult r = LoadConfigFile(kFixtures + "minimal.yaml");
  ASSERT_TRUE(r.problems.empty()) << AllProblems(r);
  EXPECT_EQ(r.config.path, kFixtures + "minimal.yaml");
  ASSERT_EQ(r.config.groups.size(), 1u);
  EXPECT_EQ(r.config.groups[0].name, "web");

  r = LoadConfigFile(kFixtures + "invalid.yaml");
  ASSERT_EQ(r.problems.size(), 2u) << AllProblems(r);
  EXPECT_EQ(r.problems[0].ToString(), kFixtures +
                                          "invalid.yaml:4:12: groups[0].capacity.min: bad value "
                                          "'12': must be <= capacity.max (10)");
  EXPECT_EQ(r.problems[1].line, 6);
}

TEST(LoadConfig, ReturnsTheConfigOrOneStatusWithEveryProblem) {
  Result<Config> ok = LoadConfig(kFixtures + "minimal.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->groups.size(), 1u);

  Result<Config> bad = LoadConfig(kFixtures + "invalid.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(bad.status().exit_code(), 2);
  const std::string& msg = bad.status().message();
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 1) << msg;  // two lines
  EXPECT_NE(msg.find("invalid.yaml:4:12: groups[0].capacity.min"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid.yaml:6:5: groups[0].behavoir: unknown key"), std::string::npos)
      << msg;

  Result<Config> missing = LoadConfig(kFixtures + "does-not-exist.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("No such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace tide::config
