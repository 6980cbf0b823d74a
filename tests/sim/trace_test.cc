// Trace CSV contract: parsing, every error class with its line, and load integration.
#include "sim/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace tide::sim {
namespace {

struct BadCase {
  const char* name;
  std::string text;
  std::string message;  // the exact message
};

std::string Rows(int n) {  // header + n good rows, 60 s apart: lines 2..n+1
  std::string s = "timestamp,value\n";
  for (int i = 0; i < n; ++i) s += std::to_string(i * 60) + ",1.5\n";
  return s;
}

const std::string kAllowedValue = "allowed: a finite number >= 0 (load per second)";
const std::string kAllowedTime = "allowed: a finite number of seconds, integer or decimal";

class TraceErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(TraceErrorTest, NamesFileLineAndWhatIsAllowed) {
  const BadCase& c = GetParam();
  Result<Trace> r = ParseTrace(c.text, "trace.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(r.status().exit_code(), 2);
  EXPECT_EQ(r.status().message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, TraceErrorTest,
    testing::Values(
        BadCase{"Empty", "",
                "trace.csv: file is empty; allowed: a header 'timestamp,value' and at least one "
                "row"},
        BadCase{"OnlyBlankLines", "\n\r\n  \n",
                "trace.csv: file is empty; allowed: a header 'timestamp,value' and at least one "
                "row"},
        BadCase{"WrongHeader", "time,val\n0,1\n",
                "trace.csv:1: header 'time,val'; allowed: exactly 'timestamp,value'"},
        BadCase{"HeaderWithSpaces", "timestamp, value\n0,1\n",
                "trace.csv:1: header 'timestamp, value'; allowed: exactly 'timestamp,value'"},
        BadCase{"HeaderOnly", "timestamp,value\n",
                "trace.csv:2: no rows after the header; allowed: a header 'timestamp,value' and "
                "at least one row"},
        BadCase{"HeaderThenBlankLines", "timestamp,value\r\n\r\n\r\n",
                "trace.csv:2: no rows after the header; allowed: a header 'timestamp,value' and "
                "at least one row"},
        BadCase{"ThreeColumnsOnLine9", Rows(7) + "420,1,2\n",
                "trace.csv:9: expected 2 columns, found 3; allowed: rows 'timestamp,value'"},
        BadCase{"OneColumn", "timestamp,value\n0\n",
                "trace.csv:2: expected 2 columns, found 1; allowed: rows 'timestamp,value'"},
        BadCase{"NonNumericValue", Rows(2) + "120,abc\n",
                "trace.csv:4: value 'abc' is not a number; " + kAllowedValue},
        BadCase{"TrailingGarbageInValue", "timestamp,value\n0,1.5x\n",
                "trace.csv:2: value '1.5x' is not a number; " + kAllowedValue},
        BadCase{"EmptyValue", "timestamp,value\n0,\n",
                "trace.csv:2: value '' is not a number; " + kAllowedValue},
        BadCase{"NonNumericTimestamp", Rows(1) + "1970-01-01,3\n",
                "trace.csv:3: timestamp '1970-01-01' is not a number; " + kAllowedTime},
        BadCase{"NanValue", "timestamp,value\n0,nan\n",
                "trace.csv:2: value 'nan' is not finite; " + kAllowedValue},
        BadCase{"InfValue", "timestamp,value\n0,1\n60,inf\n",
                "trace.csv:3: value 'inf' is not finite; " + kAllowedValue},
        BadCase{"OverflowValue", "timestamp,value\n0,1e999\n",
                "trace.csv:2: value '1e999' is not finite; " + kAllowedValue},
        BadCase{"InfTimestamp", "timestamp,value\ninf,1\n",
                "trace.csv:2: timestamp 'inf' is not finite; " + kAllowedTime},
        BadCase{"NegativeValueOnLine17", Rows(15) + "900,-3\n",
                "trace.csv:17: value '-3' is negative; " + kAllowedValue},
        BadCase{"RepeatedTimestampOnLine5", "timestamp,value\n0,1\n60,1\n120,1\n120,1\n",
                "trace.csv:5: timestamp 120 is not greater than the previous 120 (line 4); "
                "allowed: strictly increasing seconds"},
        BadCase{"DecreasingTimestamp", "timestamp,value\n0,1\n60,1\n30.5,1\n",
                "trace.csv:4: timestamp 30.5 is not greater than the previous 60 (line 3); "
                "allowed: strictly increasing seconds"},
        BadCase{"CrlfKeepsLineNumbersAndDropsCr", "timestamp,value\r\n0,1\r\n60,-2\r\n",
                "trace.csv:3: value '-2' is negative; " + kAllowedValue},
        BadCase{"BlankLineBeforeMoreRows", "timestamp,value\n0,1\n\n120,1\n",
                "trace.csv:3: blank line before more rows (line 4); allowed: blank lines only "
                "at the end of the file"}),
    [](const testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

struct GoodCase {
  const char* name;
  std::string text;
  std::vector<double> t, value;
  double last_interval;
};

class TraceParseTest : public testing::TestWithParam<GoodCase> {};

TEST_P(TraceParseTest, Parses) {
  const GoodCase& c = GetParam();
  Result<Trace> r = ParseTrace(c.text, "ok.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->path, "ok.csv");
  EXPECT_EQ(r->t, c.t);
  EXPECT_EQ(r->value, c.value);
  EXPECT_DOUBLE_EQ(r->last_interval, c.last_interval);
  EXPECT_DOUBLE_EQ(r->end(), c.t.back() + c.last_interval);
}

INSTANTIATE_TEST_SUITE_P(
    Good, TraceParseTest,
    testing::Values(
        GoodCase{"Lf", "timestamp,value\n0,1\n60,2.5\n", {0, 60}, {1, 2.5}, 60},
        GoodCase{"Crlf", "timestamp,value\r\n0,1\r\n60,2.5\r\n", {0, 60}, {1, 2.5}, 60},
        GoodCase{"NoTrailingNewline", "timestamp,value\n0,1\n60,2.5", {0, 60}, {1, 2.5}, 60},
        GoodCase{"TrailingBlankLines",
                 "timestamp,value\r\n0,1\r\n60,2.5\r\n\r\n\n",
                 {0, 60},
                 {1, 2.5},
                 60},
        GoodCase{"DecimalAndExponent",
                 "timestamp,value\n0.5,1e-3\n1.25,0\n2,+7\n",
                 {0.5, 1.25, 2},
                 {1e-3, 0, 7},
                 0.75},
        GoodCase{"OneRowHasOneSecond", "timestamp,value\n100,4\n", {100}, {4}, 1},
        GoodCase{"ByteOrderMark", "\xEF\xBB\xBFtimestamp,value\n0,1\n", {0}, {1}, 1},
        GoodCase{"NegativeStart", "timestamp,value\n-60,1\n0,2\n", {-60, 0}, {1, 2}, 60}),
    [](const testing::TestParamInfo<GoodCase>& info) { return std::string(info.param.name); });

TEST(ReadTraceTest, MissingFileIsNotFoundNamingThePath) {
  Result<Trace> r = ReadTrace("/nonexistent/dir/trace.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().exit_code(), 2);
  EXPECT_EQ(r.status().message().rfind("/nonexistent/dir/trace.csv: cannot open", 0), 0u)
      << r.status().message();
}

TEST(ReadTraceTest, DirectoryIsNotFound) {
  Result<Trace> r = ReadTrace(testing::TempDir());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(ReadTraceTest, ReadsAFileAndNamesItInErrors) {
  const std::string path = testing::TempDir() + "/tide_trace_test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "timestamp,value\r\n0,3\r\n10,4\r\n20,x\r\n";
  }
  Result<Trace> r = ReadTrace(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), path + ":4: value 'x' is not a number; " + kAllowedValue);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "timestamp,value\n0,3\n10,4\n";
  }
  r = ReadTrace(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(r->path, path);
  std::filesystem::remove(path);
}

// Rows: [0,10) at 2/s, [10,30) at 4/s, [30,50) at 1/s (last interval = previous spacing, 20 s).
// Prefix sums: 0, 20, 100, 120.
struct ArrivalCase {
  const char* name;
  double a, b, expected;
};

class LoadIntegralTest : public testing::TestWithParam<ArrivalCase> {};

TEST_P(LoadIntegralTest, ExactOnFractionalIntervals) {
  Result<Trace> trace = ParseTrace("timestamp,value\n0,2\n10,4\n30,1\n", "t.csv");
  ASSERT_TRUE(trace.ok());
  LoadIntegral li(*trace);
  EXPECT_DOUBLE_EQ(li.Arrivals(GetParam().a, GetParam().b), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadIntegralTest,
    testing::Values(ArrivalCase{"InsideOneRow", 2.5, 7.25, 2 * 4.75},  // 9.5
                    ArrivalCase{"TinySlice", 0.5, 0.75, 0.5},
                    ArrivalCase{"AcrossOneBoundary", 5, 15, 2 * 5 + 4 * 5},  // 30
                    ArrivalCase{"AcrossTwoBoundaries", 9.5, 30.25, 2 * 0.5 + 80 + 0.25},
                    ArrivalCase{"ExactRow", 10, 30, 80}, ArrivalCase{"WholeTrace", 0, 50, 120},
                    ArrivalCase{"BeyondBothEnds", -100, 1000, 120},
                    ArrivalCase{"IntoLastInterval", 45, 60, 5},
                    ArrivalCase{"AfterTheEnd", 50, 60, 0}, ArrivalCase{"BeforeTheStart", -5, 0, 0},
                    ArrivalCase{"Empty", 3, 3, 0}),
    [](const testing::TestParamInfo<ArrivalCase>& info) { return std::string(info.param.name); });

TEST(LoadIntegralTest, SumOfStepsEqualsWhole) {
  Result<Trace> trace = ParseTrace("timestamp,value\n0,0.3\n7,1.1\n13,0\n20,2.7\n", "t.csv");
  ASSERT_TRUE(trace.ok());
  LoadIntegral li(*trace);
  double sum = 0;
  for (double t = 0; t < 27; t += 0.1) sum += li.Arrivals(t, t + 0.1);
  // 0.3*7 + 1.1*6 + 0*7 + 2.7*7 = 27.6; the loop runs past the end (27) by < 0.1 s.
  EXPECT_NEAR(sum, 27.6, 1e-9);
  EXPECT_NEAR(li.Arrivals(0.1, 0.3), 0.3 * 0.2, 1e-15);
}

// Every real trace in the shared folder follows the contract.
TEST(SharedTracesTest, EveryTraceParses) {
  const std::filesystem::path dir = TIDE_SHARED_TRACES;
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << "the shared traces are absent (" << dir << " is not a folder)";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
  ASSERT_FALSE(files.empty()) << "no *.csv in " << dir;
  std::sort(files.begin(), files.end());
  uintmax_t largest_size = 0;
  std::filesystem::path largest;
  for (const auto& f : files) {
    Result<Trace> r = ReadTrace(f.string());
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_GT(r->size(), 0u) << f;
    EXPECT_EQ(std::adjacent_find(r->t.begin(), r->t.end(), std::greater_equal<double>()),
              r->t.end())
        << f << ": timestamps not strictly increasing";
    if (std::filesystem::file_size(f) > largest_size) {
      largest_size = std::filesystem::file_size(f);
      largest = f;
    }
  }
  // Parse time of the largest trace (wc98, 125k rows): the contract is well under 50 ms in an
  // optimised build; a Debug or sanitizer build gets a generous bound.
  std::ifstream in(largest, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  double best_ms = 1e9;
  size_t rows = 0;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    Result<Trace> r = ParseTrace(text, largest.string());
    const auto t1 = std::chrono::steady_clock::now();
    ASSERT_TRUE(r.ok());
    rows = r->size();
    best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::cout << "[ parse    ] " << largest.filename().string() << ": " << rows << " rows in "
            << best_ms << " ms\n";
  RecordProperty("largest_trace_parse_ms", std::to_string(best_ms));
  EXPECT_LT(best_ms, 500.0);
}

}  // namespace
}  // namespace tide::sim
