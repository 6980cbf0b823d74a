#!/usr/bin/env python3
"""How low could any 1 h forecast go on forecast_vs_r's 5-minute origins? Hindsight bounds.

usage: bounds.py [--dir OUT]   (OUT from run.sh: origins.csv, r_scales.csv, series/)

For every 5-minute origin it scores, with peers.R's definitions (MASE_s = mean absolute error
over the first hour / the in-sample MAE of the daily seasonal naive, r_scales.csv), forecasts
that see the future and so bound what a forecast made at the origin can reach:

  flat, knows the next hour's mean     one level for the hour: the mean of its 12 actuals
  flat, knows the next hour's median   the same with their median (the best flat line for MAE)
  knows each step's neighbours (+/-k)  each step: the mean of the k actuals on either side of
                                       it, not the step itself (the local level without that
                                       step's own noise)

and, as a check against tide_eval.py's and peers.R's tables, two causal forecasts: the mean of
the last 50 minutes (R's `ma`, tide's `moving_average`) and the median of the last hour.
Hourly origins are left out: there the first hour is one step, which a hindsight forecast
knows exactly. Prints the median over origins per trace and pooled (ALL_5min), as the
issue's target is stated. Standard library only.
"""
import argparse
import csv
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 12  # one hour of 5-minute steps


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def forecasts(y, o):
    """name -> the 12 forecasts for steps o .. o+11 of y (y[o] is the first step after the origin)."""
    a = y[o:o + STEPS]
    out = {
        "flat, knows the next hour's mean": [sum(a) / STEPS] * STEPS,
        "flat, knows the next hour's median": [statistics.median(a)] * STEPS,
    }
    for k in (2, 3, 6):
        f = []
        for i in range(o, o + STEPS):
            w = [y[j] for j in range(i - k, i + k + 1) if j != i and 0 <= j < len(y)]
            f.append(sum(w) / len(w))
        out[f"knows each step's neighbours (+/-{k})"] = f
    out["causal: mean of the last 50 min"] = [sum(y[o - 10:o]) / 10] * STEPS
    out["causal: median of the last hour"] = [statistics.median(y[o - STEPS:o])] * STEPS
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    origins = [o for o in read_csv(os.path.join(args.dir, "origins.csv"))
               if int(o["resolution_seconds"]) == 300]
    scale = {(r["trace"], int(r["origin"])): float(r["scale_snaive"])
             for r in read_csv(os.path.join(args.dir, "r_scales.csv"))}
    series = {}
    scores = {}  # name -> group -> [MASE_s]
    for o in origins:
        tr, idx = o["trace"], int(o["origin_index"])
        if tr not in series:
            series[tr] = [float(r["value"]) for r in read_csv(os.path.join(args.dir, "series", tr + ".csv"))]
        y = series[tr]
        actual = y[idx:idx + STEPS]
        for name, f in forecasts(y, idx).items():
            m = sum(abs(u - v) for u, v in zip(actual, f)) / STEPS / scale[(tr, idx)]
            for g in (tr, "ALL_5min"):
                scores.setdefault(name, {}).setdefault(g, []).append(m)
    groups = ["ALL_5min"] + list(dict.fromkeys(o["trace"] for o in origins))
    print("| forecast | " + " | ".join(f"{g} ({len(scores[next(iter(scores))][g])})" for g in groups) + " |")
    print("|---|" + "---|" * len(groups))
    for name, by in scores.items():
        print(f"| {name} | " + " | ".join(f"{statistics.median(by[g]):.3f}" for g in groups) + " |")


if __name__ == "__main__":
    main()
