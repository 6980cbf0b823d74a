// aggregate.cc: block means (forecast.h, Aggregate).
#include <cmath>
#include <limits>

#include "forecast/forecast.h"

namespace tide::forecast {

Series Aggregate(const Series& s, int factor) {
  Series out;
  out.step = s.step * factor;
  const size_t n = s.values.size(), blocks = n / static_cast<size_t>(factor);
  const size_t first = n - blocks * static_cast<size_t>(factor);
  out.start = s.start + s.step * static_cast<double>(first);
  out.values.reserve(blocks);
  for (size_t b = 0; b < blocks; ++b) {
    double sum = 0;
    int cnt = 0;
    for (int j = 0; j < factor; ++j) {
      double v = s.values[first + b * factor + j];
      if (!std::isnan(v)) sum += v, ++cnt;
    }
    out.values.push_back(cnt ? sum / cnt : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

}  // namespace tide::forecast
