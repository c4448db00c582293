#!/usr/bin/env bash
# cargo → wasm-bindgen → wasm-opt (MVP lowering) → MVP validation → dist/ and miniprogram_dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
WASM=target/wasm32-unknown-unknown/release/wxhttp.wasm

# Older iOS engines accept MVP + mutable-globals only. Rust's wasm32 defaults enable
# reference-types, multivalue, bulk-memory, sign-ext and nontrapping-fptoint: they are turned
# off for our code here (for this build only: wasm-pack test needs reference-types), and
# wasm-opt lowers what the precompiled std still contains. Without bulk-memory our copies call
# memcpy, which copies words, where lowered `memory.copy` would loop over bytes.
RUSTFLAGS="-C target-feature=-multivalue,-reference-types,-bulk-memory,-sign-ext,-nontrapping-fptoint" \
  cargo build --release --lib --target wasm32-unknown-unknown

rm -rf build && mkdir -p build
wasm-bindgen --target no-modules --omit-default-module-path --out-dir build/bindgen "$WASM"
wasm-opt build/bindgen/wxhttp_bg.wasm -Oz \
  --enable-mutable-globals --enable-bulk-memory --enable-bulk-memory-opt --enable-sign-ext \
  --enable-nontrapping-float-to-int \
  --signext-lowering --llvm-nontrapping-fptoint-lowering --llvm-memory-copy-fill-lowering \
  -o build/wxhttp_bg.wasm
# Parsing with only MVP + mutable-globals enabled validates: any other feature fails here.
if ! out=$(wasm-opt build/wxhttp_bg.wasm --mvp-features --enable-mutable-globals -o /dev/null 2>&1); then
  echo "$out" >&2
  echo "build: build/wxhttp_bg.wasm is not WebAssembly MVP + mutable-globals" >&2
  exit 1
fi
node scripts/package.js
