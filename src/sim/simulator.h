// simulator.h: Start here for `tide simulate`. Replays a trace through the decision pipeline
// (policy/pipeline.h) under a simulated clock at a fixed step, with a provisioning and cost
// model standing in for the actuator. Pure: no clock, no file; rows go to a sink.
//
// The model (docs/SIMULATOR.md has the full account):
//  - Units launched at a decision serve after model.startup seconds; units removed stop
//    serving at once (the newest first, so a launch still booting is cancelled first) and
//    are billed through model.shutdown seconds. Each launch is billed for its lifetime
//    rounded up to billing_granularity, at least billing_minimum.
//  - Each step, arrivals (load x step) and the backlog are served FIFO up to
//    supply x capacity_per_unit x step; what is left waits in the backlog, and requests that
//    waited longer than model.queue_timeout are dropped and counted unserved (so is backlog
//    left at the end).
//  - Policies see what a live controller would: utilisation of units that are serving and
//    past warm-up, arriving load, load per unit and backlog, each averaged over its metric's
//    window; a metric with nothing to measure is "no data", never zero.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "sim/report.h"
#include "sim/series.h"
#include "sim/summary.h"
#include "sim/trace.h"

namespace tide::sim {

// Bounds of a replay, so that no input can make one run for days or exhaust memory:
//  - the step is at least kMinStep (1 ms: finer than any evaluation interval or startup a
//    config can usefully have, and what a 1 s trace row can be split into a thousand times);
//  - a replay (from the trace's start to `to`: the warm-up before `from` is replayed too)
//    has at most kMaxSteps steps (100 million: 1157 days at 1 s, 11.5 days at 10 ms; 13.5 s
//    of replay for examples/reactive.yaml, minutes with predictive refits, docs/SIMULATOR.md);
//  - a metric window (or the panic window) holds at most kMaxWindowSteps steps (10 million
//    samples, 80 MB): a 1 d window needs a step of at least 8.64 ms.
inline constexpr double kMinStep = 0.001;
inline constexpr double kMaxSteps = 1e8;
inline constexpr double kMaxWindowSteps = 1e7;

struct SimOptions {
  double step = 1;  // seconds; >= kMinStep
  // The figures start at the first step at or after `from` (steps lie on the grid
  // trace start + k x step; the summary's `from` is that step's start). The last step ends at
  // `to` (or the trace's end) and is shorter when that is not on the grid.
  std::optional<double> from;      // trace seconds; figures count from here (warm-up before)
  std::optional<double> to;        // trace seconds; the replay ends here (exclusive)
  double start_epoch = 0;          // wall-clock time (epoch s) of trace second 0, for schedules
  bool record_series = false;      // keep downsampled series and events for a report
  // Receives the timeline CSV text in chunks (header first); empty = no timeline.
  std::function<void(std::string_view)> timeline;
};

struct SimResult {
  Summary summary;
  std::vector<Bucket> buckets;       // when record_series
  std::vector<ScalingMark> events;   // when record_series
};

// The timeline CSV header (stable contract: the first six columns).
inline constexpr std::string_view kTimelineHeader =
    "t,load,demand,supply,provisioned,desired,backlog,utilization,reason\n";

// Errors: InvalidInput for a step below kMinStep, a from/to outside the trace or from >= to
// (or no step starting in [from, to)), more than kMaxSteps steps, or a window of more than
// kMaxWindowSteps steps. Messages name the flag (--step, --from, --to) or the trace file.
Result<SimResult> Simulate(const config::Group& group, const Trace& trace, const SimOptions& opt);

// The checks of Simulate on its options alone (no replay): for callers that replay a trace
// many times (sim::Recommend) and want one message about the whole trace first.
Status CheckReplay(const config::Group& group, const Trace& trace, const SimOptions& opt);

}  // namespace tide::sim
