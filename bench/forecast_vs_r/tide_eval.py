#!/usr/bin/env python3
"""tide's side of bench/forecast_vs_r: the same series and origins as peers.R, side by side.

usage: tide_eval.py [--dir OUT] [--tide BIN] [--bench BIN] [--models a,b] [--reps N] [--no-cli]

1. Runs `forecast_bench --vs-r OUT` (bench/forecast_bench.cc): for every origin of
   OUT/origins.csv and every model it does what `tide forecast` does (history = rows before
   the origin, <= 14 days; Clean; Fit; 24 h Predict), times Clean + Fit + Predict in CPU
   seconds inside the process (median of --reps) and writes OUT/tide_results.csv.
2. Unless --no-cli: runs `tide forecast --trace OUT/series/T.csv --at ORIGIN_TIME
   --horizon 24h --model M --csv -` for every origin and model, scores the CLI's rows with
   peers.R's definitions (MASE over steps 1..h divided by r_scales.csv's scale_naive1; MASE_s by
   scale_snaive; coverage = share of steps 1..h inside the interval, bounds inclusive), writes
   OUT/tide_cli_results.csv and checks that they equal the driver's figures. The table uses the
   CLI's accuracy and the driver's time (process start-up and CSV parsing would dominate a
   ~5 ms fit).
3. Prints one table: R's models (OUT/r_results.csv + OUT/r_scales.csv) and tide's, per trace,
   ALL_5min and ALL: median MASE and MASE_s over origins, pooled coverage, median CPU seconds;
   then tide/R time ratios against R's stlf and ets.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MODELS = "auto,ets,regression,seasonal_naive_daily,seasonal_naive_weekly,moving_average"


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def cli_scores(args, origins, scales, models):
    rows = []
    for o in origins:
        tr, res, idx = o["trace"], float(o["resolution_seconds"]), int(o["origin_index"])
        sc = scales[(tr, idx)]
        series = os.path.join(args.dir, "series", tr + ".csv")
        actual = [float(r["value"]) for r in read_csv(series)]
        per_day = round(86400 / res)
        for m in models:
            p = subprocess.run([args.tide, "forecast", "--trace", series, "--at", o["origin_time"],
                                "--horizon", "24h", "--model", m, "--csv", "-"],
                               capture_output=True, text=True)
            if p.returncode != 0:  # e.g. level_seasonal on hourly steps; the driver skips it too
                print(f"tide forecast: no forecast ({tr} {idx} {m}): {p.stderr.strip()}", file=sys.stderr)
                continue
            fc = list(csv.DictReader(p.stdout.splitlines()))
            assert len(fc) == per_day and float(fc[0]["t"]) == idx * res, (tr, idx, m)
            for hs in (round(3600 / res), per_day):
                a, f = actual[idx:idx + hs], fc[:hs]
                ae = sum(abs(y - float(r["mean"])) for y, r in zip(a, f)) / hs
                rows.append({"trace": tr, "model": m, "origin": idx, "h": int(hs * res),
                             "mase": ae / sc[0], "mase_s": ae / sc[1],
                             "covered80": sum(float(r["lo80"]) <= y <= float(r["hi80"]) for y, r in zip(a, f)) / hs,
                             "covered95": sum(float(r["lo95"]) <= y <= float(r["hi95"]) for y, r in zip(a, f)) / hs})
    return rows


def summarise(rows, key_traces):
    """rows: dicts with trace, model, h, mase, mase_s, covered80, covered95, seconds."""
    groups = {}
    for r in rows:
        for g in key_traces(r["trace"]):
            groups.setdefault((g, r["model"]), []).append(r)
    out = {}
    for (g, m), rs in groups.items():
        d = {"n": len({(r["trace"], r["origin"]) for r in rs})}
        for h, tag in ((3600, "1h"), (86400, "24h")):
            hr = [r for r in rs if int(r["h"]) == h and r["mase"] == r["mase"]]
            d["mase_" + tag] = statistics.median(r["mase"] for r in hr)
            d["mase_s_" + tag] = statistics.median(r["mase_s"] for r in hr)
            d["cov80_" + tag] = statistics.mean(r["covered80"] for r in hr)
            d["cov95_" + tag] = statistics.mean(r["covered95"] for r in hr)
        d["seconds"] = statistics.median(r["seconds"] for r in rs if int(r["h"]) == 86400)
        out[(g, m)] = d
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(HERE, "out"))
    ap.add_argument("--tide", default=os.path.join(REPO, "build", "tide"))
    ap.add_argument("--bench", default=os.path.join(REPO, "build", "bench", "forecast_bench"))
    ap.add_argument("--models", default=MODELS)
    ap.add_argument("--reps", default="3")
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--no-driver", action="store_true", help="reuse OUT/tide_results.csv")
    args = ap.parse_args()
    models = args.models.split(",")
    if not args.no_driver:
        subprocess.run([args.bench, "--vs-r", args.dir, "--models", args.models, "--reps", args.reps],
                       check=True)
    origins = read_csv(os.path.join(args.dir, "origins.csv"))
    scales = {(r["trace"], int(r["origin"])): (float(r["scale_naive1"]), float(r["scale_snaive"]))
              for r in read_csv(os.path.join(args.dir, "r_scales.csv"))}
    res_of = {o["trace"]: int(o["resolution_seconds"]) for o in origins}

    tide = []
    for r in read_csv(os.path.join(args.dir, "tide_results.csv")):
        r = dict(r)
        for k in ("mase", "mase_s", "covered80", "covered95", "seconds"):
            r[k] = float(r[k])
        r["origin"] = int(r["origin"])
        sc = scales[(r["trace"], r["origin"])]  # the driver's scales must be peers.R's
        assert abs(r["mase"] * sc[0] - r["mase_s"] * sc[1]) <= 1e-6 * (1 + r["mase"] * sc[0]), r
        tide.append(r)
    if not args.no_cli:
        cli = cli_scores(args, origins, scales, models)
        with open(os.path.join(args.dir, "tide_cli_results.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(cli[0].keys()))
            w.writeheader()
            w.writerows(cli)
        by = {(r["trace"], r["model"], r["origin"], int(r["h"])): r for r in tide}
        for c in cli:
            d = by[(c["trace"], c["model"], c["origin"], c["h"])]
            for k in ("mase", "mase_s", "covered80", "covered95"):
                if abs(c[k] - d[k]) > 1e-6 * (1 + abs(c[k])):
                    sys.exit(f"CLI and driver disagree: {c} vs {d}")
            d.update({k: c[k] for k in ("mase", "mase_s", "covered80", "covered95")})
        print(f"tide forecast CLI: {len(cli)} scores, identical to the driver's")

    rr = []
    for r in read_csv(os.path.join(args.dir, "r_results.csv")):
        if r["mase"] in ("NA", ""):
            continue
        o = int(r["origin"])
        sc = scales[(r["trace"], o)]
        m = float(r["mase"])
        rr.append({"trace": r["trace"], "model": "R " + r["model"], "origin": o, "h": int(r["h"]),
                   "mase": m, "mase_s": m * sc[0] / sc[1], "covered80": float(r["covered80"]),
                   "covered95": float(r["covered95"]), "seconds": float(r["seconds"])})

    def keys(tr):
        return [tr] + (["ALL_5min"] if res_of[tr] == 300 else []) + ["ALL"]
    summ = summarise(rr + tide, keys)
    traces = list(dict.fromkeys(o["trace"] for o in origins)) + ["ALL_5min", "ALL"]
    allm = ["R snaive", "R ma", "R ets", "R stlf", "R auto.arima"] + models
    print("\n| trace | model | n | MASE 1h | MASE 24h | MASE_s 1h | MASE_s 24h | 24h / snaive "
          "| cov80 1h | cov95 1h | cov80 24h | cov95 24h | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for t in traces:
        sn = summ.get((t, "R snaive"))
        for m in allm:
            d = summ.get((t, m))
            if not d:
                continue
            name = m if m.startswith("R ") else "tide " + m
            if m == "auto":
                name = "**tide auto**"
            rel = d["mase_24h"] / sn["mase_24h"] if sn else float("nan")
            print(f"| {t} | {name} | {d['n']} | {d['mase_1h']:.3f} | {d['mase_24h']:.3f} | "
                  f"{d['mase_s_1h']:.3f} | {d['mase_s_24h']:.3f} | {rel:.2f}x | "
                  f"{100 * d['cov80_1h']:.0f}% | {100 * d['cov95_1h']:.0f}% | {100 * d['cov80_24h']:.0f}% | "
                  f"{100 * d['cov95_24h']:.0f}% | {d['seconds']:.4f} |")
    print("\nTime ratio R / tide (median CPU seconds per origin, fit + 24 h forecast; > 1 = tide faster)\n")
    print("| trace | tide model | tide CPU s | R stlf / tide | R ets / tide | R auto.arima / tide |")
    print("|---|---|---|---|---|---|")
    for t in traces:
        for m in models:
            d = summ.get((t, m))
            if not d:
                continue
            cells = []
            for p in ("R stlf", "R ets", "R auto.arima"):
                rd = summ.get((t, p))
                cells.append(f"{rd['seconds'] / d['seconds']:.0f}x" if rd and d["seconds"] > 0 else "-")
            print(f"| {t} | {m} | {d['seconds']:.4f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
