// The shared retry loop: backoff schedule and attempt accounting.
#include "actuators/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace tide::actuators {
namespace {

TEST(BackoffDelay, DoublesFromHalfASecondUpToFive) {
  const std::vector<double> want = {0.5, 1, 2, 4, 5, 5, 5};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(BackoffDelay(0.5, static_cast<int>(i) + 1), want[i]) << "retry " << i + 1;
  }
  EXPECT_DOUBLE_EQ(BackoffDelay(0.5, 1000), 5);  // no overflow
  EXPECT_DOUBLE_EQ(BackoffDelay(0.01, 3), 0.04);
  EXPECT_DOUBLE_EQ(BackoffDelay(0.5, 0), 0);
}

// Plays a scripted list of attempt outcomes.
struct Script {
  std::vector<Outcome> outcomes;
  int calls = 0;
  Attempt Next() {
    const Outcome o = outcomes[static_cast<size_t>(calls)];
    ++calls;
    return {o, "attempt " + std::to_string(calls)};
  }
};

TEST(ApplyWithRetries, Table) {
  using O = Outcome;
  struct Case {
    const char* name;
    int retries;
    std::vector<O> outcomes;
    O want;
    int want_attempts;
  };
  const Case cases[] = {
      {"applied at once", 3, {O::kApplied}, O::kApplied, 1},
      {"fail then recover", 3, {O::kFailed, O::kTimedOut, O::kApplied}, O::kApplied, 3},
      {"no retries", 0, {O::kFailed}, O::kFailed, 1},
      {"retries exhausted", 2, {O::kFailed, O::kFailed, O::kFailed}, O::kFailed, 3},
      {"last attempt decides", 1, {O::kFailed, O::kTimedOut}, O::kTimedOut, 2},
  };
  for (const Case& c : cases) {
    Script s{c.outcomes};
    const ActionResult r = ApplyWithRetries(c.retries, 0.001, [&] { return s.Next(); });
    EXPECT_EQ(r.outcome, c.want) << c.name;
    EXPECT_EQ(r.attempts, c.want_attempts) << c.name;
    EXPECT_EQ(s.calls, c.want_attempts) << c.name;
    EXPECT_EQ(r.detail, "attempt " + std::to_string(c.want_attempts)) << c.name;
  }
}

}  // namespace
}  // namespace tide::actuators
