// cmd_run.cc: `tide run` — the composition root of the live controller: real clock, curl,
// SQLite, sources and actuators from the config, the HTTP API, signals.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>

#include "actuators/actuator.h"
#include "api/control_plane.h"
#include "api/server.h"
#include "commands.h"
#include "config/loader.h"
#include "controller/controller.h"
#include "local/runtime.h"
#include "platform/file_lock.h"
#include "platform/http_client.h"
#include "platform/real_clock.h"
#include "platform/signals.h"
#include "sources/source.h"
#include "store/store.h"
#include "webui/assets.h"

namespace tide::app {
namespace {

// Forwards the API's calls to the controller (keeps api and controller independent).
class PlaneAdapter : public api::ControlPlane {
 public:
  // `after_reload` runs after every reload through the API, applied or refused.
  PlaneAdapter(controller::Controller* c, std::function<void()> after_reload)
      : c_(c), after_reload_(std::move(after_reload)) {}
  nlohmann::json ListGroups() override { return c_->ListGroups(); }
  Result<nlohmann::json> GetGroup(const std::string& n, int d) override { return c_->GetGroup(n, d); }
  nlohmann::json Events(const std::string& g, double since, int limit) override {
    return c_->Events(g, since, limit);
  }
  nlohmann::json Alerts() override { return c_->Alerts(); }
  Result<nlohmann::json> Series(const std::string& g, double since) override {
    return c_->Series(g, since);
  }
  Result<nlohmann::json> Outlook(const std::string& g, double horizon) override {
    return c_->Outlook(g, horizon);
  }
  Status Pause(const std::string& g) override { return c_->Pause(g, true); }
  Status Resume(const std::string& g) override { return c_->Pause(g, false); }
  Status Override(const std::string& g, int d, double exp) override { return c_->Override(g, d, exp); }
  Status Reload() override {  // logged as a SIGHUP reload is
    Status s = c_->Reload();
    std::fprintf(stderr, "tide: reload (API): %s\n", s.ok() ? "applied" : s.message().c_str());
    after_reload_();
    return s;
  }
  std::string MetricsText() override { return c_->MetricsText(); }
  bool Ready() override { return c_->Ready(); }
  double Now() override { return c_->Now(); }

 private:
  controller::Controller* c_;
  std::function<void()> after_reload_;
};

}  // namespace

Status RunDaemon(const RunArgs& a) {
  auto loaded = config::LoadConfig(a.config);
  if (!loaded.ok()) return loaded.status();
  const config::Config& cfg = *loaded;
  for (const auto& g : cfg.groups) {
    for (const auto& m : g.metrics) {
      if (m.source.type == "simulated") {
        return Status::InvalidInput(fmt::format(
            "{}:{}:{}: groups.{}.metrics.{}.source.type: bad value 'simulated': allowed in tide run: "
            "prometheus, redis, procfs, http_json, local (simulated signals exist only in tide simulate)",
            a.config, m.mark.line, m.mark.column, g.name, m.name));
      }
    }
  }

  // One daemon per store: a second one would share its pid files and kill the first one's
  // replicas as leftovers (docs/CONTROLLER.md). Held until this function returns.
  std::optional<platform::FileLock> lock;
  if (a.db != ":memory:") {
    auto held = platform::FileLock::Acquire(a.db + ".lock");
    if (!held.ok()) {
      if (held.status().code() != StatusCode::kInvalidInput) return held.status();
      return Status::InvalidInput(fmt::format(
          "--db {}: in use by another tide run ({}); allowed: a store no running tide uses (stop "
          "that run, or pass another --db)",
          a.db, held.status().message()));
    }
    lock.emplace(std::move(held).value());
  }
  platform::BlockDaemonSignals();  // before any thread starts
  auto store = store::Store::Open(a.db);
  if (!store.ok()) return store.status();
  auto http = platform::MakeCurlHttpClient();
  platform::RealClock clock;

  // provider local: each such group's router and process pool, kept across reloads. Pid
  // files and logs go next to the store: tide.db -> tide.db.local/.
  store::Store* store_ptr = store->get();
  local::Registry locals(a.db + ".local", [store_ptr, &clock](const std::string& group) {
    return [store_ptr, &clock, group](const std::string& kind, const std::string& message) {
      store::EventRecord e;
      e.group = group;
      e.kind = kind;
      e.at = clock.Now();
      e.message = message;
      (void)store_ptr->AppendEvent(e);
    };
  });

  controller::ControllerDeps deps;
  deps.clock = &clock;
  deps.store = store->get();
  platform::HttpClient* http_ptr = http.get();
  deps.make_source = [http_ptr, &locals](const config::Group& g, const config::Metric& m)
      -> Result<std::unique_ptr<sources::MetricSource>> {
    if (m.source.type == "local") {
      auto lg = locals.Get(g);
      if (!lg.ok()) return lg.status();
      return std::unique_ptr<sources::MetricSource>(
          std::make_unique<local::RouterSource>(&(*lg)->router(), m.source.measure));
    }
    sources::SourceDeps sd;
    sd.http = http_ptr;
    return sources::MakeSource(m.source, sd);
  };
  deps.alert_http = http_ptr;
  deps.more_metrics = [&locals] { return local::RouterFamilies(locals.RouterSnapshots()); };
  // A local pool starts at the capacity the controller holds as current when it takes the
  // group over (capacity.initial, or the stored state of a previous run; at a reload that
  // adds the group, capacity.initial): an unchanged decision is never applied again.
  deps.adopted = [&locals](const config::Group& g, int current) {
    if (!g.local) return;
    if (auto lg = locals.Get(g); lg.ok()) (*lg)->pool().SetDesired(current);
  };
  // SIGTERM/SIGINT: the first stops actuator retries, a second kills a command in flight.
  std::stop_source stopping, aborting;
  deps.make_actuator = [http_ptr, &locals, &stopping, &aborting](
                           const config::Group& g) -> Result<std::unique_ptr<actuators::Actuator>> {
    if (g.local) {
      auto lg = locals.Get(g);
      if (!lg.ok()) return lg.status();
      return std::unique_ptr<actuators::Actuator>(std::make_unique<local::PoolActuator>(*lg));
    }
    actuators::ActuatorDeps ad;
    ad.http = http_ptr;
    ad.shutdown = {stopping.get_token(), aborting.get_token()};
    return actuators::MakeActuator(g.actuator, ad);
  };
  config::Config effective = cfg;
  if (effective.alerts.receivers.generator_url.empty()) {
    const std::string listen = a.listen.empty() ? cfg.api.listen : a.listen;
    effective.alerts.receivers.generator_url = "http://" + listen + "/api/v1/alerts";
  }
  // api.listen and api.token are read once, when the API starts below: a reload that changes
  // them is refused, not answered as applied while the old listener and token stay.
  const std::string api_listen = a.listen.empty() ? cfg.api.listen : a.listen;
  std::atomic<int> api_port{0};  // once the API has started (port 0 resolved)
  deps.load_config = [started = cfg.api, &api_listen, &api_port](const std::string& path) {
    const int port = api_port.load();
    const std::string api_at =
        port > 0 ? fmt::format("{}:{}", api_listen.substr(0, api_listen.rfind(':')), port)
                 : api_listen;
    config::LoadResult r = config::LoadConfigFile(path);
    if (r.problems.empty() &&
        (r.config.api.listen != started.listen || r.config.api.token != started.token)) {
      config::Problem p;
      p.file = path;
      p.line = r.config.api.listen_mark.line;
      p.column = r.config.api.listen_mark.column;
      // The key that changed, and for api.listen its new value (a token is never echoed).
      if (r.config.api.listen != started.listen) {
        p.key_path = "api.listen";
        p.value = r.config.api.listen;
      } else {
        p.key_path = "api.token";
      }
      p.allowed = fmt::format(
          "api.listen and api.token take effect when tide run starts (the running API stays on "
          "{}{}); "
          "restart tide to change them, or reload with the api section as it was",
          api_at, started.token.empty() ? " without a token" : " with its token");
      r.problems.push_back(std::move(p));
    }
    return r;
  };
  controller::ControllerOptions opt;
  opt.config_path = a.config;
  opt.dry_run = a.dry_run;
  auto ctl = controller::Controller::Create(effective, opt, deps);
  if (!ctl.ok()) return ctl.status();

  // After a reload, a local group no longer in the config (or created by a reload that was
  // refused) stops: its router closes and its replicas drain (docs/LOCAL.md).
  auto retire_locals = [&locals, c = ctl->get()] {
    std::set<std::string> active;
    for (const auto& g : c->ListGroups()) active.insert(g.value("name", ""));
    locals.Retain(active);
  };
  PlaneAdapter plane(ctl->get(), retire_locals);
  api::ServerOptions so;
  so.listen = a.listen.empty() ? cfg.api.listen : a.listen;
  so.token = cfg.api.token;
  if (const char* t = std::getenv("TIDE_API_TOKEN"); t && *t) so.token = t;
  for (const webui::Asset& f : webui::Assets()) so.static_files.push_back({f.path, f.content_type, f.body});
  auto server = api::Server::Start(so, &plane);
  if (!server.ok()) return server.status();
  api_port = (*server)->port();

  std::fprintf(
      stderr, "tide: running %zu group(s) from %s%s; API and dashboard%s on port %d; store %s\n",
      cfg.groups.size(), a.config.c_str(), a.dry_run ? " (dry run: nothing is applied)" : "",
      webui::Built() ? "" : " (placeholder: built without npm)", (*server)->port(), a.db.c_str());
  for (const auto& g : cfg.groups) {
    if (!g.local) continue;
    auto lg = locals.Get(g);
    if (!lg.ok()) continue;
    std::fprintf(stderr, "tide: group %s: router on %s\n", g.name.c_str(), (*lg)->endpoint().c_str());
  }
  (*ctl)->Start();
  double last_compact = 0;
  while (true) {
    const platform::SignalEvent ev = platform::WaitSignal(1.0);
    if (ev == platform::SignalEvent::kStop) break;
    if (ev == platform::SignalEvent::kReload) {
      Status s = (*ctl)->Reload();
      std::fprintf(stderr, "tide: reload: %s\n", s.ok() ? "applied" : s.message().c_str());
      retire_locals();
    }
    const double now = clock.Now();
    if (now - last_compact > 3600) {
      store::Retention r{cfg.retention.raw, cfg.retention.minute, cfg.retention.total};
      if (Status s = (*store)->Compact(now, r); !s.ok()) std::fprintf(stderr, "tide: compaction: %s\n", s.message().c_str());
      last_compact = now;
    }
  }
  std::fprintf(stderr,
               "tide: stopping: finishing in-flight actions without retries (a second signal "
               "cancels them) and flushing the store\n");
  stopping.request_stop();
  (*server)->Stop();
  auto stopped = std::async(std::launch::async, [&ctl] { (*ctl)->Stop(); });
  while (stopped.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (platform::WaitSignal(0.1) == platform::SignalEvent::kStop && !aborting.stop_requested()) {
      std::fprintf(stderr, "tide: second signal: cancelling in-flight actions\n");
      aborting.request_stop();
    }
  }
  locals.StopAll();  // drains and stops every replica; nothing is left running
  return Status::Ok();
}

}  // namespace tide::app
