// duration.h: parsing of durations and times as users write them in configs and flags.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tide {

// The longest duration ParseDuration accepts, 100 years: longer is a typo, and the times it
// leads to cannot be written back (see ParseTimestamp).
inline constexpr double kMaxDurationSeconds = 36525.0 * 86400;

// Parses a duration in seconds: a plain number ("300", "2.5") is seconds; a number with one
// unit suffix: "ms", "s", "m", "h", "d" ("300s", "5m", "1h", "1.5h", "7d"). Negative values
// are returned as parsed; the caller decides whether they are allowed. At most
// kMaxDurationSeconds either way.
// Returns an error message (naming what is allowed) when the text is not a duration.
Result<double> ParseDuration(std::string_view text);

// Formats seconds compactly for messages: 300 -> "300s", 3600 -> "1h", 90 -> "90s".
std::string FormatDuration(double seconds);

// Parses an absolute UTC time: RFC 3339 "2026-03-29T01:30:00Z" (or with "+02:00" offset),
// or a plain number of seconds since the Unix epoch. Returns seconds since the epoch. The date
// must exist (no 2026-02-30), the offset be at most 23:59, and the time lie within RFC 3339's
// years 0000-9999.
Result<double> ParseTimestamp(std::string_view text);

// Formats seconds since the epoch as RFC 3339 UTC, e.g. "2026-03-29T01:30:00Z".
std::string FormatTimestamp(double epoch_seconds);

}  // namespace tide
