// schedule.h: scheduled actions (AWS EC2 Auto Scaling semantics). An action fires at its cron
// times (in its IANA zone) or once at a timestamp; when it fires it sets min, max and/or
// desired. min and max stay in force until another action changes them; desired is a
// one-time order applied by the decision at which the action fired.
//
// On the first evaluation the most recent firing of each cron action within the last
// 8 days (and every past one-time action) is replayed in time order, so that a controller or
// a simulation starting mid-week has the bounds the calendar implies. A desired order is not
// replayed at start: it was a one-time event; but an action due at that very instant fires
// whole, desired included.
//
// The state remembers the actions it was computed for (ScheduleFingerprint). When the group's
// actions differ — a reload or a restart with an edited time, zone or value — it starts over
// as on a first evaluation, so the new timetable takes effect at once.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "policy/pipeline.h"

namespace tide::policy {

struct ScheduleStep {
  std::optional<int> desired;  // set when an action with a desired fired in (last, now]
  int fired_policy = -1;       // the last action that fired now (for the explanation)
};

// What identifies a group's scheduled actions: each one's index, cron text and zone or time,
// and min/max/desired.
std::string ScheduleFingerprint(const config::Group& group);

// Advances `state` to `now`, applying every action that fired since the last call.
ScheduleStep AdvanceSchedule(const config::Group& group, double now, ScheduleState* state);

}  // namespace tide::policy
