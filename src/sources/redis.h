// redis.h: queue depth read from Redis (hiredis, RESP2). A pure part turns replies into
// readings (tested without a server on hand-built RedisReply values) and a thin part sends
// commands over one connection that is re-opened after any I/O failure.
//
// Measures:
//   length  — TYPE key, then LLEN (list) or XLEN (stream); an absent key is an empty queue.
//   pending — XPENDING key group: entries delivered to the group's consumers but not acked.
//   lag     — XINFO GROUPS key, the group's "lag": entries not yet delivered (Redis >= 7).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

struct redisContext;  // hiredis; kept out of this header (linked privately)

namespace tide::sources {

// A hiredis reply as a plain value.
struct RedisReply {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };
  Type type = Type::kNil;
  std::string str;                   // kString, kStatus, kError
  long long integer = 0;             // kInteger
  std::vector<RedisReply> elements;  // kArray

  static RedisReply String(std::string s) { return {Type::kString, std::move(s), 0, {}}; }
  static RedisReply StatusText(std::string s) { return {Type::kStatus, std::move(s), 0, {}}; }
  static RedisReply Error(std::string s) { return {Type::kError, std::move(s), 0, {}}; }
  static RedisReply Integer(long long i) { return {Type::kInteger, "", i, {}}; }
  static RedisReply Nil() { return {}; }
  static RedisReply Array(std::vector<RedisReply> e) { return {Type::kArray, "", 0, std::move(e)}; }
};

struct RedisAddress {
  std::string host;
  int port = 6379;
};

// "host:port" or "[v6-address]:port" → address; anything else → InvalidInput naming it.
Result<RedisAddress> ParseRedisAddress(std::string_view address);

// The reply to TYPE key → the command that measures its length: "LLEN" for a list, "XLEN"
// for a stream, "" for an absent key ("none"). An absent queue counts as empty (value 0, not
// no_data) because Redis deletes a list when its last element is popped: a drained queue
// and a missing key are the same state. KEDA's redis scaler reads a missing list as 0 too.
// Another type (hash, set, ...) → InvalidInput naming the key and its type.
Result<std::string> RedisLengthCommand(const RedisReply& type_reply, const std::string& key);

// The integer reply to LLEN/XLEN → its value.
Result<Reading> RedisLength(const RedisReply& reply, const std::string& key);

// The summary reply to XPENDING key group, [count, min-id, max-id, consumers] → count.
// A NOGROUP error → InvalidInput naming the key and the group.
Result<Reading> RedisPending(const RedisReply& reply, const std::string& key,
                             const std::string& group);

// The reply to XINFO GROUPS key (one flat field/value array per group) → the "lag" of the
// group named `group`. A missing group → InvalidInput naming it and the groups present; a
// nil lag (Redis cannot tell after entries were deleted from the stream or the group was
// created at an arbitrary ID) → InvalidInput saying it is unknown; no "lag" field at all
// (Redis < 7) → InvalidInput suggesting measure: pending.
Result<Reading> RedisLag(const RedisReply& reply, const std::string& key, const std::string& group);

// One connection to one server. Connects on first use and after any I/O failure (the
// broken connection is dropped, the next command dials again). Not thread-safe.
// REQUIRES: SIGPIPE ignored in the process (platform::BlockDaemonSignals does it): hiredis
// writes with write(2), and a write to a connection the server just closed raises it.
class RedisClient {
 public:
  // `timeout` (seconds) bounds the connect and each command.
  RedisClient(RedisAddress address, double timeout);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends one command. Transport failures and timeouts → Runtime naming the address; a
  // Redis error reply is returned as a RedisReply of type kError (the caller interprets it).
  Result<RedisReply> Command(const std::vector<std::string>& argv);

 private:
  Status Connect();
  void Drop();

  RedisAddress address_;
  double timeout_;
  redisContext* ctx_ = nullptr;  // owned; null when not connected
};

class RedisSource : public MetricSource {
 public:
  // `measure`: length | pending | lag (pending and lag need `group`).
  RedisSource(RedisAddress address, std::string key, std::string group, std::string measure,
              double timeout);

  Result<Reading> Fetch(double now) override;
  std::string Describe() const override;

 private:
  RedisAddress address_;
  std::string key_;
  std::string group_;
  std::string measure_;
  RedisClient client_;
};

}  // namespace tide::sources
