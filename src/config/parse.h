// parse.h: internal to src/config. The section parsers behind LoadConfigString; each reads
// one part of a group from `f`, records every problem in `r` and fills what it could read.
#pragma once

#include "config/config.h"
#include "config/yaml_reader.h"

namespace tide::config::internal {

// `metrics` must already hold the group's metrics (policies refer to them by name).
void ParsePolicies(Reader& r, const Field& f, Group* group);

void ParseBehavior(Reader& r, const Field& f, Behavior* behavior);
void ParseOnMissingMetrics(Reader& r, const Field& f, OnMissingMetrics* out);

}  // namespace tide::config::internal
