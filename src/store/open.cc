// open.cc: Store::Open — connect, configure the connection, migrate the schema.
#include <fmt/format.h>
#include <sqlite3.h>

#include <string>

#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace tide::store {

namespace {
// How long a statement waits for another connection's write lock before failing with
// "database is locked". Another process (a second tide, the sqlite3 shell) is the only source
// of contention: inside one process the Store's mutex serialises everything.
constexpr int kBusyTimeoutMs = 5000;

// Checkpoint the WAL into the database every 4,000 pages (16 MB at 4 KB pages) instead of
// SQLite's 1,000. A batch of samples dirties about one index leaf per series it touches (100
// series → ~100 pages per commit), so the default checkpoints every ~10 commits and writes
// the same hot leaves back again and again; 4,000 measured 15-20% less CPU per sample with the
// raw-SQLite insert loop of bench/store_bench.cc's peer. The WAL file keeps its high-water size
// on disk.
constexpr const char* kConfigure =
    "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=4000";
}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  Result<std::unique_ptr<sql::Db>> opened = sql::Db::Open(path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<sql::Db> db = std::move(opened).value();

  sqlite3_busy_timeout(db->raw(), kBusyTimeoutMs);
  // WAL: readers never block the writer and a commit is one append to the log. With
  // synchronous=NORMAL a commit does not fsync; a power loss may drop the last commits but
  // never corrupts the database, which is the right trade for metric history.
  Result<std::string> mode = db->QueryText("PRAGMA journal_mode=WAL", "setting WAL mode");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal" && *mode != "memory") {  // ":memory:" databases have no journal file
    return Status::Runtime("store " + path + ": cannot use WAL mode (journal_mode stays " + *mode +
                           "); the file system must support shared memory");
  }
  if (Status s = db->Exec(kConfigure, "configuring the connection"); !s.ok()) return s;
  Result<int> version = Migrate(*db, Migrations());
  if (!version.ok()) return version.status();
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db), *version));
}

Result<std::unique_ptr<Store>> Store::OpenExisting(const std::string& path) {
  // Looked at read-only first: Open would create the file, or write tide's tables into
  // another program's database.
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  int version = -1;
  std::string problem;
  bool locked = false;
  if (rc != SQLITE_OK) {
    problem = std::string("cannot open it: ") + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  } else {
    // A writer holding the file (a journal-mode store mid-transaction) is waited for, as tide
    // run does, and then named for what it is, not as "not a SQLite database".
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      version = sqlite3_column_int(st, 0);
    } else {
      const int code = sqlite3_errcode(raw);
      locked = code == SQLITE_BUSY || code == SQLITE_LOCKED;
      problem = std::string("not a SQLite database (") + sqlite3_errmsg(raw) + ")";
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(raw);
  if (locked) {
    return Status::Runtime(
        fmt::format("store {}: the database is locked by another process (waited {} s); "
                    "try again when it is done",
                    path, kBusyTimeoutMs / 1000));
  }
  const int newest = LatestSchemaVersion();
  if (problem.empty() && version == 0)
    problem = "it has no tide schema (an empty file, or another program's database)";
  if (problem.empty() && version > newest) {
    problem = "it was written by a newer tide (schema version " + std::to_string(version) +
              ", this tide knows " + std::to_string(newest) + ")";
  }
  if (!problem.empty()) {
    return Status::InvalidInput("--store: bad value '" + path + "': " + problem +
                                "; allowed: the SQLite store `tide run --db` wrote");
  }
  return Open(path);
}

}  // namespace tide::store
