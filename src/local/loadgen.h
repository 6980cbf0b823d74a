// loadgen.h: `tide load` — replays a trace's request rate against a URL, compressed in time,
// open loop: arrivals follow the trace whatever the server does (Poisson or evenly spaced),
// and each request's latency counts from its scheduled arrival, so a slow server cannot slow
// the load down and hide its own queueing (no coordinated omission).
//
// Time: trace second tau is replayed at real second (tau - from) / speedup, and the rate of
// row i is value_i x scale x speedup requests per second: the trace's requests (x scale)
// arrive in 1/speedup of the time.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "sim/trace.h"

namespace tide::local {

// The highest request rate `tide load` replays (trace value x scale x speedup), in requests
// per second: far above what one machine's client can send, low enough that a typo in a trace
// is refused instead of filling memory with arrivals waiting for a connection.
inline constexpr double kMaxLoadRate = 1e6;

struct LoadOptions {
  std::string target;         // http://HOST:PORT[/PATH]
  double speedup = 1;         // > 0
  double scale = 1;           // multiplies the trace's values; > 0
  double from = -1;           // trace time to start at; < 0 = the trace's start
  double duration = -1;       // trace seconds to replay; < 0 = to the end
  bool poisson = true;        // false: evenly spaced arrivals
  unsigned long long seed = 1;
  int max_connections = 512;  // open at once; beyond, a request waits for a free one
  double timeout = 30;        // seconds per request, from its scheduled arrival
  double progress_every = 10; // seconds between progress lines (<= 0: none)
  std::function<void(const std::string&)> progress;  // receives progress lines
};

struct LoadReport {
  long long sent = 0;
  long long ok = 0;          // 2xx
  long long errors = 0;      // transport failures, timeouts and 5xx
  std::map<int, long long> statuses;  // HTTP status -> count (0 = transport failure)
  double wall_seconds = 0;
  // Seconds, over the answered requests only; NaN when none was answered (printed n/a, JSON
  // null), never a 0 that would read as fast.
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
  int connections = 0;       // opened in total
  int interrupted_by = 0;    // SIGINT or SIGTERM ended the replay early (0: it ran to the end)
  int unanswered = 0;        // requests still in flight when a second signal stopped the wait
  std::vector<std::string> first_errors;  // the first few transport errors, for diagnosis
};

// Host, port and path of an http:// URL; InvalidInput naming the URL otherwise.
struct HttpTarget {
  std::string host;
  int port = 80;
  std::string path = "/";
};
Result<HttpTarget> ParseHttpTarget(const std::string& url);

// Blocking: replays and returns the report. Bad options are InvalidInput naming them.
Result<LoadReport> ReplayLoad(const sim::Trace& trace, const LoadOptions& options);

// The report as text lines (for the CLI) and as JSON text.
std::string FormatLoadReport(const LoadReport& r);
std::string LoadReportJson(const LoadReport& r);

}  // namespace tide::local
