#include "actuators/exec.h"

#include <fmt/format.h>

#include <map>

#include "actuators/retry.h"
#include "platform/process.h"

namespace tide::actuators {
namespace {

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t pos = s->find(from); pos != std::string::npos; pos = s->find(from, pos + to.size())) {
    s->replace(pos, from.size(), to);
  }
}

// "exit 3" / "signal 9" / "timed out after 10 s" / "cancelled", then ": <last line>" when
// there was output.
std::string Summarize(const platform::ProcessResult& p, double timeout) {
  std::string what;
  if (p.cancelled) {
    what = "cancelled";
  } else if (p.timed_out) {
    what = fmt::format("timed out after {} s", timeout);
  } else if (p.signal != 0) {
    what = fmt::format("signal {}", p.signal);
  } else {
    what = fmt::format("exit {}", p.exit_code);
  }
  const std::string line = LastLine(p.output);
  return line.empty() ? what : what + ": " + line;
}

}  // namespace

std::string ExpandPlaceholders(const std::string& arg, const Action& a) {
  std::string out = arg;
  ReplaceAll(&out, "{desired}", std::to_string(a.desired));
  ReplaceAll(&out, "{current}", std::to_string(a.current));
  ReplaceAll(&out, "{group}", a.group);
  return out;
}

std::string LastLine(const std::string& output) {
  constexpr size_t kMax = 200;
  const char* space = " \t\r\n";
  const size_t end = output.find_last_not_of(space);
  if (end == std::string::npos) return "";
  const size_t nl = output.rfind('\n', end);
  const size_t begin = output.find_first_not_of(space, nl == std::string::npos ? 0 : nl + 1);
  std::string line = output.substr(begin, end + 1 - begin);
  if (line.size() > kMax) line = line.substr(0, kMax - 3) + "...";
  return line;
}

ActionResult ExecActuator::Apply(const Action& a) {
  std::vector<std::string> argv;
  for (const auto& arg : command_) argv.push_back(ExpandPlaceholders(arg, a));
  const std::map<std::string, std::string> env = {
      {"TIDE_GROUP", a.group},
      {"TIDE_DESIRED", std::to_string(a.desired)},
      {"TIDE_CURRENT", std::to_string(a.current)},
      {"TIDE_REASON", a.reason},
  };
  return ApplyWithRetries(
      retries_, backoff_base_,
      [&]() -> Attempt {
        auto r = platform::RunProcess(argv, env, timeout_, shutdown_.abort);
        if (!r.ok()) return {Outcome::kFailed, r.status().message()};
        Outcome o = Outcome::kFailed;  // also when cancelled, whatever its exit status
        if (r->timed_out) {
          o = Outcome::kTimedOut;
        } else if (!r->cancelled && r->signal == 0 && r->exit_code == 0) {
          o = Outcome::kApplied;
        }
        return {o, Summarize(*r, timeout_)};
      },
      shutdown_.stop);
}

std::string ExecActuator::Describe() const {
  std::string out = "exec:";
  for (const auto& arg : command_) out += " " + arg;
  return out;
}

}  // namespace tide::actuators
