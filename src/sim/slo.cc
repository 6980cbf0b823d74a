#include "sim/slo.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace tide::sim {
namespace {

struct Key {
  const char* name;
  double Summary::*field;
};

const Key kKeys[] = {
    {"cost", &Summary::cost},
    {"cost_ratio", &Summary::cost_ratio},
    {"theta_under", &Summary::theta_under},
    {"theta_over", &Summary::theta_over},
    {"tau_under", &Summary::tau_under},
    {"tau_over", &Summary::tau_over},
    {"instability", &Summary::instability},
    {"unserved", &Summary::unserved},
    {"unserved_fraction", &Summary::unserved_fraction},
    {"mean_backlog", &Summary::mean_backlog},
    {"max_backlog", &Summary::max_backlog},
    {"mean_supply", &Summary::mean_supply},
    {"mean_provisioned", &Summary::mean_provisioned},
    {"mean_utilization", &Summary::mean_utilization},
};

std::string KnownKeys() {
  std::string out;
  for (const auto& k : kKeys) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out + ", scaling_events";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

double SummaryValue(const Summary& s, std::string_view key) {
  for (const auto& k : kKeys)
    if (key == k.name) return s.*(k.field);
  if (key == "scaling_events") return static_cast<double>(s.scaling_events);
  return NAN;
}

Result<std::vector<SloTerm>> ParseSlo(std::string_view text) {
  std::vector<SloTerm> terms;
  auto bad = [&](std::string_view term, const std::string& why) {
    return Status::InvalidInput(fmt::format(
        "--slo: bad value '{}': term '{}' {}; allowed: KEY<=N, KEY<N, KEY>=N or KEY>N joined by commas, "
        "KEY one of {}",
        text, term, why, KnownKeys()));
  };
  if (Trim(text).empty()) return bad(text, "is empty");
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view term = Trim(text.substr(start, comma - start));
    start = comma + 1;
    if (term.empty()) return bad(term, "is empty");
    size_t op_at = term.find_first_of("<>");
    if (op_at == std::string_view::npos) return bad(term, "has no comparison");
    SloTerm t;
    t.text = std::string(term);
    t.key = std::string(Trim(term.substr(0, op_at)));
    std::string_view rest = term.substr(op_at);
    if (rest.substr(0, 2) == "<=") {
      t.op = SloTerm::Op::kLe;
      rest.remove_prefix(2);
    } else if (rest.substr(0, 2) == ">=") {
      t.op = SloTerm::Op::kGe;
      rest.remove_prefix(2);
    } else if (rest[0] == '<') {
      t.op = SloTerm::Op::kLt;
      rest.remove_prefix(1);
    } else {
      t.op = SloTerm::Op::kGt;
      rest.remove_prefix(1);
    }
    if (std::isnan(SummaryValue(Summary{}, t.key))) return bad(term, fmt::format("names an unknown key '{}'", t.key));
    const std::string number(Trim(rest));
    char* end = nullptr;
    t.bound = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(t.bound))
      return bad(term, fmt::format("has no number after the comparison ('{}')", number));
    terms.push_back(std::move(t));
    if (comma == text.size()) break;
  }
  return terms;
}

bool MeetsSlo(const Summary& s, const std::vector<SloTerm>& terms, double* shortfall) {
  double total = 0;
  for (const auto& t : terms) {
    const double v = SummaryValue(s, t.key);
    const double scale = std::max(std::fabs(t.bound), 1e-9);
    double miss = 0;
    switch (t.op) {
      case SloTerm::Op::kLe: miss = v > t.bound ? (v - t.bound) / scale : 0; break;
      case SloTerm::Op::kLt: miss = v >= t.bound ? (v - t.bound) / scale + 1e-9 : 0; break;
      case SloTerm::Op::kGe: miss = v < t.bound ? (t.bound - v) / scale : 0; break;
      case SloTerm::Op::kGt: miss = v <= t.bound ? (t.bound - v) / scale + 1e-9 : 0; break;
    }
    total += miss;
  }
  if (shortfall) *shortfall = total;
  return total == 0;
}

}  // namespace tide::sim
