// cmd_status.cc: `tide status` and `tide explain GROUP` — read a running daemon's API.
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "core/duration.h"
#include "platform/http_client.h"

namespace tide::app {
namespace {

Result<nlohmann::json> GetJson(const ClientArgs& a, const std::string& path) {
  auto http = platform::MakeCurlHttpClient();
  platform::HttpRequest req;
  req.url = a.server + path;
  req.timeout = 5;
  if (!a.token.empty()) req.headers["Authorization"] = "Bearer " + a.token;
  auto resp = http->Do(req);
  if (!resp.ok()) {
    return Status::Runtime(fmt::format("cannot reach tide at {}: {}", a.server, resp.status().message()));
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (resp->status == 404) {
    return Status::NotFound(j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "not found");
  }
  if (resp->status != 200 || j.is_discarded()) {
    return Status::Runtime(fmt::format("{}{}: HTTP {}: {}", a.server, path, resp->status, resp->body.substr(0, 300)));
  }
  return j;
}

std::string Str(const nlohmann::json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  // A reading such as 11.99980798507593 reads as 12 (5 significant digits); JSON keeps all.
  if (j.is_number_float()) return fmt::format("{:.5g}", j.get<double>());
  return j.dump();
}

}  // namespace

Status RunStatus(const ClientArgs& a) {
  auto groups = GetJson(a, "/api/v1/groups");
  if (!groups.ok()) return groups.status();
  std::printf("%-24s %8s %8s %6s %6s  %-22s %s\n", "GROUP", "DESIRED", "CURRENT", "READY", "PAUSED", "REASON", "METRICS");
  for (const auto& g : *groups) {
    std::string metrics;
    for (const auto& m : g["metrics"]) {
      metrics += fmt::format("{}{}={}", metrics.empty() ? "" : " ", Str(m["name"]),
                             m["failing"].get<bool>() ? "FAILING" : Str(m["value"]));
    }
    const auto& last = g["last_decision"];
    std::printf("%-24s %8s %8s %6s %6s  %-22s %s\n", Str(g["name"]).c_str(), Str(g["desired"]).c_str(),
                Str(g["current"]).c_str(), Str(g["ready"]).c_str(), g["paused"].get<bool>() ? "yes" : "no",
                last.is_null() ? "-" : Str(last["reason"]).c_str(), metrics.c_str());
    // provider local: where clients send requests, and the pool behind it.
    if (g.contains("endpoint") && g["endpoint"].is_string())
      std::printf("%-24s %s\n", "", Str(g["actuator"]).c_str());
  }
  return Status::Ok();
}

Status RunExplain(const ClientArgs& a, const std::string& group, int n) {
  auto g = GetJson(a, "/api/v1/groups/" + group + "?decisions=" + std::to_string(n));
  if (!g.ok()) return g.status();
  const auto& j = *g;
  std::printf("group %s: desired %s, current %s, ready %s%s\n", Str(j["name"]).c_str(), Str(j["desired"]).c_str(),
              Str(j["current"]).c_str(), Str(j["ready"]).c_str(), j["paused"].get<bool>() ? " (paused)" : "");
  for (const auto& d : j["decisions"]) {
    std::printf("\n%s  %s\n", FormatTimestamp(d.value("at", 0.0)).c_str(), Str(d["message"]).c_str());
    std::printf("  reason %s, limited by %s; min %s max %s\n", Str(d["reason"]).c_str(), Str(d["limited_by"]).c_str(),
                Str(d["min"]).c_str(), Str(d["max"]).c_str());
    if (d.contains("stages")) {
      const auto& s = d["stages"];
      std::printf("  stages: recommended %s -> panic %s -> stabilized %s -> rate-limited %s -> cooldown %s -> %s\n",
                  Str(s["recommended"]).c_str(), Str(s["after_panic"]).c_str(), Str(s["stabilized"]).c_str(),
                  Str(s["rate_limited"]).c_str(), Str(s["after_cooldown"]).c_str(), Str(d["desired"]).c_str());
    }
    if (d.contains("proposals")) {
      for (const auto& p : d["proposals"]) {
        std::printf("  policy %-20s %-16s proposes %-5s (metric %s, %s)\n", Str(p["policy"]).c_str(),
                    Str(p["type"]).c_str(), Str(p["desired"]).c_str(), Str(p["metric_value"]).c_str(),
                    Str(p["status"]).c_str());
      }
    }
  }
  return Status::Ok();
}

}  // namespace tide::app
