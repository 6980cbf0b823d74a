#!/usr/bin/env bash
# Installs what is missing, builds everything (tide, tests, benchmarks) and runs every test.
# Tests on the shared real traces (../shared/traces) skip, saying so, when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 600
