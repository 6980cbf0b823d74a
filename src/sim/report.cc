// report.cc: one self-contained HTML page per simulation: inline CSS, an inline SVG chart and
// the figures table. Nothing is fetched from the network and no script runs; every text that
// comes from the user (names, paths, reasons, policy text) is HTML-escaped.
#include "sim/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

#include "core/duration.h"
#include <nlohmann/json.hpp>

namespace tide::sim {
namespace {

// Chart geometry, px. The plot area is [kLeft, kRight] x [kTop, kBottom]; scaling-event
// markers sit in a strip just below it, tick labels below that.
constexpr double kWidth = 1100, kHeight = 420;
constexpr double kLeft = 60, kRight = 1080, kTop = 36, kBottom = 350;
constexpr double kMarkTop = 354, kMarkBottom = 364;
constexpr size_t kMaxMarkers = 300;

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// SVG coordinates with one decimal: enough for a 1100 px chart, and short.
std::string N(double x) { return fmt::format("{:.1f}", x); }

std::string Money(double x) {
  return std::fabs(x) >= 1 || x == 0 ? fmt::format("{:.2f}", x) : fmt::format("{:.4f}", x);
}

std::string Count(double x) {
  if (!std::isfinite(x)) return fmt::format("{}", x);
  const std::string digits = fmt::format("{:.0f}", std::fabs(x));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (x < 0 && digits != "0" ? "-" : "") + out;
}

// The first candidate >= raw, else a 1-2-5 step.
double NiceStep(double raw, std::initializer_list<double> candidates) {
  for (double c : candidates)
    if (c >= raw) return c;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

struct Frame {
  double t0 = 0, t1 = 1, ytop = 1, ystep = 1;
  double X(double t) const {
    return kLeft + std::clamp((t - t0) / (t1 - t0), 0.0, 1.0) * (kRight - kLeft);
  }
  double Y(double v) const { return kBottom - std::clamp(v / ytop, 0.0, 1.0) * (kBottom - kTop); }
};

// A step line through one value per bucket: "M x0 y0 H x1 V y1 H x2 ...".
template <typename F>
std::string StepPath(const std::vector<Bucket>& bs, const std::vector<double>& edges,
                     const Frame& f, F value) {
  std::string d;
  auto out = std::back_inserter(d);
  for (size_t i = 0; i < bs.size(); ++i) {
    if (i == 0)
      fmt::format_to(out, "M{:.1f} {:.1f}", f.X(edges[0]), f.Y(value(bs[0])));
    else
      fmt::format_to(out, "V{:.1f}", f.Y(value(bs[i])));
    fmt::format_to(out, "H{:.1f}", f.X(edges[i + 1]));
  }
  return d;
}

std::string Axes(const Frame& f, double step_seconds) {
  std::string s;
  // y: units, 1-2-5 steps of at least one unit.
  for (double v = 0; v <= f.ytop + 1e-9; v += f.ystep) {
    s += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", N(kLeft),
                     N(f.Y(v)), N(kRight), N(f.Y(v)));
    s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{:g}</text>",
                     N(kLeft - 6), N(f.Y(v) + 4), v);
  }
  s += fmt::format(
      "<text class=\"axis\" transform=\"translate(16 {}) rotate(-90)\" "
      "text-anchor=\"middle\">units</text>",
      N((kTop + kBottom) / 2));
  // x: hours since the start for spans up to two days, days beyond.
  const double span = f.t1 - f.t0;
  const bool days = span > 2 * 86400;
  const double unit = days ? 86400 : 3600;
  const double xstep = days ? NiceStep(span / unit / 10, {0.5, 1, 2, 5, 7, 14, 28, 56, 91})
                            : NiceStep(span / unit / 10, {0.05, 0.1, 0.25, 0.5, 1, 2, 3, 6, 12});
  for (double k = 0; k * xstep * unit <= span * (1 + 1e-9); ++k) {
    const double x = f.X(f.t0 + k * xstep * unit);
    s += fmt::format("<line class=\"tickmark\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", N(x),
                     N(kBottom), N(kBottom + 3));
    s += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{:g}</text>",
                     N(x), N(kMarkBottom + 18), std::round(k * xstep * 1000) / 1000);
  }
  s += fmt::format(
      "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} since the "
      "start of the chart (trace second {:g}; one step = {})</text>",
      N((kLeft + kRight) / 2), N(kHeight - 10), days ? "days" : "hours", f.t0,
      Esc(FormatDuration(step_seconds)));
  s += fmt::format("<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", N(kLeft),
                   N(kTop), N(kRight - kLeft), N(kBottom - kTop));
  return s;
}

std::string Legend() {
  struct Item {
    const char* cls;
    const char* label;
  };
  const Item items[] = {{"load", "load ÷ capacity"},
                        {"demand", "demand (max)"},
                        {"supply", "supply (mean)"},
                        {"prov", "provisioned (max)"},
                        {"desired", "desired (last)"}};
  std::string s;
  double x = kLeft;
  for (const Item& it : items) {
    if (std::string_view(it.cls) == "load")
      s += fmt::format("<rect class=\"load\" x=\"{}\" y=\"12\" width=\"22\" height=\"10\"/>", N(x));
    else
      s += fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"17\" x2=\"{}\" y2=\"17\"/>", it.cls, N(x),
                       N(x + 22));
    s += fmt::format("<text class=\"legend\" x=\"{}\" y=\"21\">{}</text>", N(x + 28), it.label);
    x += 28 + 6.5 * std::string_view(it.label).size() + 18;  // ~6.5 px per character at 12 px
  }
  s += fmt::format(
      "<path class=\"ev-up\" d=\"M{0} 22l5 -10l5 10z\"/><path class=\"ev-down\" "
      "d=\"M{1} 12l5 10l5 -10z\"/><text class=\"legend\" x=\"{2}\" y=\"21\">"
      "scaling up / down</text>",
      N(x), N(x + 12), N(x + 28));
  return s;
}

// Evenly spread indices: all of them up to kMaxMarkers, else kMaxMarkers of them including the
// first and the last.
std::vector<size_t> MarkerIndices(size_t n) {
  std::vector<size_t> idx;
  if (n <= kMaxMarkers) {
    for (size_t i = 0; i < n; ++i) idx.push_back(i);
    return idx;
  }
  for (size_t k = 0; k < kMaxMarkers; ++k)
    idx.push_back(static_cast<size_t>(
        std::llround(static_cast<double>(k) * static_cast<double>(n - 1) / (kMaxMarkers - 1))));
  return idx;
}

std::string Chart(const ReportInput& in, std::string* caption) {
  const auto& bs = in.buckets;
  const Summary& s = in.summary;
  const double step = s.step_seconds > 0 ? s.step_seconds : 1;
  const double cap = in.capacity_per_unit > 0 ? in.capacity_per_unit : 1;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"load, demand, supply, provisioned and desired "
      "capacity over time\">",
      kWidth, kHeight);
  if (bs.empty()) {
    *caption = "No steps were recorded, so there is nothing to draw.";
    return svg +
           "<text class=\"axis\" x=\"550\" y=\"210\" text-anchor=\"middle\">no steps "
           "recorded</text></svg>";
  }
  // Bucket i covers [t_i, t_i + n_i x step); the next bucket's start closes it when known.
  std::vector<double> edges;
  for (size_t i = 0; i < bs.size(); ++i) edges.push_back(bs[i].t);
  edges.push_back(bs.back().t + std::max(bs.back().n, 1) * step);
  Frame f;
  f.t0 = edges.front();
  f.t1 = std::max(edges.back(), f.t0 + step);
  double ymax = 0;
  for (const Bucket& b : bs)
    ymax = std::max(
        {ymax, b.load_max / cap, b.demand_max, b.supply_max, b.provisioned_max, b.desired_max});
  f.ystep = NiceStep(std::max(ymax * 1.05, 1.0) / 6, {1});
  f.ytop = std::max(1.0, std::ceil(ymax * 1.05 / f.ystep)) * f.ystep;

  if (s.from > f.t0 && s.from < f.t1)
    svg += fmt::format(
        "<rect class=\"warmup\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
        "<title>warm-up: not counted in the figures</title></rect>",
        N(kLeft), N(kTop), N(f.X(s.from) - kLeft), N(kBottom - kTop));
  svg += Axes(f, step);
  // Load as units: a grey area of the mean load per point.
  auto out = std::back_inserter(svg);
  fmt::format_to(out, "<path class=\"load\" d=\"M{:.1f} {:.1f}", f.X(edges[0]), kBottom);
  for (size_t i = 0; i < bs.size(); ++i)
    fmt::format_to(out, "V{:.1f}H{:.1f}", f.Y(bs[i].load_mean / cap), f.X(edges[i + 1]));
  fmt::format_to(out, "V{:.1f}Z\"/>", kBottom);
  fmt::format_to(out, "<path class=\"demand\" d=\"{}\"/>",
                 StepPath(bs, edges, f, [](const Bucket& b) { return b.demand_max; }));
  fmt::format_to(out, "<path class=\"supply\" d=\"{}\"/>",
                 StepPath(bs, edges, f, [](const Bucket& b) { return b.supply_mean; }));
  fmt::format_to(out, "<path class=\"prov\" d=\"{}\"/>",
                 StepPath(bs, edges, f, [](const Bucket& b) { return b.provisioned_max; }));
  fmt::format_to(out, "<path class=\"desired\" d=\"{}\"/>",
                 StepPath(bs, edges, f, [](const Bucket& b) { return b.desired_last; }));
  svg += Legend();

  const auto& ev = in.events;
  const std::vector<size_t> shown = MarkerIndices(ev.size());
  for (size_t i : shown) {
    const ScalingMark& e = ev[i];
    const bool up = e.to > e.from;
    const double x = f.X(e.t);
    svg += fmt::format(
        "<path class=\"{}\" d=\"M{} {}l4 {}l4 {}z\"><title>{} s: {} → {} ({})"
        "</title></path>",
        up ? "mark ev-up" : "mark ev-down", N(x - 4), N(up ? kMarkBottom : kMarkTop), up ? -10 : 10,
        up ? 10 : -10, e.t, e.from, e.to, Esc(e.reason));
  }
  svg += "</svg>";

  const long long ups =
      std::count_if(ev.begin(), ev.end(), [](const ScalingMark& e) { return e.to > e.from; });
  *caption = fmt::format(
      "Each point summarises {} step(s) of {}. Load is drawn in units (load ÷ {:g} per unit). "
      "Scaling events: {} in total ({} up, {} down)",
      std::max(bs.front().n, 1), FormatDuration(step), cap, ev.size(), ups,
      static_cast<long long>(ev.size()) - ups);
  *caption += shown.size() < ev.size()
                  ? fmt::format("; {} markers shown, an evenly spread subset.", shown.size())
                  : "; all are marked.";
  return svg;
}

std::string OrNa(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:.1f}", x); }

struct FigureRow {
  std::string name, key, value, unit, meaning;
};

std::vector<FigureRow> Figures(const Summary& s) {
  auto f2 = [](double x) { return std::isnan(x) ? std::string("n/a") : fmt::format("{:.2f}", x); };
  auto secs = [](double x) { return fmt::format("{:g}", x); };
  auto ll = [](long long x) { return Count(static_cast<double>(x)); };
  return {
      {"group", "group", s.group, "", "the scalable target simulated"},
      {"config", "config_path", s.config_path, "", "configuration file"},
      {"trace", "trace_path", s.trace_path, "", "trace file replayed"},
      {"from", "from", secs(s.from), "s", "trace second where the figures start (before: warm-up)"},
      {"to", "to", secs(s.to), "s", "trace second where the replay ended (exclusive)"},
      {"steps", "steps", ll(s.steps), "", "steps counted in [from, to)"},
      {"step", "step_seconds", secs(s.step_seconds), "s", "simulated time per step"},
      {"cost", "cost", Money(s.cost), "money", "paid for provisioned units in [from, to)"},
      {"oracle cost", "oracle_cost", Money(s.oracle_cost), "money",
       "supplying exactly demand every step, no boot time, no minimum billing: a lower bound"},
      {"cost ratio", "cost_ratio", f2(s.cost_ratio), "×", "cost / oracle cost (1 is perfect)"},
      {"static peak cost", "static_peak_cost", Money(s.static_peak_cost), "money",
       "peak demand held for the whole period, for comparison"},
      {"under-provisioning accuracy θU", "theta_under", f2(s.theta_under), "%",
       "mean relative shortfall of supply below demand"},
      {"over-provisioning accuracy θO", "theta_over", f2(s.theta_over), "%",
       "mean relative excess of supply above demand"},
      {"under-provisioning timeshare τU", "tau_under", f2(s.tau_under), "%",
       "share of time with supply below demand"},
      {"over-provisioning timeshare τO", "tau_over", f2(s.tau_over), "%",
       "share of time with supply above demand"},
      {"instability υ", "instability", f2(s.instability), "%",
       "share of time, after the first step, in which supply and demand do not move in the same "
       "direction"},
      {"arrivals", "arrivals", Count(s.arrivals), "requests",
       "requests that arrived in [from, to)"},
      {"unserved", "unserved", Count(s.unserved), "requests",
       "dropped after queue_timeout, or still waiting at the end"},
      {"unserved share", "unserved_fraction", f2(100 * s.unserved_fraction), "%",
       "unserved / arrivals"},
      {"mean backlog", "mean_backlog", f2(s.mean_backlog), "requests",
       "requests waiting, time-averaged"},
      {"max backlog", "max_backlog", Count(s.max_backlog), "requests", "most requests waiting"},
      {"scaling events", "scaling_events", ll(s.scaling_events), "",
       "applied changes of desired capacity in [from, to)"},
      {"decisions", "decisions", ll(s.decisions), "", "controller evaluations"},
      {"mean demand", "mean_demand", f2(s.mean_demand), "units",
       "ceil(load / capacity per unit), time-averaged"},
      {"mean supply", "mean_supply", f2(s.mean_supply), "units", "units in service, time-averaged"},
      {"mean provisioned", "mean_provisioned", f2(s.mean_provisioned), "units",
       "units paid for (booting and draining included), time-averaged"},
      {"peak demand", "peak_demand", Count(s.peak_demand), "units", "largest demand in a step"},
      {"peak supply", "peak_supply", Count(s.peak_supply), "units", "largest supply in a step"},
      {"mean utilization", "mean_utilization", f2(100 * s.mean_utilization), "%",
       "served / (supply × capacity), time-averaged over steps with supply > 0"},
      {"scale-ups", "scale_ups", ll(s.scale_ups), "", "applied increases of capacity"},
      {"scale-downs", "scale_downs", ll(s.scale_downs), "", "applied decreases of capacity"},
      {"mean time to scale up", "mean_time_to_scale_up", OrNa(s.mean_time_to_scale_up), "s",
       "from the decision to the new units serving (in the model: startup)"},
      {"mean time to scale down", "mean_time_to_scale_down", OrNa(s.mean_time_to_scale_down),
       "s", "from the decision to the units leaving service"},
      {"under-provisioning events", "under_provisioning_events", ll(s.under_provisioning_events),
       "", "episodes (runs of steps) with supply below demand"},
      {"over-provisioning events", "over_provisioning_events", ll(s.over_provisioning_events), "",
       "episodes (runs of steps) with supply above demand"},
      {"saved vs static peak", "savings_vs_static_peak", Money(s.savings_vs_static_peak), "money",
       "static peak cost − cost"},
      {"saved vs static peak %", "savings_vs_static_peak_percent",
       f2(s.savings_vs_static_peak_percent), "%", "of the static peak cost"},
      {"above the oracle", "excess_over_oracle", Money(s.excess_over_oracle), "money",
       "cost − oracle cost"},
      {"above the oracle %", "excess_over_oracle_percent", f2(s.excess_over_oracle_percent), "%",
       "of the oracle cost"},
  };
}

constexpr std::string_view kStyle = R"(<style>
body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:24px auto;max-width:1120px;padding:0 12px}
h1{font-size:20px;margin:0 0 4px}p.sub{color:#555;margin:0 0 16px}
figure{margin:0 0 20px}figcaption,p.note{color:#555;font-size:13px}
svg{max-width:100%;height:auto;background:#fff}
.grid{stroke:#eee}.frame{fill:none;stroke:#999}.tickmark{stroke:#999}
.tick{font-size:11px;fill:#555}.axis,.legend{font-size:12px;fill:#333}
.load{fill:#d4d4d4;stroke:none}.warmup{fill:#f4f4f4}
.demand,.supply,.prov,.desired{fill:none;stroke-width:1.4}
.demand{stroke:#222}.supply{stroke:#1f77b4}.prov{stroke:#ff7f0e;stroke-dasharray:6 3}
.desired{stroke:#9467bd;stroke-dasharray:1.5 2.5;stroke-width:1.8}
.ev-up{fill:#2ca02c}.ev-down{fill:#d62728}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e4e4e4;padding:4px 8px;text-align:left;vertical-align:top}
td.v{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,pre{font:12px ui-monospace,monospace}pre{background:#f6f6f6;padding:10px;overflow:auto}
</style>
)";

// No "</script" may appear inside a script element: JSON escapes '<' as \u003c, and the
// bundle's own (only in strings, which esbuild already escapes) is broken as "<\/script".
std::string NoCloseTag(std::string text) {
  for (size_t at = 0; (at = text.find("</script", at)) != std::string::npos; at += 2)
    text.replace(at, 2, "<\\/");
  return text;
}

// The series as JSON for web/src/report.js, then the dashboard bundle that draws them.
std::string ScriptedChart(const ReportInput& in) {
  const double cap = in.capacity_per_unit > 0 ? in.capacity_per_unit : 1;
  nlohmann::json t = nlohmann::json::array(), load = t, demand = t, supply = t, prov = t,
                 desired = t;
  for (const Bucket& b : in.buckets) {
    t.push_back(b.t);
    load.push_back(b.load_mean / cap);
    demand.push_back(b.demand_max);
    supply.push_back(b.supply_mean);
    prov.push_back(b.provisioned_max);
    desired.push_back(b.desired_last);
  }
  const nlohmann::json data = {{"t", t},           {"load", load},
                               {"demand", demand}, {"supply", supply},
                               {"provisioned", prov}, {"desired", desired}};
  std::string json = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(json.size());
  for (char c : json) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return fmt::format(
      "<script type=\"application/json\" id=\"tide-report-data\">{}</script>\n<script>\n{}\n"
      "</script>\n",
      safe, NoCloseTag(in.script));
}

}  // namespace

std::string RenderReportHtml(const ReportInput& in) {
  const Summary& s = in.summary;
  std::string caption;
  const std::string chart = Chart(in, &caption);
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += fmt::format("<title>tide simulation: {}</title>\n", Esc(s.group));
  html += kStyle;
  if (!in.script.empty()) html += "<style>\n" + in.style + "\n</style>\n";
  html += "</head>\n<body>\n";
  html += fmt::format(
      "<h1>tide simulation of group {}</h1>\n<p class=\"sub\">trace <b>{}</b> · "
      "config <b>{}</b> · {} steps of {}</p>\n",
      Esc(s.group), Esc(BaseName(s.trace_path)), Esc(BaseName(s.config_path)),
      Count(static_cast<double>(s.steps)), Esc(FormatDuration(s.step_seconds)));
  if (in.script.empty()) {
    html += fmt::format("<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n", chart,
                        Esc(caption));
  } else {
    html += fmt::format(
        "<figure>\n<div id=\"report-chart\" class=\"chart\"></div>\n<div id=\"report-svg\">{}"
        "</div>\n<figcaption>{}</figcaption>\n</figure>\n",
        chart, Esc(caption));
  }
  html +=
      "<h2>Figures</h2>\n<table>\n<tr><th>figure</th><th>key</th><th>value</th><th>unit</th>"
      "<th>meaning</th></tr>\n";
  for (const FigureRow& r : Figures(s))
    html += fmt::format(
        "<tr><td>{}</td><td><code>{}</code></td><td class=\"v\">{}</td><td>{}"
        "</td><td>{}</td></tr>\n",
        Esc(r.name), r.key, Esc(r.value), Esc(r.unit), Esc(r.meaning));
  html += "</table>\n";
  html +=
      "<p class=\"note\">Backlog: requests that cannot be served in a step wait in a FIFO "
      "backlog for up to the model's <code>queue_timeout</code>; then they are dropped and "
      "counted as unserved. Backlog still waiting at the end of the replay also counts as "
      "unserved.</p>\n";
  html += fmt::format("<h2>Policy</h2>\n<pre>{}</pre>\n", Esc(in.policy_description));
  if (!in.script.empty()) html += ScriptedChart(in);
  html += "</body>\n</html>\n";
  return html;
}

std::string HtmlEscape(std::string_view s) { return Esc(s); }

}  // namespace tide::sim
