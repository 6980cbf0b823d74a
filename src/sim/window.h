// window.h: a mean over the last N fixed-length steps, O(1) per step. Samples may be NaN
// ("no data" for that step, e.g. no unit serving): they are left out of the mean; when the
// window holds no valid sample, Mean() is NaN.
#pragma once

#include <cmath>
#include <vector>

namespace tide::sim {

class WindowMean {
 public:
  // window and step in seconds; holds max(1, round(window / step)) samples.
  WindowMean(double window, double step)
      : buf_(std::max<size_t>(1, static_cast<size_t>(std::lround(window / step))), NAN) {}

  void Push(double v) {
    const double old = buf_[i_];
    if (!std::isnan(old)) {
      sum_ -= old;
      --valid_;
    }
    buf_[i_] = v;
    if (!std::isnan(v)) {
      sum_ += v;
      ++valid_;
    }
    if (++i_ == buf_.size()) {
      i_ = 0;
      // Re-add from scratch once per lap so rounding errors of the running sum never grow.
      sum_ = 0;
      for (double x : buf_)
        if (!std::isnan(x)) sum_ += x;
    }
  }
  double Mean() const { return valid_ > 0 ? sum_ / valid_ : NAN; }

 private:
  std::vector<double> buf_;
  size_t i_ = 0;
  size_t valid_ = 0;
  double sum_ = 0;
};

}  // namespace tide::sim
