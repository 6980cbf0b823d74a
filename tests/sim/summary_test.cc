// Summary JSON (stable contract keys) and the terminal table.
#include "sim/summary.h"
#include "testing/summary_keys.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace tide::sim {
namespace {

Summary Example() {
  Summary s;
  s.group = "web \"front\"";
  s.config_path = "examples/web.yaml";
  s.trace_path = "traces/wc98.csv";
  s.from = 86400;
  s.to = 7516800;
  s.steps = 123840;
  s.step_seconds = 60;
  s.cost = 1234.5;
  s.oracle_cost = 0.01234;
  s.cost_ratio = 1.5;
  s.static_peak_cost = 4000;
  s.theta_under = 12.5;
  s.theta_over = 30.25;
  s.tau_under = 4;
  s.tau_over = 70;
  s.instability = 3;
  s.arrivals = 1234567;
  s.unserved = 12;
  s.unserved_fraction = 0.000125;
  s.mean_backlog = 1.5;
  s.max_backlog = 300;
  s.scaling_events = 42;
  s.decisions = 123840;
  s.mean_demand = 7.25;
  s.mean_supply = 8.5;
  s.mean_provisioned = 9;
  s.peak_demand = 61;
  s.peak_supply = 64;
  s.mean_utilization = 0.625;
  return s;
}

// Every field name of Summary; the contract's keys are a subset.
const std::vector<std::string>& kKeys = tide::testing::SummaryKeys();

TEST(SummaryJsonTest, HasExactlyTheFieldNamesAsKeys) {
  const nlohmann::json j = nlohmann::json::parse(SummaryJson(Example()));
  ASSERT_TRUE(j.is_object());
  for (const std::string& k : kKeys) EXPECT_TRUE(j.contains(k)) << "missing key " << k;
  EXPECT_EQ(j.size(), kKeys.size());
}

TEST(SummaryJsonTest, ValuesRoundTrip) {
  const Summary s = Example();
  const nlohmann::json j = nlohmann::json::parse(SummaryJson(s));
  EXPECT_EQ(j["group"], s.group);
  EXPECT_EQ(j["steps"].get<long long>(), 123840);
  EXPECT_TRUE(j["steps"].is_number_integer());
  EXPECT_TRUE(j["peak_demand"].is_number_integer());
  EXPECT_DOUBLE_EQ(j["cost"].get<double>(), 1234.5);
  EXPECT_DOUBLE_EQ(j["oracle_cost"].get<double>(), 0.01234);
  EXPECT_DOUBLE_EQ(j["theta_over"].get<double>(), 30.25);
  EXPECT_DOUBLE_EQ(j["unserved_fraction"].get<double>(), 0.000125);
  EXPECT_EQ(j["scaling_events"].get<long long>(), 42);
}

TEST(SummaryJsonTest, IsPrettyWithTwoSpaces) {
  const std::string text = SummaryJson(Example());
  EXPECT_NE(text.find("{\n  \"group\": "), std::string::npos) << text;
}

TEST(SummaryJsonTest, NonFiniteBecomesNull) {
  Summary s;
  s.cost_ratio = std::numeric_limits<double>::infinity();
  const nlohmann::json j = nlohmann::json::parse(SummaryJson(s));
  EXPECT_TRUE(j["cost_ratio"].is_null());
}

struct TextCase {
  const char* name;
  std::string expected;  // a substring of the table
};

class SummaryTextTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(SummaryTextTest, Shows) {
  const std::string text = SummaryText(Example());
  EXPECT_NE(text.find(GetParam().expected), std::string::npos)
      << "missing '" << GetParam().expected << "' in\n"
      << text;
}

INSTANTIATE_TEST_SUITE_P(
    Figures, SummaryTextTest,
    ::testing::Values(
        TextCase{"Group", "group web \"front\""},
        TextCase{"Period", "period  1d .. 87d (123,840 steps of 60s)"},
        TextCase{"MoneyTwoDecimals", "1234.50\n"}, TextCase{"SmallMoneyFourDecimals", "0.0123\n"},
        TextCase{"Ratio", "1.50 ×"}, TextCase{"ThetaUPlainWords", "under-provisioning accuracy θU"},
        TextCase{"PercentTwoDecimals", "12.50 %"},
        TextCase{"TimeshareO", "over-provisioning timeshare τO"},
        TextCase{"FractionAsPercent", "0.01 %"}, TextCase{"UtilizationAsPercent", "62.50 %"},
        TextCase{"ThousandsSeparators", "1,234,567 requests"}, TextCase{"Units", "7.25 units"}),
    [](const ::testing::TestParamInfo<TextCase>& info) { return std::string(info.param.name); });

// Display width (code points) of a line up to the end of its number.
size_t NumberEnd(const std::string& line) {
  const size_t end = line.find_last_of("0123456789") + 1;
  size_t w = 0;
  for (size_t i = 0; i < end; ++i) w += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
  return w;
}

TEST(SummaryTextTest, NumbersAreRightAligned) {
  std::istringstream in(SummaryText(Example()));
  std::string line;
  std::vector<size_t> ends;
  while (std::getline(in, line))
    if (line.find("θ") != std::string::npos || line.find("τ") != std::string::npos ||
        line.find("cost ") != std::string::npos || line.find("mean demand") != std::string::npos)
      ends.push_back(NumberEnd(line));
  ASSERT_GE(ends.size(), 6u);
  for (size_t e : ends) EXPECT_EQ(e, ends.front());
}

}  // namespace
}  // namespace tide::sim
