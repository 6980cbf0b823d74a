// invalid_case.h: the table-driven test of invalid configurations. The test body is in
// loader_invalid_test.cc; each *_invalid_test.cc instantiates it with its own table.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "config/loader.h"

namespace tide::config {

// One class of mistake: it must yield exactly one problem at line:column, naming the key
// path, with `message` in its text.
struct InvalidCase {
  const char* name;
  const char* yaml;
  int line;
  int column;
  const char* key_path;
  const char* message;  // a substring of Problem::ToString()
};

inline void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

inline std::string AllProblems(const LoadResult& r) {
  std::string all;
  for (const Problem& p : r.problems) all += p.ToString() + "\n";
  return all;
}

class LoaderInvalid : public ::testing::TestWithParam<InvalidCase> {};

inline std::string InvalidCaseName(const ::testing::TestParamInfo<InvalidCase>& info) {
  return info.param.name;
}

}  // namespace tide::config
