#include "core/exposition.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

namespace tide {
namespace {

// HELP text escapes only backslash and newline; label values also escape the double quote.
void AppendEscaped(std::string_view s, bool quote, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '"':
        if (quote) {
          out->append("\\\"");
        } else {
          out->push_back(c);
        }
        break;
      default:
        out->push_back(c);
        break;
    }
  }
}

// Sample values and `le` bounds: NaN, +Inf, -Inf; integral values without an exponent (up to
// 1e18, which int64 holds exactly: 3 -> "3", 1e16 -> "10000000000000000"); anything else
// in the shortest form that reads back to the same double (0.005 -> "0.005").
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::trunc(v) && std::fabs(v) < 1e18) {
    return fmt::format("{}", static_cast<long long>(v));  // also turns -0 into "0"
  }
  return fmt::format("{}", v);
}

// `{a="1",b="x"}` from the sorted labels plus an optional trailing `le`; nothing when empty.
void AppendLabels(const std::map<std::string, std::string>& labels, const std::string* le,
                  std::string* out) {
  if (labels.empty() && le == nullptr) return;
  out->push_back('{');
  bool first = true;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!first) out->push_back(',');
    first = false;
    out->append(k);
    out->append("=\"");
    AppendEscaped(v, /*quote=*/true, out);
    out->push_back('"');
  };
  for (const auto& [k, v] : labels) add(k, v);
  if (le != nullptr) add("le", *le);
  out->push_back('}');
}

void AppendSample(std::string_view name, const std::map<std::string, std::string>& labels,
                  const std::string* le, std::string_view value, std::string* out) {
  out->append(name);
  AppendLabels(labels, le, out);
  out->push_back(' ');
  out->append(value);
  out->push_back('\n');
}

void AppendHistogram(const MetricFamily& f, const HistogramPoint& h, std::string* out) {
  const std::string bucket = f.name + "_bucket";
  for (size_t i = 0; i < h.bounds.size(); ++i) {
    const std::string le = FormatValue(h.bounds[i]);
    const unsigned long long n = i < h.counts.size() ? h.counts[i] : h.count;
    AppendSample(bucket, h.labels, &le, fmt::format("{}", n), out);
  }
  const std::string inf = "+Inf";
  AppendSample(bucket, h.labels, &inf, fmt::format("{}", h.count), out);
  AppendSample(f.name + "_sum", h.labels, nullptr, FormatValue(h.sum), out);
  AppendSample(f.name + "_count", h.labels, nullptr, fmt::format("{}", h.count), out);
}

}  // namespace

std::string FormatExposition(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    out.append("# HELP ").append(f.name).push_back(' ');
    AppendEscaped(f.help, /*quote=*/false, &out);
    out.push_back('\n');
    out.append("# TYPE ").append(f.name).push_back(' ');
    out.append(f.type.empty() ? "untyped" : f.type).push_back('\n');
    for (const MetricPoint& p : f.points) {
      AppendSample(f.name, p.labels, nullptr, FormatValue(p.value), &out);
    }
    for (const HistogramPoint& h : f.histograms) AppendHistogram(f, h, &out);
  }
  return out;
}

}  // namespace tide
