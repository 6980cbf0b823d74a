// The bounds of the averaging windows: a metric window of at most one day, a panic window of at
// most one hour (docs/CONFIG.md). A window of 1e9 s used to pass validation, then hang the
// simulator or abort it with std::bad_alloc.
#include <gtest/gtest.h>

#include "config/loader.h"
#include "invalid_case.h"

namespace tide::config {
namespace {

const InvalidCase kWindowCases[] = {
    {"MetricWindowOfOneBillionSeconds", R"(groups:
  - name: web
    metrics: [{name: u, source: {signal: utilization, window: 1e9s}}]
)",
     3, 63, "groups[0].metrics[0].source.window", "bad value '1e9s': must be > 0 and at most 1d"},
    {"MetricWindowJustOverADay", R"(groups:
  - name: web
    metrics: [{name: u, source: {type: prometheus, url: "http://p:9090", query: up, window: 86401}}]
)",
     3, 93, "groups[0].metrics[0].source.window", "bad value '86401': must be > 0 and at most 1d"},
    {"PanicWindowOfOneBillionSeconds", R"(groups:
  - name: web
    behavior: {panic: {window: 1e9s}}
)",
     3, 32, "groups[0].behavior.panic.window", "bad value '1e9s': must be > 0 and at most 1h"},
    {"PanicWindowJustOverAnHour", R"(groups:
  - name: web
    behavior:
      panic: {window: 3601s, threshold: 2}
)",
     4, 23, "groups[0].behavior.panic.window", "bad value '3601s': must be > 0 and at most 1h"},
};

INSTANTIATE_TEST_SUITE_P(Windows, LoaderInvalid, testing::ValuesIn(kWindowCases), InvalidCaseName);

TEST(WindowBound, ADayAndAnHourAreAllowed) {
  const LoadResult r = LoadConfigString(R"(groups:
  - name: web
    metrics: [{name: u, source: {signal: utilization, window: 1d}}]
    behavior: {panic: {window: 1h}}
)",
                                        "x.yaml");
  EXPECT_TRUE(r.problems.empty()) << AllProblems(r);
}

}  // namespace
}  // namespace tide::config
