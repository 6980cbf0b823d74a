// Invalid metric sources, one class of mistake per case (the test is in
// loader_invalid_test.cc): types, the keys each type takes and requires, and their values.
#include <gtest/gtest.h>

#include "invalid_case.h"

namespace tide::config {
namespace {

const InvalidCase kSourceCases[] = {
    // ---- type ----
    {"UnknownSourceType", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: kafka, topic: jobs}
)",
     5, 24, "groups[0].metrics[0].source.type",
     "bad value 'kafka': allowed: simulated, prometheus, redis, procfs, http_json"},
    {"SourceTypeSuggests", R"(groups:
  - name: web
    metrics:
      - name: q
        source:
          type: promethues
)",
     6, 17, "groups[0].metrics[0].source.type", "(did you mean 'prometheus'?)"},
    {"SourceNotAMap", R"(groups:
  - name: web
    metrics:
      - {name: q, source: prometheus}
)",
     4, 27, "groups[0].metrics[0].source", "bad value 'prometheus': expected a map, got a string"},

    // ---- keys of another type ----
    {"QueryUnderRedis", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "127.0.0.1:6379", key: jobs, query: up}
)",
     5, 69, "groups[0].metrics[0].source.query",
     "x.yaml:5:69: groups[0].metrics[0].source.query: query is only for type prometheus; allowed "
     "with type redis: type, address, key, consumer_group, measure, window, max_age, timeout, "
     "retries"},
    {"SignalUnderPrometheus", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "http://p:9090", query: up, signal: load}
)",
     5, 69, "groups[0].metrics[0].source.signal", "signal is only for type simulated"},
    {"MeasureUnderHttpJson", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: http_json, url: "http://h/s", pointer: /n, measure: cpu}
)",
     5, 67, "groups[0].metrics[0].source.measure",
     "measure is only for types redis, procfs, local; allowed with type http_json: type, url, pointer, "
     "window, max_age, timeout, retries"},
    {"UrlWithoutTypeIsForTheDefaultSimulated", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {url: "http://127.0.0.1:9090", window: 30s}
)",
     5, 18, "groups[0].metrics[0].source.url",
     "url is only for types prometheus, http_json; allowed with type simulated (the default): "
     "type, signal, window, max_age"},
    {"TimeoutUnderSimulated", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: simulated, timeout: 1s}
)",
     5, 35, "groups[0].metrics[0].source.timeout",
     "timeout is only for types prometheus, redis, procfs, http_json"},
    {"UnknownSourceKeySuggests", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "http://p:9090", query: up, retires: 1}
)",
     5, 69, "groups[0].metrics[0].source.retires",
     "unknown key 'retires'; allowed with type prometheus: type, url, query, window, max_age, "
     "timeout, retries (did you mean 'retries'?)"},

    // ---- required keys ----
    {"PrometheusNeedsUrl", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, query: up}
)",
     5, 17, "groups[0].metrics[0].source.url",
     "missing; required: for type prometheus, the server's base URL (e.g. "
     "http://127.0.0.1:9090)"},
    {"PrometheusNeedsQuery", R"(groups:
  - name: web
    metrics:
      - name: q
        source:
          type: prometheus
          url: http://127.0.0.1:9090
)",
     6, 11, "groups[0].metrics[0].source.query",
     "missing; required: for type prometheus, a PromQL query giving one series"},
    {"RedisNeedsAddress", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, key: jobs}
)",
     5, 17, "groups[0].metrics[0].source.address",
     "missing; required: for type redis, host:port (e.g. 127.0.0.1:6379)"},
    {"RedisNeedsKey", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "127.0.0.1:6379"}
)",
     5, 17, "groups[0].metrics[0].source.key",
     "missing; required: for type redis, the key of a list or a stream"},
    {"ProcfsNeedsPidFile", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, measure: memory}
)",
     5, 17, "groups[0].metrics[0].source.pid_file",
     "missing; required: for type procfs, a file listing the group's process ids"},
    {"HttpJsonNeedsUrl", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: http_json, pointer: /n}
)",
     5, 17, "groups[0].metrics[0].source.url",
     "missing; required: for type http_json, the URL of a JSON document"},
    {"HttpJsonNeedsPointer", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: http_json, url: "http://h:9100/stats"}
)",
     5, 17, "groups[0].metrics[0].source.pointer",
     "missing; required: for type http_json, an RFC 6901 JSON pointer to a number"},

    // ---- values ----
    {"UrlWithoutScheme", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "127.0.0.1:9090", query: up}
)",
     5, 41, "groups[0].metrics[0].source.url",
     "bad value '127.0.0.1:9090': expected an http:// or https:// URL with a host, e.g. "
     "http://127.0.0.1:9090"},
    {"UrlOtherScheme", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: http_json, url: "ftp://h/stats", pointer: /n}
)",
     5, 40, "groups[0].metrics[0].source.url",
     "bad value 'ftp://h/stats': expected an http:// or https:// URL with a host, e.g. "
     "http://127.0.0.1:9100/stats"},
    {"UrlWithoutHost", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "http:///api", query: up}
)",
     5, 41, "groups[0].metrics[0].source.url", "bad value 'http:///api': expected an http://"},
    {"UrlBadPort", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "http://p:99999", query: up}
)",
     5, 41, "groups[0].metrics[0].source.url", "bad value 'http://p:99999': expected an http://"},
    {"UrlWithSpace", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "http://p:9090/a b", query: up}
)",
     5, 41, "groups[0].metrics[0].source.url", "expected an http:// or https:// URL"},
    {"EmptyQuery", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: prometheus, url: "http://p:9090", query: ""}
)",
     5, 65, "groups[0].metrics[0].source.query", "must not be empty"},
    {"RedisAddressWithoutPort", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "127.0.0.1", key: jobs}
)",
     5, 40, "groups[0].metrics[0].source.address",
     "bad value '127.0.0.1': expected host:port with a port in [1, 65535], e.g. 127.0.0.1:6379"},
    {"RedisAddressPortZero", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:0", key: jobs}
)",
     5, 40, "groups[0].metrics[0].source.address",
     "bad value 'redis:0': expected host:port with a port in [1, 65535]"},
    {"RedisAddressPortTooLarge", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:65536", key: jobs}
)",
     5, 40, "groups[0].metrics[0].source.address", "expected host:port with a port in [1, 65535]"},
    {"RedisAddressUnbracketedIpv6", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "::1:6379", key: jobs}
)",
     5, 40, "groups[0].metrics[0].source.address", "expected host:port"},
    {"RedisKeyNumberNeedsQuotes", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:6379", key: 42}
)",
     5, 59, "groups[0].metrics[0].source.key",
     "bad value '42': expected a string, got an integer (quote it)"},
    {"RedisUnknownMeasure", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:6379", key: q, measure: lenght}
)",
     5, 71, "groups[0].metrics[0].source.measure",
     "bad value 'lenght': allowed: length, pending, lag (did you mean 'length'?)"},
    {"RedisPendingNeedsConsumerGroup", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:6379", key: q, measure: pending}
)",
     5, 17, "groups[0].metrics[0].source.consumer_group",
     "missing; required: for measure pending, the stream's consumer group"},
    {"RedisLagNeedsConsumerGroup", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:6379", key: q, measure: lag}
)",
     5, 17, "groups[0].metrics[0].source.consumer_group",
     "missing; required: for measure lag, the stream's consumer group"},
    {"RedisConsumerGroupWithLength", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: redis, address: "redis:6379", key: q, consumer_group: workers}
)",
     5, 78, "groups[0].metrics[0].source.consumer_group",
     "bad value 'workers': only used with measure pending or lag (measure is length, the "
     "default)"},
    {"ProcfsUnknownMeasure", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, pid_file: /run/a.pids, measure: length}
)",
     5, 64, "groups[0].metrics[0].source.measure", "bad value 'length': allowed: cpu, memory"},
    {"PointerWithoutLeadingSlash", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: http_json, url: "http://h/s", pointer: queue/depth}
)",
     5, 63, "groups[0].metrics[0].source.pointer",
     "bad value 'queue/depth': expected an RFC 6901 JSON pointer: \"\" (the whole document) or "
     "starting with '/' (e.g. /queue/depth), with '~' only as ~0 or ~1"},
    {"PointerBadEscape", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: http_json, url: "http://h/s", pointer: "/a~2b"}
)",
     5, 63, "groups[0].metrics[0].source.pointer", "bad value '/a~2b': expected an RFC 6901"},
    {"PointerNull", R"(groups:
  - name: web
    metrics:
      - name: q
        source:
          type: http_json
          url: http://h/s
          pointer:
)",
     8, 11, "groups[0].metrics[0].source.pointer", "expected a string, got nothing"},
    {"TimeoutZero", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, pid_file: /run/a.pids, timeout: 0s}
)",
     5, 64, "groups[0].metrics[0].source.timeout", "bad value '0s': must be > 0"},
    {"TimeoutNotADuration", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, pid_file: /run/a.pids, timeout: soon}
)",
     5, 64, "groups[0].metrics[0].source.timeout", "bad value 'soon': expected a duration"},
    {"RetriesNegative", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, pid_file: /run/a.pids, retries: -1}
)",
     5, 64, "groups[0].metrics[0].source.retries", "bad value '-1': must be >= 0"},
    {"RetriesDecimal", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, pid_file: /run/a.pids, retries: 1.5}
)",
     5, 64, "groups[0].metrics[0].source.retries",
     "bad value '1.5': expected an integer, got a decimal number"},
    {"LiveWindowZero", R"(groups:
  - name: web
    metrics:
      - name: q
        source: {type: procfs, pid_file: /run/a.pids, window: 0}
)",
     5, 63, "groups[0].metrics[0].source.window", "bad value '0': must be > 0"},
};

INSTANTIATE_TEST_SUITE_P(Sources, LoaderInvalid, testing::ValuesIn(kSourceCases), InvalidCaseName);

}  // namespace
}  // namespace tide::config
