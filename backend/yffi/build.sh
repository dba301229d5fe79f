#!/usr/bin/env bash
# Builds libyrs.a (yffi) with cargo and copies it to $1 (the CMake build dir).
# Cargo caches the compiled crates under $CARGO_TARGET_DIR, so later builds
# are instant.
set -euo pipefail
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
target="${CARGO_TARGET_DIR:-$here/target}"
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml" --target-dir "$target"
lib="$(ls -t "$target"/release/deps/libyrs-*.a | head -n 1)"
cp "$lib" "$out.tmp"
mv "$out.tmp" "$out"
