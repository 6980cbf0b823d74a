// sqlite_store.h: the Store on one SQLite connection, private to the store (callers use
// Store::Open). Every public method takes the mutex for its whole duration, so each is atomic
// with respect to the others; writes of more than one row run in one transaction.
#pragma once

#include <memory>
#include <mutex>

#include "store/sqlite.h"
#include "store/store.h"

namespace tide::store {

class SqliteStore final : public Store {
 public:
  // REQUIRES: `db` is configured and migrated to `version`.
  SqliteStore(std::unique_ptr<sql::Db> db, int version) : db_(std::move(db)), version_(version) {}

  int SchemaVersion() override { return version_; }

  Status AppendSamples(std::span<const MetricSample> samples) override;
  Result<std::vector<MetricSample>> History(const std::string& group, const std::string& metric,
                                            double from, double to) override;
  Status Compact(double now, const Retention& r) override;  // compact.cc

  Status AppendDecision(const DecisionRecord& d) override;
  Result<std::vector<DecisionRecord>> RecentDecisions(const std::string& group, int limit) override;

  Result<std::vector<DecisionRecord>> DecisionsBetween(const std::string& group, double from,
                                                       double to) override;

  Result<long long> AppendEvent(const EventRecord& e) override;
  Status UpdateEvent(const EventRecord& e) override;
  Result<std::vector<EventRecord>> Events(const std::string& group, double since,
                                          int limit) override;

  Status SaveState(const std::string& group, double at, const std::string& json) override;
  Result<std::optional<std::string>> LoadState(const std::string& group) override;

  // One transaction for the whole batch: all of it is written or none.
  Status WriteBatch(const Batch& b) override;

 private:
  // The writes without the lock or a transaction of their own. REQUIRES: mu_ held.
  Status InsertSamples(std::span<const MetricSample> samples);
  Status InsertDecision(const DecisionRecord& d);
  Status UpsertState(const std::string& group, double at, const std::string& json);
  // Steps a decisions SELECT to its end. REQUIRES: mu_ held.
  Result<std::vector<DecisionRecord>> ReadDecisions(sql::Stmt& st, const std::string& group,
                                                    std::string_view what);

  std::mutex mu_;
  std::unique_ptr<sql::Db> db_;  // guarded by mu_
  const int version_;
};

}  // namespace tide::store
