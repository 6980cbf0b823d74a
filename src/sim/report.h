// report.h: the self-contained HTML report of a simulation: an inline SVG chart of load,
// demand, supply and desired with scaling events marked, and the table of figures. It uses
// no script, font or style sheet from the network. Given the dashboard's bundle (`script`,
// `style`: tide's CLI passes the embedded web/ build), the page also inlines it with the
// series as JSON, and the dashboard's capacity chart replaces the SVG when scripts run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/series.h"
#include "sim/summary.h"

namespace tide::sim {

struct ScalingMark {
  double t = 0;  // trace seconds
  int from = 0;
  int to = 0;
  std::string reason;  // ReasonName of the decision
};

struct ReportInput {
  Summary summary;
  double capacity_per_unit = 1;   // to draw load on the units axis (load / capacity)
  std::vector<Bucket> buckets;
  std::vector<ScalingMark> events;  // may be many; the report thins markers for display
  std::string policy_description;   // one line per policy, plain text
  std::string script;  // the dashboard bundle (web/src/main.js); empty = SVG only, no script
  std::string style;   // its style sheet
};

std::string RenderReportHtml(const ReportInput& in);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view s);

}  // namespace tide::sim
