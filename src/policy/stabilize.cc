#include "policy/stabilize.h"

#include <algorithm>

namespace tide::policy {

int Stabilize(const config::ScalingRules& up, const config::ScalingRules& down, int current,
              int desired, double now, std::deque<TimedRecommendation>* history) {
  const double keep = std::max(up.stabilization_window, down.stabilization_window);
  while (!history->empty() && history->front().at <= now - keep) history->pop_front();

  int up_rec = desired;
  int down_rec = desired;
  const double up_cutoff = now - up.stabilization_window;
  const double down_cutoff = now - down.stabilization_window;
  for (const auto& r : *history) {
    if (r.at > up_cutoff) up_rec = std::min(up_rec, r.desired);
    if (r.at > down_cutoff) down_rec = std::max(down_rec, r.desired);
  }
  history->push_back({now, desired});

  int result = current;
  if (result < up_rec) result = up_rec;
  if (result > down_rec) result = down_rec;
  return result;
}

}  // namespace tide::policy
