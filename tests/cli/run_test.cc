// `tide run`, `tide status` and `tide explain` from the command line: bad input is refused
// with exit 2 and a message naming the file, key and what is allowed; a daemon that cannot
// be reached is a runtime failure (exit 1).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;

struct CmdResult {
  int code = -1;
  std::string err;
};

class RunCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/tide-runcli-XXXXXX";
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  CmdResult Tide(const std::string& args) {
    const std::string cmd = std::string("cd ") + dir_.string() + " && timeout 20 " + TIDE_BINARY + " " + args +
                            " >out.txt 2>err.txt";
    const int status = std::system(cmd.c_str());
    CmdResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(dir_ / "err.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
  }
  fs::path dir_;
};

constexpr const char* kLive = R"(groups:
  - name: web
    metrics:
      - name: rps
        source: {type: prometheus, url: "http://127.0.0.1:1", query: "up"}
    policies:
      - {type: target_tracking, metric: rps, target: 10, target_type: average_value}
)";

TEST_F(RunCli, SimulatedMetricsCannotRunLive) {
  Write("sim.yaml", R"(groups:
  - name: web
    metrics:
      - name: utilization
        source: {type: simulated, signal: utilization}
    policies:
      - {type: target_tracking, metric: utilization, target: 0.6}
)");
  CmdResult r = Tide("run sim.yaml --db t.db");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("sim.yaml:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("simulated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allowed"), std::string::npos) << r.err;
}

TEST_F(RunCli, MissingAndInvalidConfigsAreBadInput) {
  CmdResult r = Tide("run nope.yaml --db t.db");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nope.yaml"), std::string::npos) << r.err;
  Write("bad.yaml", "groups:\n  - name: web\n    capacity: {min: 5, max: 2}\n");
  r = Tide("run bad.yaml --db t.db");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.yaml:3:"), std::string::npos) << r.err;
}

TEST_F(RunCli, NonLoopbackListenWithoutTokenIsRefused) {
  Write("live.yaml", kLive);
  CmdResult r = Tide("run live.yaml --db t.db --listen 0.0.0.0:0");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("token"), std::string::npos) << r.err;
}

// A second daemon on the same store is refused before it touches anything: it would share
// the first one's pid files and kill its replicas as leftovers of a crashed run.
TEST_F(RunCli, ASecondDaemonOnTheSameStoreIsRefusedNamingTheFirst) {
  Write("live.yaml", kLive);
  const std::string start =
      "cd " + dir_.string() + " && (" + TIDE_BINARY +
      " run live.yaml --db t.db --listen 127.0.0.1:0 >a.out 2>a.err & echo $! >a.pid)";
  ASSERT_EQ(std::system(start.c_str()), 0);
  std::string pid;
  for (int i = 0; i < 200 && pid.empty(); ++i) {  // until the first daemon holds the store
    usleep(50 * 1000);
    std::ifstream lock(dir_ / "t.db.lock");
    std::getline(lock, pid);
  }
  std::string first;
  std::getline(std::ifstream(dir_ / "a.pid"), first);
  ASSERT_EQ(pid, first) << "the first daemon never took the store's lock";
  CmdResult r = Tide("run live.yaml --db t.db --listen 127.0.0.1:0");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--db t.db: in use by another tide run"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + first), std::string::npos) << r.err;
  EXPECT_EQ(kill(std::stoi(first), 0), 0) << "the first daemon is gone";
  kill(std::stoi(first), SIGTERM);
  for (int i = 0; i < 200 && kill(std::stoi(first), 0) == 0; ++i) usleep(50 * 1000);
  // Once it has stopped, the store is free again (the lock file stays; the kernel's lock went).
  const std::string again =
      "cd " + dir_.string() + " && (" + TIDE_BINARY +
      " run live.yaml --db t.db --listen 127.0.0.1:0 >c.out 2>c.err & sleep 1; kill $!; wait $!)";
  std::system(again.c_str());
  std::stringstream third;
  third << std::ifstream(dir_ / "c.err").rdbuf();
  EXPECT_NE(third.str().find("running 1 group(s)"), std::string::npos) << third.str();
  EXPECT_EQ(third.str().find("in use"), std::string::npos) << third.str();
}

// A loopback server answering every request with 200 and `body` (one connection at a time),
// standing in for something at --server that is not tide, or not this version of it.
class CannedServer {
 public:
  explicit CannedServer(std::string body) : body_(std::move(body)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 8) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (int c; (c = accept(fd_, nullptr, nullptr)) >= 0; close(c)) {
        char buf[4096];
        std::string req;
        while (req.find("\r\n\r\n") == std::string::npos) {
          const ssize_t n = read(c, buf, sizeof buf);
          if (n <= 0) break;
          req.append(buf, n);
        }
        const std::string resp =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
        (void)!write(c, resp.data(), resp.size());
      }
    });
  }
  ~CannedServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string body_;
  int fd_ = -1, port_ = 0;
  std::thread thread_;
};

// JSON of the wrong shape is a runtime failure naming the URL, never an abort, and nothing of
// a half-read answer is printed.
TEST_F(RunCli, StatusAndExplainRefuseAnAnswerOfTheWrongShape) {
  // (The last two: objects with a name only, which printed a row of dashes with exit 0.)
  for (const char* body :
       {"[{}]", "{\"a\":1}", "[1,2]", "null", "[{\"metrics\":5}]", "[{\"name\":\"x\"}]",
        "[{\"name\":\"x\",\"current\":1,\"metrics\":5}]"}) {
    CannedServer server(body);
    CmdResult r = Tide("status --server " + server.url() + "/");
    EXPECT_EQ(r.code, 1) << body << ": " << r.err;
    EXPECT_NE(
        r.err.find(server.url() + "/api/v1/groups: the answer is not what tide's API returns"),
        std::string::npos)
        << body << ": " << r.err;
    std::stringstream out;
    out << std::ifstream(dir_ / "out.txt").rdbuf();
    EXPECT_EQ(out.str(), "") << body;
  }
  for (const char* body : {"[]", "null", "{\"decisions\":5}", "{\"decisions\":[{\"stages\":5}]}"}) {
    CannedServer server(body);
    CmdResult r = Tide("explain web.a-b_1 --server " + server.url());
    EXPECT_EQ(r.code, 1) << body << ": " << r.err;
    EXPECT_NE(r.err.find("/api/v1/groups/web.a-b_1?decisions="), std::string::npos)
        << body << ": " << r.err;
  }
  // A name no group can have, or a negative count, is bad input before any request (a '/'
  // reached another endpoint; -n -1 printed the server's 400 with exit 1).
  CannedServer server("{}");
  CmdResult r = Tide("explain 'a/b?' --server " + server.url());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(
      r.err.find("group: bad value 'a/b?': allowed: a name of letters, digits, '_', '.' and '-'"),
      std::string::npos)
      << r.err;
  r = Tide("explain '' --server " + server.url());
  EXPECT_EQ(r.code, 2) << r.err;
  r = Tide("explain web -n -1 --server " + server.url());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--decisions: bad value '-1': allowed: 0 or more"), std::string::npos)
      << r.err;
}

// An answer that is not JSON is called that (it read "HTTP 200: [<body>]").
TEST_F(RunCli, StatusNamesAnAnswerThatIsNotJson) {
  CannedServer server("[{\"name\":\"x\",\"v\":1e400}]");
  CmdResult r = Tide("status --server " + server.url());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find(server.url() + "/api/v1/groups: the answer is not JSON (HTTP 200): [{"),
            std::string::npos)
      << r.err;
}

// A proposal's note says why a policy proposes nothing; explain printed "proposes -" alone.
TEST_F(RunCli, ExplainPrintsAProposalsNote) {
  CannedServer server(
      R"({"name":"web","desired":2,"current":2,"ready":2,"paused":false,"decisions":[
    {"at":1,"message":"hold 2 (WithinTolerance): ...","reason":"WithinTolerance","limited_by":"recommend",
     "min":1,"max":8,"proposals":[{"policy":"fc","type":"predictive","desired":null,
     "metric_value":40,"status":"ok","note":"learning: 3h of 1d history"}]}]})");
  CmdResult r = Tide("explain web --server " + server.url());
  ASSERT_EQ(r.code, 0) << r.err;
  std::stringstream out;
  out << std::ifstream(dir_ / "out.txt").rdbuf();
  EXPECT_NE(out.str().find("proposes -     (metric 40, ok): learning: 3h of 1d history\n"),
            std::string::npos)
      << out.str();
}

// api.listen and api.token are read when the API starts: a reload changing them is refused
// (a token added by reload used to be reported as applied while the API stayed open).
TEST_F(RunCli, AReloadThatChangesTheApiIsRefusedSayingSo) {
  const std::string with_api = std::string("api: {listen: \"127.0.0.1:0\"}\n") + kLive;
  Write("live.yaml", with_api);
  const std::string start = "cd " + dir_.string() + " && (" + TIDE_BINARY +
                            " run live.yaml --db t.db >a.out 2>a.err & echo $! >a.pid)";
  ASSERT_EQ(std::system(start.c_str()), 0);
  std::string pid;
  std::getline(std::ifstream(dir_ / "a.pid"), pid);
  auto stderr_text = [&] {
    std::stringstream ss;
    ss << std::ifstream(dir_ / "a.err").rdbuf();
    return ss.str();
  };
  for (int i = 0; i < 200 && stderr_text().find("API and dashboard") == std::string::npos; ++i)
    usleep(50 * 1000);
  ASSERT_NE(stderr_text().find("API and dashboard"), std::string::npos) << stderr_text();
  Write("live.yaml", std::string("api: {listen: \"127.0.0.1:0\", token: \"abc\"}\n") + kLive);
  kill(std::stoi(pid), SIGHUP);
  for (int i = 0; i < 200 && stderr_text().find("api.token take effect") == std::string::npos; ++i)
    usleep(50 * 1000);
  // The key that changed is named (it said 'api'); a token's value is never echoed.
  EXPECT_NE(
      stderr_text().find(
          "live.yaml:1:15: api.token: api.listen and api.token take effect when tide run starts"),
      std::string::npos)
      << stderr_text();
  EXPECT_EQ(stderr_text().find("abc"), std::string::npos) << stderr_text();
  Write("live.yaml", std::string("api: {listen: \"127.0.0.1:1\"}\n") + kLive);
  kill(std::stoi(pid), SIGHUP);
  for (int i = 0; i < 200 && stderr_text().find("api.listen: bad value") == std::string::npos; ++i)
    usleep(50 * 1000);
  EXPECT_NE(
      stderr_text().find("live.yaml:1:15: api.listen: bad value '127.0.0.1:1': api.listen and "
                         "api.token take effect when tide run starts"),
      std::string::npos)
      << stderr_text();
  // The same file without the api change is accepted.
  Write("live.yaml", with_api);
  kill(std::stoi(pid), SIGHUP);
  for (int i = 0; i < 200 && stderr_text().find("reload: applied") == std::string::npos; ++i)
    usleep(50 * 1000);
  EXPECT_NE(stderr_text().find("reload: applied"), std::string::npos) << stderr_text();
  EXPECT_EQ(kill(std::stoi(pid), 0), 0) << "the daemon did not survive the refused reload";
  kill(std::stoi(pid), SIGTERM);
  for (int i = 0; i < 200 && kill(std::stoi(pid), 0) == 0; ++i) usleep(50 * 1000);
}

TEST_F(RunCli, StatusWithoutADaemonIsARuntimeFailure) {
  CmdResult r = Tide("status --server http://127.0.0.1:1");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot reach tide at http://127.0.0.1:1"), std::string::npos) << r.err;
  r = Tide("explain web --server http://127.0.0.1:1");
  EXPECT_EQ(r.code, 1) << r.err;
}

}  // namespace

namespace {

class LoadCli : public RunCli {};

TEST_F(LoadCli, BadInputIsRefusedWithExit2NamingWhatIsAllowed) {
  Write("t.csv", "timestamp,value\n0,1\n1,2\n");
  CmdResult r = Tide("load --trace nope.csv --speedup 1 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("nope.csv"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 1 --target https://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("allowed: http://HOST:PORT"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 0 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--speedup 0: allowed: a finite number > 0"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup inf --target http://127.0.0.1:1/");  // ran, "over 0.0 s"
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--speedup inf: allowed: a finite number > 0"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 1 --progress -1 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--progress -1: allowed: seconds >= 0"), std::string::npos) << r.err;
  // A rate no machine sends filled memory with arrivals (300 MB a second).
  Write("huge.csv", "timestamp,value\n0,1e12\n1,1\n");
  r = Tide("load --trace huge.csv --speedup 1 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("huge.csv:2: value 1000000000000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("allowed: at most 1000000 requests/s"), std::string::npos) << r.err;
  // An unwritable --json fails before the run, not after it.
  r = Tide("load --trace t.csv --speedup 1 --target http://127.0.0.1:1/ --json no-such-dir/x.json");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--json: no-such-dir/x.json: cannot write"), std::string::npos) << r.err;
  // --from as typed, not converted.
  r = Tide("load --trace t.csv --speedup 1 --from 1h --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--from '1h'"), std::string::npos) << r.err;
  r = Tide("load --trace t.csv --speedup 1 --arrivals bursty --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("allowed: poisson, uniform"), std::string::npos) << r.err;
}

// Ctrl-C ends the replay with a report of what was sent, marked partial, and exit 1 (it ended
// the process and lost every result).
TEST_F(LoadCli, AnInterruptedReplayReportsWhatWasSentAsPartial) {
  Write("t.csv", "timestamp,value\n0,20\n60,20\n");
  const std::string cmd =
      "cd " + dir_.string() + " && (" + TIDE_BINARY +
      " load --trace t.csv --speedup 1 --progress 0 --target http://127.0.0.1:1/ --json r.json"
      " >out.txt 2>err.txt & p=$!; sleep 1; kill -INT $p; wait $p; echo $? >rc.txt)";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::stringstream rc, out, json;
  rc << std::ifstream(dir_ / "rc.txt").rdbuf();
  out << std::ifstream(dir_ / "out.txt").rdbuf();
  json << std::ifstream(dir_ / "r.json").rdbuf();
  EXPECT_EQ(rc.str(), "1\n");
  EXPECT_EQ(out.str().rfind("INTERRUPTED by SIGINT", 0), 0u) << out.str();
  EXPECT_NE(out.str().find("sent "), std::string::npos) << out.str();
  EXPECT_NE(json.str().find("\"interrupted\": true"), std::string::npos) << json.str();
}

TEST_F(LoadCli, UnreachableTargetCountsErrorsNotACrash) {
  Write("t.csv", "timestamp,value\n0,20\n1,20\n");
  CmdResult r = Tide("load --trace t.csv --speedup 4 --progress 0 --target http://127.0.0.1:1/");
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream out(dir_ / "out.txt");
  std::stringstream ss;
  ss << out.rdbuf();
  EXPECT_NE(ss.str().find("ok 0  errors"), std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("Connection refused"), std::string::npos) << ss.str();
  // Nothing was answered: no latency to report (it printed p50 0.00, which reads as fast).
  EXPECT_NE(ss.str().find("p50 n/a"), std::string::npos) << ss.str();
}

}  // namespace
