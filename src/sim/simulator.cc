#include "sim/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <iterator>
#include <string>

#include "core/duration.h"
#include "policy/pipeline.h"
#include "policy/recommend.h"
#include "sim/elasticity.h"
#include "sim/fleet.h"
#include "sim/period.h"
#include "sim/window.h"

namespace tide::sim {
namespace {

using config::Signal;

// FIFO backlog of requests waiting for capacity.
class Backlog {
 public:
  explicit Backlog(double timeout) : timeout_(timeout) {}
  // Serves up to `capacity` requests, oldest first, then the new `arrivals`; the rest waits.
  // Returns the amount served; adds requests dropped for waiting too long to *dropped.
  double Step(double now, double arrivals, double capacity, double* dropped) {
    while (!q_.empty() && q_.front().at + timeout_ < now) {
      *dropped += q_.front().amount;
      total_ -= q_.front().amount;
      q_.pop_front();
    }
    double served = 0;
    while (!q_.empty() && capacity > 0) {
      const double take = std::min(capacity, q_.front().amount);
      served += take;
      capacity -= take;
      total_ -= take;
      if ((q_.front().amount -= take) <= 1e-12) q_.pop_front();
    }
    const double now_served = std::min(capacity, arrivals);
    served += now_served;
    const double left = arrivals - now_served;
    if (left > 1e-12) {
      if (timeout_ <= 0) {
        *dropped += left;
      } else {
        q_.push_back({now, left});
        total_ += left;
      }
    }
    if (q_.empty()) total_ = 0;
    return served;
  }
  double total() const { return std::max(0.0, total_); }

 private:
  struct Entry {
    double at;
    double amount;
  };
  double timeout_;
  std::deque<Entry> q_;
  double total_ = 0;
};

struct MetricFeed {
  Signal signal;
  WindowMean window;
  std::optional<WindowMean> panic;
};

// ceil(load / capacity_per_unit), saturating: a load of 1e15 on units of capacity 1 is
// INT_MAX units, never a negative number.
int DemandUnits(double load, double capacity_per_unit) {
  return policy::SaturateUnits(std::ceil(load / capacity_per_unit - 1e-9));
}

// "1e+12" for large counts, "3503" for small ones.
std::string Count(double n) {
  return n < 1e15 ? fmt::format("{:.0f}", n) : fmt::format("{:.3g}", n);
}

// Where the replay runs on the step grid: steps k = 0 .. total_steps - 1 start at
// t0 + k x step; the figures count from step first_counted, which starts at `from`.
struct Grid {
  double t0 = 0, end = 0, from = 0;
  long long total_steps = 0, first_counted = 0;
};

Result<Grid> MakeGrid(const config::Group& g, const Trace& trace, const SimOptions& opt) {
  if (!(opt.step >= kMinStep) || !std::isfinite(opt.step)) {
    return Status::InvalidInput(
        fmt::format("--step: bad value '{}': allowed: a duration of at least {} (1 ms)",
                    FormatDuration(opt.step), FormatDuration(kMinStep)));
  }
  const double t0 = trace.start();
  const double end = opt.to.value_or(trace.end());
  if (end <= t0 || end > trace.end()) {
    return Status::InvalidInput(fmt::format(
        "--to: bad value '{}': allowed: trace seconds in ({}, {}] for {}", end, t0, trace.end(), trace.path));
  }
  // The replay always starts at the trace's start (the part before --from is its warm-up), so
  // its length is end - t0 whatever --from says. Checked in double, before any cast: a trace
  // whose rows are 1e300 s apart is too long, not zero steps long.
  const double replay_steps = std::ceil((end - t0) / opt.step - 1e-9);
  if (!(replay_steps <= kMaxSteps)) {
    const std::string what =
        opt.to
            ? fmt::format("--to: bad value '{}': replaying {} from its start ({}) to it", end,
                          trace.path, t0)
            : fmt::format("{}: spans {} s (from {} to {}), which", trace.path, end - t0, t0, end);
    return Status::InvalidInput(fmt::format(
        "{} at --step {} is {} steps; allowed: at most {} steps per replay (a coarser --step, or "
        "an "
        "earlier --to; --from does not shorten the replay: the part before it is replayed as "
        "warm-up)",
        what, FormatDuration(opt.step), Count(replay_steps), Count(kMaxSteps)));
  }
  // The replay counts arrivals (value x seconds, summed from the trace's start): a total past
  // the largest double would make every request figure inf and the unserved share NaN.
  // Row i is line i + 2 (blank lines are allowed only after the last row).
  double total = 0;
  for (size_t i = 0; i < trace.size() && trace.t[i] < end; ++i) {
    const double next = i + 1 < trace.size() ? trace.t[i + 1] : trace.end();
    total += trace.value[i] * (std::min(next, end) - trace.t[i]);
    if (!std::isfinite(total)) {
      return Status::InvalidInput(
          fmt::format("{}:{}: value {}: the arrivals it and the rows before it stand for (value x "
                      "seconds, summed) exceed the largest number a double holds (about 1.8e308); "
                      "allowed: a trace whose total arrivals up to the replay's end are finite",
                      trace.path, i + 2, trace.value[i]));
    }
  }
  Grid grid;
  grid.t0 = t0;
  grid.end = end;
  const long long total_steps = grid.total_steps = static_cast<long long>(replay_steps);
  // The figures start at the first step at or after --from.
  const double from_requested = opt.from.value_or(t0);
  if (from_requested < t0 || from_requested >= end) {
    return Status::InvalidInput(
        fmt::format("--from: bad value '{}': allowed: trace seconds in [{}, {}) for {}",
                    from_requested, t0, end, trace.path));
  }
  const long long first_counted = grid.first_counted =
      static_cast<long long>(std::max(0.0, std::ceil((from_requested - t0) / opt.step - 1e-9)));
  if (first_counted >= total_steps) {
    return Status::InvalidInput(fmt::format(
        "--from: bad value '{}': no step of {} starts in [{}, {}) (steps start at {} + k x {}); "
        "allowed: "
        "trace seconds in [{}, {}] for {}",
        from_requested, FormatDuration(opt.step), from_requested, end, t0, FormatDuration(opt.step),
        t0, t0 + static_cast<double>(total_steps - 1) * opt.step, trace.path));
  }
  // (The requested value when it is on the grid, so that --from 0.3 --step 0.1 says 0.3.)
  const double aligned = t0 + static_cast<double>(first_counted) * opt.step;
  grid.from = std::fabs(aligned - from_requested) <= 1e-9 * opt.step ? from_requested : aligned;

  // Each window keeps one sample per step.
  auto window_fits = [&](double window, const std::string& what) -> Status {
    const double samples = std::round(window / opt.step);
    if (samples <= kMaxWindowSteps) return Status::Ok();
    return Status::InvalidInput(
        fmt::format("--step: bad value '{}': {} of {} is {} steps at this step; allowed: at most "
                    "{} steps per window "
                    "(--step {} or coarser for this window)",
                    FormatDuration(opt.step), what, FormatDuration(window), Count(samples),
                    Count(kMaxWindowSteps), FormatDuration(window / kMaxWindowSteps)));
  };
  for (const auto& m : g.metrics) {
    if (Status st = window_fits(m.source.window, fmt::format("the window of metric '{}'", m.name));
        !st.ok())
      return st;
  }
  if (g.behavior.panic) {
    if (Status st = window_fits(g.behavior.panic->window, "the panic window"); !st.ok()) return st;
  }
  return grid;
}

}  // namespace

Status CheckReplay(const config::Group& g, const Trace& trace, const SimOptions& opt) {
  auto grid = MakeGrid(g, trace, opt);
  return grid.ok() ? Status::Ok() : grid.status();
}

Result<SimResult> Simulate(const config::Group& g, const Trace& trace, const SimOptions& opt) {
  auto grid = MakeGrid(g, trace, opt);
  if (!grid.ok()) return grid.status();
  const double t0 = grid->t0, end = grid->end, from = grid->from;
  const long long total_steps = grid->total_steps, first_counted = grid->first_counted;

  const config::Model& model = g.model;
  const double cap = model.capacity_per_unit;

  std::vector<MetricFeed> feeds;
  feeds.reserve(g.metrics.size());
  for (const auto& m : g.metrics) {
    MetricFeed f{m.source.signal, WindowMean(m.source.window, opt.step), std::nullopt};
    if (g.behavior.panic) f.panic.emplace(g.behavior.panic->window, opt.step);
    feeds.push_back(std::move(f));
  }
  std::vector<policy::Observation> obs(g.metrics.size());

  Fleet fleet(model, g.behavior.warmup);
  fleet.Launch(t0, g.capacity.initial, /*ready_now=*/true);
  const LoadIntegral integral(trace);
  Backlog backlog(model.queue_timeout);
  PeriodAccumulator period(model.price_per_unit_hour);
  policy::GroupState state;
  policy::Decision decision;
  policy::Reason last_reason = policy::Reason::kWithinTolerance;

  const long long counted_steps = total_steps - first_counted;
  SimResult result;
  std::optional<SeriesRecorder> series;
  if (opt.record_series) series.emplace(counted_steps);

  std::string rows;
  if (opt.timeline) {
    rows.reserve(1 << 20);
    rows.append(kTimelineHeader);
  }

  Summary& s = result.summary;
  s.group = g.name;
  s.trace_path = trace.path;
  s.from = from;
  s.to = end;
  s.step_seconds = opt.step;

  int desired = g.capacity.initial;
  double next_eval = t0;
  double backlog_seconds = 0, counted_time = 0;

  for (long long k = 0; k < total_steps; ++k) {
    const double t = t0 + k * opt.step;
    const double dt = std::min(opt.step, end - t);
    const bool counted = k >= first_counted;
    fleet.Advance(t);

    // Decide at each evaluation time on the metrics of the steps before t (causal: the load
    // of [t, t + dt) is not known yet), then apply at once: launches start booting, removed
    // units stop serving.
    if (t >= next_eval - 1e-9) {
      next_eval += g.evaluation_interval;
      for (size_t i = 0; i < feeds.size(); ++i) {
        const double mean = feeds[i].window.Mean();
        obs[i].value = mean;
        obs[i].panic_value = feeds[i].panic ? feeds[i].panic->Mean() : policy::kNaN;
        obs[i].at = opt.start_epoch + t;
        obs[i].status = std::isnan(mean) ? policy::ObservationStatus::kNoData
                                         : policy::ObservationStatus::kOk;
      }
      const int current = fleet.current();
      policy::Inputs in{opt.start_epoch + t, current, fleet.warm(), obs};
      policy::Decide(g, in, state, &decision);
      desired = decision.desired;
      last_reason = decision.reason;
      if (counted) ++s.decisions;
      if (desired != current) {
        double extra = 0;
        if (desired > current) {
          fleet.Launch(t, desired - current);
        } else {
          extra = fleet.Remove(t, current - desired);
        }
        state.RecordScale(in.now, current, desired);
        if (counted) {
          ++s.scaling_events;
          // In the model a launch serves model.startup after its decision; a removal stops
          // serving at once.
          period.AddScaling(desired > current, desired > current ? model.startup : 0.0);
          period.AddExtraUnitSeconds(extra);
          if (series) result.events.push_back({t - t0, current, desired, policy::ReasonName(decision.reason)});
        }
      }
    }

    // Serve this step's load with the units in service now.
    const double arrivals = integral.Arrivals(t, t + dt);
    const double load = arrivals / dt;
    const int serving = fleet.serving();
    const int warm = fleet.warm();
    double dropped = 0;
    const double served = backlog.Step(t, arrivals, serving * cap * dt, &dropped);
    const double util = serving > 0 ? served / (serving * cap * dt) : NAN;

    // What the metrics see of this step.
    for (auto& f : feeds) {
      double v = NAN;
      switch (f.signal) {
        case Signal::kUtilization: v = warm > 0 ? util : NAN; break;
        case Signal::kLoad: v = load; break;
        case Signal::kBacklog: v = backlog.total(); break;
        case Signal::kLoadPerUnit: v = warm > 0 ? load / warm : NAN; break;
      }
      f.window.Push(v);
      if (f.panic) f.panic->Push(v);
    }
    if (!counted) continue;

    // Figures over the counted period.
    const int demand = DemandUnits(load, cap);
    const int supply = serving;
    const int provisioned = fleet.provisioned();
    period.AddStep(dt, demand, supply, provisioned, util);
    counted_time += dt;
    backlog_seconds += backlog.total() * dt;
    s.max_backlog = std::max(s.max_backlog, backlog.total());
    s.arrivals += arrivals;
    s.unserved += dropped;
    s.peak_supply = std::max(s.peak_supply, supply);
    ++s.steps;
    if (series) series->Add(t - t0, load, demand, supply, provisioned, desired);
    if (opt.timeline) {
      auto out = std::back_inserter(rows);
      fmt::format_to(out, "{},{:.6g},{},{},{},{},{:.6g},", t - t0, load, demand, supply,
                     provisioned, desired, backlog.total());
      if (!std::isnan(util)) fmt::format_to(out, "{:.4f}", util);
      fmt::format_to(out, ",{}\n", policy::ReasonName(last_reason));
      if (rows.size() > (1 << 20) - 256) {
        opt.timeline(rows);
        rows.clear();
      }
    }
  }
  if (opt.timeline && !rows.empty()) opt.timeline(rows);

  s.unserved += backlog.total();  // still waiting at the end: not served within the replay
  const PeriodFigures p = period.Finish();
  ApplyPeriodFigures(p, &s);
  s.unserved_fraction = s.arrivals > 0 ? s.unserved / s.arrivals : 0;
  if (counted_time > 0) s.mean_backlog = backlog_seconds / counted_time;
  if (series) result.buckets = series->buckets();
  return result;
}

}  // namespace tide::sim
