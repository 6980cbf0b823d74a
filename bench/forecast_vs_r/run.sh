#!/usr/bin/env bash
# Side-by-side forecasting benchmark, R peers: R's forecast package (ets, stlf, auto.arima,
# snaive) and a plain moving average on the daily-cycle shared traces, same series and
# origins that tide's evaluation reads from out/origins.csv. Protocol: README.md here.
#
# usage: bench/forecast_vs_r/run.sh [--quick] [--jobs N] [--arima-every N] [--traces DIR]
#   --quick          3 origins per trace (smoke test), written to out/quick/ instead of out/
#   --jobs N         run N origins in parallel (default 1: per-fit times are not inflated by
#                    a second worker on this 2-core machine)
#   --arima-every N  fit auto.arima on every N-th origin only (default 2 = 10 of 20; 1 in --quick)
#   --traces DIR     shared trace directory (default ../shared/traces from the repo root,
#                    else /work/shared/traces)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

quick=0; jobs=1; arima_every=""; traces=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    --arima-every) arima_every="$2"; shift 2 ;;
    --traces) traces="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z "$traces" ]]; then
  if [[ -d "$repo/../shared/traces" ]]; then traces="$repo/../shared/traces"
  else traces=/work/shared/traces; fi
fi
[[ -f "$traces/wc98_requests_1min.csv" ]] || { echo "no traces in $traces" >&2; exit 2; }

# R and the forecast package (Debian r-cran-forecast); install when running as root.
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'quit(status = !requireNamespace("forecast", quietly = TRUE))' >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]]; then
    echo "installing r-cran-forecast (Debian) ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends r-cran-forecast >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends r-cran-forecast >&2; }
  else
    echo "R's forecast package is missing: run 'sudo apt-get install -y r-cran-forecast'" >&2
    exit 2
  fi
fi

if [[ $quick == 1 ]]; then
  out="$here/out/quick"; n_origins=3; arima_every="${arima_every:-1}"
else
  out="$here/out"; n_origins=20; arima_every="${arima_every:-2}"
fi
mkdir -p "$out"

start=$(date +%s)
python3 "$here/prepare.py" --traces "$traces" --out "$out" --origins "$n_origins"
Rscript "$here/peers.R" --dir "$out" --arima-every "$arima_every" --jobs "$jobs"
# tide's side (tide_eval.py) when the binaries are built: same origins and series.
if [[ -x "$repo/build/tide" && -x "$repo/build/bench/forecast_bench" ]]; then
  python3 "$here/tide_eval.py" --dir "$out" --tide "$repo/build/tide" \
    --bench "$repo/build/bench/forecast_bench" | tee "$out/side_by_side.md"
else
  echo "build/tide or build/bench/forecast_bench missing: skipping tide_eval.py" >&2
fi
echo "results: $out/r_results.csv  origins: $out/origins.csv  summary: $out/r_summary.csv"
echo "total wall time: $(( $(date +%s) - start )) s"
