// assets.h: the dashboard (web/), built by npm + esbuild at build time and embedded in the
// binary, so `tide run` serves it at / with no file around it and `tide simulate --report`
// inlines the same script into its single-file report. When npm or node was missing (or the
// web build failed) the build embeds a placeholder page saying how to build the dashboard.
#pragma once

#include <span>
#include <string_view>

namespace tide::webui {

struct Asset {
  std::string_view path;  // "/", "/dashboard.js", "/dashboard.css"
  std::string_view content_type;
  std::string_view body;  // static storage
};

// Every embedded file; "/" is the page.
std::span<const Asset> Assets();

// True when the real dashboard is embedded, false for the placeholder page.
bool Built();

// The body of the asset at `path`, or "" when there is none (e.g. the script of the
// placeholder build).
std::string_view Find(std::string_view path);

}  // namespace tide::webui
