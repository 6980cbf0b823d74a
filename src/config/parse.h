// parse.h: internal to src/config. The section parsers behind LoadConfigString; each reads
// one part of the file from `f`, records every problem in `r` and fills what it could read.
// Also the value checks they share (typed keys, URLs, host:port), pure where they can be.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace tide::config::internal {

// ---- sections (parse_*.cc) ----

// A metric's `source:` (parse_sources.cc).
void ParseSource(Reader& r, const Field& f, MetricSource* out);

// `metrics` must already hold the group's metrics (policies refer to them by name).
void ParsePolicies(Reader& r, const Field& f, Group* group);

void ParseBehavior(Reader& r, const Field& f, Behavior* behavior);
void ParseOnMissingMetrics(Reader& r, const Field& f, OnMissingMetrics* out);

// A group's `actuator:` (parse_actuator.cc).
void ParseActuator(Reader& r, const Field& f, Actuator* out);

// A group's `local:` (parse_local.cc): the replicas' command, health check, queue, drain,
// restart and log settings of provider local.
void ParseLocal(Reader& r, const Field& f, LocalService* out);

// The top-level `api:` and `retention:` of `tide run` (parse_service.cc).
void ParseApi(Reader& r, const Field& f, Api* out);
void ParseRetention(Reader& r, const Field& f, StoreRetention* out);

// The top-level `alerts:` and a group's `alerts:` rule overrides (parse_alerts.cc).
void ParseAlerts(Reader& r, const Field& f, Alerts* out);
void ParseAlertRules(Reader& r, const Field& f, AlertRules* out);

// A string naming one of `g`'s metrics (already parsed); *index is its index. An unknown
// name is one problem listing the group's metrics. True when absent (parse_policies.cc).
bool ReadMetricName(Reader& r, const Field& f, const Group& g, int* index);

// ---- shared checks (parse_fields.cc) ----

// A key of a map whose allowed keys depend on the map's `type`, with the types that take it
// (empty = every type).
struct TypedKey {
  std::string_view key;
  std::vector<std::string_view> types;
};

// Like MapFields::CheckKeys for the keys that `type` takes. A key that only other types take
// is reported as "KEY is only for type T" (naming them) rather than as unknown.
// `type_is_default`: the map has no `type` key (messages say "type T (the default)").
void CheckTypedKeys(Reader& r, const MapFields& m, std::string_view type,
                    const std::vector<TypedKey>& keys, bool type_is_default = false);

struct HostPort {
  std::string host;  // without the brackets of an IPv6 address
  int port = 0;      // in [0, 65535]
};

// "host:port", "[v6]:port". The host is a name or address of [A-Za-z0-9._-] (or hex digits,
// ':' and '.' inside brackets); the port is 1 to 5 digits <= 65535. nullopt otherwise.
std::optional<HostPort> ParseHostPort(std::string_view text);

// localhost, 127.0.0.0/8 and ::1.
bool IsLoopbackHost(std::string_view host);

// "http://" or "https://", then a non-empty host (an optional :port must be valid), and no
// whitespace.
bool IsHttpUrl(std::string_view text);

// RFC 6901: "" (the whole document) or "/"-separated tokens, where '~' appears only as ~0
// ('~') or ~1 ('/').
bool IsJsonPointer(std::string_view text);

// A string that IsHttpUrl; `example` is shown in the message.
bool ReadHttpUrl(Reader& r, const Field& f, std::string_view example, std::string* out);

// A string that ParseHostPort, with a port >= min_port; `example` is shown in the message.
// *parts (optional) receives the pieces.
bool ReadHostPort(Reader& r, const Field& f, int min_port, std::string_view example,
                  std::string* out, HostPort* parts = nullptr);

}  // namespace tide::config::internal
