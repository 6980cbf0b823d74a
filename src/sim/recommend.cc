#include "sim/recommend.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/duration.h"
#include "sim/simulator.h"

namespace tide::sim {
namespace {

// The index of a simulated metric with `signal`, adding one (window 60 s) if absent.
int EnsureMetric(config::Group* g, config::Signal signal, const char* name) {
  for (size_t i = 0; i < g->metrics.size(); ++i)
    if (g->metrics[i].source.type == "simulated" && g->metrics[i].source.signal == signal) return static_cast<int>(i);
  config::Metric m;
  m.name = g->FindMetric(name) < 0 ? name : std::string(name) + "_rec";
  m.source.signal = signal;
  m.source.window = 60;
  g->metrics.push_back(m);
  return static_cast<int>(g->metrics.size() - 1);
}

// The base without its metric-driven policies (schedules stay).
config::Group Stripped(const config::Group& base) {
  config::Group g = base;
  g.policies.clear();
  for (const auto& p : base.policies)
    if (p.kind == config::PolicyKind::kScheduled) g.policies.push_back(p);
  return g;
}

// The reactive policy on utilisation (target = the utilisation to keep), or on the arriving
// load per unit (Kubernetes HPA on requests per pod, AWS ALBRequestCountPerTarget): target =
// that utilisation x capacity_per_unit, the load one unit should carry. Utilisation stops at
// 1 when the group is saturated, so it cannot tell how far short the group is and scales up
// in steps; the load says at once how many units it needs.
enum class ReactiveOn { kUtilization, kLoad };
config::Policy Reactive(config::Group* g, ReactiveOn on, double target) {
  config::Policy p;
  p.name = "reactive";
  p.kind = config::PolicyKind::kTargetTracking;
  if (on == ReactiveOn::kUtilization) {
    const int m = EnsureMetric(g, config::Signal::kUtilization, "utilization");
    p.target_tracking = {m, target, config::TargetType::kValue, {0.1, 0.1}};
  } else {
    const int m = EnsureMetric(g, config::Signal::kLoad, "load");
    p.target_tracking = {
        m, target * g->model.capacity_per_unit, config::TargetType::kAverageValue, {0.1, 0.1}};
  }
  return p;
}
const char* Label(ReactiveOn on) { return on == ReactiveOn::kLoad ? " on load" : ""; }

config::Policy Predictive(int metric, double quantile, double target, double buffer, bool scale_in,
                          bool peak = false, bool skip_window = false) {
  config::Policy p;
  p.name = "predictive";
  p.kind = config::PolicyKind::kPredictive;
  p.predictive.metric = metric;
  p.predictive.quantile = quantile;
  p.predictive.target = target;
  p.predictive.scheduling_buffer = buffer;
  p.predictive.scale_in = scale_in;
  p.predictive.peak = peak;
  p.predictive.skip_scale_down_window = skip_window;
  return p;
}

}  // namespace

std::vector<Candidate> MakeVariants(const config::Group& base, const std::string& family) {
  std::vector<Candidate> out;
  out.push_back({"as configured", "as configured", base, {}, false, 0});
  const bool all = family == "all";
  if (all || family == "reactive") {
    // Targets every 0.05 and windows down to none: the reactive baseline is tuned as finely
    // as the hybrid, so a saving is the forecast's and not the grid's. Utilisation saturates
    // at 1, so a target whose tolerance band reaches 1 (0.95 x 1.1 > 1) would never scale a
    // saturated group up: 0.90 is the highest target tried.
    // On utilisation and on load per unit (the label's target is then the utilisation
    // that load means).
    for (ReactiveOn on : {ReactiveOn::kUtilization, ReactiveOn::kLoad}) {
      for (int t = 8; t <= 18; ++t) {
        const double target = t / 20.0;
        for (double window : {0.0, 60.0, 300.0, 600.0}) {
          config::Group g = Stripped(base);
          g.policies.push_back(Reactive(&g, on, target));
          g.behavior.scale_down.stabilization_window = window;
          out.push_back({fmt::format("reactive{} target={} down-window={}", Label(on), target,
                                     FormatDuration(window)),
                         "reactive",
                         g,
                         {},
                         false,
                         0});
        }
      }
    }
  }
  if (all || family == "predictive") {
    for (double q : {0.5, 0.8, 0.95}) {
      for (double target : {0.6, 0.75, 0.9}) {
        for (double buffer : {300.0, 900.0}) {
          for (bool peak : {false, true}) {
            config::Group g = Stripped(base);
            const int m = EnsureMetric(&g, config::Signal::kLoad, "load");
            g.policies.push_back(Predictive(m, q, target, buffer, /*scale_in=*/true, peak));
            out.push_back({fmt::format("predictive q={} target={} buffer={}{}", q, target,
                                       FormatDuration(buffer), peak ? " peak" : ""),
                           "predictive", g, {}, false, 0});
          }
        }
      }
    }
  }
  if (all || family == "hybrid") {
    // The reactive policy can run hotter when the forecast supplies the ramps (the forecast
    // is a floor under its scale-in, combine.h). Forecast of the 5-minute mean or of its peak
    // (provision_for); a scale-down window of 300 s or 600 s as usual, or of 600 s skipped
    // while the forecast is healthy and below current, so that capacity follows the forecast
    // down instead of being held after it falls, and the window only smooths the reactive
    // policy when the forecast stands aside.
    struct Down {
      double window;
      bool skip;
    };
    for (ReactiveOn on : {ReactiveOn::kUtilization, ReactiveOn::kLoad}) {
      for (double rt : {0.7, 0.8, 0.9}) {
        for (double q : {0.5, 0.8, 0.95}) {
          for (double pt : {0.6, 0.8, 1.0}) {
            for (bool peak : {false, true}) {
              for (Down down : {Down{300, false}, Down{600, false}, Down{600, true}}) {
                config::Group g = Stripped(base);
                g.policies.push_back(Reactive(&g, on, rt));
                const int l = EnsureMetric(&g, config::Signal::kLoad, "load");
                g.policies.push_back(
                    Predictive(l, q, pt, 300, /*scale_in=*/false, peak, down.skip));
                g.behavior.scale_down.stabilization_window = down.window;
                out.push_back(
                    {fmt::format("hybrid reactive={}{} q={} predictive={}{} down-window={}{}", rt,
                                 Label(on), q, pt, peak ? " peak" : "", FormatDuration(down.window),
                                 down.skip ? " skipped-while-forecast-healthy" : ""),
                     "hybrid",
                     g,
                     {},
                     false,
                     0});
              }
            }
          }
        }
      }
    }
  }
  return out;
}

Result<RecommendResult> Recommend(const config::Group& base, const Trace& trace,
                                  const std::vector<SloTerm>& slo, const RecommendOptions& opt) {
  if (!(opt.train_fraction > 0 && opt.train_fraction < 1)) {
    return Status::InvalidInput(fmt::format("--train-fraction: bad value '{}': allowed: a number in (0, 1)",
                                            opt.train_fraction));
  }
  static const char* kFamilies[] = {"reactive", "predictive", "hybrid", "all"};
  if (std::find(std::begin(kFamilies), std::end(kFamilies), opt.family) == std::end(kFamilies)) {
    return Status::InvalidInput(
        fmt::format("--family: bad value '{}': allowed: reactive, predictive, hybrid, all", opt.family));
  }
  // The whole trace is replayed (for the held-back part): one message about it, up front.
  {
    SimOptions whole;
    whole.step = opt.step;
    if (Status st = CheckReplay(base, trace, whole); !st.ok()) return st;
  }
  RecommendResult r;
  const double span = trace.end() - trace.start();
  r.split = trace.start() + std::floor(span * opt.train_fraction / opt.step) * opt.step;
  const double training = r.split - trace.start();
  const double held_back = trace.end() - r.split;
  const bool default_warmup = opt.train_warmup < 0;
  const double warmup = default_warmup ? std::min(86400.0, training / 2) : opt.train_warmup;
  // Each scored part: at least kMinScoredIntervals evaluations (and one step).
  const double min_part = std::max(kMinScoredIntervals * base.evaluation_interval, opt.step);
  // The training part must hold its warm-up and min_part: with the default warm-up (half of a
  // training part shorter than two days, else one day) that is 2 x min_part; with an explicit
  // --train-warmup, a training part too short for it is the warm-up's fault (below), as long as
  // the part itself holds min_part.
  const double need_training = !default_warmup     ? min_part
                               : min_part <= 86400 ? 2 * min_part
                                                   : 86400 + min_part;
  const double lo = (need_training + opt.step) / span, hi = 1 - min_part / span;
  const std::string why = fmt::format(
      "the scored training part and the held-back part must each be at least {} ({} evaluation "
      "intervals of "
      "{})",
      FormatDuration(min_part), kMinScoredIntervals, FormatDuration(base.evaluation_interval));
  if (!(lo < hi)) {
    return Status::InvalidInput(
        fmt::format("--train-fraction: bad value '{}': {} spans {}, too short to split: {}; "
                    "allowed: a trace of at least {}",
                    opt.train_fraction, trace.path, FormatDuration(span), why,
                    FormatDuration(need_training + min_part + opt.step)));
  }
  const bool scored_short = training - warmup < min_part;
  if (held_back < min_part || training < need_training || (default_warmup && scored_short)) {
    return Status::InvalidInput(
        fmt::format("--train-fraction: bad value '{}': on {} ({}) it leaves a training part of {} "
                    "(scored after a warm-up "
                    "of {}) and a held-back part of {}; {}; allowed: a number in [{:.4g}, {:.4g}]",
                    opt.train_fraction, trace.path, FormatDuration(span), FormatDuration(training),
                    FormatDuration(warmup), FormatDuration(held_back), why,
                    std::ceil(lo * 1e4) / 1e4, std::floor(hi * 1e4) / 1e4));
  }
  if (scored_short) {  // an explicit warm-up too long for this training part
    return Status::InvalidInput(
        fmt::format("--train-warmup: bad value '{}': allowed: a duration >= 0 shorter than the "
                    "training part ({}) by at "
                    "least {} ({} evaluation intervals of {})",
                    FormatDuration(warmup), FormatDuration(training), FormatDuration(min_part),
                    kMinScoredIntervals, FormatDuration(base.evaluation_interval)));
  }
  r.train_from = trace.start() + std::floor(warmup / opt.step) * opt.step;
  r.candidates = MakeVariants(base, opt.family);
  // A predictive policy proposes nothing before min_history of its metric: on a shorter training
  // part the predictive and hybrid variants are scored as what they fall back to.
  const double min_history = config::Predictive{}.min_history;
  if (opt.family != "reactive" && training <= min_history) {
    const bool predictive = opt.family == "predictive" || opt.family == "all";
    const bool hybrid = opt.family == "hybrid" || opt.family == "all";
    std::string as;
    if (predictive)
      as = "predictive variants keep the capacity they have (they have no reactive policy)";
    if (hybrid)
      as += std::string(as.empty() ? "" : " and ") +
            "hybrid variants are their reactive policy alone";
    r.notes.push_back(fmt::format(
        "{} variants need {} of history before they forecast, and the training part of {} is {} "
        "long: on it "
        "they never forecast, so {}{}; the forecast needs a training part longer than {} (a longer "
        "trace or a "
        "larger --train-fraction)",
        predictive && hybrid ? "predictive and hybrid"
        : predictive         ? "predictive"
                             : "hybrid",
        FormatDuration(min_history), trace.path, FormatDuration(training), as,
        span <= min_history
            ? fmt::format("; the same holds on the held-back part, as the whole trace is {}",
                          FormatDuration(span))
            : "",
        FormatDuration(min_history)));
  }

  SimOptions train;
  train.step = opt.step;
  train.start_epoch = opt.start_epoch;
  train.from = r.train_from;
  train.to = r.split;

  std::atomic<size_t> next{0};
  std::atomic<int> done{0};
  std::mutex mu;
  Status first_error;
  const int threads = opt.threads > 0 ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  auto work = [&] {
    for (size_t i = next++; i < r.candidates.size(); i = next++) {
      Candidate& c = r.candidates[i];
      auto res = Simulate(c.group, trace, train);
      std::lock_guard<std::mutex> l(mu);
      if (!res.ok()) {
        if (first_error.ok()) first_error = res.status();
      } else {
        c.train = res->summary;
        c.meets = MeetsSlo(c.train, slo, &c.shortfall);
      }
      if (opt.progress) opt.progress(++done, static_cast<int>(r.candidates.size()));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (!first_error.ok()) return first_error;

  for (size_t i = 0; i < r.candidates.size(); ++i) {
    const Candidate& c = r.candidates[i];
    if (c.meets && (r.chosen < 0 || c.train.cost < r.candidates[r.chosen].train.cost)) r.chosen = static_cast<int>(i);
    if (r.closest < 0 || c.shortfall < r.candidates[r.closest].shortfall ||
        (c.shortfall == r.candidates[r.closest].shortfall && c.train.cost < r.candidates[r.closest].train.cost))
      r.closest = static_cast<int>(i);
  }
  const int pick = r.chosen >= 0 ? r.chosen : r.closest;
  SimOptions test;
  test.step = opt.step;
  test.start_epoch = opt.start_epoch;
  test.from = r.split;
  auto held = Simulate(r.candidates[pick].group, trace, test);
  if (!held.ok()) return held.status();
  r.test = held->summary;
  return r;
}

}  // namespace tide::sim
