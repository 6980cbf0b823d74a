#include "sources/http_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "sources/number.h"

namespace tide::sources {
namespace {

using nlohmann::json;

std::string Where(const json::json_pointer& p) {
  return p.empty() ? std::string("the document root") : p.to_string();
}

// What sits at `parent`, for "not found" messages: its keys, or its kind.
std::string DescribeParent(const json& node, const json::json_pointer& parent) {
  if (node.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : node.items()) keys.push_back(k);
    if (keys.empty()) return fmt::format("{} is an empty object", Where(parent));
    std::string list;
    for (size_t i = 0; i < keys.size() && i < 20; ++i) list += (i ? ", " : "") + keys[i];
    if (keys.size() > 20) list += fmt::format(", ... ({} keys)", keys.size());
    return fmt::format("keys at {}: {}", Where(parent), list);
  }
  if (node.is_array())
    return fmt::format("{} is an array of {} elements (indexes 0..{})", Where(parent), node.size(),
                       node.empty() ? 0 : node.size() - 1);
  return fmt::format("{} is a {}, not an object or array", Where(parent), node.type_name());
}

Result<Reading> Extract(const json& doc, const std::string& pointer) {
  json::json_pointer ptr(pointer);  // throws parse_error on a malformed pointer
  if (!doc.contains(ptr)) {
    // The prefixes of the pointer, shortest first; the last one that exists is reported.
    std::vector<json::json_pointer> chain;
    for (json::json_pointer p = ptr; !p.empty(); p = p.parent_pointer()) chain.push_back(p);
    std::reverse(chain.begin(), chain.end());
    json::json_pointer parent;
    for (const auto& p : chain) {
      if (!doc.contains(p)) break;
      parent = p;
    }
    return Status::InvalidInput(fmt::format("JSON pointer {} not found; {}", pointer,
                                            DescribeParent(doc.at(parent), parent)));
  }
  const json& v = doc.at(ptr);
  std::optional<double> value;
  if (v.is_number()) {
    value = v.get<double>();
  } else if (v.is_string()) {
    value = ParseDouble(Trim(v.get_ref<const std::string&>()));
    if (!value)
      return Status::InvalidInput(fmt::format("value at {} is the string {}; expected a number",
                                              Where(ptr), Snippet(v.dump(), 60)));
  } else {
    std::string kind = v.is_null()      ? "null"
                       : v.is_boolean() ? "a boolean (" + v.dump() + ")"
                                        : std::string("an ") + v.type_name();
    return Status::InvalidInput(
        fmt::format("value at {} is {}; expected a number", Where(ptr), kind));
  }
  if (!std::isfinite(*value))
    return Status::InvalidInput(
        fmt::format("value at {} is {}; expected a finite number", Where(ptr), *value));
  return Reading{*value, false};
}

}  // namespace

Result<Reading> ParseJsonPointerValue(std::string_view body, const std::string& pointer) {
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::exception& e) {
    // The parser's reason (a syntax error's place, or "number overflow parsing '1e999'" in an
    // otherwise valid document), without nlohmann's "[json.exception...] " prefix.
    std::string why = e.what();
    if (const size_t at = why.find("] ");
        why.rfind("[json.exception.", 0) == 0 && at != std::string::npos)
      why.erase(0, at + 2);
    return Status::InvalidInput(fmt::format("response is not JSON ({}): {}", why, Snippet(body)));
  }
  try {
    return Extract(doc, pointer);
  } catch (const json::exception& e) {
    // Only a malformed pointer gets here ("queue/depth" without the leading '/', "/a~2").
    return Status::InvalidInput(fmt::format(
        "JSON pointer \"{}\" is malformed (RFC 6901, e.g. /queue/depth): {}", pointer, e.what()));
  }
}

HttpJsonSource::HttpJsonSource(std::string url, std::string pointer, platform::HttpClient* http,
                               double timeout)
    : url_(std::move(url)), pointer_(std::move(pointer)), http_(http), timeout_(timeout) {}

Result<Reading> HttpJsonSource::Fetch(double now) {
  platform::HttpRequest req;
  req.url = url_;
  req.timeout = timeout_;
  req.headers["Accept"] = "application/json";
  auto resp = http_->Do(req);
  if (!resp.ok()) return resp.status();
  if (resp->status < 200 || resp->status >= 300)
    return Status::Runtime(
        fmt::format("HTTP {} from {}: {}", resp->status, url_, Snippet(resp->body)));
  return ParseJsonPointerValue(resp->body, pointer_);
}

std::string HttpJsonSource::Describe() const {
  return fmt::format("http_json {} at {}", pointer_, url_);
}

}  // namespace tide::sources
