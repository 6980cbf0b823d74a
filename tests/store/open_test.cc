// Open and migrations: WAL mode, reopening keeps data without migrating again, an older
// database is upgraded in place, a newer one is refused, and unopenable paths are errors
// naming the path.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <fstream>
#include <string>

#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "temp_dir.h"

namespace tide::store {
namespace {

using testing::StoreTest;
using OpenTest = StoreTest;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A second, plain connection to the same file, for looking behind the Store's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~RawDb() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), SQLITE_OK);
    std::string out;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST_F(OpenTest, CreatesTheLatestSchemaInWalMode) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  RawDb raw(db_path());
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");  // WAL is a property of the file
  EXPECT_EQ(raw.Text("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
}

TEST_F(OpenTest, ReopenAfterCloseKeepsDataAndDoesNotMigrateAgain) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    const MetricSample m{"web", "cpu", 100, 0.5};
    ASSERT_TRUE(store->AppendSamples({&m, 1}).ok());
    ASSERT_TRUE(store->SaveState("web", 100, "{\"n\":1}").ok());
    ASSERT_TRUE(store->AppendEvent({0, "web", "scale", 100, 1, 2, "decided", 100, 0, 0, ""}).ok());
  }
  // Re-running a step would fail on CREATE TABLE of an existing table, so a successful second
  // Open also shows that no step ran again.
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  auto h = store->History("web", "cpu", 0, 1000);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].value, 0.5);
  auto st = store->LoadState("web");
  ASSERT_TRUE(st.ok() && st->has_value());
  EXPECT_EQ(**st, "{\"n\":1}");
  auto ev = store->Events("", 0, 10);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->size(), 1u);
}

TEST_F(OpenTest, AVersionOneDatabaseIsUpgradedInPlace) {
  {
    RawDb raw(db_path());
    raw.Exec(Migrations()[0].sql);
    raw.Exec("PRAGMA user_version = 1");
    raw.Exec(R"(INSERT INTO samples ("group", metric, at, value, resolution)
                VALUES ('web', 'cpu', 100, NULL, 0))");
    EXPECT_EQ(raw.Text("SELECT name FROM sqlite_master WHERE name = 'samples_by_series'"), "");
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), 2);
  auto h = store->History("web", "cpu", 0, 1000);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_TRUE(std::isnan((*h)[0].value));
  RawDb raw(db_path());
  EXPECT_EQ(raw.Text("SELECT name FROM sqlite_master WHERE name = 'samples_by_series'"),
            "samples_by_series");
  EXPECT_EQ(raw.Text("PRAGMA user_version"), "2");
}

TEST_F(OpenTest, MigrateAppliesOnlyTheMissingSteps) {
  auto db = sql::Db::Open(db_path());
  ASSERT_TRUE(db.ok());
  auto v1 = Migrate(**db, Migrations().first(1));
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(*v1, 1);
  auto again = Migrate(**db, Migrations().first(1));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 1);
  auto v2 = Migrate(**db, Migrations());
  ASSERT_TRUE(v2.ok()) << v2.status().message();
  EXPECT_EQ(*v2, 2);
  // Code that only knows version 1 refuses the upgraded file.
  auto old_code = Migrate(**db, Migrations().first(1));
  ASSERT_FALSE(old_code.ok());
  EXPECT_TRUE(
      Contains(old_code.status().message(), "schema version 2, newer than this tide knows (1)"))
      << old_code.status().message();
}

TEST_F(OpenTest, ADatabaseFromANewerTideIsRefusedNamingPathAndBothVersions) {
  ASSERT_NE(OpenStore(), nullptr);
  const int newer = LatestSchemaVersion() + 5;
  RawDb(db_path()).Exec("PRAGMA user_version = " + std::to_string(newer));
  auto store = Store::Open(db_path());
  ASSERT_FALSE(store.ok());
  const std::string& msg = store.status().message();
  EXPECT_EQ(store.status().code(), StatusCode::kRuntime);
  EXPECT_TRUE(Contains(msg, db_path())) << msg;
  EXPECT_TRUE(Contains(msg, "version " + std::to_string(newer))) << msg;
  EXPECT_TRUE(Contains(msg, "(" + std::to_string(LatestSchemaVersion()) + ")")) << msg;
}

TEST_F(OpenTest, APathInAMissingDirectoryIsAnErrorNamingIt) {
  const std::string path = dir_.File("no/such/dir/tide.db");
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kRuntime);
  EXPECT_TRUE(Contains(store.status().message(), path)) << store.status().message();
  EXPECT_TRUE(Contains(store.status().message(), "unable to open")) << store.status().message();
}

TEST_F(OpenTest, AFileThatIsNotADatabaseIsAnErrorNamingIt) {
  std::ofstream(db_path()) << "groups:\n  - name: web\n" << std::string(4096, '#');
  auto store = Store::Open(db_path());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(Contains(store.status().message(), db_path())) << store.status().message();
  EXPECT_TRUE(Contains(store.status().message(), "not a database")) << store.status().message();
}

// tide report opens the store read-only: a writer holding it (a rollback-journal store in
// the middle of a transaction) is waited for and then named as a lock. It read "not a SQLite
// database (database is locked)", exit 2, at once.
TEST_F(OpenTest, OpenExistingNamesALockedStoreAsLocked) {
  { ASSERT_NE(OpenStore(), nullptr); }
  RawDb writer(db_path());
  writer.Exec("PRAGMA journal_mode=DELETE");
  writer.Exec("BEGIN EXCLUSIVE");
  writer.Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion()));
  auto store = Store::OpenExisting(db_path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(store.status().message(),
            "store " + db_path() +
                ": the database is locked by another process (waited 5 s); try "
                "again when it is done");
  writer.Exec("COMMIT");
  EXPECT_TRUE(Store::OpenExisting(db_path()).ok());
}

TEST_F(OpenTest, InMemoryDatabaseWorksForTestsOfOtherModules) {
  auto store = Store::Open(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->SaveState("g", 1, "{}").ok());
  auto st = (*store)->LoadState("g");
  ASSERT_TRUE(st.ok() && st->has_value());
}

}  // namespace
}  // namespace tide::store
