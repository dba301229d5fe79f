#!/usr/bin/env bash
# Builds the Go toolchain the runner origin runs in the browser, from the
# local Go installation's own sources (no network): cmd/compile and cmd/link
# cross-compiled to js/wasm, the standard-library packages below compiled for
# js/wasm (archives: export data for the compiler, object code for the
# linker), and GOROOT's wasm_exec.js.
#
# Output: frontend/.go-runtime/ (git-ignored), read by the runner build
# (frontend/vite-plugins/goRuntime.ts). Skipped when it already exists for the same
# Go version and the same version of this script.
#
#   PAIRPAD_SKIP_GO=1   build without Go (the runner then cannot run Go)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/frontend/.go-runtime"

if [ "${PAIRPAD_SKIP_GO:-}" = 1 ]; then
  echo "build-go-runtime: skipped (PAIRPAD_SKIP_GO=1); the runner will not run Go" >&2
  exit 0
fi
command -v go >/dev/null || {
  echo "build-go-runtime: go is missing: install Go 1.24+ (or set PAIRPAD_SKIP_GO=1)" >&2
  exit 1
}

# The packages a program may import (their dependencies come along).
packages=(bufio bytes cmp container/heap container/list container/ring context
  errors fmt io iter log maps math math/big math/bits math/cmplx math/rand
  math/rand/v2 os regexp slices sort strconv strings sync sync/atomic
  text/tabwriter time unicode unicode/utf16 unicode/utf8)

# Same toolchain, same target and flags for the tools and the packages:
# their object files must agree on version and experiments.
export GOOS=js GOARCH=wasm CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
unset GOEXPERIMENT GOWASM

version="$(go env GOVERSION)"
goroot="$(go env GOROOT)"
key="$version $(sha256sum "$0" | cut -d' ' -f1)"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
  exit 0
fi

echo "build-go-runtime: building the $version compiler, linker and packages for js/wasm"
tmp="$(mktemp -d "$root/frontend/.go-runtime.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

go build -ldflags='-s -w' -o "$tmp/compile.wasm" cmd/compile
go build -ldflags='-s -w' -o "$tmp/link.wasm" cmd/link
cp "$goroot/lib/wasm/wasm_exec.js" "$tmp/wasm_exec.js" 2>/dev/null ||
  cp "$goroot/misc/wasm/wasm_exec.js" "$tmp/wasm_exec.js" # Go < 1.24

# `go list -export` compiles each package (into the build cache) and names
# its archive. packages.txt: "<import path> <file under pkg/>", dependencies
# first.
mkdir -p "$tmp/pkg"
go list -export -deps -f '{{if .Export}}{{.ImportPath}} {{.Export}}{{end}}' "${packages[@]}" |
  while read -r path file; do
    mkdir -p "$tmp/pkg/$(dirname "$path")"
    cp "$file" "$tmp/pkg/$path.a"
    echo "$path $path.a"
  done >"$tmp/packages.txt"
printf '%s\n' "${packages[@]}" >"$tmp/importable.txt"
echo "$version" >"$tmp/version"
echo "$key" >"$tmp/stamp"

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "build-go-runtime: $(wc -l <"$out/packages.txt") packages, $(du -sh "$out" | cut -f1) in ${out#"$root"/}"
