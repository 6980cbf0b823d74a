// compact.cc: downsampling and deletion by age.
//
// Three tiers, by age relative to `now`:
//   raw samples (resolution 0)   older than r.raw    → one 1-minute mean per (group, metric,
//                                                      minute), stamped at the minute's start;
//   1-minute rows (resolution 60) older than r.minute → one 1-hour mean of those rows, stamped
//                                                      at the hour's start;
//   any sample, decision or event older than r.total → deleted. State rows are never deleted.
// The raw and minute cut-offs are rounded down to a whole bucket, so a bucket is always
// downsampled whole: with now = 10:00:30 and r.raw = 3600 the cut-off is 09:00:00, not
// 09:00:30, and the minute 09:00 stays raw until the next run after 10:01:00.
//
// Means ignore NULLs (SQL AVG) and a bucket of only NULLs stays NULL, so a failed fetch never
// drags a mean to zero. An hour is the plain mean of its minute rows (each minute weighs the
// same however many raw samples it had). Raw samples older than r.minute go raw → minute →
// hour in a single run. Everything runs in one transaction, and a second run with the same
// `now` finds nothing to do (idempotent). A sample appended late, older than a bucket that was
// already downsampled, becomes a second row stamped at that bucket's start.
#include <fmt/format.h>

#include <cmath>

#include "store/sqlite_store.h"

namespace tide::store {
namespace {

constexpr int kMinute = 60;
constexpr int kHour = 3600;

// REQUIRES: epoch seconds >= 0 (CAST truncates toward zero, which is floor only for those).
// ?1 = the cut-off: rows of resolution ?2 stamped before it become rows of resolution ?3.
constexpr const char* kDownsample = R"(
INSERT INTO samples ("group", metric, at, value, resolution)
SELECT "group", metric, CAST(at / ?3 AS INTEGER) * ?3 AS bucket, AVG(value), ?3
FROM samples WHERE resolution = ?2 AND at < ?1
GROUP BY "group", metric, bucket)";
constexpr const char* kDeleteTier = R"(DELETE FROM samples WHERE resolution = ?2 AND at < ?1)";
// The IN list lets the (resolution, at) index serve the delete.
constexpr const char* kDeleteSamples =
    R"(DELETE FROM samples WHERE resolution IN (0, 60, 3600) AND at < ?1)";
constexpr const char* kDeleteDecisions = R"(DELETE FROM decisions WHERE at < ?1)";
constexpr const char* kDeleteEvents = R"(DELETE FROM events WHERE at < ?1)";

Status CheckRetention(const Retention& r) {
  if (r.raw >= 0 && r.raw <= r.minute && r.minute <= r.total) return Status::Ok();
  return Status::InvalidInput(
      fmt::format("store: retention raw = {} s, minute = {} s, total = {} s, must satisfy "
                  "0 <= raw <= minute <= total",
                  r.raw, r.minute, r.total));
}

double FloorTo(double t, int step) { return std::floor(t / step) * step; }

}  // namespace

Status SqliteStore::Compact(double now, const Retention& r) {
  static constexpr std::string_view kWhat = "compacting";
  if (Status s = CheckRetention(r); !s.ok()) return s;
  const double raw_cut = FloorTo(now - r.raw, kMinute);
  const double minute_cut = FloorTo(now - r.minute, kHour);
  const double total_cut = now - r.total;

  std::lock_guard lock(mu_);
  sql::Txn txn(*db_);
  if (Status s = txn.Begin(kWhat); !s.ok()) return s;

  // Each step runs one cached statement with ?1 = cut and, when >= 0, ?2 = from, ?3 = to.
  struct Step {
    const char* sql;
    double cut;
    int from = -1;
    int to = -1;
  };
  const Step steps[] = {
      {kDownsample, raw_cut, 0, kMinute},
      {kDeleteTier, raw_cut, 0},
      {kDownsample, minute_cut, kMinute, kHour},
      {kDeleteTier, minute_cut, kMinute},
      {kDeleteSamples, total_cut},
      {kDeleteDecisions, total_cut},
      {kDeleteEvents, total_cut},
  };
  for (const Step& step : steps) {
    Result<sql::Stmt*> stmt = db_->Prepare(step.sql, kWhat);
    if (!stmt.ok()) return stmt.status();
    sql::Scoped st(*stmt);
    st->Bind(1, step.cut);
    if (step.from >= 0) st->Bind(2, step.from);
    if (step.to >= 0) st->Bind(3, step.to);
    if (Status s = db_->Run(*st, kWhat); !s.ok()) return s;
  }
  return txn.Commit(kWhat);
}

}  // namespace tide::store
