// The shared retry loop: backoff schedule and attempt accounting.
#include "actuators/retry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stop_token>
#include <thread>
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

// Shutdown (`tide run`'s first SIGTERM) while an attempt runs: it finishes, and no retry
// starts; requested before the action, no attempt at all. Before, every retry ran.
TEST(ApplyWithRetries, NoAttemptStartsOnceShutdownBegan) {
  std::stop_source stop;
  int calls = 0;
  const ActionResult r = ApplyWithRetries(
      3, 0.001,
      [&] {
        ++calls;
        stop.request_stop();  // the signal arrives during the first attempt
        return Attempt{Outcome::kTimedOut, "timed out after 4 s"};
      },
      stop.get_token());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.outcome, Outcome::kTimedOut);
  EXPECT_EQ(r.detail, "timed out after 4 s; not retried: tide is stopping");

  calls = 0;
  const ActionResult none = ApplyWithRetries(
      3, 0.001,
      [&] {
        return ++calls, Attempt{Outcome::kApplied, ""};
      },
      stop.get_token());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(none.attempts, 0);
  EXPECT_EQ(none.outcome, Outcome::kFailed);
  EXPECT_EQ(none.detail, "not attempted: tide is stopping");
}

// Shutdown during a backoff sleep ends the sleep at once (the first one here is 30 s) and
// starts no further attempt.
TEST(ApplyWithRetries, ShutdownEndsTheBackoffSleep) {
  std::stop_source stop;
  std::atomic<int> calls{0};
  std::thread signal([&] {
    while (calls.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // into the sleep
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  const ActionResult r = ApplyWithRetries(
      3, /*backoff_base=*/30,
      [&] {
        return ++calls, Attempt{Outcome::kFailed, "exit 1"};
      },
      stop.get_token());
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  signal.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.detail, "exit 1; not retried: tide is stopping");
  EXPECT_LT(took, 5.0);
}

// Without a shutdown source (the default token) the loop is the one above: every retry runs.
TEST(ApplyWithRetries, ADefaultTokenNeverStops) {
  Script s{{Outcome::kFailed, Outcome::kFailed, Outcome::kApplied}};
  const ActionResult r = ApplyWithRetries(
      3, 0.001, [&] { return s.Next(); }, std::stop_token{});
  EXPECT_EQ(r.outcome, Outcome::kApplied);
  EXPECT_EQ(r.attempts, 3);
}

}  // namespace
}  // namespace tide::actuators
