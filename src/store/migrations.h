// migrations.h: the store's schema as an ordered list of steps, private to the store. Step i
// takes a database from version i-1 to version i; the version lives in PRAGMA user_version
// (0 = empty file). Each step runs in its own transaction together with the version bump, so
// a crash leaves the database at a whole version. Append new steps; never edit a shipped one.
#pragma once

#include <span>

#include "core/result.h"
#include "store/sqlite.h"

namespace tide::store {

struct Migration {
  int version;      // the version this step produces: 1, 2, 3, ... in order
  const char* sql;  // one or more statements
};

// Every step this build knows, oldest first.
std::span<const Migration> Migrations();
// The version a database has once every known step has run.
int LatestSchemaVersion();

// Brings `db` to the last version in `steps` and returns it. A database whose version is
// newer than the last step is refused with an error naming the path and both versions.
// REQUIRES: steps[i].version == i + 1.
Result<int> Migrate(sql::Db& db, std::span<const Migration> steps);

}  // namespace tide::store
