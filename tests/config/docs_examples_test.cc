// docs/CONFIG.md stays true: its complete examples, and its fragments placed where they
// belong, load without problems.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/loader.h"

namespace tide::config {
namespace {

// The ```yaml blocks of `markdown`, in order.
std::vector<std::string> YamlBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream in(markdown);
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```yaml") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

std::string Indent(const std::string& text, const std::string& by) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += by + line + "\n";
  return out;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string ConfigMd() {
  std::ifstream f(std::string(TIDE_SOURCE_DIR) + "/docs/CONFIG.md");
  std::stringstream text;
  text << f.rdbuf();
  return text.str();
}

std::string Problems(const LoadResult& r) {
  std::string all;
  for (const Problem& p : r.problems) all += p.ToString() + "\n";
  return all;
}

TEST(DocsExamples, EveryCompleteExampleInConfigMdLoads) {
  int complete = 0;
  for (const std::string& yaml : YamlBlocks(ConfigMd())) {
    if (!StartsWith(yaml, "groups:") && yaml.find("\ngroups:") == std::string::npos) continue;
    ++complete;
    const LoadResult r = LoadConfigString(yaml, "CONFIG.md");
    EXPECT_TRUE(r.problems.empty()) << yaml << Problems(r);
  }
  EXPECT_GE(complete, 2);  // the complete example and the live example
}

// Fragments are placed where they belong: a metric in a group's metrics, a policy in the
// policies of a group with the metrics the examples use, a group key in a group, a top-level
// section beside a group.
TEST(DocsExamples, EveryFragmentLoadsWhereItBelongs) {
  int fragments = 0;
  for (const std::string& yaml : YamlBlocks(ConfigMd())) {
    std::string doc;
    if (StartsWith(yaml, "groups:") || yaml.find("\ngroups:") != std::string::npos) {
      continue;  // complete
    } else if (StartsWith(yaml, "- name:")) {
      doc = "groups:\n  - name: g\n    metrics:\n" + Indent(yaml, "      ");
    } else if (StartsWith(yaml, "actuator:") || StartsWith(yaml, "capacity:") ||
               StartsWith(yaml, "model:") || StartsWith(yaml, "behavior:") ||
               StartsWith(yaml, "on_missing_metrics:")) {
      doc = "groups:\n  - name: g\n" + Indent(yaml, "    ");
    } else if (StartsWith(yaml, "- {type:") || StartsWith(yaml, "- type:")) {
      doc =
          "groups:\n  - name: g\n    metrics: [{name: utilization}, {name: queue_depth, "
          "source: {signal: backlog}}, {name: load, source: {signal: load}}]\n    policies:\n" +
          Indent(yaml, "      ");
    } else if (StartsWith(yaml, "api:") || StartsWith(yaml, "retention:")) {
      doc = yaml + "groups: [{name: g}]\n";
    } else {
      continue;
    }
    ++fragments;
    const LoadResult r = LoadConfigString(doc, "CONFIG.md");
    EXPECT_TRUE(r.problems.empty()) << doc << Problems(r);
  }
  EXPECT_GE(fragments, 16);
}

}  // namespace
}  // namespace tide::config
