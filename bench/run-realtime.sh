#!/usr/bin/env bash
# Realtime (Socket.IO) and collaboration benchmarks, Node load generators:
#   realtime/idle.mjs   memory per idle connection (1000 and 5000 clients)
#   realtime/relay.mjs  "execution" relay throughput, CPU per delivered event
#   collab/run.mjs      edit propagation: Pairpad vs Hocuspocus vs baseline
# Each prints a Markdown table and saves it under bench/results/.
#   bench/run-realtime.sh [SECONDS]
# SECONDS (default 15) is the measured interval of each relay scenario and
# collab run. Every other knob is an environment variable of the script it
# belongs to (IDLE_*, RELAY_*, COLLAB_*; see the head of each script).
# Called by bench/run.sh (so by `make bench`); runnable on its own after
# `make build`.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-15}"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "run-realtime.sh: node >= 20 and npm are needed" >&2
  exit 1
fi
if [ "$(node -p 'Number(process.versions.node.split(".")[0])')" -lt 20 ]; then
  echo "run-realtime.sh: node >= 20 is needed (found $(node --version))" >&2
  exit 1
fi
bin="${PAIRPAD_BIN:-../backend/build/pairpad}"
if [ ! -x "$bin" ]; then
  echo "run-realtime.sh: no $bin; run 'make build' first" >&2
  exit 1
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error

# Each script cleans up its servers and generators itself; `timeout` is the
# outer bound (SIGTERM lets the script clean up, SIGKILL 15 s later).
status=0
run() { # deadline_seconds script...
  local limit="$1"
  shift
  echo
  timeout --kill-after=15 "$limit" node "$@" || { echo "FAILED ($?): node $*" >&2; status=1; }
}
run 600 realtime/idle.mjs
RELAY_DURATION="${RELAY_DURATION:-$((secs < 10 ? secs : 10))}" run 600 realtime/relay.mjs
COLLAB_DURATION="${COLLAB_DURATION:-$secs}" run 1800 collab/run.mjs
exit "$status"
