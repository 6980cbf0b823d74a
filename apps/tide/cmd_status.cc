// cmd_status.cc: `tide status` and `tide explain GROUP` — read a running daemon's API.
#include <fmt/format.h>
#include <fmt/printf.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "commands.h"
#include "config/config.h"  // IsValidName: the group name rule
#include "core/duration.h"
#include "platform/http_client.h"
#include "sources/prometheus.h"  // UrlEncode: the group name as one path segment

namespace tide::app {
namespace {

// `--server` with or without a trailing slash.
std::string BaseUrl(const ClientArgs& a) {
  std::string base = a.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<nlohmann::json> GetJson(const ClientArgs& a, const std::string& path) {
  auto http = platform::MakeCurlHttpClient();
  platform::HttpRequest req;
  req.url = BaseUrl(a) + path;
  req.timeout = 5;
  if (!a.token.empty()) req.headers["Authorization"] = "Bearer " + a.token;
  auto resp = http->Do(req);
  if (!resp.ok()) {
    return Status::Runtime(
        fmt::format("cannot reach tide at {}: {}", a.server, resp.status().message()));
  }
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (resp->status == 404) {
    return Status::NotFound(j.is_object() && j.contains("error") && j["error"].is_string()
                                ? j["error"].get<std::string>()
                                : fmt::format("{}: not found (HTTP 404)", req.url));
  }
  if (resp->status == 200 && j.is_discarded()) {
    return Status::Runtime(fmt::format("{}: the answer is not JSON (HTTP 200): {}", req.url,
                                       resp->body.substr(0, 300)));
  }
  if (resp->status != 200 || j.is_discarded()) {
    return Status::Runtime(
        fmt::format("{}: HTTP {}: {}", req.url, resp->status, resp->body.substr(0, 300)));
  }
  return j;
}

// An answer of the wrong shape (another server, another version) is a runtime failure with
// the URL, never an abort on a JSON type error.
Status NotTideAnswer(const ClientArgs& a, const std::string& path, const std::exception& e) {
  return Status::Runtime(fmt::format("{}{}: the answer is not what tide's API returns ({})",
                                     BaseUrl(a), path, e.what()));
}

bool Flag(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
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
  std::string out;  // printed whole once the answer has been read: never half a table
  const std::string path = "/api/v1/groups";
  auto groups = GetJson(a, path);
  if (!groups.ok()) return groups.status();
  if (!groups->is_array())
    return NotTideAnswer(a, path, std::runtime_error("not a list of groups"));
  try {
    out += fmt::sprintf("%-24s %8s %8s %6s %6s  %-22s %s\n", "GROUP", "DESIRED", "CURRENT", "READY",
                        "PAUSED", "REASON", "METRICS");
    for (auto& g : *groups) {
      if (!g.is_object() || !g.contains("name") || !g["name"].is_string()) {
        return NotTideAnswer(a, path, std::runtime_error("a group without a name"));
      }
      // A list of other objects that happen to have a name printed as a row of dashes.
      if (!g.contains("current") || !g.contains("metrics") || !g["metrics"].is_array()) {
        return NotTideAnswer(a, path, std::runtime_error("a group without current or metrics"));
      }
      std::string metrics;
      for (auto& m : g["metrics"]) {
        metrics += fmt::format("{}{}={}", metrics.empty() ? "" : " ", Str(m["name"]),
                               Flag(m, "failing") ? "FAILING" : Str(m["value"]));
      }
      auto& last = g["last_decision"];
      out += fmt::sprintf("%-24s %8s %8s %6s %6s  %-22s %s\n", Str(g["name"]).c_str(),
                          Str(g["desired"]).c_str(), Str(g["current"]).c_str(),
                          Str(g["ready"]).c_str(), Flag(g, "paused") ? "yes" : "no",
                          last.is_null() ? "-" : Str(last["reason"]).c_str(), metrics.c_str());
      // provider local: where clients send requests, and the pool behind it.
      if (g.contains("endpoint") && g["endpoint"].is_string())
        out += fmt::sprintf("%-24s %s\n", "", Str(g["actuator"]).c_str());
    }
  } catch (const nlohmann::json::exception& e) {
    return NotTideAnswer(a, path, e);
  }
  std::fputs(out.c_str(), stdout);
  return Status::Ok();
}

Status RunExplain(const ClientArgs& a, const std::string& group, int n) {
  // Checked here, as bad arguments are (exit 2): the server's answer was printed raw (exit 1),
  // and a name with '/' reached another endpoint.
  if (!config::IsValidName(group)) {
    return Status::InvalidInput(
        fmt::format("group: bad value '{}': allowed: {}", group, config::kValidNameRule));
  }
  if (n < 0) {
    return Status::InvalidInput(fmt::format(
        "--decisions: bad value '{}': allowed: 0 or more (the server returns at most 1000)", n));
  }
  std::string out;  // printed whole once the answer has been read: never half a table
  const std::string path =
      "/api/v1/groups/" + sources::UrlEncode(group) + "?decisions=" + std::to_string(n);
  auto g = GetJson(a, path);
  if (!g.ok()) return g.status();
  auto& j = *g;
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) {
    return NotTideAnswer(a, path, std::runtime_error("not a group"));
  }
  try {
    out += fmt::sprintf("group %s: desired %s, current %s, ready %s%s\n", Str(j["name"]).c_str(),
                        Str(j["desired"]).c_str(), Str(j["current"]).c_str(),
                        Str(j["ready"]).c_str(), Flag(j, "paused") ? " (paused)" : "");
    for (auto& d : j["decisions"]) {
      out += fmt::sprintf("\n%s  %s\n", FormatTimestamp(d.value("at", 0.0)).c_str(),
                          Str(d["message"]).c_str());
      out +=
          fmt::sprintf("  reason %s, limited by %s; min %s max %s\n", Str(d["reason"]).c_str(),
                       Str(d["limited_by"]).c_str(), Str(d["min"]).c_str(), Str(d["max"]).c_str());
      if (d.contains("stages")) {
        auto& s = d["stages"];
        out += fmt::sprintf(
            "  stages: recommended %s -> panic %s -> stabilized %s -> rate-limited %s -> cooldown "
            "%s -> %s\n",
            Str(s["recommended"]).c_str(), Str(s["after_panic"]).c_str(),
            Str(s["stabilized"]).c_str(), Str(s["rate_limited"]).c_str(),
            Str(s["after_cooldown"]).c_str(), Str(d["desired"]).c_str());
      }
      if (d.contains("proposals")) {
        for (auto& p : d["proposals"]) {
          // The note says why a policy proposes nothing ("learning: 3h of 1d history").
          const std::string note =
              p.contains("note") && p["note"].is_string() ? p["note"].get<std::string>() : "";
          out += fmt::sprintf("  policy %-20s %-16s proposes %-5s (metric %s, %s)%s\n",
                              Str(p["policy"]).c_str(), Str(p["type"]).c_str(),
                              Str(p["desired"]).c_str(), Str(p["metric_value"]).c_str(),
                              Str(p["status"]).c_str(), note.empty() ? "" : ": " + note);
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return NotTideAnswer(a, path, e);
  }
  std::fputs(out.c_str(), stdout);
  return Status::Ok();
}

}  // namespace tide::app
