// cmd_recommend.cc: `tide recommend` — search policy variants on the training part of a
// trace, pick the cheapest that meets the SLO, evaluate it on the held-back part, write it
// as a ready config.
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "config/emit.h"
#include "config/live.h"
#include "config/loader.h"
#include "core/duration.h"
#include "files.h"
#include "sim/recommend.h"
#include "sim/slo.h"
#include "sim/trace.h"

namespace tide::app {
namespace {

std::string Row(const sim::Candidate& c) {
  return fmt::format("{:<58} {:>10.2f} {:>7.2f}% {:>8.4f}% {}", c.label, c.train.cost, c.train.tau_under,
                     100 * c.train.unserved_fraction, c.meets ? "meets" : "misses");
}

// A summary of the chosen variant. Its config_path is the file that holds that variant: --out
// when given, else empty (the variant is in no file; --config holds the group before tuning).
nlohmann::json SummaryObject(sim::Summary s, const std::string& out) {
  s.config_path = out;
  return nlohmann::json::parse(sim::SummaryJson(s));
}

}  // namespace

Status RunRecommend(const RecommendArgs& a) {
  auto cfg = config::LoadConfig(a.config);
  if (!cfg.ok()) return cfg.status();
  auto picked = PickGroup(*cfg, a.group, a.config);
  if (!picked.ok()) return picked.status();
  const config::Group* group = *picked;
  if (auto problems = config::CheckForSimulation(*cfg, *group); !problems.empty()) {
    return Status::InvalidInput(problems.front().ToString());
  }
  auto slo = sim::ParseSlo(a.slo);
  if (!slo.ok()) return slo.status();
  auto trace = sim::ReadTrace(a.trace);
  if (!trace.ok()) return trace.status();

  sim::RecommendOptions opt;
  opt.train_fraction = a.train_fraction;
  opt.family = a.family;
  auto step = ParseStep(a.step);
  if (!step.ok()) return step.status();
  opt.step = *step;
  NoteCoarseStep("recommend", a.step, opt.step, *group);
  if (!a.train_warmup.empty()) {
    auto w = ParseDuration(a.train_warmup);
    if (!w.ok() || !(*w >= 0)) {
      return Status::InvalidInput(
          fmt::format("--train-warmup: bad value '{}': allowed: a duration >= 0 (e.g. 0s, 1d)", a.train_warmup));
    }
    opt.train_warmup = *w;
  }
  if (!a.start_time.empty()) {
    auto t = ParseTimestamp(a.start_time);
    if (!t.ok()) return Status::InvalidInput("--start-time: " + t.status().message());
    opt.start_epoch = *t;
  }
  // Open outputs first: a bad path fails before minutes of search.
  if (Status st = CheckOutputsApart({{"--out", &a.out}, {"--json", &a.json}}); !st.ok()) return st;
  std::unique_ptr<AtomicFile> out, json;
  if (!a.out.empty()) {
    auto f = AtomicFile::Open(a.out);
    if (!f.ok()) return f.status();
    out = std::move(f).value();
  }
  if (!a.json.empty()) {
    auto f = AtomicFile::Open(a.json);
    if (!f.ok()) return f.status();
    json = std::move(f).value();
  }
  const bool tty = isatty(fileno(stderr)) && a.json != "-";
  if (tty) {
    opt.progress = [](int done, int total) {
      const int width = 40, filled = width * done / total;
      std::fprintf(stderr, "\r[%s%s] %d/%d variants", std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), done, total);
      if (done == total) std::fprintf(stderr, "\n");
    };
  }
  auto r = sim::Recommend(*group, *trace, *slo, opt);
  if (!r.ok()) return r.status();
  for (const auto& n : r->notes) std::fprintf(stderr, "tide recommend: note: %s\n", n.c_str());

  const bool found = r->chosen >= 0;
  const sim::Candidate& pick = r->candidates[found ? r->chosen : r->closest];
  // An output on stdout is the whole of stdout: the text summary would corrupt it.
  const bool text = a.json != "-" && a.out != "-";
  if (text) {
    std::printf("searched %zu variants (%s) on the first %.0f%% of %s (scored from trace second %.0f, the "
                "warm-up replayed before it, until %.0f), SLO %s\n\n",
                r->candidates.size(), a.family.c_str(), 100 * a.train_fraction, a.trace.c_str(), r->train_from,
                r->split, a.slo.c_str());
    std::printf("%-58s %10s %8s %9s\n", "variant (training part)", "cost", "tau_U", "unserved");
    // The cheapest few that meet, then the closest misses.
    std::vector<const sim::Candidate*> order;
    for (const auto& c : r->candidates) order.push_back(&c);
    std::sort(order.begin(), order.end(), [](auto* x, auto* y) {
      if (x->meets != y->meets) return x->meets;
      return x->meets ? x->train.cost < y->train.cost : x->shortfall < y->shortfall;
    });
    for (size_t i = 0; i < order.size() && i < 10; ++i) std::printf("%s\n", Row(*order[i]).c_str());
    if (found) {
      std::printf("\nchosen: %s — the cheapest that meets %s on the training part\n", pick.label.c_str(),
                  a.slo.c_str());
    } else {
      double shortfall = pick.shortfall;
      std::printf("\nNO variant meets %s on the training part. Closest: %s (total relative shortfall %.3g).\n",
                  a.slo.c_str(), pick.label.c_str(), shortfall);
    }
    double test_shortfall = 0;
    const bool test_meets = sim::MeetsSlo(r->test, *slo, &test_shortfall);
    std::printf("held-back part (from trace second %.0f, warm-up before it): cost %.2f (oracle %.2f), "
                "tau_U %.2f%%, unserved %.4f%% — %s the SLO\n",
                r->split, r->test.cost, r->test.oracle_cost, r->test.tau_under, 100 * r->test.unserved_fraction,
                test_meets ? "meets" : "misses");
  }
  if (out) {
    const std::string comment = fmt::format(
        "tide recommend: {} ({}); SLO {}; training cost {:.2f}; held-back cost {:.2f}, tau_U {:.2f}%{}", pick.label,
        found ? "cheapest meeting the SLO" : "closest: nothing met the SLO", a.slo, pick.train.cost, r->test.cost,
        r->test.tau_under, "");
    if (Status s = out->Append(config::EmitGroup(*cfg, pick.group, comment)); !s.ok()) return s;
  }
  if (json) {
    nlohmann::json j = {{"slo", a.slo},
                        {"family", a.family},
                        {"split", r->split},
                        {"train_from", r->train_from},
                        {"found", found},
                        {"chosen", pick.label},
                        {"train", SummaryObject(pick.train, a.out)},
                        {"test", SummaryObject(r->test, a.out)}};
    nlohmann::json all = nlohmann::json::array();
    for (const auto& c : r->candidates)
      all.push_back({{"label", c.label}, {"family", c.family}, {"meets", c.meets}, {"shortfall", c.shortfall},
                     {"cost", c.train.cost}, {"tau_under", c.train.tau_under},
                     {"unserved_fraction", c.train.unserved_fraction}});
    j["candidates"] = all;
    j["notes"] = r->notes;
    if (Status s = json->Append(j.dump(2) + "\n"); !s.ok()) return s;
  }
  for (AtomicFile* f : {out.get(), json.get()}) {
    if (!f) continue;
    if (Status s = f->Commit(); !s.ok()) return s;
  }
  if (out && text) std::printf("config written to %s\n", a.out.c_str());
  return Status::Ok();
}

}  // namespace tide::app
