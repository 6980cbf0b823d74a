// JSON pointer extraction on a captured stats document, and the reader on a fake client.
#include "sources/http_json.h"

#include <gtest/gtest.h>

#include "sources/test_support.h"

namespace tide::sources {
namespace {

using testing::FakeHttpClient;
using testing::ReadFixture;

struct PointerCase {
  std::string name;
  std::string pointer;
  StatusCode code;
  double value = 0;
  std::string message = "";  // substring of the error
};

class PointerTest : public ::testing::TestWithParam<PointerCase> {};

TEST_P(PointerTest, Extracts) {
  const PointerCase& c = GetParam();
  const std::string body = ReadFixture("http_json/stats.json");
  ASSERT_FALSE(body.empty());
  auto r = ParseJsonPointerValue(body, c.pointer);
  if (c.code == StatusCode::kOk) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_DOUBLE_EQ(r->value, c.value);
    EXPECT_FALSE(r->no_data);
  } else {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Stats, PointerTest,
    ::testing::Values(
        PointerCase{"Integer", "/queue/depth", StatusCode::kOk, 17},
        PointerCase{"NumericString", "/queue/oldest_age_seconds", StatusCode::kOk, 4.5},
        PointerCase{"ExponentString", "/rate", StatusCode::kOk, 1500},
        PointerCase{"ArrayIndex", "/workers/1/busy", StatusCode::kOk, 5},
        PointerCase{"EscapedSlash", "/weird~1key", StatusCode::kOk, 9},
        PointerCase{"EscapedTilde", "/tilde~0key", StatusCode::kOk, 11},
        PointerCase{"MissingKeyListsParentKeys", "/queue/size", StatusCode::kInvalidInput, 0,
                    "JSON pointer /queue/size not found; keys at /queue: depth, "
                    "oldest_age_seconds, owner, paused"},
        PointerCase{"MissingDeepStopsAtDeepestExisting", "/queue/a/b/c", StatusCode::kInvalidInput,
                    0, "keys at /queue: depth"},
        PointerCase{"MissingTopLevel", "/depth", StatusCode::kInvalidInput, 0,
                    "keys at the document root: label, queue, rate, service"},
        PointerCase{"IndexOutOfRange", "/workers/2/busy", StatusCode::kInvalidInput, 0,
                    "/workers is an array of 2 elements (indexes 0..1)"},
        PointerCase{"IndexNotANumber", "/workers/first", StatusCode::kInvalidInput, 0,
                    "/workers is an array of 2 elements"},
        PointerCase{"PastAScalar", "/service/name", StatusCode::kInvalidInput, 0,
                    "/service is a string, not an object or array"},
        PointerCase{"NonNumericString", "/label", StatusCode::kInvalidInput, 0,
                    "value at /label is the string \"high\"; expected a number"},
        PointerCase{"Boolean", "/queue/paused", StatusCode::kInvalidInput, 0,
                    "value at /queue/paused is a boolean (false); expected a number"},
        PointerCase{"Null", "/queue/owner", StatusCode::kInvalidInput, 0,
                    "value at /queue/owner is null; expected a number"},
        PointerCase{"Object", "/queue", StatusCode::kInvalidInput, 0,
                    "value at /queue is an object; expected a number"},
        PointerCase{"WholeDocument", "", StatusCode::kInvalidInput, 0,
                    "value at the document root is an object"},
        PointerCase{"MalformedPointer", "queue/depth", StatusCode::kInvalidInput, 0,
                    "JSON pointer \"queue/depth\" is malformed"}),
    [](const auto& info) { return info.param.name; });

TEST(JsonPointerValue, BodyNotJson) {
  auto r = ParseJsonPointerValue("<html>oops</html>", "/a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("not JSON (parse error at line 1, column 1"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("): <html>"), std::string::npos) << r.status().message();
}

// A number past a double's range makes the document unreadable; the message says which (it
// read "response is not JSON" for a document that is JSON).
TEST(JsonPointerValue, ANumberPastADoubleSaysSo) {
  auto r = ParseJsonPointerValue(R"({"big":1e999,"a":1})", "/a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            R"(response is not JSON (number overflow parsing '1e999'): {"big":1e999,"a":1})");
}

TEST(JsonPointerValue, BareNumberDocument) {
  auto r = ParseJsonPointerValue("12.25\n", "");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->value, 12.25);
}

TEST(JsonPointerValue, NonFiniteStringIsRejected) {
  auto r = ParseJsonPointerValue(R"({"x":"NaN"})", "/x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected a finite number"), std::string::npos);
}

TEST(HttpJsonSource, FetchesAndExtracts) {
  FakeHttpClient http;
  http.PushOk(ReadFixture("http_json/stats.json"));
  HttpJsonSource src("http://app:9100/stats", "/queue/depth", &http, 0.5);
  auto r = src.Fetch(100);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->value, 17);
  ASSERT_EQ(http.requests().size(), 1u);
  EXPECT_EQ(http.requests()[0].url, "http://app:9100/stats");
  EXPECT_DOUBLE_EQ(http.requests()[0].timeout, 0.5);
  EXPECT_EQ(src.Describe(), "http_json /queue/depth at http://app:9100/stats");
}

TEST(HttpJsonSource, Non2xxIsRuntimeNamingStatusAndUrl) {
  FakeHttpClient http;
  http.PushOk("upstream unavailable", 503);
  HttpJsonSource src("http://app:9100/stats", "/queue/depth", &http, 1);
  auto r = src.Fetch(100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(r.status().message(), "HTTP 503 from http://app:9100/stats: upstream unavailable");
}

TEST(HttpJsonSource, TransportErrorPassesThrough) {
  FakeHttpClient http;
  http.Push(Status::Runtime("GET http://app:9100/stats: timeout after 1 s"));
  HttpJsonSource src("http://app:9100/stats", "/queue/depth", &http, 1);
  auto r = src.Fetch(100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "GET http://app:9100/stats: timeout after 1 s");
}

}  // namespace
}  // namespace tide::sources
