#!/bin/sh
# Builds the transport floor server (floor-server.c) into
# bench/floor/build/floor-server, only when the source or this script is
# newer than the binary. Needs a C11 compiler (CC, default cc) and the
# OpenSSL libcrypto headers (Debian/Ubuntu: libssl-dev).
#
#   bench/floor/build.sh          prints nothing when up to date
set -eu

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
src="$here/floor-server.c"
out="$here/build/floor-server"
cc=${CC:-cc}

if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "floor/build.sh: C compiler '$cc' not found (install gcc, or set CC)" >&2
  exit 1
fi
if ! printf '#include <openssl/evp.h>\nint main(void) { return EVP_sha1() == 0; }\n' |
  "$cc" -x c - -o /dev/null -lcrypto >/dev/null 2>&1; then
  echo "floor/build.sh: OpenSSL libcrypto headers or library missing" \
    "(Debian/Ubuntu: apt-get install libssl-dev)" >&2
  exit 1
fi

mkdir -p "$here/build"
# Into a temporary name first, so a failed build never leaves a stale or
# half-written binary that looks up to date.
"$cc" -std=c11 -Wall -Wextra -Werror -O2 -o "$out.tmp" "$src" -lcrypto
mv -f "$out.tmp" "$out"
echo "floor/build.sh: built $out" >&2
