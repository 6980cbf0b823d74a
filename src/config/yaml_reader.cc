#include "config/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <limits>

#include "core/duration.h"

namespace tide::config::internal {
namespace {

// What a node holds, as YAML 1.2's core schema resolves it. Quoted and block scalars are
// always strings, so `name: "123"` is a string and `min: "5"` is not an integer.
enum class Kind { kNull, kBool, kInt, kFloat, kString, kMap, kSequence };

bool IsIntText(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsFloatText(std::string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return false;
  if (s.find_first_of("0123456789") == std::string_view::npos) return false;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return (ec == std::errc() || ec == std::errc::result_out_of_range) && p == s.data() + s.size();
}

Kind Classify(const YAML::Node& n) {
  if (n.IsNull()) return Kind::kNull;
  if (n.IsMap()) return Kind::kMap;
  if (n.IsSequence()) return Kind::kSequence;
  const std::string& tag = n.Tag();
  const bool plain =
      tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float";
  if (!plain) return Kind::kString;
  const std::string& s = n.Scalar();
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return Kind::kBool;
  if (IsIntText(s)) return Kind::kInt;
  if (IsFloatText(s)) return Kind::kFloat;
  return Kind::kString;
}

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kNull:
      return "nothing";
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt:
      return "an integer";
    case Kind::kFloat:
      return "a decimal number";
    case Kind::kString:
      return "a string";
    case Kind::kMap:
      return "a map";
    case Kind::kSequence:
      return "a sequence";
  }
  return "?";
}

// REQUIRES: IsFloatText(s). Out of range ("1e400") is NaN, for callers to reject.
double ToDouble(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() ? v : std::numeric_limits<double>::quiet_NaN();
}

// Optimal string alignment distance: edits are insert, delete, substitute, swap neighbours.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

const char* BoundText(Bound b) {
  switch (b) {
    case Bound::kNonNegative:
      return "must be >= 0";
    case Bound::kPositive:
      return "must be > 0";
    case Bound::kAny:
      break;
  }
  return "";
}

bool InBound(double v, Bound b) {
  switch (b) {
    case Bound::kNonNegative:
      return v >= 0;
    case Bound::kPositive:
      return v > 0;
    case Bound::kAny:
      break;
  }
  return true;
}

constexpr const char* kDurationRule =
    "expected a duration: a number of seconds or a number with a unit ms, s, m, h or d "
    "(e.g. 300, 300s, 5m, 1h)";

}  // namespace

Mark MarkOf(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.is_null() || m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

std::string Shown(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "";
  if (node.IsMap()) return "{...}";
  if (node.IsSequence()) return "[...]";
  std::string out;
  for (char c : node.Scalar()) {
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  if (out.size() > 60) out = out.substr(0, 57) + "...";
  return out;
}

std::string Suggestion(std::string_view word, const std::vector<std::string_view>& options) {
  size_t best = 3;
  std::string_view found;
  for (std::string_view o : options) {
    const size_t d = EditDistance(word, o);
    if (d < best) {
      best = d;
      found = o;
    }
  }
  if (found.empty()) return "";
  return fmt::format(" (did you mean '{}'?)", found);
}

bool IsNumber(const YAML::Node& node) {
  const Kind k = Classify(node);
  return k == Kind::kInt || k == Kind::kFloat;
}

std::optional<double> ParseNumberText(std::string_view text) {
  if (!IsFloatText(text)) return std::nullopt;
  const double v = ToDouble(text);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::string JoinNames(const std::vector<std::string_view>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

bool IsName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

}  // namespace tide::config::internal

namespace tide::config {
bool IsValidName(std::string_view name) { return internal::IsName(name); }
}  // namespace tide::config

namespace tide::config::internal {

// ---- Reader ----

bool Reader::Fail(const Field& f, std::string allowed) {
  Add(f.mark, f.path, Shown(f.node), std::move(allowed));
  return false;
}

void Reader::Add(Mark at, std::string key_path, std::string value, std::string allowed) {
  Problem p;
  p.file = file_;
  p.line = at.line;
  p.column = at.column;
  p.key_path = std::move(key_path);
  p.value = std::move(value);
  p.allowed = std::move(allowed);
  problems_.push_back(std::move(p));
}

std::vector<Problem> Reader::TakeSorted() {
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(problems_);
}

void Reader::Missing(const Field& parent, std::string_view key, std::string_view what) {
  Add(parent.mark, parent.Child(key), "", fmt::format("missing; required: {}", what));
}

std::optional<int> Reader::Int(const Field& f) {
  if (!f.present) return std::nullopt;
  const Kind k = Classify(f.node);
  if (k != Kind::kInt) {
    Fail(f, fmt::format("expected an integer, got {}", KindName(k)));
    return std::nullopt;
  }
  std::string_view s = f.node.Scalar();
  if (s.front() == '+') s.remove_prefix(1);
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    Fail(f, fmt::format("expected an integer in [{}, {}]", INT_MIN, INT_MAX));
    return std::nullopt;
  }
  return v;
}

std::optional<double> Reader::Number(const Field& f) {
  if (!f.present) return std::nullopt;
  const Kind k = Classify(f.node);
  if (k != Kind::kInt && k != Kind::kFloat) {
    Fail(f, fmt::format("expected a number, got {}", KindName(k)));
    return std::nullopt;
  }
  const double v = ToDouble(f.node.Scalar());
  if (!std::isfinite(v)) {
    Fail(f, "number out of range");
    return std::nullopt;
  }
  return v;
}

std::optional<double> Reader::Duration(const Field& f) {
  if (!f.present) return std::nullopt;
  const Kind k = Classify(f.node);
  if (k == Kind::kInt || k == Kind::kFloat) return Number(f);
  if (k != Kind::kString) {
    Fail(f, fmt::format("{}, got {}", kDurationRule, KindName(k)));
    return std::nullopt;
  }
  Result<double> d = ParseDuration(f.node.Scalar());
  if (!d.ok()) {
    Fail(f, kDurationRule);
    return std::nullopt;
  }
  return *d;
}

bool Reader::ReadInt(const Field& f, int at_least, int* out) {
  if (!f.present) return true;
  std::optional<int> v = Int(f);
  if (!v) return false;
  if (*v < at_least) return Fail(f, fmt::format("must be >= {}", at_least));
  *out = *v;
  return true;
}

bool Reader::ReadNumber(const Field& f, Bound bound, double* out) {
  if (!f.present) return true;
  std::optional<double> v = Number(f);
  if (!v) return false;
  if (!InBound(*v, bound)) return Fail(f, BoundText(bound));
  *out = *v;
  return true;
}

bool Reader::ReadDuration(const Field& f, Bound bound, double* out) {
  if (!f.present) return true;
  std::optional<double> v = Duration(f);
  if (!v) return false;
  if (!InBound(*v, bound)) return Fail(f, BoundText(bound));
  *out = *v;
  return true;
}

bool Reader::ReadBool(const Field& f, bool* out) {
  if (!f.present) return true;
  const std::string v = f.node.IsScalar() ? f.node.Scalar() : "";
  if (v != "true" && v != "false") {
    Fail(f, "true or false");
    return false;
  }
  *out = v == "true";
  return true;
}

bool Reader::ReadString(const Field& f, std::string* out, bool allow_empty) {
  if (!f.present) return true;
  const Kind k = Classify(f.node);
  if (k != Kind::kString) {
    const bool scalar = k == Kind::kInt || k == Kind::kFloat || k == Kind::kBool;
    return Fail(
        f, fmt::format("expected a string, got {}{}", KindName(k), scalar ? " (quote it)" : ""));
  }
  if (f.node.Scalar().empty() && !allow_empty) return Fail(f, "must not be empty");
  *out = f.node.Scalar();
  return true;
}

bool Reader::ReadEnum(const Field& f, const std::vector<std::string_view>& options, int* out) {
  if (!f.present) return true;
  const Kind k = Classify(f.node);
  if (k == Kind::kMap || k == Kind::kSequence || k == Kind::kNull)
    return Fail(f, fmt::format("expected one of {}, got {}", JoinNames(options), KindName(k)));
  const std::string& s = f.node.Scalar();
  for (size_t i = 0; i < options.size(); ++i) {
    if (s == options[i]) {
      *out = static_cast<int>(i);
      return true;
    }
  }
  return Fail(f, fmt::format("allowed: {}{}", JoinNames(options), Suggestion(s, options)));
}

bool Reader::ReadName(const Field& f, std::string* out) {
  if (!f.present) return true;
  const Kind k = Classify(f.node);
  if (k != Kind::kString) {
    return Fail(f, fmt::format("expected {}, got {}{}", kNameRule, KindName(k),
                               k == Kind::kInt || k == Kind::kFloat ? " (quote it)" : ""));
  }
  if (!IsName(f.node.Scalar())) return Fail(f, fmt::format("expected {}", kNameRule));
  *out = f.node.Scalar();
  return true;
}

bool Reader::ReadSequence(const Field& f, bool non_empty, std::vector<Field>* out) {
  out->clear();
  if (!f.present) return true;
  const Kind k = Classify(f.node);
  if (k != Kind::kSequence && k != Kind::kNull)
    return Fail(f, fmt::format("expected a sequence, got {}", KindName(k)));
  if (k == Kind::kNull || f.node.size() == 0) {
    if (non_empty) return Fail(f, "expected a non-empty sequence");
    return true;
  }
  for (size_t i = 0; i < f.node.size(); ++i) {
    Field e;
    e.path = fmt::format("{}[{}]", f.path, i);
    e.node = f.node[i];
    e.mark = MarkOf(e.node);
    if (e.mark.line == 0) e.mark = f.mark;
    e.present = true;
    out->push_back(std::move(e));
  }
  return true;
}

// ---- MapFields ----

MapFields::MapFields(Reader& r, const Field& f) : r_(r), self_(f) {
  if (!f.present) return;
  const Kind k = Classify(f.node);
  if (k == Kind::kNull) {  // `capacity:` with nothing under it reads as an empty map
    ok_ = true;
    return;
  }
  if (k != Kind::kMap) {
    r_.Fail(f, fmt::format("expected a map, got {}", KindName(k)));
    return;
  }
  ok_ = true;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    Entry e;
    e.key = it->first.IsScalar() ? it->first.Scalar() : Shown(it->first);
    e.key_mark = MarkOf(it->first);
    e.value = it->second;
    bool duplicate = false;
    for (const Entry& prior : entries_) {
      if (prior.key == e.key) {
        r_.Add(
            e.key_mark, f.Child(e.key), "",
            fmt::format("duplicate key '{}'; first given at line {}", e.key, prior.key_mark.line));
        duplicate = true;
        break;
      }
    }
    if (!duplicate) entries_.push_back(std::move(e));
  }
}

bool MapFields::Has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.key == key; });
}

std::vector<std::pair<std::string, Mark>> MapFields::Keys() const {
  std::vector<std::pair<std::string, Mark>> keys;
  for (const Entry& e : entries_) keys.emplace_back(e.key, e.key_mark);
  return keys;
}

Field MapFields::Get(std::string_view key) const {
  Field f;
  f.path = self_.Child(key);
  f.mark = self_.mark;
  for (const Entry& e : entries_) {
    if (e.key != key) continue;
    f.node = e.value;
    f.present = true;
    // A null value (`min:`) has the mark of whatever follows it; point at its key instead.
    const Mark m = MarkOf(e.value);
    f.mark = (e.value.IsNull() && m.line != e.key_mark.line) || m.line == 0 ? e.key_mark : m;
    break;
  }
  return f;
}

void MapFields::CheckKeys(const std::vector<std::string_view>& allowed) {
  for (const Entry& e : entries_) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    r_.Add(e.key_mark, self_.Child(e.key), "",
           fmt::format("unknown key '{}'; allowed: {}{}", e.key, JoinNames(allowed),
                       Suggestion(e.key, allowed)));
  }
}

// ---- NameSet ----

bool NameSet::Add(Reader& r, const Field& f, const std::string& name) {
  for (const auto& [seen, line] : seen_) {
    if (seen == name) {
      return r.Fail(f, fmt::format("duplicate {} name; must be unique, first defined at line {}",
                                   what_, line));
    }
  }
  seen_.emplace_back(name, f.mark.line);
  return true;
}

}  // namespace tide::config::internal
