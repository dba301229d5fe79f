#!/usr/bin/env bash
# Installs the Debian packages Pairpad needs for a purpose, only if missing:
#   scripts/install-deps.sh build|test|fuzz|bench
# Runs apt-get as root (or through sudo); does nothing when all are present.
set -euo pipefail

profile="${1:-build}"
build_pkgs=(build-essential cmake pkg-config libwebsockets-dev
  libwebsockets-evlib-uv libuv1-dev libjansson-dev libsodium-dev
  libsqlite3-dev libpq-dev)
test_pkgs=(postgresql python3 python3-venv curl clang-format chromium sqlite3)
fuzz_pkgs=(clang libclang-rt-14-dev)
bench_pkgs=(wrk postgresql procps libssl-dev)

case "$profile" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  fuzz) want=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  bench) want=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|fuzz|bench" >&2; exit 2 ;;
esac

# Node.js comes with the machine image; fall back to Debian's when absent.
if [ "$profile" = test ] && ! command -v node >/dev/null; then
  want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
