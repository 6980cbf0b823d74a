// prometheus.h: a metric read from Prometheus's HTTP API (instant queries for readings,
// range queries for backfill). The parsers are pure and tested on captured responses; the
// reader only builds URLs and moves bytes through the injected HttpClient.
//
// Response shape (https://prometheus.io/docs/prometheus/latest/querying/api/):
//   {"status":"success","data":{"resultType":"vector","result":[
//       {"metric":{"job":"api"},"value":[1700000000.123,"42.5"]}]}}
//   scalar: "result":[1700000000.123,"42.5"]      matrix: [{"metric":{..},"values":[[t,"v"],..]}]
//   error:  {"status":"error","errorType":"bad_data","error":"parse error at char 5: ..."}
// Sample values are strings and may be "NaN", "+Inf" or "-Inf".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sources/source.h"

namespace tide::sources {

// Prometheus refuses a range query whose series would exceed this many points ("exceeded
// maximum resolution of 11,000 points per timeseries").
inline constexpr int kPrometheusMaxPoints = 11000;

// An instant-query body → one reading:
//   scalar, or a vector with exactly one sample → its value;
//   an empty vector → Reading{no_data = true} (the series does not exist right now);
//   several series → InvalidInput naming how many (aggregate with sum() or max());
//   "NaN", "+Inf", "-Inf" → InvalidInput, so the controller counts the reading as failed;
//   {"status":"error"} → Runtime with its errorType and error;
//   a matrix, a string or anything not shaped as above → InvalidInput saying what was found.
Result<Reading> ParsePrometheusInstant(std::string_view body);

// A range-query body (a matrix with zero or one series) → its samples in time order.
// Non-finite samples ("NaN" from 0/0 at some steps) are skipped: they are gaps, not values.
// Several series → InvalidInput; errors as in ParsePrometheusInstant.
Result<std::vector<Sample>> ParsePrometheusRange(std::string_view body);

// Percent-encodes everything except RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~),
// so a PromQL expression survives as one query parameter: "sum(rate(x[1m]))" →
// "sum%28rate%28x%5B1m%5D%29%29".
std::string UrlEncode(std::string_view text);

struct TimeRange {
  double start = 0;
  double end = 0;
};

// Splits [from, to] evaluated every `step` seconds into consecutive ranges of at most
// `max_points` evaluation points each, staying on the grid from + k * step (the next
// range starts one step after the previous end). Worked numbers: from 0, to 30000, step 1,
// max 11000 → [0, 10999], [11000, 21999], [22000, 30000]. REQUIRES: step > 0, max_points >= 1.
// from > to → no ranges.
std::vector<TimeRange> SplitRange(double from, double to, double step,
                                  int max_points = kPrometheusMaxPoints);

class PrometheusSource : public MetricSource {
 public:
  // `base_url` is the server root ("http://127.0.0.1:9090"); `http` is not owned and must
  // outlive the source; `timeout` (seconds) bounds each HTTP request.
  PrometheusSource(std::string base_url, std::string query, platform::HttpClient* http,
                   double timeout);

  // GET {base}/api/v1/query?query=<encoded>&time=<now>.
  Result<Reading> Fetch(double now) override;
  // GET {base}/api/v1/query_range?query=..&start=..&end=..&step=.., one request per
  // SplitRange chunk, concatenated. REQUIRES: step > 0 (else InvalidInput).
  Result<std::vector<Sample>> History(double from, double to, double step) override;
  std::string Describe() const override;

  std::string InstantUrl(double now) const;
  std::string RangeUrl(double start, double end, double step) const;

 private:
  // The body of a successful exchange, or the error: transport failures as they come from
  // the client, a non-2xx status as its Prometheus error message or "HTTP 503 from URL".
  Result<std::string> Get(const std::string& url) const;

  std::string base_url_;
  std::string query_;
  platform::HttpClient* http_;
  double timeout_;
};

}  // namespace tide::sources
