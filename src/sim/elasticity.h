// elasticity.h: the SPEC Research Group elasticity metrics over per-step demand and supply.
//
// Definitions (Herbst et al., "Quantifying Cloud Performance and Dependability: Taxonomy,
// Metric Design, and Emerging Challenges", ACM TOMPECS 3(4), 2018, section 4.1; also the
// BUNGEE benchmark). With steps of length dt over a total time T, demand d_t and supply s_t
// in units:
//   theta_U = 100/T * sum max(d_t - s_t, 0) / max(d_t, 1) * dt     (under-provisioning accuracy, %)
//   theta_O = 100/T * sum max(s_t - d_t, 0) / max(d_t, 1) * dt     (over-provisioning accuracy, %)
//   tau_U   = 100/T * sum [s_t < d_t] * dt                         (under-provisioning timeshare, %)
//   tau_O   = 100/T * sum [s_t > d_t] * dt                         (over-provisioning timeshare, %)
//   instability = 100/(T - dt_1) * sum_{t >= 2} min(|sgn(s_t - s_{t-1}) - sgn(d_t - d_{t-1})|, 1) * dt
//     (the share of time in which supply and demand do not move in the same direction)
// The divisor max(d_t, 1) is this project's rule for steps with zero demand.
#pragma once

namespace tide::sim {

struct ElasticityFigures {
  double theta_under = 0;
  double theta_over = 0;
  double tau_under = 0;
  double tau_over = 0;
  double instability = 0;
  double seconds = 0;  // T
};

class ElasticityAccumulator {
 public:
  // Adds one step of length dt > 0.
  void Add(double dt, int demand, int supply);
  ElasticityFigures Finish() const;

 private:
  double t_ = 0, t_after_first_ = 0;
  double under_ = 0, over_ = 0, under_time_ = 0, over_time_ = 0, unstable_ = 0;
  int prev_demand_ = 0, prev_supply_ = 0;
  bool has_prev_ = false;
};

}  // namespace tide::sim
