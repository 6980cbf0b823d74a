// The HTML report: self-contained, escaped, with thinned scaling-event markers.
#include "sim/report.h"
#include "testing/summary_keys.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tide::sim {
namespace {

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// `hours` of one-minute steps, one bucket per 10 steps, and `events` scaling events that
// alternate up and down.
ReportInput Input(double hours, int events) {
  ReportInput in;
  in.summary.group = "web";
  in.summary.config_path = "examples/web.yaml";
  in.summary.trace_path = "/work/shared/traces/wc98_requests_1min.csv";
  in.summary.step_seconds = 60;
  in.summary.steps = static_cast<long long>(hours * 60);
  in.summary.to = hours * 3600;
  in.capacity_per_unit = 50;
  const long long steps = static_cast<long long>(hours * 60);
  SeriesRecorder rec(steps, 2000);
  for (long long i = 0; i < steps; ++i) {
    const double load = 100 + 80 * ((i / 30) % 2);
    const int demand = static_cast<int>((load + 49) / 50);
    rec.Add(60.0 * i, load, demand, demand, demand + 1, demand);
  }
  in.buckets = rec.buckets();
  for (int i = 0; i < events; ++i)
    in.events.push_back({hours * 3600 * i / std::max(events, 1), 2 + i % 2, 3 - i % 2, "target"});
  in.policy_description = "target_tracking utilization 0.6";
  return in;
}

TEST(ReportTest, IsOneSelfContainedHtmlDocumentWithAnSvgChart) {
  const std::string html = RenderReportHtml(Input(24, 10));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  std::string rest = html;
  const std::string xmlns = "http://www.w3.org/2000/svg";
  for (size_t p = rest.find(xmlns); p != std::string::npos; p = rest.find(xmlns))
    rest.erase(p, xmlns.size());
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
}

struct ContentCase {
  const char* name;
  std::string expected;
};

class ReportContentTest : public ::testing::TestWithParam<ContentCase> {};

TEST_P(ReportContentTest, Contains) {
  const std::string html = RenderReportHtml(Input(24, 10));
  EXPECT_NE(html.find(GetParam().expected), std::string::npos) << GetParam().expected;
}

INSTANTIATE_TEST_SUITE_P(
    Content, ReportContentTest,
    ::testing::Values(
        ContentCase{"TitleNamesGroup", "<title>tide simulation: web</title>"},
        ContentCase{"TraceName", "wc98_requests_1min.csv"}, ContentCase{"ConfigName", "web.yaml"},
        ContentCase{"LoadSeries", "class=\"load\" d=\"M"},
        ContentCase{"DemandSeries", "class=\"demand\" d=\"M"},
        ContentCase{"SupplySeries", "class=\"supply\" d=\"M"},
        ContentCase{"ProvisionedSeries", "class=\"prov\" d=\"M"},
        ContentCase{"DesiredSeries", "class=\"desired\" d=\"M"},
        ContentCase{"Legend", "provisioned (max)"},
        ContentCase{"HoursAxisForADay", "hours since the start"},
        ContentCase{"ThetaUExplained", "mean relative shortfall of supply below demand"},
        ContentCase{"BacklogRule", "FIFO backlog for up to the model's <code>queue_timeout</code>"},
        ContentCase{"BacklogAtEnd", "at the end of the replay also counts as unserved"},
        ContentCase{"Policy", "<pre>target_tracking utilization 0.6</pre>"},
        ContentCase{"AllEventsMarked",
                    "Scaling events: 10 in total (5 up, 5 down); all are marked."}),
    [](const ::testing::TestParamInfo<ContentCase>& info) { return std::string(info.param.name); });

TEST(ReportTest, TableHasEverySummaryField) {
  const std::string html = RenderReportHtml(Input(2, 0));
  for (const std::string& key : tide::testing::SummaryKeys())
    EXPECT_NE(html.find("<code>" + key + "</code>"), std::string::npos) << key;
}

TEST(ReportTest, DaysAxisForLongSpans) {
  const std::string html = RenderReportHtml(Input(24 * 5, 0));
  EXPECT_NE(html.find("days since the start"), std::string::npos);
}

TEST(ReportTest, EscapesEveryInsertedText) {
  ReportInput in = Input(3, 2);
  in.summary.group = "<b>web</b> & co";
  in.summary.trace_path = "traces/a<b>.csv";
  in.summary.config_path = "cfg/\"x\".yaml";
  in.events[0].reason = "<script>alert(1)</script>";
  in.policy_description = "scale when cpu > 60 & queue < 10\n</pre><i>";
  const std::string html = RenderReportHtml(in);
  EXPECT_EQ(html.find("<b>web"), std::string::npos);
  EXPECT_EQ(html.find("a<b>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;web&lt;/b&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b&gt;.csv"), std::string::npos);
  EXPECT_NE(html.find("&quot;x&quot;.yaml"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("cpu &gt; 60 &amp; queue &lt; 10"), std::string::npos);
}

struct MarkerCase {
  const char* name;
  int events;
  size_t markers;
  std::string caption;
};

class ReportMarkerTest : public ::testing::TestWithParam<MarkerCase> {};

TEST_P(ReportMarkerTest, ThinsToAnEvenlySpreadSubset) {
  const MarkerCase& c = GetParam();
  const std::string html = RenderReportHtml(Input(48, c.events));
  EXPECT_EQ(CountOf(html, "class=\"mark ev-"), c.markers);
  EXPECT_NE(html.find(c.caption), std::string::npos) << c.caption;
}

INSTANTIATE_TEST_SUITE_P(
    Markers, ReportMarkerTest,
    ::testing::Values(MarkerCase{"None", 0, 0, "Scaling events: 0 in total"},
                    MarkerCase{"AllUpTo300", 300, 300, "300 in total (150 up, 150 down); all"},
                    MarkerCase{"ThinnedAbove300", 301, 300,
                               "301 in total (151 up, 150 down); 300 markers shown"},
                    MarkerCase{"ManyThinned", 100000, 300,
                               "100000 in total (50000 up, 50000 down); 300 markers shown"}),
    [](const ::testing::TestParamInfo<MarkerCase>& info) { return std::string(info.param.name); });

TEST(ReportTest, ThinnedMarkersKeepFirstAndLastEvent) {
  ReportInput in = Input(48, 1000);
  in.events.front().reason = "first-event";
  in.events.back().reason = "last-event";
  const std::string html = RenderReportHtml(in);
  EXPECT_NE(html.find("(first-event)"), std::string::npos);
  EXPECT_NE(html.find("(last-event)"), std::string::npos);
}

TEST(ReportTest, NoBucketsStillRenders) {
  ReportInput in;
  in.summary.group = "empty";
  const std::string html = RenderReportHtml(in);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("no steps recorded"), std::string::npos);
}

// With the dashboard bundle the page inlines it, the series as JSON and a place for the
// chart, and keeps the SVG (for readers without scripts) and every figure.
TEST(ReportTest, WithTheBundleInlinesItAndTheSeries) {
  ReportInput in = Input(2, 3);
  in.script = "window.drawn = 1; var s = \"</script><b>\";";
  in.style = ".chart{min-height:60px}";
  const std::string html = RenderReportHtml(in);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<div id=\"report-chart\""), std::string::npos);
  EXPECT_NE(html.find(".chart{min-height:60px}"), std::string::npos);
  EXPECT_NE(html.find("window.drawn = 1;"), std::string::npos);
  // The bundle cannot close its own script element early.
  EXPECT_EQ(CountOf(html, "</script>"), 2u) << "the data element and the bundle's";
  EXPECT_NE(html.find("<\\/script><b>"), std::string::npos);
  // The series: one entry per bucket in each column, load in units (load / capacity).
  const std::string open = "<script type=\"application/json\" id=\"tide-report-data\">";
  const size_t at = html.find(open);
  ASSERT_NE(at, std::string::npos);
  const size_t end = html.find("</script>", at);
  const std::string json = html.substr(at + open.size(), end - at - open.size());
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(j.is_object()) << json.substr(0, 300);
  const size_t n = in.buckets.size();
  for (const char* col : {"t", "load", "demand", "supply", "provisioned", "desired"})
    ASSERT_EQ(j[col].size(), n) << col;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_DOUBLE_EQ(j["t"][i].get<double>(), in.buckets[i].t);
    EXPECT_DOUBLE_EQ(j["load"][i].get<double>(), in.buckets[i].load_mean / 50);
    EXPECT_DOUBLE_EQ(j["demand"][i].get<double>(), in.buckets[i].demand_max);
    EXPECT_DOUBLE_EQ(j["desired"][i].get<double>(), in.buckets[i].desired_last);
  }
  for (const std::string& key : tide::testing::SummaryKeys()) EXPECT_NE(html.find(key), std::string::npos) << key;
}

TEST(ReportTest, SeriesJsonCannotEndItsScriptElement) {
  ReportInput in = Input(1, 0);
  in.script = "1";
  in.summary.group = "</script><script>alert(1)</script>";
  const std::string html = RenderReportHtml(in);
  EXPECT_EQ(CountOf(html, "<script"), 2u);
}

}  // namespace
}  // namespace tide::sim
