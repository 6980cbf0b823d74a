// series.h: fixed-size downsampling of per-step series for charts. Steps are grouped into
// consecutive buckets of `steps_per_bucket`; each bucket keeps min, max and mean of each
// series, so peaks survive the downsampling. Memory is O(buckets), not O(steps).
#pragma once

#include <vector>

namespace tide::sim {

struct Bucket {
  double t = 0;  // start of the bucket, trace seconds
  double load_mean = 0, load_max = 0;
  double demand_max = 0, demand_mean = 0;
  double supply_min = 0, supply_max = 0, supply_mean = 0;
  double provisioned_max = 0;
  double desired_min = 0, desired_max = 0, desired_last = 0;
  int n = 0;
};

class SeriesRecorder {
 public:
  // total_steps: how many Add() calls will come; the bucket size is chosen so that there are
  // at most `max_buckets` buckets.
  SeriesRecorder(long long total_steps, int max_buckets = 2000);
  void Add(double t, double load, int demand, int supply, int provisioned, int desired);
  const std::vector<Bucket>& buckets() const { return buckets_; }
  long long steps_per_bucket() const { return per_; }

 private:
  long long per_ = 1;
  std::vector<Bucket> buckets_;
};

}  // namespace tide::sim
