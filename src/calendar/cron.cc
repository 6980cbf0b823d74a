// cron.cc: parsing and evaluation of 5-field cron expressions in an IANA time zone.
//
// Evaluation walks local calendar days (skipping whole months that do not match), then the
// matching hours and minutes of a matching day, and maps each candidate local time to UTC
// with the daylight-saving rules of cron.h. That mapping (ToUtc) is non-decreasing in local
// time, so the first candidate past `after` in local order is the earliest firing time, and
// the last candidate at or before `at` in reverse local order is the latest one.
// Nothing here throws: date::locate_zone's exceptions are turned into a Status.
#include "calendar/cron.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <exception>
#include <vector>

namespace tide::calendar {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Search horizon of NextAfter (and cap of LastAtOrBefore's horizon): 5 years of days.
constexpr int kHorizonDays = 5 * 366;
// Times outside [1900-01-01, 9999-12-31] are not evaluated (nullopt): keeps the calendar
// arithmetic far from the limits of date::year and of int64 seconds.
constexpr double kMinEpoch = -2208988800.0;
constexpr double kMaxEpoch = 253402300799.0;

// How one cron field is spelled and what it allows.
struct FieldSpec {
  const char* name;          // "minute", used in messages
  int lo, hi;                // inclusive range of numbers accepted
  int star_hi;               // last value covered by '*' and by 'a/n' (day of week: 6, not 7)
  const char* allowed;       // the "allowed:" part of error messages
  const char* const* names;  // names for lo, lo+1, ... (nullptr when the field has none)
  int name_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

#define TIDE_CRON_SYNTAX "'*', lists a,b, ranges a-b, steps */n"
constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, 59, "0-59, " TIDE_CRON_SYNTAX, nullptr, 0},
    {"hour", 0, 23, 23, "0-23, " TIDE_CRON_SYNTAX, nullptr, 0},
    {"day-of-month", 1, 31, 31, "1-31, " TIDE_CRON_SYNTAX, nullptr, 0},
    {"month", 1, 12, 12, "1-12 or JAN-DEC, " TIDE_CRON_SYNTAX, kMonthNames, 12},
    {"day-of-week", 0, 7, 6, "0-7 or SUN-SAT (0 and 7 are Sunday), " TIDE_CRON_SYNTAX, kDayNames,
     7},
}};
#undef TIDE_CRON_SYNTAX

// Parses a non-negative decimal number; -1 when `text` is not one. Large numbers saturate
// at 1000000 (and are then out of range for every field).
int ParseNumber(std::string_view text) {
  if (text.empty()) return -1;
  long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    v = std::min(v * 10 + (c - '0'), 1000000L);
  }
  return static_cast<int>(v);
}

// Parses a number or (case-insensitive) a name of the field; -1 when `text` is neither.
int ParseValue(std::string_view text, const FieldSpec& spec) {
  if (const int v = ParseNumber(text); v >= 0) return v;
  for (int i = 0; i < spec.name_count; ++i) {
    std::string_view name = spec.names[i];
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) == b;
        })) {
      return spec.lo + i;
    }
  }
  return -1;
}

// Parses one field (e.g. "1-5,10/15") into `bits` (index = value; day of week 7 stays 7).
Status ParseField(std::string_view expr, std::string_view field, const FieldSpec& spec,
                  std::vector<bool>& bits) {
  auto fail = [&](std::string_view bad, std::string_view problem) {
    return Status::InvalidInput("cron \"" + std::string(expr) + "\": " + spec.name + " field '" +
                                std::string(bad) + "' " + std::string(problem) +
                                "; allowed: " + spec.allowed);
  };
  const char* not_value = spec.names ? "is not a number or name" : "is not a number";
  bits.assign(spec.hi + 1, false);
  size_t start = 0;
  while (true) {
    const size_t comma = field.find(',', start);
    const std::string_view item =
        field.substr(start, comma == std::string_view::npos ? field.npos : comma - start);
    if (item.empty()) return fail(field, "has an empty list element");

    // item = base ['/' step]; base = '*' | a | a-b.
    const size_t slash = item.find('/');
    const std::string_view base = item.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      const int span = spec.star_hi - spec.lo + 1;
      step = ParseNumber(step_text);
      if (step < 1 || step > span) {
        return fail(item, "has an invalid step '" + std::string(step_text) +
                              "' (a step must be 1-" + std::to_string(span) + ")");
      }
    }
    int first = 0, last = 0;
    if (base == "*") {
      first = spec.lo;
      last = spec.star_hi;
    } else {
      const size_t dash = base.find('-');
      const std::string_view a = base.substr(0, dash);
      first = ParseValue(a, spec);
      if (first < 0) return fail(item, not_value);
      if (first < spec.lo || first > spec.hi) return fail(item, "is out of range");
      if (dash != std::string_view::npos) {
        last = ParseValue(base.substr(dash + 1), spec);
        if (last < 0) return fail(item, not_value);
        if (last < spec.lo || last > spec.hi) return fail(item, "is out of range");
        if (last < first) return fail(item, "is a descending range");
      } else {
        // "a/n" runs from a to the field's last value; a plain "a" is just a.
        last = slash != std::string_view::npos ? std::max(first, spec.star_hi) : first;
      }
    }
    for (int v = first; v <= last; v += step) bits[v] = true;

    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

// Maps a local wall-clock time to the UTC instant at which it fires (cron.h):
//  - unique: the one instant;
//  - nonexistent (in a spring-forward gap): the first instant after the gap, i.e. the
//    transition itself (02:30 on a 02:00->03:00 day fires at 03:00 local);
//  - ambiguous (in a fall-back overlap): the first (earlier) occurrence only.
// Non-decreasing in `local`, which the day walks below rely on.
date::sys_seconds ToUtc(const date::time_zone* zone, date::local_seconds local) {
  const date::local_info info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::nonexistent:
      return info.second.begin;
    case date::local_info::ambiguous:  // first = the sys_info in force before the overlap
    case date::local_info::unique:
    default:
      return date::sys_seconds{local.time_since_epoch() - info.first.offset};
  }
}

// REQUIRES: kMinEpoch <= t <= kMaxEpoch. Floors to whole seconds.
date::sys_seconds ToSys(double t) {
  return date::sys_seconds{seconds{static_cast<long long>(std::floor(t))}};
}

double ToDouble(date::sys_seconds t) { return static_cast<double>(t.time_since_epoch().count()); }

bool InDomain(double t) { return t >= kMinEpoch && t <= kMaxEpoch; }

}  // namespace

bool IsHostOnlyZoneName(std::string_view name) {
  return name == "localtime" || name == "posixrules" || name == "Factory";
}

Result<const date::time_zone*> FindZone(std::string_view name) {
  const auto error = [&] {
    return Status::InvalidInput("time zone '" + std::string(name) +
                                "' is not an IANA time zone name (e.g. Europe/Berlin, "
                                "America/New_York, UTC)");
  };
  if (name.empty()) return error();
  if (IsHostOnlyZoneName(name)) {  // a config would mean another time on another host
    return Status::InvalidInput(
        "time zone '" + std::string(name) +
        "' is not a zone every host shares ('localtime' is this host's own setting); "
        "allowed: an IANA time zone name (e.g. Europe/Berlin, America/New_York, UTC)");
  }
  try {
    const date::time_zone* zone = date::locate_zone(std::string(name));
    if (zone == nullptr) return error();
    return zone;
  } catch (const std::exception&) {  // std::runtime_error for unknown names
    return error();
  }
}

Result<CronSchedule> CronSchedule::Parse(std::string_view expr, std::string_view tz) {
  // Split on blanks; leading and trailing blanks are ignored.
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (true) {
    while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
    if (i == expr.size()) break;
    const size_t begin = i;
    while (i < expr.size() && !std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
    fields.push_back(expr.substr(begin, i - begin));
  }
  if (fields.size() != kFields.size()) {
    return Status::InvalidInput("cron \"" + std::string(expr) + "\": has " +
                                std::to_string(fields.size()) +
                                " fields; allowed: 5 fields (minute hour day-of-month month "
                                "day-of-week)");
  }

  CronSchedule s;
  std::array<std::vector<bool>, 5> bits;
  for (size_t f = 0; f < kFields.size(); ++f) {
    if (Status st = ParseField(expr, fields[f], kFields[f], bits[f]); !st.ok()) return st;
  }
  Result<const date::time_zone*> zone = FindZone(tz);
  if (!zone.ok()) return zone.status();
  s.zone_ = *zone;

  bits[4][0] = bits[4][0] || bits[4][7];  // 7 is Sunday too
  for (int v = 0; v < 60; ++v) s.minutes_[v] = bits[0][v];
  for (int v = 0; v < 24; ++v) s.hours_[v] = bits[1][v];
  for (int v = 1; v <= 31; ++v) s.days_of_month_[v] = bits[2][v];
  for (int v = 1; v <= 12; ++v) s.months_[v] = bits[3][v];
  for (int v = 0; v < 7; ++v) s.days_of_week_[v] = bits[4][v];
  // A day field is "restricted" when it excludes some value ("*", "*/1", "1-31" and "0-7"
  // are not; "*/2" is). See DayMatches.
  s.dom_star_ = s.days_of_month_.count() == 31;
  s.dow_star_ = s.days_of_week_.count() == 7;

  // text(): the expression with its blanks normalized to single spaces.
  for (size_t f = 0; f < fields.size(); ++f) {
    if (f > 0) s.text_ += ' ';
    s.text_ += fields[f];
  }
  return s;
}

bool CronSchedule::DayMatches(unsigned day_of_month, unsigned weekday) const {
  const bool dom = days_of_month_[day_of_month];
  const bool dow = days_of_week_[weekday];
  // Vixie rule: both restricted -> either suffices; otherwise the unrestricted one is all-true.
  if (!dom_star_ && !dow_star_) return dom || dow;
  return dom && dow;
}

std::optional<double> CronSchedule::NextAfter(double after) const {
  if (zone_ == nullptr || !InDomain(after)) return std::nullopt;
  // Every local time L <= local(after) fires at or before `after` (ToUtc is non-decreasing
  // and ToUtc(local(after)) <= after), so candidates start after local(after).
  const date::local_seconds local_after = zone_->to_local(ToSys(after));
  const date::local_days first_day = date::floor<date::days>(local_after);
  const date::local_days last_day = first_day + date::days{kHorizonDays};

  for (date::local_days day = first_day; day <= last_day;) {
    const date::year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) {  // jump to the 1st of next month
      day = date::local_days{ymd.year() / ymd.month() / 1 + date::months{1}};
      continue;
    }
    if (DayMatches(static_cast<unsigned>(ymd.day()), date::weekday{day}.c_encoding())) {
      for (int h = 0; h < 24; ++h) {
        if (!hours_[h] || day + hours{h} + minutes{59} <= local_after) continue;
        for (int m = 0; m < 60; ++m) {
          const date::local_seconds local = day + hours{h} + minutes{m};
          if (!minutes_[m] || local <= local_after) continue;
          // May still be <= after: the first occurrence of a repeated hour, or a gap
          // time whose firing instant is the transition already passed.
          const double t = ToDouble(ToUtc(zone_, local));
          if (t > after) return t;
        }
      }
    }
    day += date::days{1};
  }
  return std::nullopt;
}

std::optional<double> CronSchedule::LastAtOrBefore(double at, double horizon) const {
  if (zone_ == nullptr || !InDomain(at) || !(horizon >= 0)) return std::nullopt;
  // Exclusive lower end; the horizon is capped at 5 years and at the domain's start.
  const double lower = std::max(at - std::min(horizon, kHorizonDays * 86400.0), kMinEpoch);

  // Upper bound on candidate local times: a local time L fires at or before `at` only if
  // the clock has shown L by then, i.e. L <= local(at) plus, right after a fall-back, the
  // size of the repeated interval (the earlier pass already showed those times).
  const date::sys_seconds at_sys = ToSys(at);
  const date::sys_info cur = zone_->get_info(at_sys);
  seconds overlap{0};
  if (cur.begin > ToSys(kMinEpoch)) {
    const date::sys_info prev = zone_->get_info(cur.begin - seconds{1});
    overlap = std::max(seconds{0}, prev.offset - cur.offset);
  }
  const date::local_seconds bound = zone_->to_local(at_sys) + overlap;
  const date::local_days first_day = date::floor<date::days>(bound);
  const date::local_days last_day =
      date::floor<date::days>(zone_->to_local(ToSys(lower))) - date::days{1};

  for (date::local_days day = first_day; day >= last_day;) {
    const date::year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) {  // jump to the end of last month
      day = date::local_days{ymd.year() / ymd.month() / 1} - date::days{1};
      continue;
    }
    if (DayMatches(static_cast<unsigned>(ymd.day()), date::weekday{day}.c_encoding())) {
      for (int h = 23; h >= 0; --h) {
        if (!hours_[h] || day + hours{h} > bound) continue;
        for (int m = 59; m >= 0; --m) {
          const date::local_seconds local = day + hours{h} + minutes{m};
          if (!minutes_[m] || local > bound) continue;
          // Reverse local order gives non-increasing instants: the first one <= at is the
          // latest firing; if it is not inside the horizon, nothing is.
          const double t = ToDouble(ToUtc(zone_, local));
          if (t <= at) return t > lower ? std::optional<double>(t) : std::nullopt;
        }
      }
    }
    day -= date::days{1};
  }
  return std::nullopt;
}

std::string CronSchedule::zone_name() const { return zone_ ? std::string(zone_->name()) : "UTC"; }

}  // namespace tide::calendar
