// sqlite.h: a thin RAII layer over the SQLite C API, private to the store. A Db owns one
// connection and a cache of prepared statements; a Stmt owns one prepared statement; a Txn
// rolls back unless committed. Errors become Status::Runtime naming the database path, what
// was being done and SQLite's own message. Not thread-safe: the Store serialises access.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

namespace tide::store::sql {

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }

  // Parameters are 1-based. A NaN double binds NULL. Text is bound without a copy:
  // REQUIRES: the text outlives the next Reset().
  void Bind(int i, double v);
  void Bind(int i, long long v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, int v) { sqlite3_bind_int(s_, i, v); }
  void Bind(int i, std::string_view v);

  // SQLITE_ROW, SQLITE_DONE or an error code (the message is on the connection).
  int Step() { return sqlite3_step(s_); }
  // Ready to run again with new bindings (the old ones stay until rebound).
  void Rewind() { sqlite3_reset(s_); }
  // Ready to run again, with every binding cleared.
  void Reset();

  // Columns are 0-based. A NULL double reads as NaN.
  double Double(int col) const;
  long long Int64(int col) const { return sqlite3_column_int64(s_, col); }
  int Int(int col) const { return sqlite3_column_int(s_, col); }
  std::string Text(int col) const;

 private:
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  // Opens or creates the file at `path` (":memory:" for a private in-memory database).
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

  // Runs one or more statements that return no rows worth reading.
  Status Exec(const char* sql, std::string_view what);
  // Runs one statement and returns the first column of its first row as text ("" if none).
  Result<std::string> QueryText(const char* sql, std::string_view what);
  // A prepared statement, compiled on first use and reused after. The returned pointer stays
  // valid for the life of the Db. The caller Resets it when done (Scoped below does).
  // REQUIRES: `sql` is a string literal (the cache is keyed by its address).
  Result<Stmt*> Prepare(const char* sql, std::string_view what);

  // "store <path>: <what>: <SQLite message>" as a Runtime status.
  Status Error(std::string_view what) const;
  // Runs a prepared, bound statement to completion (no rows expected).
  Status Run(Stmt& s, std::string_view what);

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, Stmt> cache_;  // keyed by the address of the SQL literal
};

// Resets a cached statement when leaving scope, so no statement stays mid-step (which would
// hold a read transaction open) and no text binding outlives its string.
class Scoped {
 public:
  explicit Scoped(Stmt* s) : s_(s) {}
  ~Scoped() { s_->Reset(); }
  Scoped(const Scoped&) = delete;
  Scoped& operator=(const Scoped&) = delete;
  Stmt& operator*() { return *s_; }
  Stmt* operator->() { return s_; }

 private:
  Stmt* s_;
};

// BEGIN IMMEDIATE on Begin(); ROLLBACK at destruction unless Commit() succeeded.
class Txn {
 public:
  explicit Txn(Db& db) : db_(db) {}
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  Status Begin(std::string_view what);
  Status Commit(std::string_view what);

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace tide::store::sql
