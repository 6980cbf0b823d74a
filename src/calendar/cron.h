// cron.h: 5-field cron expressions evaluated in an IANA time zone, and one-time timestamps.
//
// Fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC),
// day of week (0-7 or SUN-SAT; 0 and 7 are Sunday). Each field takes '*', numbers, ranges
// 'a-b', lists 'a,b', and steps '*/n' or 'a-b/n'. As in Vixie cron, when both day of month
// and day of week are restricted (neither is '*'), a day matches if either matches.
//
// Daylight-saving semantics (documented in docs/SCHEDULES.md):
//  - spring forward: a local time that does not exist (e.g. 02:30 on the day clocks jump
//    from 02:00 to 03:00) fires once, at the first instant after the gap (03:00 local);
//  - fall back: a local time that occurs twice fires once, at its first occurrence.
// Pure: no clock is read; every time is an argument in seconds since the Unix epoch (UTC).
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace date {
class time_zone;
}

namespace tide::calendar {

// A resolved IANA time zone. Lookup fails for unknown names ("Europe/Berlni").
Result<const date::time_zone*> FindZone(std::string_view name);

// Names in the time zone database that are no zone every host shares: `localtime` (this
// host's own setting) and the tz build's placeholders. FindZone refuses them.
bool IsHostOnlyZoneName(std::string_view name);

class CronSchedule {
 public:
  // Parses `expr` in zone `tz` (an IANA name such as "Europe/Berlin" or "UTC").
  // The error message names the bad field, its text and what is allowed.
  static Result<CronSchedule> Parse(std::string_view expr, std::string_view tz);

  // The first firing time strictly after `after` (epoch seconds), or nullopt when there is
  // none within 5 years (e.g. "0 0 31 2 *").
  std::optional<double> NextAfter(double after) const;

  // The last firing time at or before `at`, searching back at most `horizon` seconds.
  std::optional<double> LastAtOrBefore(double at, double horizon) const;

  const std::string& text() const { return text_; }
  // The IANA name of the zone it is evaluated in ("Europe/Berlin", "UTC").
  std::string zone_name() const;

 private:
  // Whether a day with this day of month (1-31) and weekday (0-6, Sunday = 0) matches the
  // day fields, with the Vixie either-suffices rule when both are restricted.
  bool DayMatches(unsigned day_of_month, unsigned weekday) const;

  std::string text_;
  const date::time_zone* zone_ = nullptr;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0..6, Sunday = 0
  // True when the field matches every value ('*', '*/1', '1-31', '0-7'); '*/2' is restricted.
  bool dom_star_ = true;
  bool dow_star_ = true;
};

}  // namespace tide::calendar
