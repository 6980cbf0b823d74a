// Invalid actuators, ready metrics and `tide run` settings (api, retention), one class of
// mistake per case (the test is in loader_invalid_test.cc).
#include <gtest/gtest.h>

#include "invalid_case.h"

namespace tide::config {
namespace {

const InvalidCase kServiceCases[] = {
    // ---- actuator: type and keys ----
    {"UnknownActuatorType", R"(groups:
  - name: web
    actuator: {type: kubernetes, namespace: prod}
)",
     3, 22, "groups[0].actuator.type", "bad value 'kubernetes': allowed: none, exec, webhook"},
    {"ActuatorTypeSuggests", R"(groups:
  - name: web
    actuator: {type: exce, command: [a]}
)",
     3, 22, "groups[0].actuator.type", "allowed: none, exec, webhook (did you mean 'exec'?)"},
    {"ActuatorNotAMap", R"(groups:
  - name: web
    actuator: exec
)",
     3, 15, "groups[0].actuator", "bad value 'exec': expected a map, got a string"},
    {"NoneTakesNoOtherKey", R"(groups:
  - name: web
    actuator: {type: none, timeout: 5s}
)",
     3, 28, "groups[0].actuator.timeout",
     "x.yaml:3:28: groups[0].actuator.timeout: timeout is only for types exec, webhook; allowed "
     "with type none: type"},
    {"CommandWithoutTypeIsForTheDefaultNone", R"(groups:
  - name: web
    actuator: {command: [scale]}
)",
     3, 16, "groups[0].actuator.command",
     "command is only for type exec; allowed with type none (the default): type"},
    {"UrlUnderExec", R"(groups:
  - name: web
    actuator: {type: exec, command: [scale], url: "http://h/scale"}
)",
     3, 46, "groups[0].actuator.url",
     "url is only for type webhook; allowed with type exec: type, command, timeout, retries"},
    {"CommandUnderWebhook", R"(groups:
  - name: web
    actuator: {type: webhook, url: "http://h/scale", command: [scale]}
)",
     3, 54, "groups[0].actuator.command",
     "command is only for type exec; allowed with type webhook: type, url, timeout, retries"},
    {"UnknownActuatorKeySuggests", R"(groups:
  - name: web
    actuator: {type: exec, command: [scale], retires: 3}
)",
     3, 46, "groups[0].actuator.retires",
     "unknown key 'retires'; allowed with type exec: type, command, timeout, retries (did you "
     "mean 'retries'?)"},

    // ---- actuator: exec ----
    {"ExecNeedsCommand", R"(groups:
  - name: web
    actuator: {type: exec, timeout: 5s}
)",
     3, 15, "groups[0].actuator.command",
     "missing; required: for type exec, a non-empty sequence of arguments, e.g. "
     "[\"/usr/local/bin/scale\", \"--to\", \"{desired}\"]"},
    {"ExecEmptyCommand", R"(groups:
  - name: web
    actuator: {type: exec, command: []}
)",
     3, 37, "groups[0].actuator.command", "bad value '[...]': expected a non-empty sequence"},
    {"ExecCommandAsOneString", R"(groups:
  - name: web
    actuator:
      type: exec
      command: /usr/local/bin/scale --to {desired}
)",
     5, 16, "groups[0].actuator.command",
     "bad value '/usr/local/bin/scale --to {desired}': expected a sequence of arguments (argv, "
     "run without a shell)"},
    {"ExecNumberArgumentNeedsQuotes", R"(groups:
  - name: web
    actuator: {type: exec, command: [sleep, 5]}
)",
     3, 45, "groups[0].actuator.command[1]",
     "bad value '5': expected a string, got an integer (quote it)"},
    {"ExecUnquotedPlaceholderIsAMap", R"(groups:
  - name: web
    actuator: {type: exec, command: [scale, --to, {desired}]}
)",
     3, 51, "groups[0].actuator.command[2]",
     "bad value '{...}': expected a string, got a map (quote a placeholder: \"{desired}\")"},
    {"ExecUnknownPlaceholder", R"(groups:
  - name: web
    actuator:
      type: exec
      command: ["/usr/local/bin/scale", "--to={desird}"]
)",
     5, 41, "groups[0].actuator.command[1]",
     "bad value '--to={desird}': unknown placeholder '{desird}'; allowed: {desired}, {current}, "
     "{group} (did you mean 'desired'?)"},
    {"ExecEmptyArgument", R"(groups:
  - name: web
    actuator: {type: exec, command: [scale, ""]}
)",
     3, 45, "groups[0].actuator.command[1]", "must not be empty"},
    {"ActuatorTimeoutZero", R"(groups:
  - name: web
    actuator: {type: exec, command: [scale], timeout: 0}
)",
     3, 55, "groups[0].actuator.timeout", "bad value '0': must be > 0"},
    {"ActuatorRetriesNegative", R"(groups:
  - name: web
    actuator: {type: webhook, url: "http://h/scale", retries: -2}
)",
     3, 63, "groups[0].actuator.retries", "bad value '-2': must be >= 0"},

    // ---- actuator: webhook ----
    {"WebhookNeedsUrl", R"(groups:
  - name: web
    actuator: {type: webhook}
)",
     3, 15, "groups[0].actuator.url",
     "missing; required: for type webhook, the URL to POST to (e.g. http://127.0.0.1:9000/scale)"},
    {"WebhookUrlWithoutScheme", R"(groups:
  - name: web
    actuator: {type: webhook, url: "127.0.0.1:9000/scale"}
)",
     3, 36, "groups[0].actuator.url",
     "bad value '127.0.0.1:9000/scale': expected an http:// or https:// URL with a host, e.g. "
     "http://127.0.0.1:9000/scale"},

    // ---- ready_metric ----
    {"ReadyMetricUnknown", R"(groups:
  - name: web
    metrics: [{name: rps}, {name: ready_units}]
    ready_metric: ready_unit
)",
     4, 19, "groups[0].ready_metric",
     "bad value 'ready_unit': unknown metric; this group's metrics: rps, ready_units (did you "
     "mean 'ready_units'?)"},
    {"ReadyMetricWithoutMetrics", R"(groups:
  - name: web
    ready_metric: ready
)",
     3, 19, "groups[0].ready_metric",
     "bad value 'ready': unknown metric; this group defines no metrics"},
    {"ReadyMetricNotAString", R"(groups:
  - name: web
    metrics: [{name: a}]
    ready_metric: [a]
)",
     4, 19, "groups[0].ready_metric", "expected a string, got a sequence"},

    // ---- api ----
    {"ApiUnknownKeySuggests", R"(api: {listn: "127.0.0.1:8080"}
groups: [{name: web}]
)",
     1, 7, "api.listn", "unknown key 'listn'; allowed: listen, token (did you mean 'listen'?)"},
    {"ApiNotAMap", R"(api: "127.0.0.1:8080"
groups: [{name: web}]
)",
     1, 6, "api", "expected a map, got a string"},
    {"ListenWithoutPort", R"(api: {listen: "127.0.0.1"}
groups: [{name: web}]
)",
     1, 15, "api.listen",
     "x.yaml:1:15: api.listen: bad value '127.0.0.1': expected host:port with a port in "
     "[0, 65535] (0 = any free port), e.g. 127.0.0.1:8080 or [::1]:8080"},
    {"ListenPortTooLarge",
     R"(api:
  listen: "127.0.0.1:70000"
)"
     R"(groups: [{name: web}]
)",
     2, 11, "api.listen", "bad value '127.0.0.1:70000': expected host:port with a port in"},
    {"ListenEmptyHost", R"(api: {listen: ":8080"}
groups: [{name: web}]
)",
     1, 15, "api.listen", "bad value ':8080': expected host:port"},
    {"ListenNumberNeedsQuotes", R"(api: {listen: 8080}
groups: [{name: web}]
)",
     1, 15, "api.listen", "bad value '8080': expected a string, got an integer (quote it)"},
    {"NonLoopbackListenNeedsToken", R"(api: {listen: "0.0.0.0:8080"}
groups: [{name: web}]
)",
     1, 15, "api.listen",
     "bad value '0.0.0.0:8080': a non-loopback host requires api.token; without a token, allowed "
     "hosts: 127.0.0.0/8, ::1, localhost"},
    {"TokenWithSpaceIsNotShown", R"(api: {token: "my secret"}
groups: [{name: web}]
)",
     1, 14, "api.token",
     "x.yaml:1:14: api.token: expected visible ASCII characters without spaces (it is sent as "
     "'Authorization: Bearer TOKEN'); the value is not shown"},
    {"TokenNumberIsNotShown", R"(api: {token: 123456}
groups: [{name: web}]
)",
     1, 14, "api.token",
     "x.yaml:1:14: api.token: expected a string, got an integer (quote it); the value is not "
     "shown"},

    // ---- retention ----
    {"RetentionUnknownKey", R"(retention: {hourly: 90d}
groups: [{name: web}]
)",
     1, 13, "retention.hourly", "unknown key 'hourly'; allowed: raw, minute, total"},
    {"RetentionZero", R"(retention: {raw: 0s}
groups: [{name: web}]
)",
     1, 18, "retention.raw", "bad value '0s': must be > 0"},
    {"RetentionNotADuration", R"(retention: {total: forever}
groups: [{name: web}]
)",
     1, 20, "retention.total", "bad value 'forever': expected a duration"},
    {"RawLongerThanMinute", R"(retention: {raw: 20d, minute: 14d}
groups: [{name: web}]
)",
     1, 18, "retention.raw", "bad value '20d': must be <= retention.minute (14d)"},
    {"RawLongerThanDefaultMinute", R"(retention: {raw: 30d}
groups: [{name: web}]
)",
     1, 18, "retention.raw", "bad value '30d': must be <= retention.minute (14d, the default)"},
    {"MinuteLongerThanTotal",
     R"(retention:
  minute: 30d
  total: 7d
)"
     R"(groups: [{name: web}]
)",
     2, 11, "retention.minute", "bad value '30d': must be <= retention.total (7d)"},
    {"TotalShorterThanDefaultMinute", R"(retention: {total: 7d}
groups: [{name: web}]
)",
     1, 20, "retention.total", "bad value '7d': must be >= retention.minute (14d, the default)"},
};

INSTANTIATE_TEST_SUITE_P(Service, LoaderInvalid, testing::ValuesIn(kServiceCases), InvalidCaseName);

}  // namespace
}  // namespace tide::config
