#include "sources/prometheus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sources/number.h"

namespace tide::sources {
namespace {

using nlohmann::json;

// A series' labels as PromQL writes them: {job="api",instance="a:9100"}.
std::string Labels(const json& series) {
  std::string out = "{";
  if (series.is_object() && series.contains("metric") && series["metric"].is_object()) {
    bool first = true;
    for (const auto& [k, v] : series["metric"].items()) {
      out += fmt::format("{}{}=\"{}\"", first ? "" : ",", k,
                         v.is_string() ? v.get<std::string>() : v.dump());
      first = false;
    }
  }
  return out + "}";
}

Status TooManySeries(const json& result) {
  std::string shown;
  for (size_t i = 0; i < result.size() && i < 3; ++i) shown += (i ? ", " : "") + Labels(result[i]);
  if (result.size() > 3) shown += ", ...";
  return Status::InvalidInput(
      fmt::format("query returned {} series ({}); one is needed: aggregate them in the query, e.g. "
                  "sum(...) or max(...)",
                  result.size(), shown));
}

// [<unix_time>, "<value>"] → the value, accepting non-finite values.
Result<double> SampleValue(const json& pair) {
  if (!pair.is_array() || pair.size() != 2 || !pair[1].is_string())
    return Status::InvalidInput("sample is not [<unix_time>, \"<value>\"]: " +
                                Snippet(pair.dump()));
  const std::string& text = pair[1].get_ref<const std::string&>();
  auto v = ParseDouble(text);
  if (!v) return Status::InvalidInput("sample value \"" + Snippet(text) + "\" is not a number");
  return *v;
}

double SampleTime(const json& pair) { return pair[0].is_number() ? pair[0].get<double>() : 0; }

Result<Reading> FiniteReading(const json& pair) {
  auto v = SampleValue(pair);
  if (!v.ok()) return v.status();
  if (std::isnan(*v))
    return Status::InvalidInput(
        "query returned NaN (e.g. 0/0 when a rate has no traffic); "
        "counted as a failed reading");
  if (std::isinf(*v))
    return Status::InvalidInput(
        fmt::format("query returned {}Inf (e.g. a division by zero)", *v > 0 ? "+" : "-"));
  return Reading{*v, false};
}

// Checks the envelope and returns data.result, with data.resultType in `type`.
Result<json> Envelope(std::string_view body, std::string* type) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return Status::InvalidInput("Prometheus response is not JSON: " + Snippet(body));
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string())
    return Status::InvalidInput("not a Prometheus API response (no \"status\"): " + Snippet(body));
  const std::string status = doc["status"].get<std::string>();
  if (status == "error") {
    auto str = [&](const char* k) {
      return doc.contains(k) && doc[k].is_string() ? doc[k].get<std::string>() : "?";
    };
    return Status::Runtime(
        fmt::format("Prometheus error ({}): {}", str("errorType"), str("error")));
  }
  if (status != "success")
    return Status::InvalidInput("Prometheus status \"" + Snippet(status) +
                                "\"; expected \"success\" or \"error\"");
  if (!doc.contains("data") || !doc["data"].is_object() || !doc["data"].contains("result") ||
      !doc["data"].contains("resultType") || !doc["data"]["resultType"].is_string())
    return Status::InvalidInput("Prometheus response has no data.resultType/data.result: " +
                                Snippet(body));
  *type = doc["data"]["resultType"].get<std::string>();
  return std::move(doc["data"]["result"]);
}

}  // namespace

Result<Reading> ParsePrometheusInstant(std::string_view body) {
  std::string type;
  auto result = Envelope(body, &type);
  if (!result.ok()) return result.status();
  const json& r = *result;
  if (type == "scalar") return FiniteReading(r);
  if (type == "vector") {
    if (!r.is_array()) return Status::InvalidInput("vector result is not an array");
    if (r.empty()) return Reading{0, true};
    if (r.size() > 1) return TooManySeries(r);
    if (r[0].is_object() && r[0].contains("histogram"))
      return Status::InvalidInput(
          "query returned a native histogram; reduce it to a number, e.g. "
          "histogram_quantile(0.9, ...) or histogram_count(...)");
    if (!r[0].is_object() || !r[0].contains("value"))
      return Status::InvalidInput("vector sample has no \"value\": " + Snippet(r[0].dump()));
    return FiniteReading(r[0]["value"]);
  }
  if (type == "matrix")
    return Status::InvalidInput(
        "query returned a range vector (matrix); a reading needs an instant vector or a "
        "scalar, e.g. rate(x[5m]) rather than x[5m]");
  return Status::InvalidInput("query returned resultType \"" + Snippet(type) +
                              "\"; expected a scalar or a one-sample vector");
}

Result<std::vector<Sample>> ParsePrometheusRange(std::string_view body) {
  std::string type;
  auto result = Envelope(body, &type);
  if (!result.ok()) return result.status();
  const json& r = *result;
  if (type != "matrix")
    return Status::InvalidInput("range query returned resultType \"" + Snippet(type) +
                                "\"; expected \"matrix\"");
  if (!r.is_array()) return Status::InvalidInput("matrix result is not an array");
  std::vector<Sample> out;
  if (r.empty()) return out;
  if (r.size() > 1) return TooManySeries(r);
  if (!r[0].is_object() || !r[0].contains("values") || !r[0]["values"].is_array())
    return Status::InvalidInput("matrix series has no \"values\" array: " + Snippet(r[0].dump()));
  for (const json& pair : r[0]["values"]) {
    auto v = SampleValue(pair);
    if (!v.ok()) return v.status();
    if (!std::isfinite(*v)) continue;
    out.push_back({SampleTime(pair), *v});
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<TimeRange> SplitRange(double from, double to, double step, int max_points) {
  std::vector<TimeRange> out;
  if (!(step > 0) || max_points < 1) return out;
  // Chunk k starts at from + k * max_points * step: multiplying (not adding repeatedly)
  // keeps every start exactly on the evaluation grid.
  for (long long k = 0;; ++k) {
    double start = from + static_cast<double>(k) * max_points * step;
    if (start > to) break;
    out.push_back({start, std::min(to, start + (max_points - 1) * step)});
  }
  return out;
}

PrometheusSource::PrometheusSource(std::string base_url, std::string query,
                                   platform::HttpClient* http, double timeout)
    : base_url_(std::move(base_url)), query_(std::move(query)), http_(http), timeout_(timeout) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string PrometheusSource::InstantUrl(double now) const {
  return fmt::format("{}/api/v1/query?query={}&time={:.3f}", base_url_, UrlEncode(query_), now);
}

std::string PrometheusSource::RangeUrl(double start, double end, double step) const {
  return fmt::format("{}/api/v1/query_range?query={}&start={:.3f}&end={:.3f}&step={}", base_url_,
                     UrlEncode(query_), start, end, step);
}

Result<std::string> PrometheusSource::Get(const std::string& url) const {
  platform::HttpRequest req;
  req.url = url;
  req.timeout = timeout_;
  auto resp = http_->Do(req);
  if (!resp.ok()) return resp.status();
  if (resp->status >= 200 && resp->status < 300) return std::move(resp->body);
  // Prometheus answers 400/422/503 with its error envelope: its message is the useful one.
  std::string type;
  auto parsed = Envelope(resp->body, &type);
  if (!parsed.ok() && parsed.status().code() == StatusCode::kRuntime)
    return Status::Runtime(parsed.status().message() + fmt::format(" (HTTP {})", resp->status));
  return Status::Runtime(
      fmt::format("HTTP {} from {}: {}", resp->status, url, Snippet(resp->body)));
}

Result<Reading> PrometheusSource::Fetch(double now) {
  auto body = Get(InstantUrl(now));
  if (!body.ok()) return body.status();
  return ParsePrometheusInstant(*body);
}

Result<std::vector<Sample>> PrometheusSource::History(double from, double to, double step) {
  if (!(step > 0))
    return Status::InvalidInput(fmt::format("history step = {}, must be > 0 seconds", step));
  std::vector<Sample> all;
  for (const TimeRange& range : SplitRange(from, to, step)) {
    auto body = Get(RangeUrl(range.start, range.end, step));
    if (!body.ok()) return body.status();
    auto samples = ParsePrometheusRange(*body);
    if (!samples.ok()) return samples.status();
    all.insert(all.end(), samples->begin(), samples->end());
  }
  return all;
}

std::string PrometheusSource::Describe() const {
  return fmt::format("prometheus {} at {}", query_, base_url_);
}

}  // namespace tide::sources
