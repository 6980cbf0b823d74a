// sqlite.cc: the RAII layer over the SQLite C API (see sqlite.h).
#include "store/sqlite.h"

#include <cmath>
#include <limits>

namespace tide::store::sql {

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

void Stmt::Bind(int i, double v) {
  if (std::isnan(v)) {
    sqlite3_bind_null(s_, i);
  } else {
    sqlite3_bind_double(s_, i, v);
  }
}

void Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

void Stmt::Reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

double Stmt::Double(int col) const {
  if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(s_, col);
}

std::string Stmt::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the Store holds its own mutex around every use of the connection.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return Status::Runtime("store " + path + ": cannot open the database: " + msg);
  }
  return std::unique_ptr<Db>(new Db(raw, path));
}

Db::~Db() {
  cache_.clear();  // statements are finalized before the connection closes
  sqlite3_close(db_);
}

Status Db::Error(std::string_view what) const {
  return Status::Runtime("store " + path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Db::Exec(const char* sql, std::string_view what) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status::Runtime("store " + path_ + ": " + std::string(what) + ": " + msg);
  }
  return Status::Ok();
}

Result<std::string> Db::QueryText(const char* sql, std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) return Error(what);
  Stmt s(raw);
  const int rc = s.Step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return Error(what);
  return s.Text(0);
}

Result<Stmt*> Db::Prepare(const char* sql, std::string_view what) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return &it->second;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    return Error(what);
  }
  return &cache_.emplace(sql, Stmt(raw)).first->second;
}

Status Db::Run(Stmt& s, std::string_view what) {
  const int rc = s.Step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(what);
  return Status::Ok();
}

Txn::~Txn() {
  if (open_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Txn::Begin(std::string_view what) {
  Status s = db_.Exec("BEGIN IMMEDIATE", what);
  open_ = s.ok();
  return s;
}

Status Txn::Commit(std::string_view what) {
  Status s = db_.Exec("COMMIT", what);
  if (s.ok()) open_ = false;  // a failed COMMIT leaves the transaction open: roll it back
  return s;
}

}  // namespace tide::store::sql
