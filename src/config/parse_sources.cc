// parse_sources.cc: a metric's `source:` — a signal of the simulator, or a live source
// (Prometheus, Redis, procfs, an HTTP JSON document), each type with its own keys.
#include <fmt/format.h>

#include "config/parse.h"

namespace tide::config::internal {
namespace {

enum SourceType { kSimulated, kPrometheus, kRedis, kProcfs, kHttpJson, kLocal };
const std::vector<std::string_view> kSourceTypes = {"simulated", "prometheus", "redis", "procfs",
                                                    "http_json", "local"};
const std::vector<std::string_view> kLiveTypes = {"prometheus", "redis", "procfs", "http_json"};

// In the order messages list them.
const std::vector<TypedKey> kSourceKeys = {
    {"type", {}},
    {"signal", {"simulated"}},
    {"url", {"prometheus", "http_json"}},
    {"query", {"prometheus"}},
    {"address", {"redis"}},
    {"key", {"redis"}},
    {"consumer_group", {"redis"}},
    {"pid_file", {"procfs"}},
    {"measure", {"redis", "procfs", "local"}},
    {"pointer", {"http_json"}},
    {"window", {}},
    {"max_age", {}},
    {"timeout", kLiveTypes},
    {"retries", kLiveTypes},
};

const std::vector<std::string_view> kSignalNames = {"utilization", "load", "backlog",
                                                    "load_per_unit"};
const std::vector<std::string_view> kRedisMeasures = {"length", "pending", "lag"};
const std::vector<std::string_view> kProcfsMeasures = {"cpu", "memory"};
// What the group's own request router measures (src/local/router.h).
const std::vector<std::string_view> kLocalMeasures = {"concurrency", "rps",    "latency", "ready",
                                                      "queued",      "errors", "rejected"};

// The value at `key`, recorded as missing (at the source map) when absent.
Field Required(Reader& r, const MapFields& m, std::string_view key, std::string_view what) {
  const Field f = m.Get(key);
  if (!f.present) r.Missing(m.self(), key, what);
  return f;
}

void ParsePrometheus(Reader& r, const MapFields& m, MetricSource* out) {
  ReadHttpUrl(r,
              Required(r, m, "url",
                       "for type prometheus, the server's base URL (e.g. http://127.0.0.1:9090)"),
              "http://127.0.0.1:9090", &out->url);
  r.ReadString(Required(r, m, "query",
                        "for type prometheus, a PromQL query giving one series (e.g. "
                        "sum(rate(http_requests_total[1m])))"),
               &out->query);
}

void ParseRedis(Reader& r, const MapFields& m, MetricSource* out) {
  ReadHostPort(r, Required(r, m, "address", "for type redis, host:port (e.g. 127.0.0.1:6379)"), 1,
               "127.0.0.1:6379", &out->address);
  r.ReadString(Required(r, m, "key", "for type redis, the key of a list or a stream"), &out->key);
  const Field measure = m.Get("measure");
  const Field group = m.Get("consumer_group");
  int kind = 0;  // length
  const bool measure_ok = r.ReadEnum(measure, kRedisMeasures, &kind);
  const bool group_ok = r.ReadString(group, &out->consumer_group);
  if (!measure_ok) return;
  out->measure = kRedisMeasures[kind];
  if (kind == 0) {
    if (group.present && group_ok) {
      r.Fail(group, fmt::format("only used with measure pending or lag (measure is length{})",
                                measure.present ? "" : ", the default"));
    }
  } else if (!group.present) {
    r.Missing(m.self(), "consumer_group",
              fmt::format("for measure {}, the stream's consumer group", out->measure));
  }
}

void ParseProcfs(Reader& r, const MapFields& m, MetricSource* out) {
  r.ReadString(Required(r, m, "pid_file",
                        "for type procfs, a file listing the group's process ids, one per line "
                        "(e.g. /run/app.pids)"),
               &out->pid_file);
  int kind = 0;  // cpu
  if (r.ReadEnum(m.Get("measure"), kProcfsMeasures, &kind)) out->measure = kProcfsMeasures[kind];
}

void ParseHttpJson(Reader& r, const MapFields& m, MetricSource* out) {
  ReadHttpUrl(r,
              Required(r, m, "url",
                       "for type http_json, the URL of a JSON document (e.g. "
                       "http://127.0.0.1:9100/stats)"),
              "http://127.0.0.1:9100/stats", &out->url);
  const Field pointer =
      Required(r, m, "pointer",
               "for type http_json, an RFC 6901 JSON pointer to a number (e.g. /queue/depth)");
  std::string text;
  if (!pointer.present || !r.ReadString(pointer, &text, /*allow_empty=*/true)) return;
  if (!IsJsonPointer(text)) {
    r.Fail(pointer,
           "expected an RFC 6901 JSON pointer: \"\" (the whole document) or starting with '/' "
           "(e.g. /queue/depth), with '~' only as ~0 or ~1");
    return;
  }
  out->pointer = std::move(text);
}

}  // namespace

void ParseSource(Reader& r, const Field& f, MetricSource* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  const Field type = m.Get("type");
  int kind = kSimulated;
  // With an unknown type the allowed keys are unknown too: only the type is reported.
  if (!r.ReadEnum(type, kSourceTypes, &kind)) return;
  out->type = kSourceTypes[kind];
  CheckTypedKeys(r, m, out->type, kSourceKeys, /*type_is_default=*/!type.present);
  // At most a day: CloudWatch alarms evaluate at most a day of data; the simulator keeps one
  // sample per step of the window and the controller backfills the window at start.
  constexpr double kMaxMetricWindow = 86400;
  const Field window = m.Get("window");
  if (r.ReadDuration(window, Bound::kPositive, &out->window) && out->window > kMaxMetricWindow)
    r.Fail(window, "must be > 0 and at most 1d (an averaging window of at most a day)");
  r.ReadDuration(m.Get("max_age"), Bound::kNonNegative, &out->max_age);
  if (kind == kSimulated) {
    int signal = static_cast<int>(out->signal);
    if (r.ReadEnum(m.Get("signal"), kSignalNames, &signal))
      out->signal = static_cast<Signal>(signal);
    return;
  }
  r.ReadDuration(m.Get("timeout"), Bound::kPositive, &out->timeout);
  r.ReadInt(m.Get("retries"), 0, &out->retries);
  switch (kind) {
    case kPrometheus:
      ParsePrometheus(r, m, out);
      break;
    case kRedis:
      ParseRedis(r, m, out);
      break;
    case kProcfs:
      ParseProcfs(r, m, out);
      break;
    case kHttpJson:
      ParseHttpJson(r, m, out);
      break;
    case kLocal: {
      const Field measure = m.Get("measure");
      int which = 0;
      if (!measure.present)
        r.Missing(m.self(), "measure",
                  "for type local, what the router measures: concurrency, rps, latency, ready, "
                  "queued, errors, rejected");
      else if (r.ReadEnum(measure, kLocalMeasures, &which))
        out->measure = kLocalMeasures[which];
      break;
    }
    default:
      break;
  }
}

}  // namespace tide::config::internal
