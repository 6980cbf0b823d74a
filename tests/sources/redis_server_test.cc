// The Redis source against a real redis-server started by the test on a free loopback port.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sources/redis.h"
#include "sources/source.h"

extern char** environ;

namespace tide::sources {
namespace {

namespace fs = std::filesystem;
constexpr const char* kRedisServer = "/usr/bin/redis-server";

// A loopback port free right now: bind port 0, read the port the kernel chose, close.
// (redis-server has no "--port 0"; the tiny race with another process is acceptable.)
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// One redis-server child process. Its data lives only in memory.
class RedisServer {
 public:
  RedisServer() {
    dir_ = fs::temp_directory_path() / ("tide_redis_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    port_ = FreePort();
  }
  ~RedisServer() {
    Stop();
    fs::remove_all(dir_);
  }
  int port() const { return port_; }

  // Starts the server and waits (up to 5 s) until PING answers. "" or what went wrong.
  std::string Start() {
    if (port_ <= 0) return "no free port";
    const std::string port = std::to_string(port_), dir = dir_.string(),
                      log = (dir_ / "redis.log").string();
    std::vector<std::string> args = {
        kRedisServer,   "--bind", "127.0.0.1",   "--port", port,    "--save", "",
        "--appendonly", "no",     "--daemonize", "no",     "--dir", dir};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, kRedisServer, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return "posix_spawn redis-server: " + std::string(strerror(rc));
    }
    RedisClient client({"127.0.0.1", port_}, 0.2);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      auto pong = client.Command({"PING"});
      if (pong.ok() && pong->str == "PONG") return "";
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "redis-server exited at start: " + Log();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "redis-server did not answer PING within 5 s: " + Log();
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::string Log() const {
    std::ifstream in(dir_ / "redis.log");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
  int port_ = -1;
  pid_t pid_ = -1;
};

class RedisServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kRedisServer)) GTEST_SKIP() << kRedisServer << " is not installed";
    signal(SIGPIPE, SIG_IGN);  // as tide run does: a write to a stopped server is EPIPE
    server_ = std::make_unique<RedisServer>();
    const std::string err = server_->Start();
    ASSERT_EQ(err, "");
    admin_ = std::make_unique<RedisClient>(RedisAddress{"127.0.0.1", server_->port()}, 2);
    deps_.sleep = [this](double s) { sleeps_.push_back(s); };
  }
  void TearDown() override {
    admin_.reset();
    server_.reset();
  }

  // Runs a command on the test's own connection and returns the reply.
  RedisReply Do(const std::vector<std::string>& argv) {
    auto r = admin_->Command(argv);
    EXPECT_TRUE(r.ok()) << r.status().message();
    EXPECT_NE(r.ok() ? r->type : RedisReply::Type::kError, RedisReply::Type::kError)
        << argv[0] << ": " << (r.ok() ? r->str : "");
    return r.ok() ? *r : RedisReply{};
  }

  std::unique_ptr<MetricSource> Source(const std::string& measure, const std::string& key,
                                       const std::string& group = "", int retries = 2) {
    config::MetricSource cfg;
    cfg.type = "redis";
    cfg.address = "127.0.0.1:" + std::to_string(server_->port());
    cfg.key = key;
    cfg.measure = measure;
    cfg.consumer_group = group;
    cfg.timeout = 1;
    cfg.retries = retries;
    auto src = MakeSource(cfg, deps_);
    EXPECT_TRUE(src.ok()) << src.status().message();
    return src.ok() ? std::move(*src) : nullptr;
  }

  // The value of one successful reading (a failure is reported and gives -1).
  static double Value(MetricSource& src) {
    auto r = src.Fetch(0);
    EXPECT_TRUE(r.ok()) << src.Describe() << ": " << r.status().message();
    if (!r.ok()) return -1;
    EXPECT_FALSE(r->no_data);
    return r->value;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisClient> admin_;
  SourceDeps deps_;
  std::vector<double> sleeps_;
};

TEST_F(RedisServerTest, ListLengthFillAndDrain) {
  auto src = Source("length", "jobs");
  ASSERT_NE(src, nullptr);
  EXPECT_EQ(Value(*src), 0);  // absent key: an empty queue, not no_data
  Do({"RPUSH", "jobs", "a", "b", "c"});
  EXPECT_EQ(Value(*src), 3);
  Do({"LPOP", "jobs"});
  EXPECT_EQ(Value(*src), 2);
  Do({"LPOP", "jobs"});
  Do({"LPOP", "jobs"});  // Redis deletes the emptied list
  EXPECT_EQ(Do({"EXISTS", "jobs"}).integer, 0);
  EXPECT_EQ(Value(*src), 0);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(RedisServerTest, LengthOfAHashIsInvalidAndNotRetried) {
  Do({"HSET", "jobs", "f", "v"});
  auto src = Source("length", "jobs");
  auto r = src->Fetch(0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(r.status().message(),
            "redis key jobs is a hash; measure length needs a list or a stream");
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(RedisServerTest, StreamLengthPendingAndLag) {
  for (int i = 0; i < 5; ++i) Do({"XADD", "orders", "*", "n", std::to_string(i)});
  Do({"XGROUP", "CREATE", "orders", "workers", "0"});  // from the start: all 5 undelivered
  auto length = Source("length", "orders");
  auto pending = Source("pending", "orders", "workers");
  auto lag = Source("lag", "orders", "workers");
  EXPECT_EQ(Value(*length), 5);
  EXPECT_EQ(Value(*pending), 0);
  EXPECT_EQ(Value(*lag), 5);

  // A consumer takes 3: delivered but not acknowledged.
  RedisReply read =
      Do({"XREADGROUP", "GROUP", "workers", "c1", "COUNT", "3", "STREAMS", "orders", ">"});
  ASSERT_EQ(read.elements.size(), 1u);
  const auto& entries = read.elements[0].elements[1].elements;
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(Value(*pending), 3);
  EXPECT_EQ(Value(*lag), 2);
  EXPECT_EQ(Value(*length), 5);  // XLEN counts entries, delivered or not

  // It acknowledges them: nothing pending, 2 still undelivered.
  Do({"XACK", "orders", "workers", entries[0].elements[0].str, entries[1].elements[0].str,
      entries[2].elements[0].str});
  EXPECT_EQ(Value(*pending), 0);
  EXPECT_EQ(Value(*lag), 2);

  // Drain the rest.
  RedisReply rest = Do({"XREADGROUP", "GROUP", "workers", "c1", "STREAMS", "orders", ">"});
  for (const auto& e : rest.elements[0].elements[1].elements)
    Do({"XACK", "orders", "workers", e.elements[0].str});
  EXPECT_EQ(Value(*pending), 0);
  EXPECT_EQ(Value(*lag), 0);
}

TEST_F(RedisServerTest, MissingGroupIsNamed) {
  Do({"XADD", "orders", "*", "n", "1"});
  Do({"XGROUP", "CREATE", "orders", "audit", "$"});
  for (const char* measure : {"pending", "lag"}) {
    auto src = Source(measure, "orders", "workers");
    auto r = src->Fetch(0);
    ASSERT_FALSE(r.ok()) << measure;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << measure;
    EXPECT_NE(r.status().message().find("stream orders has no consumer group workers"),
              std::string::npos)
        << r.status().message();
  }
  EXPECT_TRUE(sleeps_.empty());  // a configuration mistake is not retried
}

TEST_F(RedisServerTest, UnknownLagIsInvalid) {
  for (int i = 0; i < 3; ++i) Do({"XADD", "orders", "*", "n", std::to_string(i)});
  RedisReply all = Do({"XRANGE", "orders", "-", "+"});
  ASSERT_EQ(all.elements.size(), 3u);
  // Created at an arbitrary ID, Redis cannot count the entries after it: lag is nil.
  Do({"XGROUP", "CREATE", "orders", "workers", all.elements[1].elements[0].str});
  auto r = Source("lag", "orders", "workers")->Fetch(0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("lag of group workers on stream orders is unknown"),
            std::string::npos)
      << r.status().message();
}

TEST_F(RedisServerTest, ServerDownIsAnErrorAfterRetriesThenRecovers) {
  auto src = Source("length", "jobs", "", /*retries=*/2);
  Do({"RPUSH", "jobs", "a", "b"});
  EXPECT_EQ(Value(*src), 2);

  server_->Stop();
  auto down = src->Fetch(0);
  ASSERT_FALSE(down.ok()) << "a stopped server must not read as " << down->value;
  EXPECT_EQ(down.status().code(), StatusCode::kRuntime);
  EXPECT_EQ(down.status().message().rfind("after 3 attempts: redis 127.0.0.1:", 0), 0u)
      << down.status().message();
  EXPECT_EQ(sleeps_, (std::vector<double>{0.1, 0.2}));

  ASSERT_EQ(server_->Start(), "");  // same port, empty data set
  EXPECT_EQ(Value(*src), 0);        // reconnected on its own
  admin_ = std::make_unique<RedisClient>(RedisAddress{"127.0.0.1", server_->port()}, 2);
  Do({"RPUSH", "jobs", "x"});
  EXPECT_EQ(Value(*src), 1);
}

TEST_F(RedisServerTest, Describe) {
  const std::string at = "127.0.0.1:" + std::to_string(server_->port());
  EXPECT_EQ(Source("length", "jobs")->Describe(), "redis length of jobs at " + at);
  EXPECT_EQ(Source("lag", "orders", "workers")->Describe(),
            "redis lag of group workers on stream orders at " + at);
}

}  // namespace
}  // namespace tide::sources
