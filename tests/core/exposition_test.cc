// The Prometheus text format 0.0.4, checked against hand-written expected text.
#include "core/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tide {
namespace {

MetricFamily Gauge(std::string name, std::vector<MetricPoint> points) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = "A gauge.";
  f.type = "gauge";
  f.points = std::move(points);
  return f;
}

TEST(Exposition, EmptyInputIsEmptyText) { EXPECT_EQ(FormatExposition({}), ""); }

TEST(Exposition, GaugeWithAndWithoutLabels) {
  const auto text = FormatExposition({Gauge("tide_desired", {{{}, 3}, {{{"group", "web"}}, 7}})});
  EXPECT_EQ(text,
            "# HELP tide_desired A gauge.\n"
            "# TYPE tide_desired gauge\n"
            "tide_desired 3\n"
            "tide_desired{group=\"web\"} 7\n");
}

TEST(Exposition, LabelsAreSortedByName) {
  const auto text = FormatExposition({Gauge("m", {{{{"z", "1"}, {"a", "2"}, {"m", "3"}}, 1}})});
  EXPECT_NE(text.find("m{a=\"2\",m=\"3\",z=\"1\"} 1\n"), std::string::npos) << text;
}

TEST(Exposition, ValueFormatting) {
  struct Case {
    const char* name;
    double value;
    const char* want;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const Case cases[] = {
      {"zero", 0, "0"},
      {"negative zero", -0.0, "0"},
      {"integer", 42, "42"},
      {"negative integer", -5, "-5"},
      {"large integer has no exponent", 1e16, "10000000000000000"},
      {"fraction", 0.25, "0.25"},
      {"shortest round trip", 0.1, "0.1"},
      {"full precision", 0.30000000000000004, "0.30000000000000004"},
      {"huge", 1e300, "1e+300"},
      {"tiny", 1e-7, "1e-07"},
      {"NaN", std::nan(""), "NaN"},
      {"plus infinity", inf, "+Inf"},
      {"minus infinity", -inf, "-Inf"},
  };
  for (const Case& c : cases) {
    const auto text = FormatExposition({Gauge("v", {{{}, c.value}})});
    EXPECT_NE(text.find(std::string("\nv ") + c.want + "\n"), std::string::npos) << c.name << ":\n"
                                                                                 << text;
  }
}

TEST(Exposition, EscapesHelpAndLabelValues) {
  MetricFamily f = Gauge("m", {{{{"path", "C:\\dir\n\"quoted\""}}, 1}});
  f.help = "Line one\nback\\slash \"quotes stay\"";
  EXPECT_EQ(FormatExposition({f}),
            "# HELP m Line one\\nback\\\\slash \"quotes stay\"\n"
            "# TYPE m gauge\n"
            "m{path=\"C:\\\\dir\\n\\\"quoted\\\"\"} 1\n");
}

TEST(Exposition, Histogram) {
  MetricFamily f;
  f.name = "tide_tick_seconds";
  f.help = "Duration of one tick.";
  f.type = "histogram";
  HistogramPoint h;
  h.labels = {{"group", "web"}};
  h.bounds = {0.005, 0.1, 1};
  h.counts = {2, 5, 9};
  h.count = 10;
  h.sum = 3.75;
  f.histograms.push_back(h);
  EXPECT_EQ(FormatExposition({f}),
            "# HELP tide_tick_seconds Duration of one tick.\n"
            "# TYPE tide_tick_seconds histogram\n"
            "tide_tick_seconds_bucket{group=\"web\",le=\"0.005\"} 2\n"
            "tide_tick_seconds_bucket{group=\"web\",le=\"0.1\"} 5\n"
            "tide_tick_seconds_bucket{group=\"web\",le=\"1\"} 9\n"
            "tide_tick_seconds_bucket{group=\"web\",le=\"+Inf\"} 10\n"
            "tide_tick_seconds_sum{group=\"web\"} 3.75\n"
            "tide_tick_seconds_count{group=\"web\"} 10\n");
}

TEST(Exposition, HistogramWithoutLabelsOrBounds) {
  MetricFamily f;
  f.name = "h";
  f.help = "H.";
  f.type = "histogram";
  HistogramPoint h;
  h.count = 0;
  f.histograms.push_back(h);
  EXPECT_EQ(FormatExposition({f}),
            "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

TEST(Exposition, FamiliesKeepTheirOrder) {
  MetricFamily c;
  c.name = "b_total";
  c.help = "A counter.";
  c.type = "counter";
  c.points = {{{}, 12}};
  const auto text = FormatExposition({c, Gauge("a", {{{}, 1}})});
  EXPECT_EQ(text,
            "# HELP b_total A counter.\n# TYPE b_total counter\nb_total 12\n"
            "# HELP a A gauge.\n# TYPE a gauge\na 1\n");
}

}  // namespace
}  // namespace tide
