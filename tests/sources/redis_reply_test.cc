// Redis reply → reading conversions, on replies shaped as Redis 7 sends them (RESP2).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sources/redis.h"

namespace tide::sources {
namespace {

using R = RedisReply;

// One XINFO GROUPS entry as Redis 7.0 sends it.
R Group(const std::string& name, R lag) {
  return R::Array({R::String("name"), R::String(name), R::String("consumers"), R::Integer(1),
                   R::String("pending"), R::Integer(2), R::String("last-delivered-id"),
                   R::String("1700000000000-3"), R::String("entries-read"), R::Integer(3),
                   R::String("lag"), std::move(lag)});
}

// A server that accepts the connection and never answers: the error names the timeout (it
// read "TYPE: Resource temporarily unavailable", errno's text for a socket read timeout).
TEST(RedisClient, ASilentServerIsATimeoutNamedAsOne) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(listen(fd, 4), 0);  // the kernel completes the handshake; nobody reads
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  RedisClient client(RedisAddress{"127.0.0.1", port}, 0.2);
  auto r = client.Command({"TYPE", "jobs"});
  close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "redis 127.0.0.1:" + std::to_string(port) +
                                      ": TYPE: no answer within the 0.2 s timeout");
}

TEST(ParseRedisAddress, Cases) {
  struct Case {
    std::string in;
    bool ok;
    std::string host;
    int port;
  };
  for (const Case& c : std::vector<Case>{{"127.0.0.1:6379", true, "127.0.0.1", 6379},
                                         {"redis.internal:7000", true, "redis.internal", 7000},
                                         {"[::1]:6380", true, "::1", 6380},
                                         {"localhost", false, "", 0},
                                         {"host:0", false, "", 0},
                                         {"host:70000", false, "", 0},
                                         {"host:port", false, "", 0},
                                         {":6379", false, "", 0}}) {
    auto r = ParseRedisAddress(c.in);
    ASSERT_EQ(r.ok(), c.ok) << c.in;
    if (c.ok) {
      EXPECT_EQ(r->host, c.host);
      EXPECT_EQ(r->port, c.port);
    } else {
      EXPECT_NE(r.status().message().find("\"" + c.in + "\" is not host:port"), std::string::npos);
    }
  }
}

TEST(RedisLengthCommand, ByType) {
  struct Case {
    std::string name;
    R reply;
    bool ok;
    std::string want;  // command, or error substring
  };
  const std::vector<Case> cases = {
      {"List", R::StatusText("list"), true, "LLEN"},
      {"Stream", R::StatusText("stream"), true, "XLEN"},
      {"AbsentKeyIsEmpty", R::StatusText("none"), true, ""},
      {"Hash", R::StatusText("hash"), false, "redis key jobs is a hash; measure length needs"},
      {"Error", R::Error("LOADING Redis is loading the dataset in memory"), false, "LOADING"},
      {"WrongShape", R::Integer(3), false, "replied an integer; expected a type name"},
  };
  for (const Case& c : cases) {
    auto r = RedisLengthCommand(c.reply, "jobs");
    ASSERT_EQ(r.ok(), c.ok) << c.name;
    if (c.ok)
      EXPECT_EQ(*r, c.want) << c.name;
    else
      EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
  // A loading server is a transient state (retry); a hash is a configuration mistake.
  EXPECT_EQ(RedisLengthCommand(R::Error("LOADING ..."), "k").status().code(), StatusCode::kRuntime);
  EXPECT_EQ(RedisLengthCommand(R::StatusText("set"), "k").status().code(),
            StatusCode::kInvalidInput);
}

TEST(RedisLength, Integer) {
  auto r = RedisLength(R::Integer(42), "jobs");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->value, 42);
  EXPECT_FALSE(r->no_data);
  EXPECT_FALSE(RedisLength(R::Nil(), "jobs").ok());
  auto wrong = RedisLength(
      R::Error("WRONGTYPE Operation against a key holding the wrong kind of value"), "jobs");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidInput);
}

TEST(RedisPending, Cases) {
  auto summary = R::Array({R::Integer(5), R::String("1-0"), R::String("5-0"),
                           R::Array({R::Array({R::String("c1"), R::String("5")})})});
  auto r = RedisPending(summary, "jobs", "workers");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->value, 5);

  auto none =
      RedisPending(R::Array({R::Integer(0), R::Nil(), R::Nil(), R::Nil()}), "jobs", "workers");
  ASSERT_TRUE(none.ok());
  EXPECT_DOUBLE_EQ(none->value, 0);

  auto nogroup = RedisPending(
      R::Error("NOGROUP No such key 'jobs' or consumer group 'workers' in XPENDING command"),
      "jobs", "workers");
  ASSERT_FALSE(nogroup.ok());
  EXPECT_EQ(nogroup.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(nogroup.status().message().find("stream jobs has no consumer group workers"),
            std::string::npos);

  EXPECT_FALSE(RedisPending(R::Integer(1), "jobs", "workers").ok());
}

TEST(RedisLag, Cases) {
  struct Case {
    std::string name;
    R reply;
    bool ok;
    double value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"PicksTheNamedGroup",
       R::Array({Group("audit", R::Integer(99)), Group("workers", R::Integer(7))}), true, 7, ""},
      {"ZeroLag", R::Array({Group("workers", R::Integer(0))}), true, 0, ""},
      {"NilLagIsUnknown", R::Array({Group("workers", R::Nil())}), false, 0,
       "the lag of group workers on stream jobs is unknown"},
      {"MissingGroupNamesIt",
       R::Array({Group("audit", R::Integer(1)), Group("billing", R::Integer(2))}), false, 0,
       "redis stream jobs has no consumer group workers (groups: audit, billing)"},
      {"NoGroupsAtAll", R::Array({}), false, 0, "(groups: none)"},
      {"MissingKey", R::Error("ERR no such key"), false, 0, "stream jobs does not exist"},
      {"Redis6HasNoLag",
       R::Array({R::Array({R::String("name"), R::String("workers"), R::String("consumers"),
                           R::Integer(1), R::String("pending"), R::Integer(0),
                           R::String("last-delivered-id"), R::String("0-0")})}),
       false, 0, "(Redis < 7.0); use measure: pending"},
  };
  for (const Case& c : cases) {
    auto r = RedisLag(c.reply, "jobs", "workers");
    ASSERT_EQ(r.ok(), c.ok) << c.name << ": " << (r.ok() ? "" : r.status().message());
    if (c.ok) {
      EXPECT_DOUBLE_EQ(r->value, c.value) << c.name;
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << c.name;
      EXPECT_NE(r.status().message().find(c.message), std::string::npos)
          << c.name << ": " << r.status().message();
    }
  }
}

}  // namespace
}  // namespace tide::sources
