// loader.cc: reading the file, the document's top level and the plain sections of a group
// (resource, capacity, model, metrics, ready_metric). The other sections are in parse_*.cc
// (sources, policies, behavior, actuator, and the top-level api and retention); the typed
// YAML reads in yaml_reader.cc.
#include "config/loader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/parse.h"
#include "config/yaml_reader.h"

namespace tide::config {
namespace internal {
namespace {

const std::vector<std::string_view> kGroupKeys = {
    "name",    "resource",     "capacity", "model",    "evaluation_interval",
    "metrics", "ready_metric", "policies", "behavior", "on_missing_metrics",
    "actuator", "demand_metric", "alerts", "local"};

// provider: local ties the group to tide's own process pool: it needs `local:`, it is its own
// actuator, and only such a group has `type: local` metrics.
void CheckLocal(Reader& r, const MapFields& m, const Group& g) {
  const Field local = m.Get("local");
  const bool is_local = g.resource.provider == "local";
  if (is_local && !local.present) {
    r.Missing(m.self(), "local",
              "for resource.provider local, the replicas' settings (at least `command`)");
  }
  if (!is_local && local.present) {
    r.Fail(local, fmt::format("only for resource.provider local (the provider is '{}')",
                              g.resource.provider));
  }
  if (is_local && g.actuator.type != "none") {
    const Field actuator = m.Get("actuator");
    r.Add(actuator.mark, actuator.path + ".type", g.actuator.type,
          "a group with resource.provider local is applied by its own process pool; allowed: "
          "no actuator (or type none)");
  }
  if (is_local) return;
  for (size_t i = 0; i < g.metrics.size(); ++i) {
    if (g.metrics[i].source.type != "local") continue;
    r.Add(g.metrics[i].mark, fmt::format("{}.metrics[{}].source.type", m.self().path, i), "local",
          fmt::format("type local reads the group's own request router and needs "
                      "resource.provider local (the provider is '{}'); allowed here: prometheus, "
                      "redis, procfs, http_json, simulated",
                      g.resource.provider));
  }
}

void ParseResource(Reader& r, const Field& f, Resource* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"kind", "provider"});
  r.ReadString(m.Get("kind"), &out->kind);
  r.ReadString(m.Get("provider"), &out->provider);
}

void ParseCapacity(Reader& r, const Field& f, Capacity* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"min", "max", "initial"});
  const Field min = m.Get("min");
  const Field max = m.Get("max");
  const Field initial = m.Get("initial");
  const bool min_ok = r.ReadInt(min, 0, &out->min);
  const bool max_ok = r.ReadInt(max, 1, &out->max);
  int initial_value = -1;
  const bool initial_ok = r.ReadInt(initial, 0, &initial_value);
  if (!min_ok || !max_ok) return;
  if (out->min > out->max) {
    // Only a given min can exceed max: the default min (1) never exceeds a valid max (>= 1).
    r.Fail(min, fmt::format("must be <= capacity.max ({}{})", out->max,
                            max.present ? "" : ", the default"));
    return;
  }
  if (!initial.present) {
    out->initial = out->min;
  } else if (initial_ok) {
    if (initial_value < out->min || initial_value > out->max) {
      r.Fail(initial,
             fmt::format("must be in [capacity.min, capacity.max] = [{}, {}]", out->min, out->max));
    } else {
      out->initial = initial_value;
    }
  }
}

void ParseModel(Reader& r, const Field& f, Model* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"capacity_per_unit", "startup", "shutdown", "price_per_unit_hour", "billing",
               "queue_timeout"});
  r.ReadNumber(m.Get("capacity_per_unit"), Bound::kPositive, &out->capacity_per_unit);
  r.ReadDuration(m.Get("startup"), Bound::kNonNegative, &out->startup);
  r.ReadDuration(m.Get("shutdown"), Bound::kNonNegative, &out->shutdown);
  r.ReadNumber(m.Get("price_per_unit_hour"), Bound::kNonNegative, &out->price_per_unit_hour);
  r.ReadDuration(m.Get("queue_timeout"), Bound::kNonNegative, &out->queue_timeout);
  MapFields billing(r, m.Get("billing"));
  if (billing.ok()) {
    billing.CheckKeys({"granularity", "minimum"});
    r.ReadDuration(billing.Get("granularity"), Bound::kPositive, &out->billing_granularity);
    r.ReadDuration(billing.Get("minimum"), Bound::kNonNegative, &out->billing_minimum);
  }
}

void ParseMetrics(Reader& r, const Field& f, std::vector<Metric>* out) {
  std::vector<Field> items;
  if (!r.ReadSequence(f, /*non_empty=*/false, &items)) return;
  NameSet names("metric");
  for (const Field& item : items) {
    MapFields m(r, item);
    if (!m.ok()) continue;
    m.CheckKeys({"name", "source"});
    Metric metric;
    metric.mark = item.mark;
    const Field name = m.Get("name");
    if (!name.present) {
      r.Missing(item, "name", kNameRule);
    } else if (r.ReadName(name, &metric.name)) {
      names.Add(r, name, metric.name);
    }
    ParseSource(r, m.Get("source"), &metric.source);
    out->push_back(std::move(metric));
  }
}

void ParseGroup(Reader& r, const Field& f, NameSet& group_names, const AlertRules& rules,
                Group* g) {
  g->mark = f.mark;
  g->alert_rules = rules;
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys(kGroupKeys);
  const Field name = m.Get("name");
  if (!name.present) {
    r.Missing(f, "name", kNameRule);
  } else if (r.ReadName(name, &g->name)) {
    group_names.Add(r, name, g->name);
  }
  ParseResource(r, m.Get("resource"), &g->resource);
  ParseCapacity(r, m.Get("capacity"), &g->capacity);
  ParseModel(r, m.Get("model"), &g->model);
  r.ReadDuration(m.Get("evaluation_interval"), Bound::kPositive, &g->evaluation_interval);
  ParseMetrics(r, m.Get("metrics"), &g->metrics);
  int ready = -1;
  if (ReadMetricName(r, m.Get("ready_metric"), *g, &ready) && ready >= 0)
    g->ready_metric = g->metrics[ready].name;
  ParsePolicies(r, m.Get("policies"), g);
  ParseBehavior(r, m.Get("behavior"), &g->behavior);
  ParseOnMissingMetrics(r, m.Get("on_missing_metrics"), &g->on_missing_metrics);
  ParseActuator(r, m.Get("actuator"), &g->actuator);
  int demand = -1;
  if (ReadMetricName(r, m.Get("demand_metric"), *g, &demand) && demand >= 0) {
    g->demand_metric = g->metrics[demand].name;
  } else if (!m.Has("demand_metric")) {
    for (const Policy& p : g->policies) {
      if (p.kind != PolicyKind::kPredictive || p.predictive.metric < 0 ||
          p.predictive.metric >= static_cast<int>(g->metrics.size()))
        continue;
      g->demand_metric = g->metrics[p.predictive.metric].name;
      break;
    }
  }
  ParseAlertRules(r, m.Get("alerts"), &g->alert_rules);
  if (m.Get("local").present) {
    g->local.emplace();
    ParseLocal(r, m.Get("local"), &*g->local);
  }
  CheckLocal(r, m, *g);
}

// Every local group's router and the API listen on ports of their own: two listeners on one
// port fail only when `tide run` binds the second, and blame whichever binds last. Port 0
// (chosen at start) never clashes; a wildcard host (0.0.0.0, ::) clashes with every host.
// Also checked at a reload, which is refused like any invalid config.
void CheckListenersApart(Reader& r, const Config& config) {
  struct Listener {
    HostPort at;
    std::string what;
  };
  auto host = [](std::string h) { return h == "localhost" ? std::string("127.0.0.1") : h; };
  auto clash = [&](const HostPort& a, const HostPort& b) {
    const bool any = a.host == "0.0.0.0" || a.host == "::" || b.host == "0.0.0.0" || b.host == "::";
    return a.port != 0 && a.port == b.port && (any || host(a.host) == host(b.host));
  };
  std::vector<Listener> taken;
  // The API only as written in the file: its default, or `tide run --listen`, may be moved
  // at start, so a clash with it is left to the bind.
  if (config.api.listen_mark.line > 0) {
    if (auto api = ParseHostPort(config.api.listen)) taken.push_back({*api, "api.listen"});
  }
  for (size_t i = 0; i < config.groups.size(); ++i) {
    const Group& g = config.groups[i];
    if (!g.local) continue;
    const std::optional<HostPort> at = ParseHostPort(g.local->listen);
    if (!at) continue;  // reported where it was read
    for (const Listener& other : taken) {
      if (!clash(*at, other.at)) continue;
      r.Add(g.local->listen_mark, fmt::format("groups[{}].local.listen", i), g.local->listen,
            fmt::format("allowed: a port no other listener of this file uses ({} is {}:{}; port 0 "
                        "= any free port)",
                        other.what, other.at.host, other.at.port));
      break;
    }
    taken.push_back({*at, fmt::format("groups[{}].local.listen (group {})", i, g.name)});
  }
}

void ParseDocument(Reader& r, const std::string& text, Config* config) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    const Mark at = e.mark.is_null() ? Mark{1, 1} : Mark{e.mark.line + 1, e.mark.column + 1};
    r.Add(at, "", "", fmt::format("YAML syntax error: {}", e.msg));
    return;
  }
  constexpr const char* kTopRule = "a map with the key 'groups' (a non-empty sequence of groups)";
  if (docs.empty() || docs[0].IsNull()) {
    r.Add({1, 1}, "", "", fmt::format("the file is empty; expected {}", kTopRule));
    return;
  }
  if (docs.size() > 1) {
    r.Add(MarkOf(docs[1]), "", "", "a second YAML document ('---'); expected exactly one document");
  }
  Field root;
  root.node = docs[0];
  root.mark = MarkOf(docs[0]);
  root.present = true;
  if (!docs[0].IsMap()) {
    r.Fail(root, fmt::format("expected {}", kTopRule));
    return;
  }
  MapFields top(r, root);
  top.CheckKeys({"groups", "api", "retention", "alerts"});
  ParseApi(r, top.Get("api"), &config->api);
  ParseRetention(r, top.Get("retention"), &config->retention);
  ParseAlerts(r, top.Get("alerts"), &config->alerts);
  const Field groups = top.Get("groups");
  if (!groups.present) {
    r.Missing(root, "groups", "a non-empty sequence of groups");
    return;
  }
  std::vector<Field> items;
  if (!r.ReadSequence(groups, /*non_empty=*/true, &items)) return;
  NameSet names("group");
  for (const Field& item : items) {
    Group g;
    ParseGroup(r, item, names, config->alerts.rules, &g);
    config->groups.push_back(std::move(g));
  }
  CheckListenersApart(r, *config);
}

// Reads the whole file; on failure *error is errno.
bool ReadText(const std::string& path, std::string* text, int* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {  // opens fine on Linux, then fails to read
    *error = EISDIR;
    return false;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    *error = errno != 0 ? errno : ENOENT;
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *error = errno != 0 ? errno : EIO;
    return false;
  }
  *text = buf.str();
  return true;
}

Problem ReadProblem(const std::string& path, int error) {
  Problem p;
  p.file = path;
  p.allowed = fmt::format("cannot read the file: {}", std::strerror(error));
  return p;
}

}  // namespace
}  // namespace internal

std::string Problem::ToString() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}:{}", line, column);
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  if (!value.empty()) out += fmt::format("bad value '{}': ", value);
  out += allowed;
  return out;
}

LoadResult LoadConfigString(const std::string& yaml, const std::string& path) {
  LoadResult result;
  result.config.path = path;
  internal::Reader r(path);
  try {
    internal::ParseDocument(r, yaml, &result.config);
  } catch (const std::exception& e) {  // a bug here must not escape as an exception
    r.Add({0, 0}, "", "",
          fmt::format("internal error while reading the configuration: {}", e.what()));
  }
  result.problems = r.TakeSorted();
  return result;
}

LoadResult LoadConfigFile(const std::string& path) {
  std::string text;
  int error = 0;
  if (!internal::ReadText(path, &text, &error)) {
    LoadResult result;
    result.config.path = path;
    result.problems.push_back(internal::ReadProblem(path, error));
    return result;
  }
  return LoadConfigString(text, path);
}

Result<Config> LoadConfig(const std::string& path) {
  std::string text;
  int error = 0;
  if (!internal::ReadText(path, &text, &error)) {
    const std::string msg = internal::ReadProblem(path, error).ToString();
    // A missing file or a folder is the user's input; an I/O error reading a file is not.
    if (error == ENOENT) return Status::NotFound(msg);
    return error == EISDIR ? Status::InvalidInput(msg) : Status::Runtime(msg);
  }
  LoadResult result = LoadConfigString(text, path);
  if (result.problems.empty()) return std::move(result.config);
  std::string msg;
  for (const Problem& p : result.problems) {
    if (!msg.empty()) msg += '\n';
    msg += p.ToString();
  }
  return Status::InvalidInput(std::move(msg));
}

}  // namespace tide::config
