#!/usr/bin/env bash
# Installs the front end's npm packages (when its lock file changed) and
# builds it into frontend/dist (hashed assets with .br/.gz siblings) and the
# runner origin into frontend/dist-runner (with the Go toolchain).
set -euo pipefail
cd "$(dirname "$0")/../frontend"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
command -v npm >/dev/null || { echo "npm is missing: install Node.js 20.19+ with npm 11" >&2; exit 1; }
if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.pairpad-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.pairpad-lock
fi
# The Go toolchain the runner ships (cached in frontend/.go-runtime/).
../scripts/build-go-runtime.sh
npm run --silent build
