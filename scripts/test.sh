#!/usr/bin/env bash
# The whole test suite, or one part of it:
#   scripts/test.sh [all|unit|integration|integration-pg|sanitize|fuzz|format]
#   scripts/test.sh realtime   (Engine.IO/Socket.IO conformance, interop, abuse, rooms)
# Each part is a suite; the last line says how many suites passed and failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
what="${1:-all}"
jobs="$(nproc)"

scripts/install-deps.sh test || exit 1

venv="$root/.venv"
py_deps() {
  if [ ! -x "$venv/bin/pytest" ] || ! cmp -s backend/tests/integration/requirements.txt "$venv/.requirements"; then
    python3 -m venv "$venv" >/dev/null &&
      "$venv/bin/pip" install -q --disable-pip-version-check -r backend/tests/integration/requirements.txt &&
      cp backend/tests/integration/requirements.txt "$venv/.requirements"
  fi
}

# npm ci into a test directory when its lock file changed since the last install.
node_deps() { # dir
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.pairpad-lock"; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) &&
      cp "$dir/package-lock.json" "$dir/node_modules/.pairpad-lock"
  fi
}

build() { # dir, extra cmake args...
  local dir="$1"; shift
  cmake -S backend -B "$dir" "$@" >/dev/null && cmake --build "$dir" -j"$jobs" >/dev/null
}

passed=0; failed=0; failures=()
suite() { # name, command...
  local name="$1"; shift
  echo; echo "=== suite: $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

pytest_run() { # binary, extra env...
  PAIRPAD_BIN="$1" "$venv/bin/pytest" -q -p no:cacheprovider backend/tests/integration
}

unit() { build backend/build && backend/build/pairpad_unit_tests; }
integration() { build backend/build && py_deps && pytest_run "$root/backend/build/pairpad"; }
integration_pg() {
  build backend/build && py_deps &&
    scripts/with-postgres.sh bash -c '
      PAIRPAD_TEST_PG_URL="$DATABASE_URL" backend/build/pairpad_unit_tests store_postgres &&
      PAIRPAD_BIN="'"$root"'/backend/build/pairpad" "'"$venv"'/bin/pytest" -q -p no:cacheprovider backend/tests/integration'
}
sanitize() {
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$root/backend/tests/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  build backend/build-asan -DPAIRPAD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug &&
    backend/build-asan/pairpad_unit_tests && py_deps &&
    PAIRPAD_SANITIZED=1 pytest_run "$root/backend/build-asan/pairpad" &&
    realtime "$root/backend/build-asan/pairpad"
}
realtime() { # binary
  node_deps backend/tests/realtime && (cd backend/tests/realtime && PAIRPAD_BIN="$1" npm test --silent)
}
realtime_release() { build backend/build && realtime "$root/backend/build/pairpad"; }
# Yjs clients against the server: convergence (with the network shim that
# delays, duplicates and reorders updates, and random drop-outs), over the
# default transport mix and over WebSocket only; durability, compaction, limits.
collab() { # binary
  node_deps backend/tests/collab && (
    cd backend/tests/collab &&
      PAIRPAD_BIN="$1" node --test convergence.test.mjs &&
      PAIRPAD_BIN="$1" COLLAB_TRANSPORT=websocket node --test convergence.test.mjs &&
      PAIRPAD_BIN="$1" node --test --test-concurrency=1 durability.test.mjs compaction.test.mjs limits.test.mjs
  )
}
collab_release() { build backend/build && collab "$root/backend/build/pairpad"; }
collab_pg() {
  build backend/build && node_deps backend/tests/collab &&
    scripts/with-postgres.sh bash -c 'cd backend/tests/collab && PAIRPAD_TEST_DB="$DATABASE_URL" PAIRPAD_BIN="'"$root"'/backend/build/pairpad" node --test --test-concurrency=1 durability.test.mjs compaction.test.mjs'
}
# The web app: lint, unit tests (Vitest), build, end-to-end (Playwright
# driving Debian's chromium against the real binary).
frontend() {
  build backend/build && scripts/build-frontend.sh &&
    (cd frontend && export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 &&
      npm run --silent lint && npm run --silent test && npm run --silent e2e)
}
fuzz() { scripts/fuzz.sh replay; }
format() { clang-format --dry-run -Werror $(git ls-files 'backend/*.c' 'backend/*.h'); }

case "$what" in
  all)
    suite unit unit
    suite integration-sqlite integration
    suite integration-postgres integration_pg
    suite realtime realtime_release
    suite collab collab_release
    suite collab-postgres collab_pg
    suite frontend frontend
    suite sanitize sanitize
    suite fuzz-corpus fuzz
    suite format format
    ;;
  unit) suite unit unit ;;
  integration) suite integration-sqlite integration ;;
  integration-pg) suite integration-postgres integration_pg ;;
  realtime) suite realtime realtime_release ;;
  collab) suite collab collab_release ;;
  collab-pg) suite collab-postgres collab_pg ;;
  frontend) suite frontend frontend ;;
  sanitize) suite sanitize sanitize ;;
  fuzz) suite fuzz-corpus fuzz ;;
  format) suite format format ;;
  *) echo "usage: $0 [all|unit|integration|integration-pg|realtime|collab|collab-pg|frontend|sanitize|fuzz|format]" >&2; exit 2 ;;
esac

echo
[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
