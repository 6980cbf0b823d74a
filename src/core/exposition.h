// exposition.h: the Prometheus text exposition format (version 0.0.4), pure formatting.
// https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tide {

struct MetricPoint {
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct HistogramPoint {
  std::map<std::string, std::string> labels;
  std::vector<double> bounds;             // upper bounds, increasing, without +Inf
  std::vector<unsigned long long> counts; // cumulative count per bound (same size as bounds)
  unsigned long long count = 0;           // total (the +Inf bucket)
  double sum = 0;
};

struct MetricFamily {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;
  std::string type;  // gauge | counter | histogram
  std::vector<MetricPoint> points;          // gauge, counter
  std::vector<HistogramPoint> histograms;   // histogram
};

// Formats families in order: # HELP, # TYPE, then samples; label values escaped (\\, \", \n);
// NaN as NaN, infinities as +Inf/-Inf.
std::string FormatExposition(const std::vector<MetricFamily>& families);

}  // namespace tide
