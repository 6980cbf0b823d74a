// http_json.h: a number picked out of any JSON document served over HTTP (a queue's stats
// endpoint, an app's /metrics.json) by an RFC 6901 JSON pointer. Pure extraction + thin GET.
#pragma once

#include <string>
#include <string_view>

#include "sources/source.h"

namespace tide::sources {

// The value at `pointer` ("/queue/depth", "" for the whole document) in the JSON `body`:
// a number, or a string holding a number ("42", "1.5e3"), → its value. Everything else is
// InvalidInput: a body that is not JSON, a malformed pointer, a pointer that resolves to
// nothing (naming the deepest part that exists and the keys present there), a value of
// another kind (naming its kind), a non-finite number.
Result<Reading> ParseJsonPointerValue(std::string_view body, const std::string& pointer);

class HttpJsonSource : public MetricSource {
 public:
  // `http` is not owned and must outlive the source; `timeout` (seconds) bounds each request.
  HttpJsonSource(std::string url, std::string pointer, platform::HttpClient* http, double timeout);

  // GET url; a non-2xx status → Runtime "HTTP 503 from <url>: <start of the body>".
  Result<Reading> Fetch(double now) override;
  std::string Describe() const override;

 private:
  std::string url_;
  std::string pointer_;
  platform::HttpClient* http_;
  double timeout_;
};

}  // namespace tide::sources
