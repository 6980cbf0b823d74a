// parse_actuator.cc: a group's `actuator:` — how a decision is applied: not at all (none),
// by running a command (exec) or by POSTing to a URL (webhook).
#include <fmt/format.h>

#include <algorithm>

#include "config/parse.h"

namespace tide::config::internal {
namespace {

enum ActuatorType { kNone, kExec, kWebhook };
const std::vector<std::string_view> kActuatorTypes = {"none", "exec", "webhook"};
const std::vector<TypedKey> kActuatorKeys = {
    {"type", {}},
    {"command", {"exec"}},
    {"url", {"webhook"}},
    {"timeout", {"exec", "webhook"}},
    {"retries", {"exec", "webhook"}},
};
// Expanded by the exec actuator in each argument (src/actuators/actuator.h).
const std::vector<std::string_view> kPlaceholders = {"desired", "current", "group"};

constexpr const char* kCommandExample = R"(["/usr/local/bin/scale", "--to", "{desired}"])";

// One argument of `command`. A `{word}` in it must be a known placeholder: a typo would
// otherwise reach the command unexpanded.
bool ReadArgument(Reader& r, const Field& f, std::string* out) {
  // Unquoted, `{desired}` is a YAML flow map.
  if (f.node.IsMap())
    return r.Fail(f, "expected a string, got a map (quote a placeholder: \"{desired}\")");
  std::string arg;
  if (!r.ReadString(f, &arg)) return false;
  for (size_t open = arg.find('{'); open != std::string::npos; open = arg.find('{', open + 1)) {
    const size_t close = arg.find('}', open);
    if (close == std::string::npos) break;
    const std::string_view word = std::string_view(arg).substr(open + 1, close - open - 1);
    const bool identifier = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    });
    if (!identifier ||
        std::find(kPlaceholders.begin(), kPlaceholders.end(), word) != kPlaceholders.end())
      continue;
    return r.Fail(f, fmt::format("unknown placeholder '{{{}}}'; allowed: {{desired}}, "
                                 "{{current}}, {{group}}{}",
                                 word, Suggestion(word, kPlaceholders)));
  }
  *out = std::move(arg);
  return true;
}

void ParseCommand(Reader& r, const Field& f, std::vector<std::string>* out) {
  if (!f.present) return;
  if (f.node.IsScalar()) {
    r.Fail(f, fmt::format("expected a sequence of arguments (argv, run without a shell), e.g. {}",
                          kCommandExample));
    return;
  }
  std::vector<Field> items;
  if (!r.ReadSequence(f, /*non_empty=*/true, &items)) return;
  std::vector<std::string> argv;
  bool ok = true;
  for (const Field& item : items) {
    std::string arg;
    ok = ReadArgument(r, item, &arg) && ok;
    argv.push_back(std::move(arg));
  }
  if (ok) *out = std::move(argv);
}

}  // namespace

void ParseActuator(Reader& r, const Field& f, Actuator* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  const Field type = m.Get("type");
  int kind = kNone;
  // With an unknown type the allowed keys are unknown too: only the type is reported.
  if (!r.ReadEnum(type, kActuatorTypes, &kind)) return;
  out->type = kActuatorTypes[kind];
  CheckTypedKeys(r, m, out->type, kActuatorKeys, /*type_is_default=*/!type.present);
  if (kind == kNone) return;
  r.ReadDuration(m.Get("timeout"), Bound::kPositive, &out->timeout);
  r.ReadInt(m.Get("retries"), 0, &out->retries);
  if (kind == kExec) {
    const Field command = m.Get("command");
    if (!command.present) {
      r.Missing(f, "command",
                fmt::format("for type exec, a non-empty sequence of arguments, e.g. {}",
                            kCommandExample));
    }
    ParseCommand(r, command, &out->command);
  } else {
    const Field url = m.Get("url");
    if (!url.present)
      r.Missing(f, "url",
                "for type webhook, the URL to POST to (e.g. http://127.0.0.1:9000/scale)");
    ReadHttpUrl(r, url, "http://127.0.0.1:9000/scale", &out->url);
  }
}

}  // namespace tide::config::internal
