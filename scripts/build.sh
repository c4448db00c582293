#!/usr/bin/env bash
# cargo (wasm32v1-none: WebAssembly 1.0 + mutable-globals by construction) → wasm-opt -O1 →
# MVP validation → dist/ and miniprogram_dist/. No wasm-bindgen: the core exports plain
# functions of numbers and imports nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

cargo build --release --lib --target wasm32v1-none
rm -rf build && mkdir -p build
# Only MVP + mutable-globals are enabled while wasm-opt reads the module, so any other feature
# fails the build here. -O3: fewest instructions per request for the interpreter (measured).
if ! out=$(wasm-opt target/wasm32v1-none/release/wxhttp.wasm -O3 --mvp-features --enable-mutable-globals \
  -o build/wxhttp_bg.wasm 2>&1); then
  echo "$out" >&2
  echo "build: the core is not WebAssembly MVP + mutable-globals" >&2
  exit 1
fi
node scripts/package.js
