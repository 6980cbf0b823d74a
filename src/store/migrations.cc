// migrations.cc: tide's schema, one step per version, and the code that applies them.
#include "store/migrations.h"

#include <cassert>
#include <cstdlib>
#include <string>

namespace tide::store {
namespace {

// Version 1: the tables. Column names are the words the API uses; "group", "from", "to" and
// "current" are SQL keywords and so are always quoted.
constexpr const char* kV1Tables = R"sql(
CREATE TABLE samples (
  "group"    TEXT NOT NULL,
  metric     TEXT NOT NULL,
  at         REAL NOT NULL,              -- epoch seconds; a bucket's start once downsampled
  value      REAL,                       -- NULL = NaN (a failed fetch, or a bucket of them)
  resolution INTEGER NOT NULL CHECK (resolution IN (0, 60, 3600))  -- 0 = raw, else seconds
);
CREATE TABLE decisions (
  "group"   TEXT NOT NULL,
  at        REAL NOT NULL,
  "current" INTEGER NOT NULL,
  desired   INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  message   TEXT NOT NULL,
  json      TEXT NOT NULL
);
CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  "group"    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  at         REAL NOT NULL,
  "from"     INTEGER NOT NULL,
  "to"       INTEGER NOT NULL,
  status     TEXT NOT NULL,
  decided_at REAL NOT NULL,               -- 0 = not yet, as are the two below
  applied_at REAL NOT NULL,
  ready_at   REAL NOT NULL,
  message    TEXT NOT NULL
);
CREATE TABLE state (
  "group" TEXT PRIMARY KEY,
  at      REAL NOT NULL,
  json    TEXT NOT NULL
);
)sql";

// Version 2: the indexes behind each read and each age-based delete.
//  - samples_by_series: History (group, metric, at range).
//  - samples_by_age:    Compact's "resolution r older than t" scans and deletes, which would
//                       otherwise read the whole table every run.
//  - decisions_by_group: RecentDecisions; decisions_by_age: Compact's delete.
//  - events_by_age:     Events (newest first since t) and Compact's delete.
constexpr const char* kV2Indexes = R"sql(
CREATE INDEX samples_by_series ON samples ("group", metric, at);
CREATE INDEX samples_by_age ON samples (resolution, at);
CREATE INDEX decisions_by_group ON decisions ("group", at);
CREATE INDEX decisions_by_age ON decisions (at);
CREATE INDEX events_by_age ON events (at);
)sql";

constexpr Migration kMigrations[] = {
    {1, kV1Tables},
    {2, kV2Indexes},
};

Result<int> UserVersion(sql::Db& db) {
  Result<std::string> v = db.QueryText("PRAGMA user_version", "reading the schema version");
  if (!v.ok()) return v.status();
  return static_cast<int>(std::strtol(v->c_str(), nullptr, 10));
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> Migrate(sql::Db& db, std::span<const Migration> steps) {
  const int latest = steps.empty() ? 0 : steps.back().version;
  for (size_t i = 0; i < steps.size(); ++i) assert(steps[i].version == static_cast<int>(i) + 1);

  Result<int> found = UserVersion(db);
  if (!found.ok()) return found.status();
  if (*found > latest) {
    return Status::Runtime("store " + db.path() + ": the database has schema version " +
                           std::to_string(*found) + ", newer than this tide knows (" +
                           std::to_string(latest) +
                           "); refusing to open it: run a newer tide or use another path");
  }
  int version = *found;
  for (const Migration& step : steps) {
    if (step.version <= version) continue;
    const std::string what = "migrating to schema version " + std::to_string(step.version);
    sql::Txn txn(db);
    if (Status s = txn.Begin(what); !s.ok()) return s;
    // Another process may have migrated between our read and our write lock.
    Result<int> now = UserVersion(db);
    if (!now.ok()) return now.status();
    if (*now >= step.version) {
      version = *now;
      continue;  // ~Txn rolls the empty transaction back
    }
    if (Status s = db.Exec(step.sql, what); !s.ok()) return s;
    const std::string bump = "PRAGMA user_version = " + std::to_string(step.version);
    if (Status s = db.Exec(bump.c_str(), what); !s.ok()) return s;
    if (Status s = txn.Commit(what); !s.ok()) return s;
    version = step.version;
  }
  return version;
}

}  // namespace tide::store
