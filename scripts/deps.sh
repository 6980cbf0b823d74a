#!/usr/bin/env bash
# Installs the Debian 12 packages tide needs to build and test, skipping those already there.
# Usage: scripts/deps.sh            (as root, or with sudo available)
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config ca-certificates tzdata
  libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libcli11-dev libhowardhinnant-date-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libcurl4-openssl-dev libhiredis-dev libcpp-httplib-dev
  libboost-dev
  redis-server prometheus prometheus-alertmanager curl chromium wrk nginx
)
# The dashboard's build (web/: npm ci + esbuild) and its browser test need node and npm. A
# machine may have them from elsewhere (e.g. NodeSource's nodejs bundles npm): only when npm
# is missing are Debian's nodejs and npm added.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
run=()
[ "$(id -u)" -eq 0 ] || run=(sudo)
"${run[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
