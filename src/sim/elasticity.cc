// elasticity.cc: the SPEC Research Group elasticity metrics (formulas in elasticity.h).
//
// Source: N. Herbst et al., "Quantifying Cloud Performance and Dependability: Taxonomy,
// Metric Design, and Emerging Challenges", ACM TOMPECS 3(4):19, 2018, section 4.1 (accuracy
// theta_U/theta_O, timeshare tau_U/tau_O, instability upsilon). BUNGEE
// (github.com/NikolasHerbst/BUNGEE, tools.descartes.bungee/metric) implements the same family;
// note that its Instability.java counts only max(sgn ds - sgn dd, 0), a one-sided variant,
// while we follow the symmetric min(|sgn ds - sgn dd|, 1) of the paper and of elasticity.h:
// a step counts as unstable whenever supply and demand do not move in the same direction
// (one moves and the other does not, or they move in opposite directions).
//
// Units: demand and supply in units; every figure but `seconds` is a percentage of time.
#include "sim/elasticity.h"

#include <algorithm>

namespace tide::sim {
namespace {

int Sign(int x) { return (x > 0) - (x < 0); }

}  // namespace

void ElasticityAccumulator::Add(double dt, int demand, int supply) {
  const double divisor = std::max(demand, 1);  // this project's rule for zero demand
  t_ += dt;
  if (supply < demand) {
    under_ += (demand - supply) / divisor * dt;
    under_time_ += dt;
  } else if (supply > demand) {
    over_ += (supply - demand) / divisor * dt;
    over_time_ += dt;
  }
  if (has_prev_) {
    t_after_first_ += dt;
    if (Sign(supply - prev_supply_) != Sign(demand - prev_demand_)) unstable_ += dt;
  }
  prev_demand_ = demand;
  prev_supply_ = supply;
  has_prev_ = true;
}

ElasticityFigures ElasticityAccumulator::Finish() const {
  ElasticityFigures f;
  f.seconds = t_;
  if (t_ > 0) {
    f.theta_under = 100.0 * under_ / t_;
    f.theta_over = 100.0 * over_ / t_;
    f.tau_under = 100.0 * under_time_ / t_;
    f.tau_over = 100.0 * over_time_ / t_;
  }
  if (t_after_first_ > 0) f.instability = 100.0 * unstable_ / t_after_first_;
  return f;
}

}  // namespace tide::sim
