#!/usr/bin/env bash
# The main job: install what is missing, build, and run tide's local serverless runtime.
# `tide run examples/local-web.yaml` starts the bundled sample service (build/tide-sample) as
# a pool of processes behind tide's request router on 127.0.0.1:8081, from zero replicas;
# `tide load` replays one day of the bundled NYC taxi trace (examples/traces/CREDITS.md)
# compressed into 3 minutes; the pool follows the load up and down and, once the load has
# stopped, back to zero. `tide status` and a /metrics excerpt are shown along the way; then
# tide is stopped and the script checks that no process is left. About 4 minutes after the
# build. The simulation job of earlier versions: see the README's tour (`tide simulate`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh --target tide tide-sample
mkdir -p out
rm -f out/local.db out/local.db-wal out/local.db-shm
api=http://127.0.0.1:8080
endpoint=http://127.0.0.1:8081

./build/tide run examples/local-web.yaml --db out/local.db >out/tide.log 2>&1 &
tide_pid=$!
load_pid=
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  kill "$tide_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do curl -fs "$api/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
if ! curl -fs "$api/healthz" >/dev/null 2>&1; then
  echo "tide did not start (is 127.0.0.1:8080 or :8081 in use?):" >&2
  cat out/tide.log >&2
  exit 1
fi
pid_file=out/local.db.local/web.pids
seen=out/replica_pids.txt
: >"$seen"
record_pids() { [ -f "$pid_file" ] && awk '{print $1}' "$pid_file" >>"$seen" || true; }

status() {
  echo "--- $(date -u +%H:%M:%S) tide status"
  ./build/tide status --server "$api"
  record_pids
}

echo "== tide runs examples/local-web.yaml: the pool starts at zero replicas; router on $endpoint"
status
echo
echo "== tide load: one day of NYC taxi demand (examples/traces) in 3 minutes, open loop"
./build/tide load --trace examples/traces/nyc_taxi_passengers_30min.csv --duration 1d \
  --speedup 480 --scale 0.02 --target "$endpoint/" --progress 30 >out/load.txt &
load_pid=$!
while kill -0 "$load_pid" 2>/dev/null; do
  sleep 20
  kill -0 "$load_pid" 2>/dev/null && status
done
wait "$load_pid"
load_pid=
echo
echo "== tide load report"
cat out/load.txt
echo
echo "== the load has stopped: after 20 s idle and the 30 s scale-down window the pool drains to zero"
for _ in 1 2 3; do
  sleep 20
  status
done
echo
echo "== /metrics excerpt"
curl -fs "$api/metrics" | grep -E '^tide_(group_(desired|current|ready)|metric_value|actions_total|router_(requests|errors|rejected)_total)' || true
echo
echo "== events (newest first)"
curl -fs "$api/api/v1/events?group=web&limit=8" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for e in (d.get("events", []) if isinstance(d, dict) else d):
    print("  %-16s %s" % (e.get("kind", ""), e.get("message", "")[:110]))' || true
echo
echo "== stopping tide (SIGTERM): replicas drain and stop"
kill -TERM "$tide_pid"
wait "$tide_pid" || true
trap - EXIT
left=0
for p in $(sort -u "$seen"); do
  if kill -0 "$p" 2>/dev/null; then left=$((left + 1)); echo "still running: $p" >&2; fi
done
if [ "$left" -ne 0 ] || [ -f "$pid_file" ]; then
  echo "FAILED: $left replica process(es) left running" >&2
  exit 1
fi
echo "tide stopped; $(sort -u "$seen" | wc -l) replica process(es) ran, none is left. Logs: out/tide.log, out/logs/"
