#include "core/duration.h"

#include <gtest/gtest.h>

namespace tide {
namespace {

TEST(ParseTimestamp, ReadsRfc3339AndEpochSeconds) {
  EXPECT_DOUBLE_EQ(*ParseTimestamp("2026-03-29T01:30:00Z"), 1774747800);
  EXPECT_DOUBLE_EQ(*ParseTimestamp("2026-03-29T03:30:00+02:00"), 1774747800);
  EXPECT_DOUBLE_EQ(*ParseTimestamp("2024-02-29T00:00:00Z"), 1709164800);  // a leap day
  EXPECT_DOUBLE_EQ(*ParseTimestamp("1774747800"), 1774747800);
  EXPECT_DOUBLE_EQ(*ParseTimestamp("2026-03-29t01:30:00z"),
                   1774747800);  // RFC 3339 5.6: lower case too
  EXPECT_DOUBLE_EQ(*ParseTimestamp("9999-12-31T23:59:59Z"), 253402300799);
}

TEST(ParseTimestamp, RefusesDatesThatDoNotExistAndOffsetsBeyondADay) {
  for (const char* bad : {"2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2025-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z", "2026-03-29T01:30:00+99:99",
                          "2026-03-29T01:30:00+25:00", "2026-03-29T01:30:00-00:60"}) {
    auto t = ParseTimestamp(bad);
    ASSERT_FALSE(t.ok()) << bad << " -> " << *t;
    EXPECT_NE(t.status().message().find(bad), std::string::npos) << t.status().message();
    EXPECT_NE(t.status().message().find("allowed"), std::string::npos) << t.status().message();
  }
}

// Times that cannot be written back as RFC 3339 (FormatTimestamp printed -219246529-01-00
// for 1e20) are out of range.
TEST(ParseTimestamp, RefusesTimesOutsideYearsZeroToNineThousandNineHundredNinetyNine) {
  for (const char* bad : {"1e20", "253402300800", "-1e300", "9999-12-31T23:00:00-05:00"}) {
    auto t = ParseTimestamp(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("out of range"), std::string::npos) << t.status().message();
  }
}

TEST(ParseDuration, RefusesMoreThanACentury) {
  EXPECT_DOUBLE_EQ(*ParseDuration("36525d"), 36525.0 * 86400);
  EXPECT_DOUBLE_EQ(*ParseDuration("-5s"), -5);  // the sign is the caller's to judge
  for (const char* bad : {"36526d", "1e308", "9999999999999d", "-1e12"}) {
    auto d = ParseDuration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_NE(d.status().message().find("at most 36525d"), std::string::npos)
        << d.status().message();
  }
}

TEST(FormatDuration, WholeUnitsAndMeasuredSpans) {
  EXPECT_EQ(FormatDuration(300), "300s");
  EXPECT_EQ(FormatDuration(3600), "1h");
  EXPECT_EQ(FormatDuration(86400 * 2), "2d");
  EXPECT_EQ(FormatDuration(185.99575662612915), "185.996s");  // was 185.99575662612915s
  EXPECT_EQ(FormatDuration(0.5), "0.5s");
  EXPECT_EQ(FormatDuration(0.0001), "0.0001s");
}

}  // namespace
}  // namespace tide
