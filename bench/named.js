'use strict'
// The core with its function names, for `twiggy top` (bench/sizes.js) and the allocation count
// (bench/calls.js). The shipped wasm is stripped, so the bench builds its own copy, outside the
// package build: cargo into target/names with CARGO_PROFILE_RELEASE_STRIP=false, then the same
// `wasm-opt` level as scripts/build.sh with `-g` (keep the name section) and `--strip-dwarf` (drop
// the DWARF sections); the -O level is read from scripts/build.sh. Without the wasm-opt step
// twiggy would list ~2 KB of core::fmt that wasm-opt removes as dead code from the shipped
// module; with it, the code and data sections are the shipped ones in size (`sameAsShipped`).
const fs = require('fs')
const os = require('os')
const path = require('path')
const { spawnSync } = require('child_process')
const { ROOT } = require('./lib.js')

const TARGET_DIR = path.join(ROOT, 'target', 'names')
const RAW = path.join(TARGET_DIR, 'wasm32v1-none', 'release', 'wxhttp.wasm')
const NAMED = path.join(TARGET_DIR, 'wxhttp-named.wasm')
const PATH = [path.join(ROOT, 'node_modules', '.bin'), path.join(os.homedir(), '.cargo', 'bin'), process.env.PATH].join(path.delimiter)

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: Object.assign({}, process.env, { PATH: PATH }, env), timeout: 600000 })
  if (r.status !== 0) throw new Error(cmd + ' failed: ' + ((r.error && r.error.message) || (r.stderr || '').trim().split('\n').slice(-3).join(' | ')))
}

// The optimisation level the package build gives wasm-opt (`-O3` in `wasm-opt … -O3 …`).
function buildLevel() {
  const m = /wasm-opt\s[^\n]*?\s(-O[0-4sz]?)\s/.exec(fs.readFileSync(path.join(ROOT, 'scripts', 'build.sh'), 'utf8'))
  if (!m) throw new Error('no `wasm-opt … -O…` line in scripts/build.sh')
  return m[1]
}

// Builds the named copy; returns its path, or throws.
function build() {
  run('cargo', ['build', '--release', '--lib', '--target', 'wasm32v1-none', '--target-dir', TARGET_DIR], { CARGO_PROFILE_RELEASE_STRIP: 'false' })
  run('wasm-opt', [RAW, '--strip-dwarf', '-g', buildLevel(), '--mvp-features', '--enable-mutable-globals', '-o', NAMED])
  return NAMED
}

// Bytes of each non-custom section, by section id (1 type, 3 function, 10 code, 11 data, …).
function sections(bytes) {
  const out = {}
  let i = 8
  while (i < bytes.length) {
    const id = bytes[i++]
    let size = 0
    let shift = 0
    let b
    do { b = bytes[i++]; size += (b & 127) * 2 ** shift; shift += 7 } while (b & 128)
    if (id !== 0) out[id] = size
    i += size
  }
  return out
}

// Whether the named copy has the shipped module's sections, size for size (names aside).
function sameAsShipped(named) {
  const a = sections(fs.readFileSync(named))
  const b = sections(fs.readFileSync(path.join(ROOT, 'dist', 'wxhttp_bg.wasm')))
  return JSON.stringify(a) === JSON.stringify(b)
}

module.exports = { build, buildLevel, sameAsShipped, NAMED, RAW }
if (require.main === module) console.log(build(), buildLevel(), sameAsShipped(NAMED) ? 'same sections as dist/wxhttp_bg.wasm' : 'DIFFERS from dist/wxhttp_bg.wasm')
