#include "config/live.h"

#include <fmt/format.h>

namespace tide::config {
namespace {

bool IsLive(const Metric& m) { return m.source.type != "simulated"; }

// `group`'s index in `config.groups`: by address, else by name; -1 when it is in neither.
int IndexOf(const Config& config, const Group& group) {
  for (size_t i = 0; i < config.groups.size(); ++i)
    if (&config.groups[i] == &group) return static_cast<int>(i);
  for (size_t i = 0; i < config.groups.size(); ++i)
    if (config.groups[i].name == group.name) return static_cast<int>(i);
  return -1;
}

}  // namespace

bool HasLiveMetrics(const Group& group) {
  for (const Metric& m : group.metrics)
    if (IsLive(m)) return true;
  return false;
}

std::vector<Problem> CheckForSimulation(const Config& config, const Group& group) {
  std::vector<Problem> problems;
  const int g = IndexOf(config, group);
  const std::string group_path = g >= 0 ? fmt::format("groups[{}]", g) : "groups[?]";
  for (size_t i = 0; i < group.metrics.size(); ++i) {
    const Metric& m = group.metrics[i];
    if (!IsLive(m)) continue;
    Problem p;
    p.file = config.path;
    p.line = m.mark.line;
    p.column = m.mark.column;
    p.key_path = fmt::format("{}.metrics[{}].source.type", group_path, i);
    p.value = m.source.type;
    p.allowed = fmt::format(
        "type {} cannot be simulated (the simulator only produces simulated signals); allowed "
        "in simulate: type simulated",
        m.source.type);
    problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace tide::config
