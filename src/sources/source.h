// source.h: live metric sources. Each source is a pure parser (tested on captured fixtures)
// plus a thin reader that does the I/O through an injected client. A failure is an error
// value, never a zero: the controller turns it into ObservationStatus::kFailed, and "no
// data" (e.g. an empty Prometheus vector) into kNoData.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "platform/http_client.h"

namespace tide::sources {

struct Reading {
  double value = 0;
  bool no_data = false;  // the source answered but has nothing to measure now
};

struct Sample {
  double at = 0;  // epoch seconds
  double value = 0;
};

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // One reading now. Errors are Runtime (transport, timeout) or InvalidInput (an answer
  // that does not parse, naming what was expected). Called from one thread at a time.
  virtual Result<Reading> Fetch(double now) = 0;
  // History for backfill (Prometheus range queries); others return an empty vector.
  virtual Result<std::vector<Sample>> History(double from, double to, double step) {
    return std::vector<Sample>{};
  }
  // "prometheus sum(rate(x[1m])) at http://127.0.0.1:9090" — for messages and the API.
  virtual std::string Describe() const = 0;
};

// Everything a source may need from the outside world (all owned by the caller).
struct SourceDeps {
  platform::HttpClient* http = nullptr;
  std::string proc_root = "/proc";  // procfs root (tests point it at a fixture tree)
  // Waits between retry attempts (seconds). Tests replace it to record the backoff instead
  // of sleeping. Called from the thread that calls Fetch/History.
  std::function<void(double)> sleep = [](double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  };
};

// Builds the source for a validated metric config ("simulated" is not a live source:
// InvalidInput). Retries with exponential backoff (0.1 s, 0.2 s, ... capped at 2 s) up to
// source.retries extra attempts, each attempt bounded by source.timeout. Only Runtime errors
// (transport, timeouts) are retried; an InvalidInput answer is returned at once. The error
// after several attempts is the last one, prefixed "after N attempts: ". Sources connect
// lazily: building one does no I/O, so tide starts while a backend is down.
Result<std::unique_ptr<MetricSource>> MakeSource(const config::MetricSource& source,
                                                 const SourceDeps& deps);

}  // namespace tide::sources
