// loader.h: YAML -> validated Config. Every problem found is reported, one per line, as
//   FILE:LINE:COLUMN: KEY.PATH: bad value 'VALUE': WHAT IS ALLOWED
// e.g.  examples/x.yaml:7:12: groups[0].capacity.min: bad value '12': must be <= max (10)
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace tide::config {

struct Problem {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  std::string key_path;  // e.g. "groups[0].behavior.scale_down.stabilization_window"
  std::string value;     // the offending text as written ('' when missing)
  std::string allowed;   // what would have been accepted
  std::string ToString() const;
};

struct LoadResult {
  Config config;                  // meaningful only when problems is empty
  std::vector<Problem> problems;  // empty when the file is valid
};

// Reads and validates `path`. A missing or unreadable file is one Problem at line 0.
LoadResult LoadConfigFile(const std::string& path);

// Validates YAML text as if read from `path` (used by tests).
LoadResult LoadConfigString(const std::string& yaml, const std::string& path);

// Convenience for drivers: the config, or one InvalidInput status whose message joins all
// problems, one per line.
Result<Config> LoadConfig(const std::string& path);

}  // namespace tide::config
