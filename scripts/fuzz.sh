#!/usr/bin/env bash
# libFuzzer targets for every parser we own (backend/fuzz/fuzz_*.c).
#   scripts/fuzz.sh replay          run each target over its committed corpus
#   scripts/fuzz.sh run [SECONDS]   fuzz each target for SECONDS (default 60)
# New inputs found by `run` go to backend/fuzz/corpus-work/ (not committed);
# copy the interesting ones into backend/fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-replay}"
seconds="${2:-60}"
scripts/install-deps.sh fuzz
dir=backend/build-fuzz
CC=clang cmake -S backend -B "$dir" -DPAIRPAD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
for bin in "$dir"/fuzz_*; do
  [ -x "$bin" ] || continue
  name="$(basename "$bin")"; target="${name#fuzz_}"
  corpus="backend/fuzz/corpus/$target"
  dict=(); [ -f "backend/fuzz/$target.dict" ] && dict=(-dict="backend/fuzz/$target.dict")
  if [ "$mode" = replay ]; then
    n=$(find "$corpus" -type f | wc -l)
    if "$bin" -runs=0 "${dict[@]}" "$corpus" >/tmp/pairpad-fuzz-$target.log 2>&1; then
      echo "ok   $name: $n corpus inputs"
    else
      echo "FAIL $name"; tail -30 /tmp/pairpad-fuzz-$target.log; status=1
    fi
  else
    work="backend/fuzz/corpus-work/$target"; mkdir -p "$work"
    echo "fuzzing $name for ${seconds}s"
    "$bin" -max_total_time="$seconds" -max_len=70000 -artifact_prefix="backend/fuzz/corpus-work/$target-" \
      "${dict[@]}" "$work" "$corpus" 2>&1 | grep -E '^(#[0-9]+ +DONE|==|SUMMARY|Done)' || status=1
  fi
done
exit $status
