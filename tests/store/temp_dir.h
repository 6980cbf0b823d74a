// temp_dir.h: a fresh directory under $TMPDIR (or /tmp) per test, removed with everything in
// it when the test ends, and a fixture that opens a store there.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace tide::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tide_store_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();  // no temp dir: nothing can run
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class StoreTest : public ::testing::Test {
 protected:
  // Opens (or reopens) the database at db_path(); fails the test on error.
  std::unique_ptr<Store> OpenStore() {
    Result<std::unique_ptr<Store>> s = Store::Open(db_path());
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::string db_path() const { return dir_.File("tide.db"); }

  TempDir dir_;
};

}  // namespace tide::store::testing
