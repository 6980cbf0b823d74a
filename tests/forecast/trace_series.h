// trace_series.h: loads a shared trace (timestamp,value CSV) as an equally spaced Series at
// a coarser step, for the accuracy regression tests. Test-only; the CLI uses sim::ReadTrace.
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "forecast/forecast.h"

namespace tide::forecast::testing {

inline std::string SharedTrace(const std::string& file) {
  return std::string(TIDE_SHARED_TRACES) + "/" + file;
}

inline bool SharedTracesPresent() {
  std::ifstream f(SharedTrace("README.md"));
  return f.good();
}

// Reads `path` and aggregates to `step` seconds (a multiple of the trace's interval).
// Returns an empty series when the file cannot be read.
inline Series LoadTrace(const std::string& path, double step) {
  std::ifstream f(path);
  Series s;
  std::string line;
  if (!std::getline(f, line)) return s;
  double t0 = 0, prev = 0;
  int row = 0;
  while (std::getline(f, line)) {
    auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    double t = std::stod(line.substr(0, comma)), v = std::stod(line.substr(comma + 1));
    if (row == 0) t0 = t;
    if (row == 1) s.step = t - prev;
    prev = t;
    s.values.push_back(v);
    ++row;
  }
  s.start = t0;
  int factor = std::max(1, static_cast<int>(std::lround(step / s.step)));
  if (factor == 1) return s;
  // Align blocks to the trace start (drop the trailing partial block).
  s.values.resize(s.values.size() / factor * factor);
  return Aggregate(s, factor);
}

}  // namespace tide::forecast::testing
