#!/usr/bin/env bash
# The request router against its peers, in one run: wrk against one tide-sample replica
# directly, through tide's router (build/bench/router_proxy) and through nginx (a temporary
# config on a loopback port, keep-alive to the same replica). The router is measured twice:
# as tide runs it (its io thread asks for a 100 µs time slice, RouterOptions::io_thread_slice)
# and with the kernel's default slice ("router, default slice"), to show what the hint does.
#
#   bash bench/router/run.sh [WORK_MS ...]     (default: 0 and 1 ms of CPU per request)
#   PIN=1 bash bench/router/run.sh [WORK_MS ...]
#
# PIN=1 gives the proxies a core of their own, as a machine with more cores would: the
# replica, wrk and `tide load` run on CPU 0 (taskset), tide's routers and nginx (one worker)
# on CPU 1. "direct" then has one core, and a proxy adds its hops without taking CPU from the
# replica or the client. Without PIN everything shares both cores.
#
# Throughput: wrk, closed loop, 1 thread, 32 connections, 10 s per peer; during it, the
# proxy's CPU time per request (router process; nginx worker processes).
# Added latency at a fixed rate: wrk2 is not in Debian, so `tide load` sends 1,000 requests
# per second, evenly spaced, open loop, for 5 s, in ROUNDS rounds (default 5) that take the
# peers in turn (latency counted from each request's scheduled time, so queueing is not
# hidden); p50 and p99 are the medians over the rounds; added p99 = the median over rounds
# of (p99 through the proxy - p99 direct in the same round).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/deps.sh
bash scripts/build.sh --target tide tide-sample router_proxy >/dev/null
works=("$@")
ROUNDS=${ROUNDS:-5}
PIN=${PIN:-0}
on0=(); on1=(); nginx_workers=2
if [ "$PIN" = 1 ]; then on0=(taskset -c 0); on1=(taskset -c 1); nginx_workers=1; fi
peers=(direct router router_ds nginx)
[ ${#works[@]} -gt 0 ] || works=(0 1)
tmp=$(mktemp -d /tmp/tide-router-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
wait_port() { for _ in $(seq 100); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "port $1 never answered" >&2; exit 1; }

echo "timestamp,value" > "$tmp/flat.csv"
for t in $(seq 0 4); do echo "$t,1000" >> "$tmp/flat.csv"; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)$([ "$PIN" = 1 ] && echo "; PIN=1: replica, wrk and tide load on CPU 0, proxies on CPU 1")"
echo "| work per request | peer | wrk req/s (32 conn) | ratio to direct | proxy CPU per request (µs) | p50 / p99 at 1,000 req/s (ms) | added p99 (ms) |"
echo "|---|---|---|---|---|---|---|"
for work in "${works[@]}"; do
  replica=$(free_port); router=$(free_port); nginx_port=$(free_port)
  # 256 threads: each proxy keeps its idle keep-alive connections to the replica open (48 +
  # 48 from the two routers, up to 64 from nginx), and a thread-per-connection replica with
  # fewer threads would leave the next peer's requests waiting for a free one.
  PORT=$replica REPLICA=0 "${on0[@]}" ./build/tide-sample --work-ms "$work" --threads 256 2>"$tmp/sample.log" & pids+=($!)
  wait_port "$replica"
  # 48 requests at most in flight to the replica from each router.
  "${on1[@]}" ./build/bench/router_proxy "$router" "$replica" 48 2>"$tmp/router.log" & pids+=($!)
  router_pid=$!
  router_ds=$(free_port)
  "${on1[@]}" ./build/bench/router_proxy "$router_ds" "$replica" 48 0 2>"$tmp/router-ds.log" & pids+=($!)
  router_ds_pid=$!
  cat > "$tmp/nginx.conf" <<NGINX
worker_processes $nginx_workers;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fcgi; uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  upstream replica { server 127.0.0.1:$replica; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://replica; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  "${on1[@]}" nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.log" & pids+=($!)
  nginx_pid=$!
  wait_port "$router"; wait_port "$router_ds"; wait_port "$nginx_port"
  port_of() { case $1 in direct) echo "$replica" ;; router) echo "$router" ;; router_ds) echo "$router_ds" ;; nginx) echo "$nginx_port" ;; esac; }
  declare -A rps p50 p99 note cpu
  for peer in "${peers[@]}"; do
    port=$(port_of "$peer")
    "${on0[@]}" wrk -t1 -c32 -d2s "http://127.0.0.1:$port/" >/dev/null  # warm-up
    # The proxy's own CPU per request during that run (utime + stime of its processes, from
    # /proc; a figure other jobs on the machine do not change much, unlike the rates).
    case $peer in
      direct) procs=() ;; router) procs=($router_pid) ;; router_ds) procs=($router_ds_pid) ;;
      nginx) procs=($(pgrep -P "$nginx_pid")) ;;
    esac
    ticks0=$(ticks "${procs[@]}")
    out=$("${on0[@]}" wrk -t1 -c32 -d10s "http://127.0.0.1:$port/")
    ticks1=$(ticks "${procs[@]}")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu[$peer]=$(python3 -c "print('%.0f' % (($ticks1 - $ticks0) * 1e6 / $(getconf CLK_TCK) / $n))")
    rps[$peer]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    # Errors do not stop the run (the other peers are still measured); the row says so.
    if grep -q -E "Non-2xx|Socket errors" <<<"$out"; then
      echo "$peer: wrk saw errors:" >&2; grep -E "Non-2xx|Socket errors" <<<"$out" >&2
      note[$peer]=" ($(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' | sed 's/^ //'))"
    fi
  done
  # Latency rounds interleaved across the peers (direct, router, ..., direct, router, ...), so
  # that the machine's drifting load falls on every peer alike; the added p99 is the median
  # over rounds of (peer's p99 - direct's p99 in the same round).
  declare -A p50s p99s
  for round in $(seq "$ROUNDS"); do
    for peer in "${peers[@]}"; do
      port=$(port_of "$peer")
      json=$("${on0[@]}" ./build/tide load --trace "$tmp/flat.csv" --speedup 1 --arrivals uniform --progress 0 \
               --target "http://127.0.0.1:$port/" --json - | tail -1)
      read -r errors p50_ms p99_ms < <(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(j["errors"], 1e3*j["p50"], 1e3*j["p99"])' "$json")
      if [ "$errors" != 0 ]; then
        echo "$peer: tide load saw $errors errors: $json" >&2
        note[$peer]="${note[$peer]:-} (tide load: $errors errors in a round)"
      fi
      p50s[$peer]+=" $p50_ms"
      p99s[$peer]+=" $p99_ms"
    done
  done
  median() { python3 -c 'import statistics,sys; print("%.3f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }
  paired() { python3 -c 'import statistics,sys; a,b=(list(map(float,x.split())) for x in sys.argv[1:]); print("%.3f" % statistics.median(x-y for x,y in zip(a,b)))' "$1" "$2"; }
  for peer in "${peers[@]}"; do
    p50[$peer]=$(median ${p50s[$peer]})
    p99[$peer]=$(median ${p99s[$peer]})
  done
  for peer in "${peers[@]}"; do
    ratio=$(python3 -c "print('%.2f' % (${rps[$peer]} / ${rps[direct]}))")
    added=$(paired "${p99s[$peer]}" "${p99s[direct]}")
    c=${cpu[$peer]}
    [ "$peer" = direct ] && added="—" && c="—"
    name=$peer; [ "$peer" = router_ds ] && name="router, default slice"
    echo "| ${work} ms | $name | ${rps[$peer]}${note[$peer]:-} | $ratio | $c | ${p50[$peer]} / ${p99[$peer]} | $added |"
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  echo "p99 per round (ms), $work ms: $(for peer in "${peers[@]}"; do printf '%s:%s; ' "$peer" "${p99s[$peer]}"; done)" >&2
  unset rps p50 p99 note cpu p50s p99s
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
