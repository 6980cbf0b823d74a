#include "core/duration.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace tide {
namespace {

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end && std::isfinite(*out);
}

bool ParseInt(std::string_view s, int* out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return !s.empty() && ec == std::errc() && p == end;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
long long DaysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool IsLeap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(long long y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// RFC 3339's range, years 0000 to 9999, in seconds since the epoch: beyond it a time cannot be
// written back (FormatTimestamp printed -219246529-01-00 for 1e20).
constexpr double kMinEpoch = -62167219200;  // 0000-01-01T00:00:00Z
constexpr double kMaxEpoch = 253402300799;  // 9999-12-31T23:59:59Z

}  // namespace

Result<double> ParseDuration(std::string_view text) {
  const std::string shown(text);
  auto bad = [&] {
    return Status::InvalidInput(fmt::format(
        "'{}' is not a duration; allowed: a number of seconds or a number with a unit "
        "ms, s, m, h or d (e.g. 300, 300s, 5m, 1h)",
        shown));
  };
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  double scale = 1;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    scale = 0.001;
    text.remove_suffix(2);
  } else if (!text.empty()) {
    switch (text.back()) {
      case 's': scale = 1; text.remove_suffix(1); break;
      case 'm': scale = 60; text.remove_suffix(1); break;
      case 'h': scale = 3600; text.remove_suffix(1); break;
      case 'd': scale = 86400; text.remove_suffix(1); break;
      default: break;
    }
  }
  double v = 0;
  if (!ParseDouble(text, &v)) return bad();
  if (std::fabs(v * scale) > kMaxDurationSeconds) {
    return Status::InvalidInput(
        fmt::format("'{}' is too long a duration; allowed: at most 36525d (100 years)", shown));
  }
  return v * scale;
}

std::string FormatDuration(double s) {
  if (s != 0 && std::fmod(s, 86400) == 0) return fmt::format("{}d", s / 86400);
  if (s != 0 && std::fmod(s, 3600) == 0) return fmt::format("{}h", s / 3600);
  if (s != 0 && std::fmod(s, 60) == 0 && std::fabs(s) >= 600) return fmt::format("{}m", s / 60);
  if (s == std::floor(s)) return fmt::format("{}s", s);
  // A measured span (185.99575662612915 s) reads to the millisecond: 185.996s.
  if (std::fabs(s) < 0.001) return fmt::format("{:.3g}s", s);
  std::string t = fmt::format("{:.3f}", s);
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t + "s";
}

Result<double> ParseTimestamp(std::string_view text) {
  const std::string shown(text);
  auto out_of_range = [&] {
    return Status::InvalidInput(fmt::format(
        "'{}' is out of range; allowed: a time from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z "
        "(epoch seconds {:.0f} to {:.0f})",
        shown, kMinEpoch, kMaxEpoch));
  };
  double plain = 0;
  if (ParseDouble(text, &plain)) {
    if (plain < kMinEpoch || plain > kMaxEpoch) return out_of_range();
    return plain;
  }
  auto bad = [&] {
    return Status::InvalidInput(fmt::format(
        "'{}' is not a time; allowed: RFC 3339 like 2026-03-29T01:30:00Z or "
        "2026-03-29T03:30:00+02:00 (a date that exists, an offset of at most 23:59), or seconds "
        "since the Unix epoch",
        shown));
  };
  // YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM); RFC 3339 (5.6) allows a lower-case t and z too.
  if (text.size() < 16 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':')
    return bad();
  int y, mo, d, h, mi;
  if (!ParseInt(text.substr(0, 4), &y) || !ParseInt(text.substr(5, 2), &mo) ||
      !ParseInt(text.substr(8, 2), &d) || !ParseInt(text.substr(11, 2), &h) ||
      !ParseInt(text.substr(14, 2), &mi))
    return bad();
  std::string_view rest = text.substr(16);
  double sec = 0;
  if (!rest.empty() && rest.front() == ':') {
    size_t n = 1;
    while (n < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[n])) || rest[n] == '.')) ++n;
    if (!ParseDouble(rest.substr(1, n - 1), &sec) || sec >= 61) return bad();
    rest.remove_prefix(n);
  }
  double offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh, om;
    if (!ParseInt(rest.substr(1, 2), &oh) || !ParseInt(rest.substr(4, 2), &om) || oh > 23 ||
        om > 59) {
      return bad();  // RFC 3339: time-numoffset = ("+" / "-") time-hour ":" time-minute
    }
    offset = (oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59)
    return bad();
  const double days = static_cast<double>(DaysFromCivil(y, mo, d));
  const double t = days * 86400 + h * 3600 + mi * 60 + sec - offset;
  if (t < kMinEpoch || t > kMaxEpoch) return out_of_range();  // 9999-12-31T23:00:00-05:00
  return t;
}

std::string FormatTimestamp(double epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace tide
