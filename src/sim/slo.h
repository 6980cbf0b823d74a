// slo.h: service-level objectives over the simulation summary, as `tide recommend --slo`
// takes them: comma-separated bounds on summary keys, e.g.
//   tau_under<=1                       (under-provisioned at most 1 % of the time)
//   tau_under<=1,unserved_fraction<=0.001
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sim/summary.h"

namespace tide::sim {

struct SloTerm {
  std::string key;
  enum class Op { kLe, kLt, kGe, kGt } op = Op::kLe;
  double bound = 0;
  std::string text;  // as written
};

// InvalidInput naming the bad term, the known keys and the operators allowed.
Result<std::vector<SloTerm>> ParseSlo(std::string_view text);

// The summary's value for a key (the numeric keys of the summary JSON); NaN if unknown.
double SummaryValue(const Summary& s, std::string_view key);

// Whether every term holds; `shortfall` gets the sum of relative violations (0 when met), a
// measure of how close a policy came.
bool MeetsSlo(const Summary& s, const std::vector<SloTerm>& terms, double* shortfall);

}  // namespace tide::sim
