'use strict'
// The JavaScriptCore side of §2 and §3 (node bench/jsc.js [lib…]): bundles each client (bench/clients/<lib>.js) with esbuild
// into an IIFE, and runs bench/jsc/bench.js under `jsc --useJIT=false` with the installed-style
// miniprogram_dist for wxhttp (its .wasm.br decompressed beside, as WeChat does itself).
const fs = require('fs')
const os = require('os')
const path = require('path')
const zlib = require('zlib')
const { spawnSync } = require('child_process')
const { ROOT } = require('./lib.js')

const JSC = process.env.JSC || '/usr/bin/jsc'
const available = () => fs.existsSync(JSC)

function prepare() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-bench-jsc-'))
  const dist = path.join(ROOT, 'miniprogram_dist')
  const wasm = path.join(work, 'wxhttp_bg.wasm')
  fs.writeFileSync(wasm, zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, 'wxhttp_bg.wasm.br'))))
  const esbuild = require('esbuild')
  const bundles = {}
  for (const lib of ['bare', 'wxhttp', 'alova', 'axios', 'flyio']) {
    const out = path.join(work, 'client-' + lib + '.js')
    esbuild.buildSync({
      entryPoints: [path.join(__dirname, 'clients', lib + '.js')],
      bundle: true, format: 'iife', globalName: 'BenchClient', platform: 'browser', target: 'es2017',
      define: { 'process.env.NODE_ENV': '"production"' }, outfile: out, logLevel: 'silent',
    })
    bundles[lib] = out
  }
  return {
    work, bundles,
    base: { files: { '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br': wasm }, packages: { wxhttp: path.join(dist, 'index.js') } },
    cleanup: () => fs.rmSync(work, { recursive: true, force: true }),
  }
}

// Runs one jsc process; returns the parsed RESULT or { error }.
function run(env, lib, mode, extra) {
  const config = Object.assign({}, env.base, { lib, mode, bundle: env.bundles[lib] }, extra)
  const file = path.join(env.work, 'config-' + lib + '-' + mode + '.js')
  fs.writeFileSync(file, 'var CONFIG = ' + JSON.stringify(config) + '\n')
  const r = spawnSync(JSC, ['--useJIT=false', file, path.join(ROOT, 'tests', 'jsc', 'wechat.js'), path.join(__dirname, 'jsc', 'bench.js')], { encoding: 'utf8', timeout: 120000 })
  const m = /^RESULT (.*)$/m.exec(r.stdout || '')
  if (m) return JSON.parse(m[1])
  const err = /^ERROR ([\s\S]*)$/m.exec(r.stdout || '')
  return { error: (err ? err[1] : (r.stderr || r.stdout || '').trim() || `jsc exited ${r.status}${r.error ? ' ' + r.error.message : ''}`).split('\n').slice(0, 3).join(' | ') }
}

module.exports = { available, prepare, run, JSC }

if (require.main === module) {
  const env = prepare()
  try {
    for (const lib of process.argv.slice(2).length ? process.argv.slice(2) : ['bare', 'wxhttp', 'alova', 'axios', 'flyio']) {
      console.log(lib, JSON.stringify(run(env, lib, 'overhead', { warm: 200, seq: 3000, batches: 300, budgetMs: 2000 })))
      console.log(lib, JSON.stringify(run(env, lib, 'coldstart', {})))
      if (lib === 'wxhttp') console.log(lib, 'auth', JSON.stringify(run(env, lib, 'overhead', { warm: 200, seq: 3000, batches: 300, budgetMs: 2000, auth: true })))
    }
  } finally { env.cleanup() }
}
