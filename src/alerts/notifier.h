// notifier.h: delivers alert changes to the configured receivers — a webhook (one JSON
// object per firing or resolved alert) and an Alertmanager through its v2 API
// (POST /api/v2/alerts) — from a background thread, so that a slow receiver never delays
// an evaluation. Alertmanager expects firing alerts to be re-sent: MaybeResend sends every
// open alert again each resend_interval with endsAt = now + 4 x resend_interval (as
// Prometheus does), so that if tide stops, Alertmanager resolves them on its own; a resolved
// alert is sent once with endsAt = the time it resolved.
//
// A failed delivery is logged and counted, not retried: the next re-send repeats firing
// alerts; a lost "resolved" lets Alertmanager expire the alert at its endsAt.
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "alerts/rules.h"
#include "config/config.h"
#include "platform/http_client.h"

namespace tide::alerts {

// The API's shape of an alert: {"group","alert","severity","state","since","value","message"}
// (+ "ended" when resolved).
nlohmann::json AlertJson(const Alert& a);

// The Alertmanager v2 body for `alerts` (POST /api/v2/alerts): labels alertname, group,
// severity, service="tide"; annotations summary and value; startsAt; endsAt (resolved:
// when it ended; firing: now + `firing_ttl`); generatorURL.
nlohmann::json AlertmanagerBody(const std::vector<Alert>& alerts, double now, double firing_ttl,
                                const std::string& generator_url);

class Notifier {
 public:
  // `http` is not owned and must outlive the notifier. `log` receives one line per failed
  // delivery (empty: stderr).
  Notifier(config::AlertReceivers receivers, platform::HttpClient* http,
           std::function<void(const std::string&)> log = {});
  ~Notifier();  // delivers what is queued, then stops
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Queues these firing/resolved changes for every receiver.
  void Notify(const std::vector<Alert>& changes, double now);
  // Re-sends `open` to the Alertmanager when resend_interval has passed since the last send.
  void MaybeResend(const std::vector<Alert>& open, double now);
  // Returns once every delivery queued so far has been attempted.
  void Drain();

  long long delivered() const { return delivered_.load(); }
  long long failed() const { return failed_.load(); }

 private:
  void Enqueue(platform::HttpRequest req);
  void Loop();

  const config::AlertReceivers r_;
  platform::HttpClient* const http_;
  std::function<void(const std::string&)> log_;

  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::deque<platform::HttpRequest> queue_;
  int busy_ = 0;
  bool stop_ = false;
  double last_am_send_ = -1e300;
  std::thread thread_;
  std::atomic<long long> delivered_{0}, failed_{0};
};

}  // namespace tide::alerts
