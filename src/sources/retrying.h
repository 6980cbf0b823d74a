// retrying.h: a MetricSource decorator that retries transport failures with exponential
// backoff. MakeSource wraps every live source in one.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sources/source.h"

namespace tide::sources {

// The wait before retry number `retry` (0-based): 0.1 s x 2^retry, capped at 2 s —
// 0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, ...
double RetryBackoff(int retry);

class RetryingSource : public MetricSource {
 public:
  // Up to 1 + `retries` attempts. Only Runtime errors are retried: an InvalidInput answer
  // (several series, a missing consumer group, a bad JSON pointer) would be the same again.
  // After more than one attempt the error is the last one, its message prefixed
  // "after N attempts: ". `sleep` waits between attempts (seconds); it must be callable.
  RetryingSource(std::unique_ptr<MetricSource> inner, int retries,
                 std::function<void(double)> sleep);

  Result<Reading> Fetch(double now) override;
  Result<std::vector<Sample>> History(double from, double to, double step) override;
  std::string Describe() const override { return inner_->Describe(); }

 private:
  template <typename T>
  Result<T> Attempt(const std::function<Result<T>()>& call);

  std::unique_ptr<MetricSource> inner_;
  int retries_;
  std::function<void(double)> sleep_;
};

}  // namespace tide::sources
