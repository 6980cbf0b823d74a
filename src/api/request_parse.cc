#include "api/request_parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/duration.h"

namespace tide::api {
namespace {

using nlohmann::json;

constexpr std::string_view kOverrideShape =
    R"(expected {"desired": N, "for": "10m"} or {"desired": N, "expires_at": EPOCH_SECONDS})";

// A value as it appears in a message: compact JSON, never throwing on bad UTF-8, cut short.
std::string Show(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 64) s = s.substr(0, 61) + "...";
  return s;
}

std::string Show(std::string_view s) {
  return s.size() > 64 ? std::string(s.substr(0, 61)) + "..." : std::string(s);
}

Result<int> ParseDesired(const json& body) {
  const auto it = body.find("desired");
  constexpr std::string_view kAllowed = "it must be an integer in [0, 2147483647]";
  if (it == body.end())
    return Status::InvalidInput(fmt::format("\"desired\" is missing; {}", kAllowed));
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v <= INT_MAX) return static_cast<int>(v);
  } else if (it->is_number_integer()) {
    const auto v = it->get<std::int64_t>();
    if (v >= 0 && v <= INT_MAX) return static_cast<int>(v);
  }
  return Status::InvalidInput(fmt::format("\"desired\" = {}; {}", Show(*it), kAllowed));
}

Result<double> ParseExpiry(const json& body, double now) {
  const auto exp = body.find("expires_at");
  const auto dur = body.find("for");
  if (exp != body.end() && dur != body.end()) {
    return Status::InvalidInput("give either \"expires_at\" or \"for\", not both");
  }
  if (exp != body.end()) {
    if (exp->is_number()) {  // read as the same text would be, with its range check
      auto t = ParseTimestamp(fmt::format("{}", exp->get<double>()));
      if (t.ok()) return *t;
      return Status::InvalidInput(
          fmt::format("\"expires_at\" = {}: {}", Show(*exp), t.status().message()));
    }
    if (exp->is_string()) {
      auto t = ParseTimestamp(exp->get_ref<const std::string&>());
      if (t.ok()) return *t;
    }
    return Status::InvalidInput(fmt::format(
        "\"expires_at\" = {}; it must be seconds since the Unix epoch (a number) or an RFC 3339 "
        "time such as \"2026-03-29T01:30:00Z\"",
        Show(*exp)));
  }
  if (dur != body.end()) {
    double seconds = -1;
    if (dur->is_number()) {
      seconds = dur->get<double>();
      if (seconds > kMaxDurationSeconds) seconds = -1;  // refused below
    } else if (dur->is_string()) {
      auto d = ParseDuration(dur->get_ref<const std::string&>());
      if (d.ok()) seconds = *d;
    }
    if (seconds > 0) return now + seconds;
    return Status::InvalidInput(fmt::format(
        "\"for\" = {}; it must be a positive duration of at most 36525d: seconds (600) or a "
        "number with a unit ms, s, m, h or d (\"10m\")",
        Show(*dur)));
  }
  return Status::InvalidInput(fmt::format(
      "\"expires_at\" (epoch seconds) or \"for\" (a duration such as \"10m\") is required; {}",
      kOverrideShape));
}

}  // namespace

Result<OverrideRequest> ParseOverrideBody(std::string_view body, double now) {
  if (std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isspace(c); })) {
    return Status::InvalidInput(fmt::format("the body is empty; {}", kOverrideShape));
  }
  json j;
  // A field given twice was read as its last value; the config loader refuses duplicate keys,
  // and so does this.
  std::vector<std::string> seen;
  std::string twice;
  auto note_keys = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key && parsed.is_string()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (std::find(seen.begin(), seen.end(), key) != seen.end() && twice.empty()) twice = key;
      seen.push_back(key);
    }
    return true;
  };
  try {
    j = json::parse(body, note_keys);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e999
    return Status::InvalidInput(fmt::format("the body is not valid JSON: {}", e.what()));
  }
  if (!twice.empty()) {
    return Status::InvalidInput(fmt::format("field \"{}\" is given twice; {}",
                                            Show(std::string_view(twice)), kOverrideShape));
  }
  if (!j.is_object()) {
    return Status::InvalidInput(
        fmt::format("the body is a JSON {}, not an object; {}", j.type_name(), kOverrideShape));
  }
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key != "desired" && key != "expires_at" && key != "for") {
      return Status::InvalidInput(fmt::format(
          "unknown field \"{}\"; allowed: desired, expires_at, for", Show(std::string_view(key))));
    }
  }
  auto desired = ParseDesired(j);
  if (!desired.ok()) return desired.status();
  auto expires_at = ParseExpiry(j, now);
  if (!expires_at.ok()) return expires_at.status();
  return OverrideRequest{*desired, *expires_at};
}

Result<int> ParseCountParam(std::string_view name, const std::optional<std::string>& text,
                            int fallback, int min, int cap) {
  if (!text) return fallback;
  const std::string& s = *text;
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  const bool all_used = !s.empty() && end == s.data() + s.size();
  if (all_used && ec == std::errc::result_out_of_range && s.front() != '-') return cap;
  if (!all_used || ec != std::errc() || v < min) {
    return Status::InvalidInput(
        fmt::format("{}='{}'; it must be an integer >= {} (at most {} used)", name,
                    Show(std::string_view(s)), min, cap));
  }
  return static_cast<int>(std::min<long long>(v, cap));
}

Result<double> ParseSinceParam(const std::optional<std::string>& text) {
  if (!text) return 0.0;
  auto t = ParseTimestamp(*text);
  if (t.ok()) return *t;
  return Status::InvalidInput(
      fmt::format("since='{}'; it must be seconds since the Unix epoch or an RFC 3339 time such as "
                  "2026-03-29T01:30:00Z",
                  Show(std::string_view(*text))));
}

Result<double> ParseDurationParam(std::string_view name, const std::optional<std::string>& text,
                                  double fallback, double max) {
  if (!text) return fallback;
  auto d = ParseDuration(*text);
  if (d.ok() && *d > 0 && *d <= max) return *d;
  return Status::InvalidInput(fmt::format(
      "{}='{}'; it must be a duration such as 600, 10m or 1d, above 0 and at most {}", name,
      Show(std::string_view(*text)), FormatDuration(max)));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the expected string `b` completely whatever `a` holds; fold differences with OR.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < b.size(); ++i) {
    const unsigned char got = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= static_cast<unsigned char>(got ^ static_cast<unsigned char>(b[i]));
  }
  volatile unsigned char result = diff;  // keeps the loop from being cut short
  return result == 0;
}

bool BearerTokenMatches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (token.empty() || authorization.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  return ConstantTimeEquals(authorization.substr(kScheme.size()), token);
}

}  // namespace tide::api
