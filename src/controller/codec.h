// codec.h: JSON forms of the pipeline's values, for the store, the API and restarts.
// DecisionToJson is the explanation users see; GroupState round-trips exactly so that a
// restarted controller resumes with the same windows, rate-limit history, cooldowns,
// failure count, panic and schedule cursor.
#pragma once

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "core/result.h"
#include "policy/decision.h"
#include "policy/pipeline.h"

namespace tide::controller {

// {"at","current","ready","desired","reason","limited_by","message","in_panic",
//  "consecutive_failures","min","max","stages":{"recommended",...},
//  "proposals":[{"policy","type","desired"|null,"metric_value"|null,"status"}]}
nlohmann::json DecisionToJson(const config::Group& g, const policy::Decision& d);

nlohmann::json GroupStateToJson(const policy::GroupState& s);
// InvalidInput naming the field when the JSON does not have the expected shape.
Result<policy::GroupState> GroupStateFromJson(const nlohmann::json& j);

}  // namespace tide::controller
