#!/usr/bin/env bash
# REST benchmark: wrk against GET /api/sessions/{id} and POST /api/sessions,
# on SQLite and on a throwaway PostgreSQL, on this machine's loopback.
# Prints a Markdown table (also saved under bench/results/).
# Then, unless BENCH_REALTIME=0, the realtime and collaboration benchmarks
# (bench/run-realtime.sh: Node load generators, npm ci in bench/ first), and
# unless BENCH_EXEC=0, in-browser execution timings (frontend/e2e/exec-perf.mjs).
#   bench/run.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
dur="${1:-10}"
conns="${2:-64}"
bin="$root/backend/build/pairpad"
mkdir -p bench/results
out="bench/results/rest-$(date -u +%Y%m%dT%H%M%SZ).md"

run_one() { # db_url label
  local url="$1" label="$2" tmp port pid id
  tmp="$(mktemp -d)"
  "$bin" --host 127.0.0.1 --port 0 --runner-port 0 --rate-limits off \
    --log-level warn --database-url "$url" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 50); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
  port="$(grep -o '[0-9]*$' "$tmp/out")"
  id="$(curl -s -X POST -H 'Content-Type: application/json' -d '{"title":"bench"}' \
    "http://127.0.0.1:$port/api/sessions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  for ep in get post; do
    local args=(-t2 -c"$conns" -d"${dur}s" --latency)
    local target="http://127.0.0.1:$port/api/sessions/$id"
    if [ "$ep" = post ]; then args+=(-s bench/post_session.lua); target="http://127.0.0.1:$port/api/sessions"; fi
    wrk "${args[@]}" "$target" >"$tmp/wrk" 2>&1
    local rps p50 p99 errs
    rps="$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$tmp/wrk")"
    p50="$(awk '$1=="50%" {print $2}' "$tmp/wrk")"
    p99="$(awk '$1=="99%" {print $2}' "$tmp/wrk")"
    errs="$(awk '/Non-2xx/ {print $4}' "$tmp/wrk")"
    local rss; rss="$(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
    local method="GET /api/sessions/{id}"; [ "$ep" = post ] && method="POST /api/sessions"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$method" "$rps" "$p50" "$p99" "${errs:-0}" "$rss" | tee -a "$out"
  done
  kill "$pid"; wait "$pid" || true
  rm -rf "$tmp"
}

{
  echo "REST benchmark $(date -u +%FT%TZ), $(nproc) cores, wrk -t2 -c$conns -d${dur}s, server and wrk on the same machine"
  echo
  echo "| store | endpoint | requests/s | p50 | p99 | non-2xx | server RSS after |"
  echo "|---|---|---|---|---|---|---|"
} | tee "$out"
tmpdb="$(mktemp -d)"
run_one "sqlite:$tmpdb/bench.db" sqlite
rm -rf "$tmpdb"
export -f run_one
export bin dur conns out
scripts/with-postgres.sh bash -c 'run_one "$DATABASE_URL" postgres'
echo; echo "saved to $out"

if [ "${BENCH_REALTIME:-1}" != 0 ]; then
  bench/run-realtime.sh "${BENCH_REALTIME_SECONDS:-15}"
fi

# In-browser execution: Run -> first output per runnable language, in
# Debian's headless Chromium (needs the front-end build: make build).
if [ "${BENCH_EXEC:-1}" != 0 ]; then
  exec_out="bench/results/exec-$(date -u +%Y%m%dT%H%M%SZ).md"
  (cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node e2e/exec-perf.mjs) | tee "$exec_out"
  echo "saved to $exec_out"
fi
