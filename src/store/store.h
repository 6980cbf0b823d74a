// store.h: tide's memory, SQLite in WAL mode. Metric history (downsampled with age),
// decisions with their explanation, scaling events with their timing, and each group's
// pipeline state, so that a restart resumes where it stopped. Versioned schema migrations
// run at Open(). Thread-safe: every method may be called from any thread (one connection,
// serialised by a mutex).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tide::store {

struct MetricSample {
  std::string group;
  std::string metric;
  double at = 0;     // epoch seconds
  double value = 0;  // NaN is stored as NULL (a failed fetch)
};

struct DecisionRecord {
  std::string group;
  double at = 0;
  int current = 0;
  int desired = 0;
  std::string reason;   // reason code
  std::string message;  // the sentence
  std::string json;     // the whole Decision as JSON (proposals, stages)
};

struct EventRecord {
  long long id = 0;     // assigned by the store
  std::string group;
  std::string kind;     // "scale", "action_failed", "config_reloaded", "config_refused",
                        // "source_failed", "source_recovered", "paused", "resumed", "override",
                        // "alert_firing", "alert_resolved" (status = the alert's name)
  double at = 0;
  int from = 0;
  int to = 0;
  std::string status;   // scale: "decided" | "applied" | "failed" | "timed_out" | "ready"
  double decided_at = 0, applied_at = 0, ready_at = 0;  // 0 = not yet
  std::string message;
};

struct Retention {
  double raw = 2 * 86400;      // keep raw samples this long
  double minute = 14 * 86400;  // then 1-minute means this long
  double total = 90 * 86400;   // then 1-hour means until this age; older is deleted
};

// Everything one controller tick (or several) writes, applied in one transaction.
struct Batch {
  std::vector<MetricSample> samples;
  std::vector<DecisionRecord> decisions;
  std::vector<std::pair<std::string, std::string>> states;  // (group, json)
  double at = 0;  // when the states were taken
};

class Store {
 public:
  // Opens (creating if needed) the database at `path`, sets WAL mode and runs migrations.
  // A path that cannot be opened, or a database from a newer tide, is an error naming it.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  // For a reader (`tide report`): opens a store that `tide run` wrote, and never creates or
  // converts one. A missing file, a file that is not SQLite, a database without tide's schema
  // (empty, or another program's) and one from a newer tide are InvalidInput naming the path;
  // the file is left as it was.
  static Result<std::unique_ptr<Store>> OpenExisting(const std::string& path);
  virtual ~Store() = default;

  virtual int SchemaVersion() = 0;

  // Appends samples in one transaction.
  virtual Status AppendSamples(std::span<const MetricSample> samples) = 0;
  // Samples of one metric in [from, to], oldest first, at whatever resolution remains.
  virtual Result<std::vector<MetricSample>> History(const std::string& group,
                                                    const std::string& metric, double from,
                                                    double to) = 0;
  // Downsamples and deletes by age relative to `now`.
  virtual Status Compact(double now, const Retention& r) = 0;

  virtual Status AppendDecision(const DecisionRecord& d) = 0;
  virtual Result<std::vector<DecisionRecord>> RecentDecisions(const std::string& group,
                                                             int limit) = 0;

  // The group's decisions with `at` in [from, to], oldest first (reports).
  virtual Result<std::vector<DecisionRecord>> DecisionsBetween(const std::string& group,
                                                               double from, double to) = 0;

  // Inserts an event and returns its id; UpdateEvent rewrites status, timings and message.
  virtual Result<long long> AppendEvent(const EventRecord& e) = 0;
  virtual Status UpdateEvent(const EventRecord& e) = 0;
  // Events newest first; group "" = all groups.
  virtual Result<std::vector<EventRecord>> Events(const std::string& group, double since,
                                                  int limit) = 0;

  // The group's pipeline and controller state as an opaque JSON text.
  virtual Status SaveState(const std::string& group, double at, const std::string& json) = 0;
  virtual Result<std::optional<std::string>> LoadState(const std::string& group) = 0;

  // Writes a batch. The default calls the methods above one by one (store_batch.cc); an
  // implementation may override it to use a single transaction.
  virtual Status WriteBatch(const Batch& b);
};

}  // namespace tide::store
