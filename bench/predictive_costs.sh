#!/usr/bin/env bash
# predictive_costs.sh: the cost target of issue #3 — at equal SLO (tau_under <= 1 %), the
# policy `tide recommend` picks when it searches hybrid + reactive + predictive settings
# together (--family all) against the one it picks from reactive settings only, both tuned on
# the first half of a trace and measured on the second half (warm-up before it).
#
#   bash bench/predictive_costs.sh [OUTDIR]        # default $TMPDIR/tide-predictive-costs
#   TIDE=build-pc/tide bash bench/predictive_costs.sh
#
# Traces (from ../shared/traces, prepared copies in OUTDIR/traces, timestamps rebased to 0):
#   wc98      28 days from 1998-06-10 21:30 UTC (rows 59040..99359: the tournament; the
#             full 87 days are dominated by a quiet April/May that a peak-sized group
#             serves with one unit, and would take 3x as long)
#   nasa_jul  the whole July log (27.6 days)   nasa_aug  the whole August log (31 days)
#   nyc_taxi  the first 28 days (2014-07-01 ..)
# Each group: capacity_per_unit = the trace's peak / 40 (the peak needs 40 units), price 1
# per unit-hour, billing per second with a 60 s minimum, min 1, max 200, HPA default
# behaviour, a reactive target tracking policy on utilisation (0.6) as configured.
# Scenarios: vm  = 300 s startup, 60 s evaluation, 60 s metric window, --step 10s;
#            pod =  30 s startup, 15 s evaluation, 60 s metric window, --step 5s.
# Two cores: about 15 minutes in all (the hybrid grid has 324 variants, the reactive 88).
# Last, bench/cost_bounds.py prints the most any policy could save on each trace given what
# it could know.
set -euo pipefail
cd "$(dirname "$0")/.."
TIDE=${TIDE:-build/tide}
SRC=${TRACES:-../shared/traces}
OUT=${1:-${TMPDIR:-/tmp}/tide-predictive-costs}
SCENARIOS=${SCENARIOS:-vm pod}
ONLY=${ONLY:-wc98 nasa_jul nasa_aug nyc_taxi}
mkdir -p "$OUT/traces" "$OUT/configs" "$OUT/json"
[ -x "$TIDE" ] || { echo "no $TIDE: build it first (bash scripts/build.sh)" >&2; exit 2; }

# name  source-file  first-row  rows(0 = all)  start-time of the first kept row (UTC)
TRACE_TABLE="
wc98     wc98_requests_1min.csv               59040 40320 1998-06-10T21:30:00Z
nasa_jul nasa_http_jul1995_requests_1min.csv  0     0     1995-07-01T04:00:00Z
nasa_aug nasa_http_aug1995_requests_1min.csv  0     0     1995-08-01T04:00:00Z
nyc_taxi nyc_taxi_passengers_30min.csv        0     1344  2014-07-01T04:00:00Z
"

prepare() {  # name file first rows -> OUT/traces/name.csv, prints the peak
  local name=$1 file=$2 first=$3 rows=$4
  awk -F, -v first="$first" -v rows="$rows" '
    NR == 1 { print; next }
    { i = NR - 2 }
    i < first || (rows > 0 && i >= first + rows) { next }
    t0 == "" { t0 = $1 }
    { printf "%d,%s\n", $1 - t0, $2; if ($2 + 0 > peak) peak = $2 + 0 }
    END { printf "%.10g\n", peak > "/dev/stderr" }' "$SRC/$file" 2>"$OUT/traces/$name.peak" >"$OUT/traces/$name.csv"
  cat "$OUT/traces/$name.peak"
}

write_config() {  # name scenario cpu -> config path
  local name=$1 sc=$2 cpu=$3 startup eval
  if [ "$sc" = vm ]; then startup=300s; eval=60s; else startup=30s; eval=15s; fi
  local f="$OUT/configs/$name-$sc.yaml"
  cat >"$f" <<EOF
# bench/predictive_costs.sh: $name, $sc scenario (peak = 40 units)
groups:
  - name: $name
    capacity: {min: 1, max: 200, initial: 10}
    model:
      capacity_per_unit: $cpu
      startup: $startup
      shutdown: 0s
      price_per_unit_hour: 1
      billing: {granularity: 1s, minimum: 60s}
    evaluation_interval: $eval
    metrics:
      - name: utilization
        source: {type: simulated, signal: utilization, window: 60s}
      - name: load
        source: {type: simulated, signal: load, window: 60s}
    policies:
      - {type: target_tracking, name: reactive, metric: utilization, target: 0.6}
EOF
  echo "$f"
}

echo "$TRACE_TABLE" | while read -r name file first rows start; do
  [ -n "$name" ] || continue
  case " $ONLY " in *" $name "*) ;; *) continue ;; esac
  peak=$(prepare "$name" "$file" "$first" "$rows")
  cpu=$(awk -v p="$peak" 'BEGIN { printf "%.6g", p / 40 }')
  for sc in $SCENARIOS; do
    step=10s; [ "$sc" = pod ] && step=5s
    cfg=$(write_config "$name" "$sc" "$cpu")
    for fam in reactive all; do
      j="$OUT/json/$name-$sc-$fam.json"
      t0=$(date +%s)
      "$TIDE" recommend --config "$cfg" --trace "$OUT/traces/$name.csv" --slo 'tau_under<=1' \
        --family "$fam" --train-fraction 0.5 --step "$step" --start-time "$start" --json - >"$j"
      echo "$name $sc $fam: $(( $(date +%s) - t0 )) s" >&2
    done
  done
done

python3 - "$OUT/json" <<'EOF'
import json, os, sys
d = sys.argv[1]
rows = []
for trace in ["wc98", "nasa_jul", "nasa_aug", "nyc_taxi"]:
    for sc in ["vm", "pod"]:
        try:
            r = json.load(open(os.path.join(d, f"{trace}-{sc}-reactive.json")))
            a = json.load(open(os.path.join(d, f"{trace}-{sc}-all.json")))
        except FileNotFoundError:
            continue
        save = 100 * (1 - a["test"]["cost"] / r["test"]["cost"])
        tsave = 100 * (1 - a["train"]["cost"] / r["train"]["cost"])
        rows.append((trace, sc, r, a, save, tsave))
print("| trace | scenario | reactive cost (held-back) | all cost (held-back) | saving | saving (tuning half) "
      "| τU reactive | τU all | chosen (all) | chosen (reactive) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for trace, sc, r, a, save, tsave in rows:
    flag = lambda j: "" if j["found"] else " (none met)"
    print(f"| {trace} | {sc} | {r['test']['cost']:.1f} | {a['test']['cost']:.1f} | {save:.1f} % | {tsave:.1f} % "
          f"| {r['test']['tau_under']:.2f} % | {a['test']['tau_under']:.2f} % | {a['chosen']}{flag(a)} "
          f"| {r['chosen']}{flag(r)} |")
for sc in ["vm", "pod"]:
    s = sorted(x[4] for x in rows if x[1] == sc)
    if s:
        med = (s[(len(s) - 1) // 2] + s[len(s) // 2]) / 2
        print(f"\n{sc}: median saving {med:.1f} % over {len(s)} traces")
EOF

# What any policy could save at most on each trace, given what it could know (oracles that
# see the future of the held-back half; bench/cost_bounds.py's header).
echo
python3 bench/cost_bounds.py "$OUT" --forecast "$TIDE"
