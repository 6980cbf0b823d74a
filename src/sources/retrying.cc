#include "sources/retrying.h"

#include <algorithm>
#include <cmath>

namespace tide::sources {

double RetryBackoff(int retry) { return std::min(2.0, 0.1 * std::pow(2.0, std::min(retry, 30))); }

RetryingSource::RetryingSource(std::unique_ptr<MetricSource> inner, int retries,
                               std::function<void(double)> sleep)
    : inner_(std::move(inner)), retries_(std::max(0, retries)), sleep_(std::move(sleep)) {}

template <typename T>
Result<T> RetryingSource::Attempt(const std::function<Result<T>()>& call) {
  int attempts = 0;
  for (;;) {
    Result<T> r = call();
    ++attempts;
    if (r.ok() || r.status().code() != StatusCode::kRuntime || attempts > retries_) {
      if (r.ok() || attempts == 1) return r;
      const Status& s = r.status();
      std::string msg = "after " + std::to_string(attempts) + " attempts: " + s.message();
      switch (s.code()) {
        case StatusCode::kRuntime:
          return Status::Runtime(std::move(msg));
        case StatusCode::kNotFound:
          return Status::NotFound(std::move(msg));
        default:
          return Status::InvalidInput(std::move(msg));
      }
    }
    sleep_(RetryBackoff(attempts - 1));
  }
}

Result<Reading> RetryingSource::Fetch(double now) {
  return Attempt<Reading>([&] { return inner_->Fetch(now); });
}

Result<std::vector<Sample>> RetryingSource::History(double from, double to, double step) {
  return Attempt<std::vector<Sample>>([&] { return inner_->History(from, to, step); });
}

}  // namespace tide::sources
