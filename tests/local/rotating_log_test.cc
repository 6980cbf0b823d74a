#include "local/rotating_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tide::local {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RotatingLog, RotatesBySizeAndKeepsTheNewestFiles) {
  std::string tmpl = "/tmp/tide-log-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  const std::string path = dir + "/r.log";
  {
    RotatingLog log(path, 10, 2);
    log.Write("aaaaaaaa\n");  // 9 bytes
    log.Write("bbbbbbbb\n");  // would pass 10: rotates first
    log.Write("cccccccc\n");
    log.Write("dddddddd\n");
  }
  EXPECT_EQ(Read(path), "dddddddd\n");
  EXPECT_EQ(Read(path + ".1"), "cccccccc\n");
  EXPECT_EQ(Read(path + ".2"), "bbbbbbbb\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));  // "aaaa" dropped: keep = 2
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tide::local
