// parse_local.cc: a group's `local:` section — the command tide runs as replicas, how a
// replica proves it is ready, and how the pool and its request router behave
// (provider: local, docs/LOCAL.md).
#include <fmt/format.h>

#include "config/parse.h"

namespace tide::config::internal {
namespace {

const std::vector<std::string_view> kHealthTypes = {"http", "tcp", "command"};
const std::vector<TypedKey> kHealthKeys = {
    {"type", {}},          {"path", {"http"}},    {"command", {"command"}},
    {"interval", {}},      {"timeout", {}},       {"start_timeout", {}},
};

constexpr const char* kCommandExample = R"(["./build/tide-sample", "--work-ms", "2"])";

// An argv list of non-empty strings.
bool ReadArgv(Reader& r, const Field& f, std::vector<std::string>* out) {
  if (!f.present) return true;
  if (!f.node.IsSequence()) {
    return r.Fail(f, fmt::format("expected a sequence of arguments (argv, run without a shell), "
                                 "e.g. {}",
                                 kCommandExample));
  }
  std::vector<Field> items;
  if (!r.ReadSequence(f, /*non_empty=*/true, &items)) return false;
  std::vector<std::string> argv;
  bool ok = true;
  for (const Field& item : items) {
    std::string arg;
    ok = r.ReadString(item, &arg) && ok;
    argv.push_back(std::move(arg));
  }
  if (ok) *out = std::move(argv);
  return ok;
}

void ParseHealth(Reader& r, const Field& f, HealthCheck* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  const Field type = m.Get("type");
  int kind = 1;  // tcp
  if (!r.ReadEnum(type, kHealthTypes, &kind)) return;
  out->type = kHealthTypes[kind];
  CheckTypedKeys(r, m, out->type, kHealthKeys, /*type_is_default=*/!type.present);
  r.ReadDuration(m.Get("interval"), Bound::kPositive, &out->interval);
  r.ReadDuration(m.Get("timeout"), Bound::kPositive, &out->timeout);
  r.ReadDuration(m.Get("start_timeout"), Bound::kPositive, &out->start_timeout);
  if (kind == 0) {
    const Field path = m.Get("path");
    if (r.ReadString(path, &out->path) && path.present && out->path[0] != '/')
      r.Fail(path, "expected an absolute path starting with '/' (e.g. /healthz)");
  } else if (kind == 2) {
    const Field command = m.Get("command");
    if (!command.present)
      r.Missing(f, "command", R"(for type command, an argv list, e.g. ["./check", "{port}"])");
    ReadArgv(r, command, &out->command);
  }
}

}  // namespace

void ParseLocal(Reader& r, const Field& f, LocalService* out) {
  out->mark = f.mark;
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"command", "listen", "health", "queue", "max_concurrency", "drain", "idle",
               "restart", "log"});
  const Field command = m.Get("command");
  if (!command.present)
    r.Missing(f, "command", fmt::format("the replica's argv (run without a shell), e.g. {}",
                                        kCommandExample));
  ReadArgv(r, command, &out->command);
  const Field listen = m.Get("listen");
  out->listen_mark = listen.present ? listen.mark : f.mark;
  ReadHostPort(r, listen, 0, "127.0.0.1:8081 (port 0 = any free port)", &out->listen);
  ParseHealth(r, m.Get("health"), &out->health);
  r.ReadDuration(m.Get("idle"), Bound::kNonNegative, &out->idle);
  r.ReadInt(m.Get("max_concurrency"), 0, &out->max_concurrency);

  MapFields queue(r, m.Get("queue"));
  if (queue.ok()) {
    queue.CheckKeys({"max", "timeout"});
    r.ReadInt(queue.Get("max"), 1, &out->queue_max);
    r.ReadDuration(queue.Get("timeout"), Bound::kPositive, &out->queue_timeout);
  }
  MapFields drain(r, m.Get("drain"));
  if (drain.ok()) {
    drain.CheckKeys({"timeout", "grace"});
    r.ReadDuration(drain.Get("timeout"), Bound::kNonNegative, &out->drain_timeout);
    r.ReadDuration(drain.Get("grace"), Bound::kNonNegative, &out->grace);
  }
  MapFields restart(r, m.Get("restart"));
  if (restart.ok()) {
    restart.CheckKeys({"backoff", "max_backoff", "crash_loop"});
    const Field backoff = restart.Get("backoff");
    const Field max_backoff = restart.Get("max_backoff");
    const bool a = r.ReadDuration(backoff, Bound::kPositive, &out->restart_backoff);
    const bool b = r.ReadDuration(max_backoff, Bound::kPositive, &out->restart_max_backoff);
    if (a && b && out->restart_max_backoff < out->restart_backoff) {
      r.Fail(max_backoff.present ? max_backoff : backoff,
             fmt::format("max_backoff ({}s) must be >= backoff ({}s)", out->restart_max_backoff,
                         out->restart_backoff));
    }
    MapFields loop(r, restart.Get("crash_loop"));
    if (loop.ok()) {
      loop.CheckKeys({"restarts", "window", "cooldown"});
      r.ReadInt(loop.Get("restarts"), 1, &out->crash_loop_restarts);
      r.ReadDuration(loop.Get("window"), Bound::kPositive, &out->crash_loop_window);
      r.ReadDuration(loop.Get("cooldown"), Bound::kPositive, &out->crash_loop_cooldown);
    }
  }
  MapFields log(r, m.Get("log"));
  if (log.ok()) {
    log.CheckKeys({"dir", "max_bytes", "keep"});
    r.ReadString(log.Get("dir"), &out->log_dir);
    r.ReadInt(log.Get("max_bytes"), 1024, &out->log_max_bytes);
    r.ReadInt(log.Get("keep"), 0, &out->log_keep);
  }
}

}  // namespace tide::config::internal
