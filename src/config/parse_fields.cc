// parse_fields.cc: checks shared by the section parsers — keys that depend on a map's type,
// URLs, host:port addresses and JSON pointers.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "config/parse.h"

namespace tide::config::internal {
namespace {

bool Contains(const std::vector<std::string_view>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A DNS name or an IPv4 address: [A-Za-z0-9._-]+.
bool IsHostName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '.' || c == '-' ||
           c == '_';
  });
}

// What goes between the brackets of an IPv6 host: hex digits, ':' (at least one) and '.'.
bool IsIpv6Body(std::string_view s) {
  return s.find(':') != std::string_view::npos && std::all_of(s.begin(), s.end(), [](char c) {
           return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                  c == '.';
         });
}

}  // namespace

void CheckTypedKeys(Reader& r, const MapFields& m, std::string_view type,
                    const std::vector<TypedKey>& keys, bool type_is_default) {
  const std::string label = fmt::format("type {}{}", type, type_is_default ? " (the default)" : "");
  std::vector<std::string_view> allowed;
  for (const TypedKey& k : keys)
    if (k.types.empty() || Contains(k.types, type)) allowed.push_back(k.key);
  for (const auto& [key, mark] : m.Keys()) {
    if (Contains(allowed, key)) continue;
    const auto other = std::find_if(keys.begin(), keys.end(),
                                    [&, &key = key](const TypedKey& k) { return k.key == key; });
    if (other != keys.end()) {
      r.Add(mark, m.self().Child(key), "",
            fmt::format("{} is only for type{} {}; allowed with {}: {}", key,
                        other->types.size() > 1 ? "s" : "", JoinNames(other->types), label,
                        JoinNames(allowed)));
    } else {
      r.Add(mark, m.self().Child(key), "",
            fmt::format("unknown key '{}'; allowed with {}: {}{}", key, label, JoinNames(allowed),
                        Suggestion(key, allowed)));
    }
  }
}

std::optional<HostPort> ParseHostPort(std::string_view text) {
  HostPort out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    const std::string_view host = text.substr(1, close - 1);
    if (!IsIpv6Body(host)) return std::nullopt;
    out.host = std::string(host);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view host = text.substr(0, colon);
    if (!IsHostName(host)) return std::nullopt;  // also rejects an unbracketed IPv6 address
    out.host = std::string(host);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit))
    return std::nullopt;
  std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (out.port > 65535) return std::nullopt;
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "localhost" || lower == "::1") return true;
  // 127.0.0.0/8: four decimal octets <= 255, the first 127.
  int octets = 0;
  int first = -1;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    const std::string_view part = host.substr(start, dot - start);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), IsDigit))
      return false;
    int v = 0;
    std::from_chars(part.data(), part.data() + part.size(), v);
    if (v > 255) return false;
    if (octets++ == 0) first = v;
    start = dot + 1;
  }
  return octets == 4 && first == 127;
}

bool IsHttpUrl(std::string_view text) {
  size_t scheme = 0;
  if (text.rfind("http://", 0) == 0)
    scheme = 7;
  else if (text.rfind("https://", 0) == 0)
    scheme = 8;
  else
    return false;
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '\x7f'; }))
    return false;
  std::string_view authority = text.substr(scheme);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const size_t at = authority.rfind('@');  // user:password@host
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return false;
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']')
    return IsIpv6Body(authority.substr(1, authority.size() - 2));
  if (authority.front() != '[' && authority.find(':') == std::string_view::npos)
    return IsHostName(authority);
  const std::optional<HostPort> hp = ParseHostPort(authority);
  return hp && hp->port > 0;
}

bool IsJsonPointer(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() != '/') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '~' && (i + 1 == text.size() || (text[i + 1] != '0' && text[i + 1] != '1')))
      return false;
  }
  return true;
}

bool ReadHttpUrl(Reader& r, const Field& f, std::string_view example, std::string* out) {
  if (!f.present) return true;
  std::string text;
  if (!r.ReadString(f, &text)) return false;
  if (!IsHttpUrl(text))
    return r.Fail(f,
                  fmt::format("expected an http:// or https:// URL with a host, e.g. {}", example));
  *out = std::move(text);
  return true;
}

bool ReadHostPort(Reader& r, const Field& f, int min_port, std::string_view example,
                  std::string* out, HostPort* parts) {
  if (!f.present) return true;
  std::string text;
  if (!r.ReadString(f, &text)) return false;
  const std::optional<HostPort> hp = ParseHostPort(text);
  if (!hp || hp->port < min_port) {
    return r.Fail(f, fmt::format("expected host:port with a port in [{}, 65535]{}, e.g. {}",
                                 min_port, min_port == 0 ? " (0 = any free port)" : "", example));
  }
  *out = std::move(text);
  if (parts != nullptr) *parts = *hp;
  return true;
}

}  // namespace tide::config::internal
