#include "alerts/notifier.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/duration.h"

namespace tide::alerts {

nlohmann::json AlertJson(const Alert& a) {
  nlohmann::json j = {{"group", a.group},       {"alert", a.alert},
                      {"severity", a.severity}, {"state", a.firing ? "firing" : "resolved"},
                      {"since", a.since},       {"value", a.value},
                      {"message", a.message}};
  if (!a.firing) j["ended"] = a.ended;
  return j;
}

nlohmann::json AlertmanagerBody(const std::vector<Alert>& alerts, double now, double firing_ttl,
                                const std::string& generator_url) {
  nlohmann::json body = nlohmann::json::array();
  for (const Alert& a : alerts) {
    body.push_back(
        {{"labels",
          {{"alertname", a.alert},
           {"group", a.group},
           {"severity", a.severity},
           {"service", "tide"}}},
         {"annotations", {{"summary", a.message}, {"value", fmt::format("{:g}", a.value)}}},
         {"startsAt", FormatTimestamp(a.since)},
         {"endsAt", FormatTimestamp(a.firing ? now + firing_ttl : a.ended)},
         {"generatorURL", generator_url}});
  }
  return body;
}

Notifier::Notifier(config::AlertReceivers receivers, platform::HttpClient* http,
                   std::function<void(const std::string&)> log)
    : r_(std::move(receivers)), http_(http), log_(std::move(log)) {
  thread_ = std::thread([this] { Loop(); });
}

Notifier::~Notifier() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Notifier::Enqueue(platform::HttpRequest req) {
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(std::move(req));
  }
  cv_.notify_all();
}

void Notifier::Notify(const std::vector<Alert>& changes, double now) {
  if (changes.empty()) return;
  if (!r_.webhook_url.empty()) {
    for (const Alert& a : changes) {
      nlohmann::json j = AlertJson(a);
      j["at"] = now;
      Enqueue({"POST",
               r_.webhook_url,
               {{"Content-Type", "application/json"}},
               j.dump(),
               r_.webhook_timeout});
    }
  }
  if (!r_.alertmanager_url.empty()) {
    Enqueue({"POST",
             r_.alertmanager_url + "/api/v2/alerts",
             {{"Content-Type", "application/json"}},
             AlertmanagerBody(changes, now, 4 * r_.resend_interval, r_.generator_url).dump(),
             r_.alertmanager_timeout});
  }
}

void Notifier::MaybeResend(const std::vector<Alert>& open, double now) {
  if (r_.alertmanager_url.empty()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (now - last_am_send_ < r_.resend_interval) return;
    last_am_send_ = now;
  }
  if (open.empty()) return;
  Enqueue({"POST",
           r_.alertmanager_url + "/api/v2/alerts",
           {{"Content-Type", "application/json"}},
           AlertmanagerBody(open, now, 4 * r_.resend_interval, r_.generator_url).dump(),
           r_.alertmanager_timeout});
}

void Notifier::Drain() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return queue_.empty() && busy_ == 0; });
}

void Notifier::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued was delivered
    platform::HttpRequest req = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    l.unlock();
    std::string problem;
    auto res = http_->Do(req);
    if (!res.ok()) {
      problem = res.status().message();
    } else if (res->status < 200 || res->status > 299) {
      problem = fmt::format("HTTP {}: {}", res->status, res->body.substr(0, 200));
    }
    if (problem.empty()) {
      delivered_.fetch_add(1);
    } else {
      failed_.fetch_add(1);
      const std::string line =
          fmt::format("tide: alert delivery to {} failed: {}", req.url, problem);
      if (log_) {
        log_(line);
      } else {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
    }
    l.lock();
    --busy_;
    cv_.notify_all();
  }
}

}  // namespace tide::alerts
