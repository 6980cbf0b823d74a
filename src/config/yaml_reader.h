// yaml_reader.h: internal to src/config. Typed reads of yaml-cpp nodes that never throw and
// record every problem (with its 1-based position, key path, value as written and what is
// allowed) instead of stopping at the first. The section parsers (parse_*.cc) build on it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/loader.h"

namespace tide::config::internal {

// One value about to be read: where it is and how messages name it.
struct Field {
  std::string path;  // key path, e.g. "groups[0].capacity.min"
  YAML::Node node;   // the value; meaningful only when present
  Mark mark;         // of the value; of its key when the value is null; of the parent when absent
  bool present = false;

  std::string Child(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
};

// The 1-based position of a node, or {0, 0} when yaml-cpp has none.
Mark MarkOf(const YAML::Node& node);

// The node as written, for messages: the scalar text (one line, shortened), "{...}" for a
// map, "[...]" for a sequence, "" for null.
std::string Shown(const YAML::Node& node);

// " (did you mean 'x'?)" when exactly the closest of `options` is within edit distance 2 of
// `word`, else "".
std::string Suggestion(std::string_view word, const std::vector<std::string_view>& options);

// True for a plain (unquoted) integer or decimal scalar such as 2, -1, 0.5.
bool IsNumber(const YAML::Node& node);
// Parses "2", "-1.5", "+3" fully; nullopt otherwise.
std::optional<double> ParseNumberText(std::string_view text);

// "a, b, c".
std::string JoinNames(const std::vector<std::string_view>& names);

// True for a non-empty [A-Za-z0-9_.-]+ name (groups, metrics, policies).
bool IsName(std::string_view s);
inline constexpr const char* kNameRule = kValidNameRule;

enum class Bound { kAny, kNonNegative, kPositive };

// Records problems and reads typed values. Every Read* leaves *out untouched and returns true
// when the field is absent (the default stays); on a bad value it records one problem and
// returns false.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  // Records a problem about `f`'s value (shown as written).
  bool Fail(const Field& f, std::string allowed);
  // Records a problem whose value text is given (empty = none).
  void Add(Mark at, std::string key_path, std::string value, std::string allowed);
  // All problems, in file order (line, column; ties keep the order found).
  std::vector<Problem> TakeSorted();

  bool ReadInt(const Field& f, int at_least, int* out);
  bool ReadNumber(const Field& f, Bound bound, double* out);
  bool ReadDuration(const Field& f, Bound bound, double* out);
  // A string; "" is a problem unless `allow_empty`. A plain number or boolean is not a string
  // (the message says to quote it).
  bool ReadString(const Field& f, std::string* out, bool allow_empty = false);
  // `true` or `false`; absent leaves *out as it is (returns true).
  bool ReadBool(const Field& f, bool* out);
  // A string naming one of `options`; *out is its index.
  bool ReadEnum(const Field& f, const std::vector<std::string_view>& options, int* out);
  // A name per IsName.
  bool ReadName(const Field& f, std::string* out);
  // A sequence: its elements as Fields "path[i]". `non_empty` makes [] a problem.
  bool ReadSequence(const Field& f, bool non_empty, std::vector<Field>* out);

  // Scalar parsers without bounds (no problem recorded when absent: returns nullopt).
  std::optional<int> Int(const Field& f);
  std::optional<double> Number(const Field& f);
  std::optional<double> Duration(const Field& f);

  // Records "missing; required: `what`" at `parent` for key `key`.
  void Missing(const Field& parent, std::string_view key, std::string_view what);

 private:
  std::string file_;
  std::vector<Problem> problems_;
};

// A YAML map read by key. Construction records a value that is not a map and duplicate keys;
// CheckKeys records keys not allowed (with a suggestion).
class MapFields {
 public:
  MapFields(Reader& r, const Field& f);

  bool ok() const { return ok_; }  // the field is a map
  bool Has(std::string_view key) const;
  // The keys given (duplicates once), in file order, with the marks of the keys.
  std::vector<std::pair<std::string, Mark>> Keys() const;
  // The value at `key`; not present (with the map's mark) when the key is absent.
  Field Get(std::string_view key) const;
  void CheckKeys(const std::vector<std::string_view>& allowed);
  const Field& self() const { return self_; }

 private:
  struct Entry {
    std::string key;
    Mark key_mark;
    YAML::Node value;
  };
  Reader& r_;
  Field self_;
  bool ok_ = false;
  std::vector<Entry> entries_;
};

// Names already used in one scope (groups of a file, metrics or policies of a group), so that
// a duplicate is reported once, at the later use.
class NameSet {
 public:
  explicit NameSet(std::string what) : what_(std::move(what)) {}
  // Records `name` read from `f`; false (and one problem) when it was used before.
  bool Add(Reader& r, const Field& f, const std::string& name);

 private:
  std::string what_;
  std::vector<std::pair<std::string, int>> seen_;  // name, line
};

}  // namespace tide::config::internal
