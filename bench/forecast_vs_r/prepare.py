#!/usr/bin/env python3
"""Series preparation for bench/forecast_vs_r (Python 3 standard library only).

Reads the daily-cycle traces from the shared trace directory, resamples them to
5-minute means (the three per-minute web traces) or hourly means (NYC taxi, NASA
iPSC), and picks rolling forecast origins evenly spread over the last 40 % of
each resampled series.

Writes, into OUT:
  series/<trace>.csv   the resampled series, Trace CSV format (timestamp,value),
                       timestamp = seconds since the start of the original trace,
                       value = mean arrival rate (1/s) over the resampled interval
  origins.csv          trace,resolution_seconds,origin_index,origin_time
                       origin_index = 0-based row of the resampled series that is
                       the FIRST forecast step; the model is fitted on rows
                       [max(0, origin_index - 14 days), origin_index) only.
                       origin_time = origin_index * resolution_seconds = the
                       trace time T at which the forecast is made (data with
                       timestamp < T is history; rows with timestamp >= T are
                       forecast, the 24 h horizon covers rows
                       origin_index .. origin_index + steps_per_day - 1).
"""
import argparse
import csv
import os
import sys

# trace stem -> target resolution in seconds
TRACES = [
    ("wc98_requests_1min", 300),
    ("nasa_http_jul1995_requests_1min", 300),
    ("nasa_http_aug1995_requests_1min", 300),
    ("nyc_taxi_passengers_30min", 3600),
    ("nasa_ipsc_1993_jobs_1h", 3600),
]

DAY = 86400
FIT_DAYS = 14          # fitting window: at most this many days before the origin
HORIZON = DAY          # forecast horizon
EVAL_FRACTION = 0.40   # origins lie in the last 40 % of the (resampled) trace


def read_trace(path):
    ts, vs = [], []
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        if [h.strip() for h in header[:2]] != ["timestamp", "value"]:
            sys.exit(f"{path}: unexpected header {header}")
        for row in r:
            if not row:
                continue
            ts.append(int(float(row[0])))
            vs.append(float(row[1]))
    if len(ts) < 2:
        sys.exit(f"{path}: too few rows")
    step = ts[1] - ts[0]
    for k, t in enumerate(ts):
        if t != ts[0] + k * step:
            sys.exit(f"{path}: row {k} breaks the regular grid (t={t})")
    return ts[0], step, vs


def resample(start, step, vs, res):
    """Mean rate over consecutive res-second bins aligned with the trace start.
    A trailing partial bin is dropped."""
    if res % step != 0:
        sys.exit(f"resolution {res} is not a multiple of the trace interval {step}")
    k = res // step
    nbins = len(vs) // k
    out = []
    for b in range(nbins):
        chunk = vs[b * k:(b + 1) * k]
        out.append(sum(chunk) / k)
    return out


def pick_origins(n, res, count):
    """count origins evenly spread over [ceil(0.6 n), n - H], where H is the 24 h
    horizon in steps, so that every origin has a full 24 h of actuals after it."""
    per_day = DAY // res
    lo = -(-n * 6 // 10)  # ceil(0.6 n): start of the last 40 %
    lo = max(lo, 2 * per_day)  # never fewer than two days of history
    hi = n - HORIZON // res
    if hi < lo:
        sys.exit(f"series of {n} rows too short for the protocol")
    if count == 1:
        return [lo]
    out = [lo + round(i * (hi - lo) / (count - 1)) for i in range(count)]
    return sorted(set(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", default="/work/shared/traces",
                    help="directory holding the shared trace CSVs")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--origins", type=int, default=20, help="origins per trace")
    a = ap.parse_args()

    os.makedirs(os.path.join(a.out, "series"), exist_ok=True)
    rows = []
    for stem, res in TRACES:
        path = os.path.join(a.traces, stem + ".csv")
        if not os.path.exists(path):
            sys.exit(f"missing trace {path}")
        start, step, vs = read_trace(path)
        ys = resample(start, step, vs, res)
        with open(os.path.join(a.out, "series", stem + ".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["timestamp", "value"])
            for i, y in enumerate(ys):
                w.writerow([start + i * res, repr(y)])
        origins = pick_origins(len(ys), res, a.origins)
        for o in origins:
            rows.append((stem, res, o, start + o * res))
        print(f"{stem}: {len(vs)} rows @ {step} s -> {len(ys)} rows @ {res} s, "
              f"{len(origins)} origins in rows {origins[0]}..{origins[-1]} "
              f"(day {origins[0] * res / DAY:.1f}..{origins[-1] * res / DAY:.1f} "
              f"of {len(ys) * res / DAY:.1f})")
    with open(os.path.join(a.out, "origins.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["trace", "resolution_seconds", "origin_index", "origin_time"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
