// number.h: text → number helpers shared by the parsers in this folder (internal).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tide::sources {

// Parses a whole string as a double: decimal or exponent notation, and the spellings
// Prometheus and Go use for the non-finite values ("NaN", "+Inf", "-Inf", "Inf").
// Locale-independent. Leading/trailing spaces, an empty string or trailing garbage → nullopt.
std::optional<double> ParseDouble(std::string_view text);

// Parses a whole string as a base-10 integer (an optional '-' sign). Overflow → nullopt.
std::optional<long long> ParseInt(std::string_view text);

// At most `max` bytes of `text` for an error message, with "..." when cut.
std::string Snippet(std::string_view text, size_t max = 200);

// `s` without leading and trailing spaces, tabs and line ends.
std::string_view Trim(std::string_view s);

}  // namespace tide::sources
