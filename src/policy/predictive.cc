#include "policy/predictive.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/duration.h"
#include "policy/recommend.h"  // SaturateUnits

namespace tide::policy {
namespace {

constexpr int kBreakerMinReadings = 6;

// Drops buckets older than max_history (keeping the vectors compact).
void Trim(const config::Predictive& p, PredictiveState* s) {
  const size_t keep = static_cast<size_t>(std::ceil(p.max_history / kHistoryStep)) + 1;
  if (s->sums.size() <= keep + 64) return;  // trim in chunks, not every call
  const size_t drop = s->sums.size() - keep;
  s->sums.erase(s->sums.begin(), s->sums.begin() + drop);
  s->counts.erase(s->counts.begin(), s->counts.begin() + drop);
  s->maxes.erase(s->maxes.begin(), s->maxes.begin() + drop);
  s->history_start += drop * kHistoryStep;
}

void Add(const config::Predictive& p, double at, double value, PredictiveState* s) {
  if (!std::isfinite(value)) return;
  const double bucket_start = std::floor(at / kHistoryStep) * kHistoryStep;
  if (std::isnan(s->history_start)) s->history_start = bucket_start;
  if (bucket_start < s->history_start) return;  // older than what we hold
  const size_t i = static_cast<size_t>(std::llround((bucket_start - s->history_start) / kHistoryStep));
  if (i >= s->sums.size()) {
    s->sums.resize(i + 1, 0);
    s->counts.resize(i + 1, 0);
    s->maxes.resize(i + 1, -INFINITY);
  }
  s->sums[i] += value;
  s->counts[i] += 1;
  s->maxes[i] = std::max(s->maxes[i], value);
  Trim(p, s);
}

// The forecast's mean at time t (the bucket containing t), or NaN outside it.
double ForecastAt(const forecast::Forecast& f, double t) {
  if (t < f.start) return kNaN;
  const size_t i = static_cast<size_t>((t - f.start) / f.step);
  return i < f.mean.size() ? f.mean[i] : kNaN;
}

void UpdateBreaker(const config::Predictive& p, double now, double value, PredictiveState* s) {
  if (!s->forecast || !std::isfinite(value)) return;
  double at = now, actual = value;
  if (p.peak) {
    // Score the last bucket once it is complete: its maximum against its forecast.
    const double bucket = std::floor(now / kHistoryStep) * kHistoryStep;
    if (s->sums.empty() || std::isnan(s->history_start)) return;
    const double last = s->history_start + (s->sums.size() - 1) * kHistoryStep;
    if (last >= bucket || last <= s->scored_bucket || s->counts.back() == 0) return;
    s->scored_bucket = last;
    at = last;
    actual = s->maxes.back();
  }
  const double expected = ForecastAt(*s->forecast, at);
  if (!std::isfinite(expected)) return;
  s->errors.push_back({now, {std::fabs(actual - expected), std::fabs(actual)}});
  while (!s->errors.empty() && s->errors.front().first <= now - p.breaker_window) s->errors.pop_front();
}

double RecentError(const PredictiveState& s) {
  if (static_cast<int>(s.errors.size()) < kBreakerMinReadings) return kNaN;
  double err = 0, actual = 0;
  for (const auto& e : s.errors) {
    err += e.second.first;
    actual += e.second.second;
  }
  return actual > 0 ? err / actual : (err > 0 ? INFINITY : 0);
}

void Refit(const config::Predictive& p, double now, PredictiveState* s) {
  s->last_fit = now;
  // Complete buckets only, at most max_history of them.
  const double now_bucket = std::floor(now / kHistoryStep) * kHistoryStep;
  const size_t complete =
      std::min(s->sums.size(), static_cast<size_t>(std::max(0.0, (now_bucket - s->history_start) / kHistoryStep)));
  const size_t max_n = static_cast<size_t>(p.max_history / kHistoryStep);
  const size_t first = complete > max_n ? complete - max_n : 0;
  forecast::Series series;
  series.step = kHistoryStep;
  series.start = s->history_start + first * kHistoryStep;
  series.values.reserve(complete - first);
  for (size_t i = first; i < complete; ++i) {
    if (s->counts[i] == 0) series.values.push_back(kNaN);
    else series.values.push_back(p.peak ? s->maxes[i] : s->sums[i] / s->counts[i]);
  }
  forecast::CleaningReport report;
  const forecast::Series clean = forecast::Clean(series, &report);
  auto model = forecast::MakeModel(p.model);
  if (!model.ok()) {
    s->fit_error = model.status().message();
    s->forecast.reset();
    return;
  }
  if (Status st = (*model)->Fit(clean); !st.ok()) {
    s->fit_error = st.message();
    s->forecast.reset();
    return;
  }
  s->fit_error.clear();
  s->forecast = (*model)->Predict(static_cast<int>(std::ceil(p.horizon / kHistoryStep)));
}

}  // namespace

double PredictiveRecentError(const PredictiveState& s) { return RecentError(s); }

void ObservePredictive(const config::Predictive& p, double now, double value, PredictiveState* s) {
  UpdateBreaker(p, now, value, s);
  Add(p, now, value, s);
}

void SeedPredictive(const config::Predictive& p, std::span<const std::pair<double, double>> samples,
                    PredictiveState* s) {
  for (const auto& [at, v] : samples) Add(p, at, v, s);
}

PredictiveProposal ProposePredictive(const config::Group& g, const config::Predictive& p, double now,
                                     int current, PredictiveState* s) {
  PredictiveProposal out;
  const double span = std::isnan(s->history_start) ? 0 : now - s->history_start;
  if (span < p.min_history) {
    // Whole hours from an hour on ("learning: 23h of 1d history", not "1381m").
    const double unit = span >= 3600 ? 3600 : 60;
    out.note =
        fmt::format("learning: {} of {} history", FormatDuration(std::floor(span / unit) * unit),
                    FormatDuration(p.min_history));
    return out;
  }
  if (now - s->last_fit >= p.refit_interval) Refit(p, now, s);
  if (!s->forecast) {
    out.note = "no forecast: " + s->fit_error;
    return out;
  }

  // Circuit breaker on the recent forecast error.
  const double err = RecentError(*s);
  if (!s->open && std::isfinite(err) && err > p.breaker_threshold) {
    s->open = out.opened = true;
  } else if (s->open && (!std::isfinite(err) || err < 0.8 * p.breaker_threshold)) {
    s->open = false;
    out.closed = true;
  }

  // Provision for the peak quantile over the launch lead.
  const double lead = g.model.startup + p.scheduling_buffer;
  const forecast::Forecast& f = *s->forecast;
  double need = kNaN;
  for (double t = now + g.model.startup; t <= now + lead + 1e-9; t += kHistoryStep) {
    if (t < f.start) continue;
    const size_t i = static_cast<size_t>((t - f.start) / f.step);
    if (i >= f.mean.size()) break;
    const double q = f.Quantile(i, p.quantile);
    need = std::isnan(need) ? q : std::max(need, q);
  }
  if (std::isnan(need)) {
    out.note = "the forecast does not reach the launch lead; refit pending";
    return out;
  }
  out.forecast = need;
  int desired = SaturateUnits(std::ceil(need / (p.target * g.model.capacity_per_unit) - 1e-9));
  const int cap = SaturateUnits(current + std::ceil(p.max_change * std::max(current, 1)));
  if (desired > cap) desired = cap;
  out.desired = desired;
  if (s->open) {
    out.note = fmt::format("circuit open: recent forecast error {:.0f}% > {:.0f}%; reactive only", 100 * err,
                           100 * p.breaker_threshold);
    return out;
  }
  if (!p.scale) {
    out.note = fmt::format("forecast_only: would ask {}", desired);
    return out;
  }
  if (desired < current && !p.scale_in) {
    out.floor = true;
    out.note = fmt::format("forecast asks {} < {}: a floor under the other policies (predictive "
                           "scale-in is off)", desired, current);
    return out;
  }
  out.active = true;
  out.note = fmt::format("q{:.2g} forecast{} {:.4g} within {}", p.quantile, p.peak ? " of the peak" : "",
                         need, FormatDuration(lead));
  return out;
}

}  // namespace tide::policy
