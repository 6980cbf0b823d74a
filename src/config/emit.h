// emit.h: Config -> YAML text, the inverse of the loader (loader.h). The text is a valid tide
// config that LoadConfigString accepts and that loads back to the same values, field for field.
// Durations are written compactly ("300s", "5m", "1h", "2d") and numbers in their shortest
// form that reads back to the same double.
//
// The document starts with the comment line "# written by tide", then the caller's `comment`
// (if any), one "# " line per line of it.
#pragma once

#include <string>

#include "config/config.h"

namespace tide::config {

// The whole configuration: every group; api and retention only when they differ from their
// defaults.
std::string EmitConfig(const Config& c, const std::string& comment = "");

// A whole config document holding only the group `g` (normally one of c.groups), plus api and
// retention of `c` when they differ from their defaults.
std::string EmitGroup(const Config& c, const Group& g, const std::string& comment = "");

}  // namespace tide::config
