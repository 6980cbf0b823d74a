#include "sources/redis.h"

#include <fmt/format.h>
#include <hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "sources/number.h"

namespace tide::sources {
namespace {

using Type = RedisReply::Type;

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// An error reply the caller did not expect. Errors that a retry cannot fix (a wrong type,
// a missing group, a command this server lacks) are InvalidInput; the rest (LOADING, BUSY,
// NOAUTH, "ERR max number of clients reached", ...) are Runtime.
Status ErrorReply(const RedisReply& reply, std::string_view command) {
  if (StartsWith(reply.str, "WRONGTYPE") || StartsWith(reply.str, "NOGROUP") ||
      StartsWith(reply.str, "ERR unknown command") ||
      StartsWith(reply.str, "ERR unknown subcommand"))
    return Status::InvalidInput(fmt::format("redis {}: {}", command, reply.str));
  return Status::Runtime(fmt::format("redis {}: {}", command, reply.str));
}

const char* TypeName(Type t) {
  switch (t) {
    case Type::kString:
      return "a bulk string";
    case Type::kArray:
      return "an array";
    case Type::kInteger:
      return "an integer";
    case Type::kNil:
      return "nil";
    case Type::kStatus:
      return "a status";
    case Type::kError:
      return "an error";
  }
  return "?";
}

Status Unexpected(const RedisReply& reply, std::string_view command, std::string_view wanted) {
  return Status::InvalidInput(
      fmt::format("redis {} replied {}; expected {}", command, TypeName(reply.type), wanted));
}

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Type::kString;
      break;
    case REDIS_REPLY_STATUS:
      out.type = Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Type::kInteger;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Type::kArray;
      break;
    default:
      out.type = Type::kNil;
      break;
  }
  if (r->str != nullptr) out.str.assign(r->str, r->len);
  out.integer = r->integer;
  for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
  return out;
}

timeval ToTimeval(double seconds) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - std::floor(seconds)) * 1e6);
  return tv;
}

}  // namespace

Result<RedisAddress> ParseRedisAddress(std::string_view address) {
  auto bad = [&] {
    return Status::InvalidInput(fmt::format(
        "redis address \"{}\" is not host:port (e.g. 127.0.0.1:6379 or [::1]:6379)", address));
  };
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view host = address.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  }
  auto port = ParseInt(address.substr(colon + 1));
  if (!port || *port < 1 || *port > 65535) return bad();
  return RedisAddress{std::string(host), static_cast<int>(*port)};
}

Result<std::string> RedisLengthCommand(const RedisReply& reply, const std::string& key) {
  if (reply.type == Type::kError) return ErrorReply(reply, "TYPE " + key);
  if (reply.type != Type::kStatus && reply.type != Type::kString)
    return Unexpected(reply, "TYPE " + key, "a type name");
  if (reply.str == "list") return std::string("LLEN");
  if (reply.str == "stream") return std::string("XLEN");
  if (reply.str == "none") return std::string();
  return Status::InvalidInput(
      fmt::format("redis key {} is a {}; measure length needs a list or a stream", key, reply.str));
}

Result<Reading> RedisLength(const RedisReply& reply, const std::string& key) {
  if (reply.type == Type::kError) return ErrorReply(reply, "length of " + key);
  if (reply.type != Type::kInteger) return Unexpected(reply, "length of " + key, "an integer");
  return Reading{static_cast<double>(reply.integer), false};
}

Result<Reading> RedisPending(const RedisReply& reply, const std::string& key,
                             const std::string& group) {
  const std::string cmd = fmt::format("XPENDING {} {}", key, group);
  if (reply.type == Type::kError) {
    if (StartsWith(reply.str, "NOGROUP"))
      return Status::InvalidInput(fmt::format(
          "redis stream {} has no consumer group {} (or the key does not exist); create it "
          "with XGROUP CREATE {} {} $ MKSTREAM",
          key, group, key, group));
    return ErrorReply(reply, cmd);
  }
  if (reply.type != Type::kArray || reply.elements.empty() ||
      reply.elements[0].type != Type::kInteger)
    return Unexpected(reply, cmd, "[count, min-id, max-id, consumers]");
  return Reading{static_cast<double>(reply.elements[0].integer), false};
}

Result<Reading> RedisLag(const RedisReply& reply, const std::string& key,
                         const std::string& group) {
  const std::string cmd = "XINFO GROUPS " + key;
  if (reply.type == Type::kError) {
    if (StartsWith(reply.str, "ERR no such key"))
      return Status::InvalidInput(fmt::format(
          "redis stream {} does not exist, so it has no consumer group {}", key, group));
    return ErrorReply(reply, cmd);
  }
  if (reply.type != Type::kArray) return Unexpected(reply, cmd, "an array of groups");
  std::string present;
  for (const RedisReply& entry : reply.elements) {
    if (entry.type != Type::kArray) return Unexpected(entry, cmd, "a field/value array per group");
    const RedisReply* name = nullptr;
    const RedisReply* lag = nullptr;
    for (size_t i = 0; i + 1 < entry.elements.size(); i += 2) {
      const std::string& field = entry.elements[i].str;
      if (field == "name") name = &entry.elements[i + 1];
      if (field == "lag") lag = &entry.elements[i + 1];
    }
    if (name == nullptr) return Status::InvalidInput("redis " + cmd + ": a group has no name");
    if (name->str != group) {
      present += (present.empty() ? "" : ", ") + name->str;
      continue;
    }
    if (lag == nullptr)
      return Status::InvalidInput(fmt::format(
          "redis {} reports no lag for group {} (Redis < 7.0); use measure: pending", cmd, group));
    if (lag->type == Type::kNil)
      return Status::InvalidInput(fmt::format(
          "the lag of group {} on stream {} is unknown: Redis reports nil after entries were "
          "deleted from the stream or when the group was created at an arbitrary ID; use "
          "measure: pending, or recreate the group",
          group, key));
    if (lag->type != Type::kInteger) return Unexpected(*lag, cmd + " lag", "an integer");
    return Reading{static_cast<double>(lag->integer), false};
  }
  return Status::InvalidInput(fmt::format("redis stream {} has no consumer group {} (groups: {})",
                                          key, group, present.empty() ? "none" : present));
}

RedisClient::RedisClient(RedisAddress address, double timeout)
    : address_(std::move(address)), timeout_(timeout) {}

RedisClient::~RedisClient() { Drop(); }

void RedisClient::Drop() {
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
}

Status RedisClient::Connect() {
  ctx_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, ToTimeval(timeout_));
  if (ctx_ == nullptr)
    return Status::Runtime(
        fmt::format("redis {}:{}: cannot allocate a connection", address_.host, address_.port));
  if (ctx_->err != 0 || redisSetTimeout(ctx_, ToTimeval(timeout_)) != REDIS_OK) {
    Status s = Status::Runtime(
        fmt::format("redis {}:{}: connect: {}", address_.host, address_.port, ctx_->errstr));
    Drop();
    return s;
  }
  return Status::Ok();
}

Result<RedisReply> RedisClient::Command(const std::vector<std::string>& argv) {
  if (ctx_ == nullptr) {
    Status s = Connect();
    if (!s.ok()) return s;
  }
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()));
  if (reply == nullptr) {
    // The connection is unusable after an I/O error or a timeout (a late reply would be
    // read as the answer to the next command): drop it, the next call dials again.
    // hiredis 0.14 reports a read or write past the socket timeout as an I/O error with
    // errno's text ("Resource temporarily unavailable"): name it as the timeout it is.
    const bool timed_out =
        ctx_->err == REDIS_ERR_IO && (std::strcmp(ctx_->errstr, std::strerror(EAGAIN)) == 0 ||
                                      std::strcmp(ctx_->errstr, std::strerror(EWOULDBLOCK)) == 0);
    Status s = Status::Runtime(fmt::format(
        "redis {}:{}: {}: {}", address_.host, address_.port, argv.empty() ? "" : argv[0],
        timed_out ? fmt::format("no answer within the {:g} s timeout", timeout_)
                  : std::string(ctx_->errstr)));
    Drop();
    return s;
  }
  RedisReply out = Convert(reply);
  freeReplyObject(reply);
  return out;
}

RedisSource::RedisSource(RedisAddress address, std::string key, std::string group,
                         std::string measure, double timeout)
    : address_(address),
      key_(std::move(key)),
      group_(std::move(group)),
      measure_(std::move(measure)),
      client_(std::move(address), timeout) {}

Result<Reading> RedisSource::Fetch(double now) {
  if (measure_ == "length") {
    auto type = client_.Command({"TYPE", key_});
    if (!type.ok()) return type.status();
    auto cmd = RedisLengthCommand(*type, key_);
    if (!cmd.ok()) return cmd.status();
    if (cmd->empty()) return Reading{0, false};
    auto len = client_.Command({*cmd, key_});
    if (!len.ok()) return len.status();
    return RedisLength(*len, key_);
  }
  if (measure_ == "pending") {
    auto reply = client_.Command({"XPENDING", key_, group_});
    if (!reply.ok()) return reply.status();
    return RedisPending(*reply, key_, group_);
  }
  if (measure_ == "lag") {
    auto reply = client_.Command({"XINFO", "GROUPS", key_});
    if (!reply.ok()) return reply.status();
    return RedisLag(*reply, key_, group_);
  }
  return Status::InvalidInput("redis measure = " + measure_ +
                              ", must be one of length, pending, lag");
}

std::string RedisSource::Describe() const {
  std::string where = fmt::format("{}:{}", address_.host, address_.port);
  if (measure_ == "length") return fmt::format("redis length of {} at {}", key_, where);
  return fmt::format("redis {} of group {} on stream {} at {}", measure_, group_, key_, where);
}

}  // namespace tide::sources
