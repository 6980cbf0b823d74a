// cron_test.cc: parsing errors, NextAfter/LastAtOrBefore in UTC, and the daylight-saving
// rules of cron.h in Europe/Berlin and America/New_York.
//
// Every epoch constant is followed by its UTC time in a comment; all were computed with
// `date -u -d 2027-03-28T01:00:00Z +%s`. Reference calendar: 2027-01-01 is a Friday.
// Berlin 2027: CET (UTC+1) -> CEST (UTC+2) on 2027-03-28 at 02:00 local (01:00Z);
//              CEST -> CET on 2027-10-31 at 03:00 local (01:00Z), so 02:00-02:59 repeats.
// New York 2027: EST (UTC-5) -> EDT (UTC-4) on 2027-03-14 at 02:00 local (07:00Z);
//                EDT -> EST on 2027-11-07 at 02:00 local (06:00Z), so 01:00-01:59 repeats.
#include "calendar/cron.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tide::calendar {
namespace {

CronSchedule MustParse(const std::string& expr, const std::string& tz = "UTC") {
  Result<CronSchedule> s = CronSchedule::Parse(expr, tz);
  EXPECT_TRUE(s.ok()) << expr << ": " << (s.ok() ? "" : s.status().message());
  return s.ok() ? *s : *CronSchedule::Parse("* * * * *", "UTC");
}

// ---------------------------------------------------------------------------------------
// Parsing

struct ParseErrorCase {
  const char* name;
  const char* expr;
  const char* tz;
  const char* message;  // expected substring of the message
};
void PrintTo(const ParseErrorCase& c, std::ostream* os) { *os << c.name; }

class ParseErrorTest : public testing::TestWithParam<ParseErrorCase> {};

TEST_P(ParseErrorTest, IsInvalidInputNamingFieldTextAndAllowed) {
  const ParseErrorCase& c = GetParam();
  Result<CronSchedule> s = CronSchedule::Parse(c.expr, c.tz);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.status().message().find(c.message), std::string::npos) << s.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cron, ParseErrorTest,
    testing::Values(
        ParseErrorCase{"MinuteOutOfRange", "61 * * * *", "UTC",
                       "cron \"61 * * * *\": minute field '61' is out of range; allowed: "
                       "0-59, '*', lists a,b, ranges a-b, steps */n"},
        ParseErrorCase{"HourOutOfRange", "0 24 * * *", "UTC",
                       "hour field '24' is out of range; allowed: 0-23"},
        ParseErrorCase{"DayOfMonthZero", "0 0 0 * *", "UTC",
                       "day-of-month field '0' is out of range; allowed: 1-31"},
        ParseErrorCase{"DayOfMonth32", "0 0 32 * *", "UTC", "day-of-month field '32'"},
        ParseErrorCase{"Month13", "0 0 1 13 *", "UTC",
                       "month field '13' is out of range; allowed: 1-12 or JAN-DEC"},
        ParseErrorCase{"DayOfWeek8", "0 0 * * 8", "UTC",
                       "day-of-week field '8' is out of range; allowed: 0-7 or SUN-SAT"},
        ParseErrorCase{"RangeEndOutOfRange", "0-60 * * * *", "UTC",
                       "minute field '0-60' is out of range"},
        ParseErrorCase{"HugeNumber", "99999999999 * * * *", "UTC", "is out of range"},
        ParseErrorCase{"ListItemOutOfRange", "0 1,25 * * *", "UTC",
                       "hour field '25' is out of range"},
        ParseErrorCase{"StepZero", "*/0 * * * *", "UTC",
                       "minute field '*/0' has an invalid step '0' (a step must be 1-60)"},
        ParseErrorCase{"StepNotNumber", "*/x * * * *", "UTC", "has an invalid step 'x'"},
        ParseErrorCase{"StepEmpty", "1-5/ * * * *", "UTC", "has an invalid step ''"},
        ParseErrorCase{"StepTooLarge", "0 */25 * * *", "UTC",
                       "hour field '*/25' has an invalid step '25' (a step must be 1-24)"},
        ParseErrorCase{"NotANumber", "a * * * *", "UTC", "minute field 'a' is not a number;"},
        ParseErrorCase{"Negative", "-1 * * * *", "UTC", "minute field '-1' is not a number"},
        ParseErrorCase{"StarInRange", "*-5 * * * *", "UTC", "'*-5' is not a number"},
        ParseErrorCase{"BadMonthName", "0 0 1 JANUARY *", "UTC",
                       "month field 'JANUARY' is not a number or name"},
        ParseErrorCase{"DayNameInMonthField", "0 0 1 MON *", "UTC",
                       "month field 'MON' is not a number or name"},
        ParseErrorCase{"BadDayName", "0 0 * * MOX", "UTC", "day-of-week field 'MOX'"},
        ParseErrorCase{"MonthNameInDayOfWeek", "0 0 * * JAN", "UTC",
                       "day-of-week field 'JAN' is not a number or name"},
        ParseErrorCase{"DescendingRange", "0 0 * * FRI-MON", "UTC",
                       "day-of-week field 'FRI-MON' is a descending range"},
        ParseErrorCase{"EmptyListElement", "1,,2 * * * *", "UTC",
                       "minute field '1,,2' has an empty list element"},
        ParseErrorCase{"TrailingComma", "0 8, * * *", "UTC", "hour field '8,' has an empty"},
        ParseErrorCase{"TooFewFields", "* * *", "UTC",
                       "cron \"* * *\": has 3 fields; allowed: 5 fields (minute hour "
                       "day-of-month month day-of-week)"},
        ParseErrorCase{"TooManyFields", "0 * * * * *", "UTC", "has 6 fields"},
        ParseErrorCase{"Empty", "", "UTC", "has 0 fields"},
        ParseErrorCase{"UnknownZone", "* * * * *", "Europe/Berlni",
                       "time zone 'Europe/Berlni' is not an IANA time zone name (e.g. "
                       "Europe/Berlin, America/New_York, UTC)"},
        ParseErrorCase{"EmptyZone", "* * * * *", "", "time zone '' is not an IANA"},
        // The host's own zone: a config would mean another time on another host.
        ParseErrorCase{"HostZone", "* * * * *", "localtime",
                       "time zone 'localtime' is not a zone every host shares"}),
    [](const testing::TestParamInfo<ParseErrorCase>& info) { return info.param.name; });

TEST(FindZone, ResolvesIanaNamesAndRejectsOthers) {
  EXPECT_TRUE(FindZone("Europe/Berlin").ok());
  EXPECT_TRUE(FindZone("America/New_York").ok());
  EXPECT_TRUE(FindZone("UTC").ok());
  Result<const date::time_zone*> bad = FindZone("Mars/Olympus_Mons");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
}

TEST(CronParse, TextHasNormalizedBlanks) {
  EXPECT_EQ(MustParse("  0   8 * *\t1-5 ").text(), "0 8 * * 1-5");
}

TEST(CronParse, NamesAreCaseInsensitiveAndSevenIsSunday) {
  const double after = 1798761600;  // 2027-01-01T00:00:00Z, a Friday
  const std::optional<double> sunday = MustParse("0 8 * * 0").NextAfter(after);
  EXPECT_EQ(sunday, 1798963200);  // 2027-01-03T08:00:00Z, Sunday
  EXPECT_EQ(MustParse("0 8 * * 7").NextAfter(after), sunday);
  EXPECT_EQ(MustParse("0 8 * * sun").NextAfter(after), sunday);
  EXPECT_EQ(MustParse("0 8 * * Sun").NextAfter(after), sunday);
  EXPECT_EQ(MustParse("0 8 * * 5-7").NextAfter(after), 1798790400);  // 2027-01-01T08:00:00Z
}

// ---------------------------------------------------------------------------------------
// NextAfter

struct NextCase {
  const char* name;
  const char* expr;
  const char* tz;
  double after;
  std::optional<double> expected;
};
void PrintTo(const NextCase& c, std::ostream* os) { *os << c.name; }

class NextAfterTest : public testing::TestWithParam<NextCase> {};

TEST_P(NextAfterTest, FirstFiringStrictlyAfter) {
  const NextCase& c = GetParam();
  EXPECT_EQ(MustParse(c.expr, c.tz).NextAfter(c.after), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Utc, NextAfterTest,
    testing::Values(
        NextCase{"EveryMinuteIsStrictlyAfter", "* * * * *", "UTC",
                 1798761600 /* 2027-01-01T00:00:00Z */, 1798761660 /* 2027-01-01T00:01:00Z */},
        NextCase{"FractionalAfterRoundsToNextMinute", "* * * * *", "UTC", 1798761600 + 59.9,
                 1798761660 /* 2027-01-01T00:01:00Z */},
        NextCase{"HourlyAtFive", "5 * * * *", "UTC", 1798761600 /* 2027-01-01T00:00:00Z */,
                 1798761900 /* 2027-01-01T00:05:00Z */},
        NextCase{"HourlyAtFiveExactlyAt", "5 * * * *", "UTC", 1798761900 /* 2027-01-01T00:05:00Z */,
                 1798765500 /* 2027-01-01T01:05:00Z */},
        NextCase{"DailyRollsToNextDay", "0 0 * * *", "UTC", 1798761600 /* 2027-01-01T00:00:00Z */,
                 1798848000 /* 2027-01-02T00:00:00Z */},
        NextCase{"WeekdaysSkipWeekend", "0 8 * * 1-5", "UTC", 1798790400 /* 2027-01-01T08:00:00Z */,
                 1799049600 /* 2027-01-04T08:00:00Z */},
        NextCase{"WeekdayNamesSkipWeekend", "0 8 * * MON-FRI", "UTC",
                 1798848000 /* 2027-01-02T00:00:00Z */, 1799049600 /* 2027-01-04T08:00:00Z */},
        NextCase{"MinuteStep", "*/15 * * * *", "UTC", 1798762800 /* 2027-01-01T00:20:00Z */,
                 1798763400 /* 2027-01-01T00:30:00Z */},
        NextCase{"RangeStep", "10-50/20 * * * *", "UTC", 1798763400 /* 2027-01-01T00:30:00Z */,
                 1798764600 /* 2027-01-01T00:50:00Z */},
        NextCase{"RangeStepWrapsToNextHour", "10-50/20 * * * *", "UTC",
                 1798764600 /* 2027-01-01T00:50:00Z */, 1798765800 /* 2027-01-01T01:10:00Z */},
        NextCase{"StartStepRunsToMax", "45/10 * * * *", "UTC",
                 1798764960 /* 2027-01-01T00:56:00Z */, 1798767900 /* 2027-01-01T01:45:00Z */},
        NextCase{"HourStep", "0 */6 * * *", "UTC", 1798783200 /* 2027-01-01T06:00:00Z */,
                 1798804800 /* 2027-01-01T12:00:00Z */},
        NextCase{"HourList", "0 9,17 * * *", "UTC", 1798794000 /* 2027-01-01T09:00:00Z */,
                 1798822800 /* 2027-01-01T17:00:00Z */},
        NextCase{"MonthNamesSkipMonths", "0 0 1 JUN,dec *", "UTC",
                 1798761600 /* 2027-01-01T00:00:00Z */, 1811808000 /* 2027-06-01T00:00:00Z */},
        NextCase{"MonthNamesSecond", "0 0 1 JUN,dec *", "UTC",
                 1811808000 /* 2027-06-01T00:00:00Z */, 1827619200 /* 2027-12-01T00:00:00Z */},
        NextCase{"YearWrap", "0 0 1 1 *", "UTC", 1798761600 /* 2027-01-01T00:00:00Z */,
                 1830297600 /* 2028-01-01T00:00:00Z */},
        NextCase{"LeapDay", "0 0 29 2 *", "UTC", 1798761600 /* 2027-01-01T00:00:00Z */,
                 1835395200 /* 2028-02-29T00:00:00Z */},
        NextCase{"February31NeverFires", "0 0 31 2 *", "UTC", 1798761600 /* 2027-01-01T00:00:00Z */,
                 std::nullopt},
        // Vixie rule: "13th of the month OR Friday" when both day fields are restricted.
        NextCase{"VixieOrFriday", "0 0 13 * 5", "UTC", 1798761600 /* 2027-01-01T00:00:00Z */,
                 1799366400 /* 2027-01-08T00:00:00Z */},
        NextCase{"VixieOrThirteenth", "0 0 13 * 5", "UTC", 1799366400 /* 2027-01-08T00:00:00Z */,
                 1799798400 /* 2027-01-13T00:00:00Z */},
        NextCase{"VixieOrFridayAgain", "0 0 13 * 5", "UTC", 1799798400 /* 2027-01-13T00:00:00Z */,
                 1799971200 /* 2027-01-15T00:00:00Z */},
        // "*/10" excludes days, so it is restricted: days 1,11,21,31 OR Mondays.
        NextCase{"StarStepDayOfMonthIsRestricted", "0 0 */10 * 1", "UTC",
                 1798761600 /* 2027-01-01T00:00:00Z */, 1799020800 /* 2027-01-04T00:00:00Z */},
        // A full range counts as '*': Mondays only (AND), not every day.
        NextCase{"FullRangeDayOfMonthIsStar", "0 0 1-31 * 1", "UTC",
                 1798761600 /* 2027-01-01T00:00:00Z */, 1799020800 /* 2027-01-04T00:00:00Z */},
        NextCase{"NanNeverFires", "* * * * *", "UTC", std::nan(""), std::nullopt},
        NextCase{"BeyondYear9999NeverFires", "* * * * *", "UTC", 1e300, std::nullopt}),
    [](const testing::TestParamInfo<NextCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Dst, NextAfterTest,
    testing::Values(
        // Berlin, the day before spring forward: 02:30 CET = 01:30Z, 08:00 CET = 07:00Z.
        NextCase{"BerlinBeforeSpringForward", "30 2 * * *", "Europe/Berlin",
                 1806105600 /* 2027-03-27T00:00:00Z */, 1806111000 /* 2027-03-27T01:30:00Z */},
        NextCase{"BerlinEightBeforeSpringForward", "0 8 * * *", "Europe/Berlin",
                 1806105600 /* 2027-03-27T00:00:00Z */, 1806130800 /* 2027-03-27T07:00:00Z */},
        // 02:30 does not exist on 2027-03-28: fires at 03:00 CEST = 01:00Z.
        NextCase{"BerlinGapFiresAtGapEnd", "30 2 * * *", "Europe/Berlin",
                 1806111000 /* 2027-03-27T01:30:00Z */, 1806195600 /* 2027-03-28T01:00:00Z */},
        NextCase{"BerlinGapFiresOnlyOnce", "30 2 * * *", "Europe/Berlin",
                 1806195600 /* 2027-03-28T01:00:00Z */, 1806280200 /* 2027-03-29T00:30:00Z */},
        // 02:00 and 02:30 both map to the gap end: one firing, not two.
        NextCase{"BerlinTwoGapTimesFireOnce", "0,30 2 * * *", "Europe/Berlin",
                 1806195600 /* 2027-03-28T01:00:00Z */, 1806278400 /* 2027-03-29T00:00:00Z */},
        NextCase{"BerlinEveryMinuteJumpsGap", "* * * * *", "Europe/Berlin",
                 1806195540 /* 2027-03-28T00:59:00Z */, 1806195600 /* 2027-03-28T01:00:00Z */},
        NextCase{"BerlinEveryMinuteAfterGap", "* * * * *", "Europe/Berlin",
                 1806195600 /* 2027-03-28T01:00:00Z */, 1806195660 /* 2027-03-28T01:01:00Z */},
        // 08:00 CEST = 06:00Z after the change (07:00Z before it).
        NextCase{"BerlinEightAfterSpringForward", "0 8 * * *", "Europe/Berlin",
                 1806130800 /* 2027-03-27T07:00:00Z */, 1806213600 /* 2027-03-28T06:00:00Z */},
        // 2027-10-31: 02:30 occurs at 00:30Z (CEST) and 01:30Z (CET); only the first fires.
        NextCase{"BerlinFallBackFirstOccurrence", "30 2 * * *", "Europe/Berlin",
                 1824940800 /* 2027-10-31T00:00:00Z */, 1824942600 /* 2027-10-31T00:30:00Z */},
        NextCase{"BerlinFallBackNotAgain", "30 2 * * *", "Europe/Berlin",
                 1824942600 /* 2027-10-31T00:30:00Z */, 1825032600 /* 2027-11-01T01:30:00Z */},
        NextCase{"BerlinFallBackDuringRepeatedHour", "30 2 * * *", "Europe/Berlin",
                 1824944400 /* 2027-10-31T01:00:00Z */, 1825032600 /* 2027-11-01T01:30:00Z */},
        // Every minute: the repeated hour's second pass (01:00Z-01:59Z) does not fire;
        // 03:00 CET = 02:00Z is next.
        NextCase{"BerlinEveryMinuteSkipsSecondPass", "* * * * *", "Europe/Berlin",
                 1824944340 /* 2027-10-31T00:59:00Z */, 1824948000 /* 2027-10-31T02:00:00Z */},
        // New York 2027-03-14: 02:30 does not exist; fires at 03:00 EDT = 07:00Z.
        NextCase{"NewYorkGapFiresAtGapEnd", "30 2 * * *", "America/New_York",
                 1805000400 /* 2027-03-14T05:00:00Z */, 1805007600 /* 2027-03-14T07:00:00Z */},
        // New York 2027-11-07: 01:30 occurs at 05:30Z (EDT) and 06:30Z (EST).
        NextCase{"NewYorkFallBackFirstOccurrence", "30 1 * * *", "America/New_York",
                 1825560000 /* 2027-11-07T04:00:00Z */, 1825565400 /* 2027-11-07T05:30:00Z */},
        NextCase{"NewYorkFallBackNotAgain", "30 1 * * *", "America/New_York",
                 1825565400 /* 2027-11-07T05:30:00Z */, 1825655400 /* 2027-11-08T06:30:00Z */}),
    [](const testing::TestParamInfo<NextCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------
// LastAtOrBefore

struct LastCase {
  const char* name;
  const char* expr;
  const char* tz;
  double at;
  double horizon;
  std::optional<double> expected;
};
void PrintTo(const LastCase& c, std::ostream* os) { *os << c.name; }

class LastAtOrBeforeTest : public testing::TestWithParam<LastCase> {};

TEST_P(LastAtOrBeforeTest, LatestFiringInHorizon) {
  const LastCase& c = GetParam();
  EXPECT_EQ(MustParse(c.expr, c.tz).LastAtOrBefore(c.at, c.horizon), c.expected);
}

constexpr double kDay = 86400;
constexpr double kWeek = 7 * kDay;

INSTANTIATE_TEST_SUITE_P(
    All, LastAtOrBeforeTest,
    testing::Values(
        LastCase{"ExactlyAt", "0 8 * * *", "UTC", 1799049600 /* 2027-01-04T08:00:00Z */, kDay,
                 1799049600 /* 2027-01-04T08:00:00Z */},
        LastCase{"JustBefore", "0 8 * * *", "UTC", 1799049600 - 0.5, kDay,
                 1798963200 /* 2027-01-03T08:00:00Z */},
        // The horizon's lower end is exclusive: at - horizon == firing time -> none.
        LastCase{"HorizonLowerEndExcluded", "0 8 * * *", "UTC",
                 1799049540 /* 2027-01-04T07:59:00Z */, 86340, std::nullopt},
        LastCase{"HorizonJustLongEnough", "0 8 * * *", "UTC", 1799049540 /* 2027-01-04T07:59:00Z */,
                 86341, 1798963200 /* 2027-01-03T08:00:00Z */},
        LastCase{"NoneWithinHorizon", "0 0 1 1 *", "UTC", 1811808000 /* 2027-06-01T00:00:00Z */,
                 kWeek, std::nullopt},
        LastCase{"WeekdaysSkipWeekendBackwards", "0 8 * * 1-5", "UTC",
                 1799582400 /* 2027-01-10T12:00:00Z */, kWeek,
                 1799395200 /* 2027-01-08T08:00:00Z */},
        LastCase{"EveryMinuteWeekHorizon", "* * * * *", "UTC", 1798761600 + 30, kWeek,
                 1798761600 /* 2027-01-01T00:00:00Z */},
        LastCase{"MonthSkipBackwards", "0 0 1 JUN *", "UTC", 1827619200 /* 2027-12-01T00:00:00Z */,
                 365 * kDay, 1811808000 /* 2027-06-01T00:00:00Z */},
        LastCase{"NegativeHorizon", "* * * * *", "UTC", 1798761600, -1, std::nullopt},
        LastCase{"NanHorizon", "* * * * *", "UTC", 1798761600, std::nan(""), std::nullopt},
        // Berlin spring forward: 02:30 fires at the gap end, 01:00Z.
        LastCase{"BerlinGapExactlyAt", "30 2 * * *", "Europe/Berlin",
                 1806195600 /* 2027-03-28T01:00:00Z */, kWeek,
                 1806195600 /* 2027-03-28T01:00:00Z */},
        LastCase{"BerlinBeforeGapEnd", "30 2 * * *", "Europe/Berlin",
                 1806195540 /* 2027-03-28T00:59:00Z */, kWeek,
                 1806111000 /* 2027-03-27T01:30:00Z */},
        // Berlin fall back: during the repeated hour the last firing is the first 02:30.
        LastCase{"BerlinSecondPassSeesFirstOccurrence", "30 2 * * *", "Europe/Berlin",
                 1824947100 /* 2027-10-31T01:45:00Z */, kWeek,
                 1824942600 /* 2027-10-31T00:30:00Z */},
        LastCase{"BerlinFirstPass", "30 2 * * *", "Europe/Berlin",
                 1824943500 /* 2027-10-31T00:45:00Z */, kWeek,
                 1824942600 /* 2027-10-31T00:30:00Z */},
        LastCase{"BerlinBeforeFirstPass", "30 2 * * *", "Europe/Berlin",
                 1824942540 /* 2027-10-31T00:29:00Z */, kWeek,
                 1824856200 /* 2027-10-30T00:30:00Z */},
        LastCase{"BerlinEveryMinuteSecondPass", "* * * * *", "Europe/Berlin",
                 1824946200 /* 2027-10-31T01:30:00Z */, kWeek,
                 1824944340 /* 2027-10-31T00:59:00Z */}),
    [](const testing::TestParamInfo<LastCase>& info) { return info.param.name; });

// Walking NextAfter across both Berlin changes yields strictly increasing times, and
// LastAtOrBefore agrees with it at and just before every firing.
TEST(CronConsistency, NextAndLastAgreeAcrossDstChanges) {
  const CronSchedule s = MustParse("*/20 1-3 * * *", "Europe/Berlin");
  for (double start :
       {1806105600.0 /* 2027-03-27T00:00:00Z */, 1824854400.0 /* 2027-10-30T00:00:00Z */}) {
    std::optional<double> prev = s.LastAtOrBefore(start, kWeek);
    double t = start;
    for (int i = 0; i < 40; ++i) {
      const std::optional<double> next = s.NextAfter(t);
      ASSERT_TRUE(next.has_value());
      ASSERT_GT(*next, t);
      EXPECT_EQ(std::fmod(*next, 60.0), 0.0);
      EXPECT_EQ(s.LastAtOrBefore(*next, kWeek), next);
      EXPECT_EQ(s.LastAtOrBefore(*next - 0.5, kWeek), prev);
      prev = next;
      t = *next;
    }
  }
}

}  // namespace
}  // namespace tide::calendar
