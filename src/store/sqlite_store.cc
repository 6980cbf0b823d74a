// sqlite_store.cc: samples, decisions, events and state on SQLite (Compact is in compact.cc).
// Statements are prepared once per connection and reused (sqlite.h caches them).
#include "store/sqlite_store.h"

#include <string_view>

namespace tide::store {
namespace {

using sql::Scoped;

Status CheckLimit(int limit) {
  if (limit >= 1) return Status::Ok();
  return Status::InvalidInput("store: limit = " + std::to_string(limit) + ", must be >= 1");
}

constexpr const char* kInsertSample =
    R"(INSERT INTO samples ("group", metric, at, value, resolution) VALUES (?1, ?2, ?3, ?4, 0))";
// Oldest first; ties (a late sample in an already downsampled bucket) in insertion order.
constexpr const char* kSelectHistory = R"(
SELECT at, value FROM samples
WHERE "group" = ?1 AND metric = ?2 AND at >= ?3 AND at <= ?4
ORDER BY at, rowid)";

constexpr const char* kInsertDecision = R"(
INSERT INTO decisions ("group", at, "current", desired, reason, message, json)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))";
constexpr const char* kSelectDecisions = R"(
SELECT at, "current", desired, reason, message, json FROM decisions
WHERE "group" = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2)";

constexpr const char* kSelectDecisionsBetween = R"(
SELECT at, "current", desired, reason, message, json FROM decisions
WHERE "group" = ?1 AND at >= ?2 AND at <= ?3 ORDER BY at, rowid)";

constexpr const char* kInsertEvent = R"(
INSERT INTO events ("group", kind, at, "from", "to", status, decided_at, applied_at, ready_at,
                    message)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10))";
constexpr const char* kUpdateEvent = R"(
UPDATE events SET status = ?2, decided_at = ?3, applied_at = ?4, ready_at = ?5, message = ?6
WHERE id = ?1)";
constexpr const char* kSelectEvents = R"(
SELECT id, "group", kind, at, "from", "to", status, decided_at, applied_at, ready_at, message
FROM events WHERE at >= ?2 AND (?1 = '' OR "group" = ?1)
ORDER BY at DESC, id DESC LIMIT ?3)";

constexpr const char* kUpsertState = R"(
INSERT INTO state ("group", at, json) VALUES (?1, ?2, ?3)
ON CONFLICT ("group") DO UPDATE SET at = excluded.at, json = excluded.json)";
constexpr const char* kSelectState = R"(SELECT json FROM state WHERE "group" = ?1)";

}  // namespace

Status SqliteStore::InsertSamples(std::span<const MetricSample> samples) {
  static constexpr std::string_view kWhat = "appending samples";
  Result<sql::Stmt*> insert = db_->Prepare(kInsertSample, kWhat);
  if (!insert.ok()) return insert.status();
  Scoped st(*insert);
  for (const MetricSample& m : samples) {
    st->Bind(1, m.group);
    st->Bind(2, m.metric);
    st->Bind(3, m.at);
    st->Bind(4, m.value);  // NaN binds NULL
    if (Status s = db_->Run(*st, kWhat); !s.ok()) return s;
    st->Rewind();  // every parameter is rebound on the next row
  }
  return Status::Ok();
}

Status SqliteStore::AppendSamples(std::span<const MetricSample> samples) {
  static constexpr std::string_view kWhat = "appending samples";
  if (samples.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  sql::Txn txn(*db_);
  if (Status s = txn.Begin(kWhat); !s.ok()) return s;
  if (Status s = InsertSamples(samples); !s.ok()) return s;
  return txn.Commit(kWhat);
}

Status SqliteStore::WriteBatch(const Batch& b) {
  static constexpr std::string_view kWhat = "writing a batch";
  std::lock_guard lock(mu_);
  sql::Txn txn(*db_);
  if (Status s = txn.Begin(kWhat); !s.ok()) return s;
  if (Status s = InsertSamples(b.samples); !s.ok()) return s;
  for (const DecisionRecord& d : b.decisions) {
    if (Status s = InsertDecision(d); !s.ok()) return s;
  }
  for (const auto& [group, json] : b.states) {
    if (Status s = UpsertState(group, b.at, json); !s.ok()) return s;
  }
  return txn.Commit(kWhat);
}

Result<std::vector<MetricSample>> SqliteStore::History(const std::string& group,
                                                       const std::string& metric, double from,
                                                       double to) {
  static constexpr std::string_view kWhat = "reading history";
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> select = db_->Prepare(kSelectHistory, kWhat);
  if (!select.ok()) return select.status();
  Scoped st(*select);
  st->Bind(1, group);
  st->Bind(2, metric);
  st->Bind(3, from);
  st->Bind(4, to);
  std::vector<MetricSample> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    out.push_back({group, metric, st->Double(0), st->Double(1)});  // NULL reads as NaN
  }
  if (rc != SQLITE_DONE) return db_->Error(kWhat);
  return out;
}

Status SqliteStore::InsertDecision(const DecisionRecord& d) {
  static constexpr std::string_view kWhat = "appending a decision";
  Result<sql::Stmt*> insert = db_->Prepare(kInsertDecision, kWhat);
  if (!insert.ok()) return insert.status();
  Scoped st(*insert);
  st->Bind(1, d.group);
  st->Bind(2, d.at);
  st->Bind(3, d.current);
  st->Bind(4, d.desired);
  st->Bind(5, d.reason);
  st->Bind(6, d.message);
  st->Bind(7, d.json);
  return db_->Run(*st, kWhat);
}

Status SqliteStore::AppendDecision(const DecisionRecord& d) {
  std::lock_guard lock(mu_);
  return InsertDecision(d);
}

// The rows of a decisions query (columns at, current, desired, reason, message, json).
Result<std::vector<DecisionRecord>> SqliteStore::ReadDecisions(sql::Stmt& st,
                                                               const std::string& group,
                                                               std::string_view what) {
  std::vector<DecisionRecord> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW)
    out.push_back({group, st.Double(0), st.Int(1), st.Int(2), st.Text(3), st.Text(4), st.Text(5)});
  if (rc != SQLITE_DONE) return db_->Error(what);
  return out;
}

Result<std::vector<DecisionRecord>> SqliteStore::RecentDecisions(const std::string& group,
                                                                 int limit) {
  static constexpr std::string_view kWhat = "reading decisions";
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> select = db_->Prepare(kSelectDecisions, kWhat);
  if (!select.ok()) return select.status();
  Scoped st(*select);
  st->Bind(1, group);
  st->Bind(2, limit);
  return ReadDecisions(*st, group, kWhat);
}

Result<std::vector<DecisionRecord>> SqliteStore::DecisionsBetween(const std::string& group,
                                                                   double from, double to) {
  static constexpr std::string_view kWhat = "reading decisions";
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> select = db_->Prepare(kSelectDecisionsBetween, kWhat);
  if (!select.ok()) return select.status();
  Scoped st(*select);
  st->Bind(1, group);
  st->Bind(2, from);
  st->Bind(3, to);
  return ReadDecisions(*st, group, kWhat);
}

Result<long long> SqliteStore::AppendEvent(const EventRecord& e) {
  static constexpr std::string_view kWhat = "appending an event";
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> insert = db_->Prepare(kInsertEvent, kWhat);
  if (!insert.ok()) return insert.status();
  Scoped st(*insert);
  st->Bind(1, e.group);
  st->Bind(2, e.kind);
  st->Bind(3, e.at);
  st->Bind(4, e.from);
  st->Bind(5, e.to);
  st->Bind(6, e.status);
  st->Bind(7, e.decided_at);
  st->Bind(8, e.applied_at);
  st->Bind(9, e.ready_at);
  st->Bind(10, e.message);
  if (Status s = db_->Run(*st, kWhat); !s.ok()) return s;
  return static_cast<long long>(sqlite3_last_insert_rowid(db_->raw()));
}

Status SqliteStore::UpdateEvent(const EventRecord& e) {
  static constexpr std::string_view kWhat = "updating an event";
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> update = db_->Prepare(kUpdateEvent, kWhat);
  if (!update.ok()) return update.status();
  Scoped st(*update);
  st->Bind(1, e.id);
  st->Bind(2, e.status);
  st->Bind(3, e.decided_at);
  st->Bind(4, e.applied_at);
  st->Bind(5, e.ready_at);
  st->Bind(6, e.message);
  if (Status s = db_->Run(*st, kWhat); !s.ok()) return s;
  if (sqlite3_changes(db_->raw()) == 0) {
    return Status::NotFound("store " + db_->path() + ": updating an event: no event with id " +
                            std::to_string(e.id));
  }
  return Status::Ok();
}

Result<std::vector<EventRecord>> SqliteStore::Events(const std::string& group, double since,
                                                     int limit) {
  static constexpr std::string_view kWhat = "reading events";
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> select = db_->Prepare(kSelectEvents, kWhat);
  if (!select.ok()) return select.status();
  Scoped st(*select);
  st->Bind(1, group);
  st->Bind(2, since);
  st->Bind(3, limit);
  std::vector<EventRecord> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    EventRecord e;
    e.id = st->Int64(0);
    e.group = st->Text(1);
    e.kind = st->Text(2);
    e.at = st->Double(3);
    e.from = st->Int(4);
    e.to = st->Int(5);
    e.status = st->Text(6);
    e.decided_at = st->Double(7);
    e.applied_at = st->Double(8);
    e.ready_at = st->Double(9);
    e.message = st->Text(10);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return db_->Error(kWhat);
  return out;
}

Status SqliteStore::UpsertState(const std::string& group, double at, const std::string& json) {
  static constexpr std::string_view kWhat = "saving state";
  Result<sql::Stmt*> upsert = db_->Prepare(kUpsertState, kWhat);
  if (!upsert.ok()) return upsert.status();
  Scoped st(*upsert);
  st->Bind(1, group);
  st->Bind(2, at);
  st->Bind(3, json);
  return db_->Run(*st, kWhat);
}

Status SqliteStore::SaveState(const std::string& group, double at, const std::string& json) {
  std::lock_guard lock(mu_);
  return UpsertState(group, at, json);
}

Result<std::optional<std::string>> SqliteStore::LoadState(const std::string& group) {
  static constexpr std::string_view kWhat = "loading state";
  std::lock_guard lock(mu_);
  Result<sql::Stmt*> select = db_->Prepare(kSelectState, kWhat);
  if (!select.ok()) return select.status();
  Scoped st(*select);
  st->Bind(1, group);
  const int rc = st->Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return db_->Error(kWhat);
  return std::optional<std::string>(st->Text(0));
}

}  // namespace tide::store
