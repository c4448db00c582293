#!/usr/bin/env bash
# `npm run demo`: builds the package if dist/ is missing, then tells the story of demo/run.js
# against the reference backend on loopback. Exits non-zero when a step does not go as the
# SPEC says, so it doubles as a smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/index.js ] || [ ! -f dist/wxhttp_bg.wasm ]; then
  echo "demo: dist/ is missing, building it first (npm run build)…"
  npm run build   # installs what the build needs first (scripts/setup.sh build)
fi
exec node demo/run.js "$@"
