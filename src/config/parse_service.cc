// parse_service.cc: the top-level settings of the live controller (`tide run`): its HTTP
// API (`api:`) and how long the store keeps metric history (`retention:`).
#include <fmt/format.h>

#include <algorithm>

#include "config/parse.h"
#include "core/duration.h"

namespace tide::config::internal {
namespace {

// The token is a secret: problems about it never show its value.
bool ReadToken(Reader& r, const Field& f, std::string* out) {
  if (!f.present) return true;
  Reader probe("");
  if (probe.ReadString(f, out)) {
    const bool visible = std::all_of(out->begin(), out->end(), [](char c) {
      return static_cast<unsigned char>(c) > ' ' && static_cast<unsigned char>(c) < 0x7f;
    });
    if (visible) return true;
    out->clear();
    r.Add(f.mark, f.path, "",
          "expected visible ASCII characters without spaces (it is sent as "
          "'Authorization: Bearer TOKEN'); the value is not shown");
    return false;
  }
  for (const Problem& p : probe.TakeSorted())
    r.Add({p.line, p.column}, p.key_path, "", p.allowed + "; the value is not shown");
  return false;
}

// Reports `shorter` > `longer` (both read): at `shorter` when it was given, else at `longer`
// (two defaults are always in order).
void CheckNotLonger(Reader& r, const Field& shorter, double a, const Field& longer, double b) {
  if (a <= b) return;
  if (shorter.present) {
    r.Fail(shorter, fmt::format("must be <= {} ({}{})", longer.path, FormatDuration(b),
                                longer.present ? "" : ", the default"));
  } else {
    r.Fail(longer, fmt::format("must be >= {} ({}, the default)", shorter.path, FormatDuration(a)));
  }
}

}  // namespace

void ParseApi(Reader& r, const Field& f, Api* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"listen", "token"});
  const Field listen = m.Get("listen");
  const Field token = m.Get("token");
  if (listen.present) out->listen_mark = listen.mark;
  HostPort hp;
  const bool listen_ok =
      ReadHostPort(r, listen, 0, "127.0.0.1:8080 or [::1]:8080", &out->listen, &hp);
  ReadToken(r, token, &out->token);
  // Whoever reaches the API can change capacities: beyond this machine it needs a token.
  if (listen.present && listen_ok && !token.present && !IsLoopbackHost(hp.host)) {
    r.Fail(listen,
           "a non-loopback host requires api.token; without a token, allowed hosts: "
           "127.0.0.0/8, ::1, localhost");
  }
}

void ParseRetention(Reader& r, const Field& f, StoreRetention* out) {
  MapFields m(r, f);
  if (!m.ok()) return;
  m.CheckKeys({"raw", "minute", "total"});
  const Field raw = m.Get("raw");
  const Field minute = m.Get("minute");
  const Field total = m.Get("total");
  const bool raw_ok = r.ReadDuration(raw, Bound::kPositive, &out->raw);
  const bool minute_ok = r.ReadDuration(minute, Bound::kPositive, &out->minute);
  const bool total_ok = r.ReadDuration(total, Bound::kPositive, &out->total);
  // Each tier is kept at most as long as the next one: raw <= minute <= total.
  if (raw_ok && minute_ok) CheckNotLonger(r, raw, out->raw, minute, out->minute);
  if (minute_ok && total_ok) CheckNotLonger(r, minute, out->minute, total, out->total);
}

}  // namespace tide::config::internal
