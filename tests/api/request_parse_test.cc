#include "api/request_parse.h"

#include <gtest/gtest.h>

namespace tide::api {
namespace {

constexpr double kNow = 1000;

struct OverrideCase {
  const char* name;
  const char* body;
  bool ok;
  int desired;           // when ok
  double expires_at;     // when ok
  const char* mentions;  // when refused: a part of the message
};

class OverrideBodyTest : public ::testing::TestWithParam<OverrideCase> {};

TEST_P(OverrideBodyTest, Parses) {
  const OverrideCase& c = GetParam();
  auto r = ParseOverrideBody(c.body, kNow);
  if (c.ok) {
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->desired, c.desired);
    EXPECT_DOUBLE_EQ(r->expires_at, c.expires_at);
  } else {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(r.status().message().find(c.mentions), std::string::npos) << r.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, OverrideBodyTest,
    ::testing::Values(
        OverrideCase{"ForMinutes", R"({"desired": 4, "for": "10m"})", true, 4, 1600, ""},
        OverrideCase{"ForSecondsNumber", R"({"desired": 0, "for": 30})", true, 0, 1030, ""},
        OverrideCase{"ExpiresAtEpoch", R"({"desired": 7, "expires_at": 5000})", true, 7, 5000, ""},
        OverrideCase{"ExpiresAtRfc3339", R"({"desired": 1, "expires_at": "1970-01-01T01:00:00Z"})",
                     true, 1, 3600, ""},
        OverrideCase{"ExpiryInPastIsThePlanesCall", R"({"desired": 1, "expires_at": 1})", true, 1,
                     1, ""},
        OverrideCase{"Empty", "", false, 0, 0, "the body is empty"},
        OverrideCase{"Blank", "  \n", false, 0, 0, "the body is empty"},
        OverrideCase{"NotJson", "{desired: 3}", false, 0, 0, "parse error"},
        OverrideCase{"Truncated", R"({"desired": 3, )", false, 0, 0, "not valid JSON"},
        OverrideCase{"NumberOverflow", R"({"desired": 1e999, "for": "1m"})", false, 0, 0,
                     "not valid JSON"},
        OverrideCase{"Array", "[1, 2]", false, 0, 0, "a JSON array, not an object"},
        OverrideCase{"String", "\"desired\"", false, 0, 0, "not an object"},
        OverrideCase{"UnknownField", R"({"desire": 3, "for": "1m"})", false, 0, 0,
                     "unknown field \"desire\"; allowed: desired, expires_at, for"},
        // The last one used to win silently.
        OverrideCase{"FieldTwice", R"({"desired": 1, "for": "1m", "desired": 2})", false, 0, 0,
                     "field \"desired\" is given twice"},
        OverrideCase{"DesiredMissing", R"({"for": "10m"})", false, 0, 0, "\"desired\" is missing"},
        OverrideCase{"DesiredNegative", R"({"desired": -1, "for": "10m"})", false, 0, 0,
                     "\"desired\" = -1; it must be an integer in [0, 2147483647]"},
        OverrideCase{"DesiredString", R"({"desired": "3", "for": "10m"})", false, 0, 0,
                     "\"desired\" = \"3\""},
        OverrideCase{"DesiredFraction", R"({"desired": 1.5, "for": "10m"})", false, 0, 0,
                     "\"desired\" = 1.5"},
        OverrideCase{"DesiredHuge", R"({"desired": 99999999999999999999, "for": "10m"})", false, 0,
                     0, "\"desired\""},
        OverrideCase{"DesiredAboveInt", R"({"desired": 2147483648, "for": "10m"})", false, 0, 0,
                     "\"desired\" = 2147483648"},
        OverrideCase{"DesiredNull", R"({"desired": null, "for": "10m"})", false, 0, 0,
                     "\"desired\" = null"},
        OverrideCase{"NoExpiry", R"({"desired": 3})", false, 0, 0,
                     "\"expires_at\" (epoch seconds) or \"for\" (a duration such as \"10m\") is "
                     "required"},
        OverrideCase{"BothExpiries", R"({"desired": 3, "for": "1m", "expires_at": 5000})", false, 0,
                     0, "not both"},
        OverrideCase{"ForNotADuration", R"({"desired": 3, "for": "soon"})", false, 0, 0,
                     "\"for\" = \"soon\"; it must be a positive duration"},
        OverrideCase{"ForNegative", R"({"desired": 3, "for": -5})", false, 0, 0, "\"for\" = -5"},
        OverrideCase{"ForZero", R"({"desired": 3, "for": "0s"})", false, 0, 0, "\"for\""},
        OverrideCase{"ForObject", R"({"desired": 3, "for": {}})", false, 0, 0, "\"for\" = {}"},
        OverrideCase{"ExpiresAtWord", R"({"desired": 3, "expires_at": "tomorrow"})", false, 0, 0,
                     "\"expires_at\" = \"tomorrow\"; it must be seconds since the Unix epoch"}),
    [](const ::testing::TestParamInfo<OverrideCase>& info) { return info.param.name; });

TEST(OverrideBodyTest, LongValuesAreCutShortInMessages) {
  const std::string body = R"({"desired": ")" + std::string(10000, 'x') + R"(", "for": "1m"})";
  auto r = ParseOverrideBody(body, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 200u);
}

TEST(CountParamTest, AbsentUsesFallback) {
  EXPECT_EQ(*ParseCountParam("limit", std::nullopt, 100, 1, 1000), 100);
}

TEST(CountParamTest, AcceptsAndCaps) {
  EXPECT_EQ(*ParseCountParam("limit", "7", 100, 1, 1000), 7);
  EXPECT_EQ(*ParseCountParam("limit", "1000", 100, 1, 1000), 1000);
  EXPECT_EQ(*ParseCountParam("limit", "1001", 100, 1, 1000), 1000);
  EXPECT_EQ(*ParseCountParam("limit", "99999999999999999999999", 100, 1, 1000), 1000);
  EXPECT_EQ(*ParseCountParam("decisions", "0", 20, 0, 1000), 0);
}

TEST(CountParamTest, RefusesNonNumbersAndBelowMinimum) {
  for (const char* bad : {"", "abc", "7x", "1.5", "-1", "0", " 7", "+7", "-99999999999999999999"}) {
    auto r = ParseCountParam("limit", std::string(bad), 100, 1, 1000);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(
        r.status().message().find("limit='" + std::string(bad) + "'; it must be an integer >= 1"),
        0u)
        << r.status().message();
  }
}

TEST(SinceParamTest, EpochOrRfc3339) {
  EXPECT_DOUBLE_EQ(*ParseSinceParam(std::nullopt), 0);
  EXPECT_DOUBLE_EQ(*ParseSinceParam("1500.5"), 1500.5);
  EXPECT_DOUBLE_EQ(*ParseSinceParam("1970-01-01T00:01:00Z"), 60);
  auto r = ParseSinceParam("yesterday");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("since='yesterday'"), std::string::npos);
}

TEST(BearerTokenTest, MatchesOnlyTheExactToken) {
  EXPECT_TRUE(BearerTokenMatches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(BearerTokenMatches("bearer s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer s3cret2", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer S3CRET", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("s3cret", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("", "s3cret"));
  EXPECT_FALSE(BearerTokenMatches("Bearer ", ""));  // an empty token never matches
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("ab\0", 3), "ab"));
}

}  // namespace
}  // namespace tide::api
