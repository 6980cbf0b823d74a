// trace.h: the Trace CSV contract (docs/ARCHITECTURE.md, "Stable contracts").
//   header exactly `timestamp,value`; timestamp in seconds (integer or decimal, strictly
//   increasing); value the load as a rate per second (>= 0, finite). The interval of a row
//   is the spacing to the next row; the last row's interval is the one before it (or 1 s
//   for a one-row trace). The load is constant within a row's interval.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tide::sim {

struct Trace {
  std::string path;
  std::vector<double> t;      // row start times, seconds
  std::vector<double> value;  // load rate per second in [t[i], t[i+1])
  double last_interval = 1;   // length of the last row's interval

  size_t size() const { return t.size(); }
  double start() const { return t.front(); }
  double end() const { return t.back() + last_interval; }  // exclusive
};

// Parses CSV text. Errors (exit 2) name `path`, the 1-based line and what is allowed:
// empty file, wrong header, wrong column count, non-numeric, negative or non-finite value,
// non-increasing timestamp.
Result<Trace> ParseTrace(std::string_view text, const std::string& path);

// Reads and parses a file; a missing or unreadable file is NotFound naming the path.
Result<Trace> ReadTrace(const std::string& path);

// Mean load over [a, b) from prefix sums: O(log n) per call, O(1) when calls move forward
// through the trace (as the simulator's replay does). Load outside the trace is 0.
// Thread-compatible: one instance per thread (it remembers the last row it found).
class LoadIntegral {
 public:
  explicit LoadIntegral(const Trace& trace);
  // Total arrivals (load x seconds) in [a, b). REQUIRES: a <= b.
  double Arrivals(double a, double b) const;

 private:
  double CumulativeAt(double x) const;
  size_t RowOf(double x) const;
  const Trace& trace_;
  std::vector<double> cum_;  // cum_[i] = arrivals in [t[0], t[i])
  mutable size_t hint_ = 0;  // the row found last
};

}  // namespace tide::sim
