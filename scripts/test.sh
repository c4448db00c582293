#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, then runs every suite. A suite that fails, or
# that runs zero tests, fails the command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Chromium's flags for the wasm tests (root, no GPU, no network beyond loopback).
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver.json"
bash scripts/build.sh

logs=build/test-logs
mkdir -p "$logs"
summary=()

# suite NAME COUNT_COMMAND -- COMMAND...: runs COMMAND (output kept in a log and shown), then
# COUNT_COMMAND reads the log and prints how many tests passed.
suite() {
  local name=$1 count=$2
  shift 3
  local log="$logs/$name.log"
  printf '\n== %s: %s\n' "$name" "$*"
  if ! "$@" 2>&1 | tee "$log"; then
    echo "test: suite '$name' failed" >&2
    exit 1
  fi
  local n
  n=$($count "$log")
  if [ -z "$n" ] || [ "$n" -eq 0 ]; then
    echo "test: suite '$name' ran zero tests" >&2
    exit 1
  fi
  summary+=("$name: $n passed")
}

cargo_count() { grep -E '^test result: ok\.' "$1" | awk '{n += $4} END {print n + 0}'; }
node_count() { awk '/^# pass /{n += $3} /^# fail /{f += $3} END {print (f > 0 ? 0 : n + 0)}' "$1"; }
plain_count() { sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p' "$1" | tail -n1; }

# Rails: formatting and lints, on the host and on the shipped target.
printf '\n== lint: cargo fmt --check, cargo clippy -D warnings\n'
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --release --lib --target wasm32v1-none -- -D warnings

suite cargo cargo_count -- cargo test --quiet
suite wasm-node cargo_count -- wasm-pack test --node -- --test wasm
WASM_BINDGEN_USE_BROWSER=1 suite wasm-chrome cargo_count -- wasm-pack test --headless --chrome -- --test wasm

# The JS suites run against the package as a user gets it: packed, then installed elsewhere.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tarball=$(npm pack --silent --pack-destination "$scratch" | tail -n1)
(cd "$scratch" && echo '{"name":"scratch","private":true}' > package.json &&
  npm install --silent --no-audit --no-fund "./$tarball")
export WXHTTP_PACKAGE="$scratch/node_modules/wxhttp"
suite emulator node_count -- node --test tests/emulator/
suite js node_count -- node --test tests/js/
# The web platform and browser entries: in Node, then the example page in headless Chromium.
suite web node_count -- node --test tests/web/
suite jsc plain_count -- node tests/jsc/run.js "$WXHTTP_PACKAGE"
suite types plain_count -- node tests/types/run.js "$WXHTTP_PACKAGE"

printf '\n== all suites passed\n'
printf '  %s\n' "${summary[@]}"
