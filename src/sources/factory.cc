// factory.cc: config::MetricSource → a live MetricSource wrapped in RetryingSource.
#include <fmt/format.h>

#include "sources/http_json.h"
#include "sources/procfs.h"
#include "sources/prometheus.h"
#include "sources/redis.h"
#include "sources/retrying.h"
#include "sources/source.h"

namespace tide::sources {
namespace {

Status Missing(const config::MetricSource& s, const char* key) {
  return Status::InvalidInput(fmt::format("{} metric source needs \"{}\"", s.type, key));
}

Status NeedsOneOf(const config::MetricSource& s, const char* allowed) {
  return Status::InvalidInput(
      fmt::format("{} measure = \"{}\", must be one of {}", s.type, s.measure, allowed));
}

Result<std::unique_ptr<MetricSource>> MakeInner(const config::MetricSource& s,
                                                const SourceDeps& deps) {
  if (s.type == "prometheus" || s.type == "http_json") {
    if (deps.http == nullptr)
      return Status::InvalidInput(s.type + " metric source needs an HTTP client (none given)");
    if (s.url.empty()) return Missing(s, "url");
    if (s.type == "prometheus") {
      if (s.query.empty()) return Missing(s, "query");
      return std::unique_ptr<MetricSource>(
          std::make_unique<PrometheusSource>(s.url, s.query, deps.http, s.timeout));
    }
    return std::unique_ptr<MetricSource>(
        std::make_unique<HttpJsonSource>(s.url, s.pointer, deps.http, s.timeout));
  }
  if (s.type == "redis") {
    auto address = ParseRedisAddress(s.address);
    if (!address.ok()) return address.status();
    if (s.key.empty()) return Missing(s, "key");
    const std::string measure = s.measure.empty() ? "length" : s.measure;
    if (measure != "length" && measure != "pending" && measure != "lag")
      return NeedsOneOf(s, "length, pending, lag");
    if (measure != "length" && s.consumer_group.empty()) return Missing(s, "consumer_group");
    return std::unique_ptr<MetricSource>(
        std::make_unique<RedisSource>(*address, s.key, s.consumer_group, measure, s.timeout));
  }
  if (s.type == "procfs") {
    if (s.pid_file.empty()) return Missing(s, "pid_file");
    const std::string measure = s.measure.empty() ? "cpu" : s.measure;
    if (measure != "cpu" && measure != "memory") return NeedsOneOf(s, "cpu, memory");
    return std::unique_ptr<MetricSource>(
        std::make_unique<ProcfsSource>(s.pid_file, measure, deps.proc_root));
  }
  if (s.type == "simulated")
    return Status::InvalidInput(
        "metric source type simulated is not a live source (it exists only in tide simulate)");
  return Status::InvalidInput(fmt::format(
      "metric source type = \"{}\", must be one of prometheus, redis, procfs, http_json", s.type));
}

}  // namespace

Result<std::unique_ptr<MetricSource>> MakeSource(const config::MetricSource& source,
                                                 const SourceDeps& deps) {
  auto inner = MakeInner(source, deps);
  if (!inner.ok()) return inner.status();
  auto sleep = deps.sleep ? deps.sleep : SourceDeps().sleep;
  return std::unique_ptr<MetricSource>(
      std::make_unique<RetryingSource>(std::move(*inner), source.retries, std::move(sleep)));
}

}  // namespace tide::sources
