// request_parse.h: pure parsing of what API clients send — the override body, query
// parameters and the Authorization header. Messages name the field, the bad value and what is
// allowed; the server turns them into 400s (401 for the token).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tide::api {

struct OverrideRequest {
  int desired = 0;        // >= 0
  double expires_at = 0;  // epoch seconds
};

// Parses {"desired": N, "expires_at": EPOCH | "RFC 3339"} or {"desired": N, "for": "10m" | 600}.
// `now` (epoch seconds, the controller's clock) turns "for" into an expiry. Unknown fields are
// refused so a typo ("desire") is not silently ignored. Whether the expiry is in the past is
// the control plane's call.
Result<OverrideRequest> ParseOverrideBody(std::string_view body, double now);

// A count query parameter such as ?limit=: absent -> `fallback`; otherwise a decimal integer
// >= `min`; values above `cap` (even ones too large for an int) become `cap`.
Result<int> ParseCountParam(std::string_view name, const std::optional<std::string>& text,
                            int fallback, int min, int cap);

// ?since=: absent -> 0; epoch seconds or an RFC 3339 time.
Result<double> ParseSinceParam(const std::optional<std::string>& text);

// A duration query parameter such as ?horizon=: absent -> `fallback`; otherwise seconds ("600")
// or a duration ("10m", "1d") in (0, `max`] seconds.
Result<double> ParseDurationParam(std::string_view name, const std::optional<std::string>& text,
                                  double fallback, double max);

// True when `authorization` is "Bearer <token>" (scheme case-insensitive). The token is
// compared in time that does not depend on where the strings differ.
bool BearerTokenMatches(std::string_view authorization, std::string_view token);

// Equality whose running time depends only on the lengths, not on the contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace tide::api
