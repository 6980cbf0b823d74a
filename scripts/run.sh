#!/usr/bin/env bash
# The main job: install what is missing, build, and simulate the bundled real trace
# (Azure LLM inference, conversation service, 2023; CC BY 4.0, see examples/traces/CREDITS.md)
# through examples/reactive.yaml. Prints the summary; writes out/report.html,
# out/timeline.csv and out/summary.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh --target tide
mkdir -p out
./build/tide simulate --config examples/reactive.yaml \
  --trace examples/traces/azure_llm_conv_requests_1s.csv \
  --start-time 2023-11-16T18:15:46Z \
  --timeline out/timeline.csv --report out/report.html --json out/summary.json
