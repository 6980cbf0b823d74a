// live.h: which metrics need the outside world. A group's metrics are either signals of the
// simulator (source type simulated) or live sources (prometheus, redis, procfs, http_json);
// `tide simulate` can replay only the former, `tide run` reads only the latter.
#pragma once

#include <vector>

#include "config/config.h"
#include "config/loader.h"

namespace tide::config {

// True when any of `group`'s metrics has a source type other than simulated.
bool HasLiveMetrics(const Group& group);

// The problems of simulating `group`: one per live metric, at the metric's line, e.g.
//   x.yaml:12:9: groups[0].metrics[1].source.type: bad value 'prometheus': type prometheus
//   cannot be simulated (the simulator only produces simulated signals); allowed in
//   simulate: type simulated
// Empty when every metric is simulated. REQUIRES: `group` is one of `config.groups` (by
// address or, for a copy, by name), so that key paths carry its index.
std::vector<Problem> CheckForSimulation(const Config& config, const Group& group);

}  // namespace tide::config
