#!/usr/bin/env python3
"""cost_bounds.py: how much cheaper than the recommended reactive policy *any* policy could be
on the held-back half of each trace of bench/predictive_costs.sh, given what it could know.

    python3 bench/cost_bounds.py [OUTDIR]      # OUTDIR of predictive_costs.sh (its default)

Reads OUTDIR/traces/NAME.csv, NAME.peak and OUTDIR/json/NAME-SCENARIO-{reactive,all}.json.
For each trace and scenario it prints the mean provisioned units of the two recommended
policies (held-back half, as tide simulate measured them) and of oracles that see the
future of the held-back half and pay nothing for it (no startup, no billing minimum):

  perfect         supplies exactly the demand of every step: the simulator's oracle_cost.
  knows M-min     knows the exact mean load of every aligned M-minute block (5, 15, 60) —
  mean            what a perfect forecast of M-minute means would know — but not the
                  minute-to-minute variation inside it. It picks the supply for each block
                  from that mean alone, as well as possible: the block means are split into
                  40 classes (quantiles), and for each class the supply is the one that
                  minimises units + mu x (share of steps under-provisioned), using the
                  demand seen in that class *in the same held-back half* (so the oracle
                  also knows the noise's distribution in advance); mu is the smallest that
                  brings the under-provisioned timeshare to <= 1 % (the issue's SLO).

A policy driven by a forecast of 5-minute means (tide's predictive policy) cannot do better
than "knows 5-min mean" in this cost model; the percentage next to each figure is its saving
against the recommended reactive policy, i.e. the most the issue's cost target could measure.
Pure Python (no numpy): a few seconds per trace.
"""
import bisect
import json
import math
import os
import sys

TRACES = ["wc98", "nasa_jul", "nasa_aug", "nyc_taxi"]
SCENARIOS = ["vm", "pod"]
CLASSES = 40
TAU_LIMIT = 0.01


def load_trace(path):
    t, y = [], []
    with open(path) as f:
        next(f)
        for line in f:
            a, b = line.split(",")
            t.append(float(a))
            y.append(float(b))
    return t, y


def best_units_knowing_means(load, demand, block):
    """Mean supply of the best policy that knows each `block`-step mean (see the header)."""
    means = []
    for i in range(0, len(load), block):
        part = load[i:i + block]
        means.extend([sum(part) / len(part)] * len(part))
    ranked = sorted(means)
    edges = sorted({ranked[min(len(ranked) - 1, (k * len(ranked)) // CLASSES)]
                    for k in range(CLASSES)})
    classes = {}
    for m, d in zip(means, demand):
        classes.setdefault(bisect.bisect_right(edges, m), []).append(d)
    # Per class: the sorted demands, so the share above a supply c is one bisect.
    tables = [sorted(v) for v in classes.values()]
    n = len(demand)
    mu = 0.5
    while mu < 1e6:
        units = under = 0.0
        for g in tables:
            best = None
            for c in range(0, g[-1] + 1):
                miss = (len(g) - bisect.bisect_right(g, c)) / len(g)
                score = c + mu * miss
                if best is None or score < best[0]:
                    best = (score, c, miss)
            units += len(g) * best[1]
            under += len(g) * best[2]
        if under / n <= TAU_LIMIT:
            return units / n
        mu *= 1.01
    return float("nan")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "tide-predictive-costs")
    print("| trace | scenario | reactive (τU) | recommended, all | perfect | knows 5-min mean "
          "| knows 15-min mean | knows 60-min mean |")
    print("|---|---|---|---|---|---|---|---|")
    for name in TRACES:
        trace = os.path.join(out, "traces", name + ".csv")
        if not os.path.exists(trace):
            continue
        t, y = load_trace(trace)
        step = t[1] - t[0]
        with open(os.path.join(out, "traces", name + ".peak")) as f:
            cpu = float(f.read()) / 40
        for sc in SCENARIOS:
            try:
                with open(os.path.join(out, "json", f"{name}-{sc}-reactive.json")) as f:
                    r = json.load(f)["test"]
                with open(os.path.join(out, "json", f"{name}-{sc}-all.json")) as f:
                    a = json.load(f)["test"]
            except FileNotFoundError:
                continue
            first = int(round(r["from"] / step))
            load = y[first:]
            demand = [max(0, math.ceil(v / cpu - 1e-9)) for v in load]
            base = r["mean_provisioned"]

            def cell(units):
                return f"{units:.2f} ({100 * (1 - units / base):.1f} %)"

            cells = [cell(a["mean_provisioned"]), cell(sum(demand) / len(demand))]
            for minutes in (5, 15, 60):
                block = max(1, int(round(minutes * 60 / step)))
                cells.append(cell(best_units_knowing_means(load, demand, block)))
            print(f"| {name} | {sc} | {base:.2f} ({r['tau_under']:.2f} %) | " + " | ".join(cells) + " |")
    print("\nUnits = mean provisioned units over the held-back half; (%) = saving against the "
          "recommended reactive policy.")


if __name__ == "__main__":
    main()
