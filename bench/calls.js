'use strict'
// §6 The JS↔wasm boundary on Node: node bench/calls.js [named.wasm]. Prints one JSON line.
//   imports: WebAssembly.Module.imports of the shipped modules (dist/wxhttp_bg.wasm and the
//     .wasm.br of miniprogram_dist/). Empty: the core cannot call out at all.
//   calls: every export of the engine wrapped in a counter, then per GET over N GETs after
//     WARM GETs of warm-up, on the instant wx: sequential, 10 in flight, and with auth on (one
//     login during warm-up, then a live token on every GET).
//   allocations: the same runs on the named copy of the core (bench/named.js) with a counter
//     added at the entry of the allocator's `alloc` (binaryen), read through an exported global.
// The engine is reached through the package's own loader: dist/load.js caches one engine per
// wasm path, so `load(file)` before the first request resolves the engine the client will use,
// and replacing its `x` (the driver reads `engine.x` when the client starts) counts every call.
const fs = require('fs')
const os = require('os')
const path = require('path')
const zlib = require('zlib')
const { ROOT, instantWx, loadClient } = require('./lib.js')

const WARM = 1000
const N = 1000
const DIST_WASM = path.join(ROOT, 'dist', 'wxhttp_bg.wasm')
const loader = require(path.join(ROOT, 'dist', 'load.js'))
const urls = Array.from({ length: 16 }, (_, i) => '/api/item/' + i)

// Replaces `engine.x` with the same exports behind counters; returns the counters.
function count(engine) {
  const calls = {}
  const x = {}
  for (const name of Object.keys(engine.x)) {
    const f = engine.x[name]
    if (typeof f !== 'function') { x[name] = f; continue }
    calls[name] = 0
    x[name] = function () { calls[name]++; return f.apply(null, arguments) }
  }
  const fresh = engine.fresh
  engine.fresh = function (saved, expires, now) { calls.wx_fresh++; return fresh(saved, expires, now) }
  engine.x = x
  return calls
}

const total = (calls) => Object.values(calls).reduce((a, b) => a + b, 0)
const diff = (after, before) => {
  const out = {}
  for (const k in after) if (after[k] !== before[k]) out[k] = (after[k] - before[k]) / N
  return out
}

async function sequential(client, n) {
  for (let i = 0; i < n; i++) await client.get(urls[i & 15])
}
async function inFlight(client, n) {
  for (let i = 0; i < n; i += 10) {
    const batch = []
    for (let j = 0; j < 10; j++) batch.push(client.get(urls[j]))
    await Promise.all(batch)
  }
}

// One scenario on a fresh client over the engine of `file`: per-GET calls by export, per-GET
// allocations (when the module counts them), the wasm memory before and after, wx's counters.
async function scenario(file, calls, engine, auth, drive) {
  const allocs = engine.x.bench_allocs
  const allocsStart = allocs ? allocs.value : 0
  const wx = instantWx()
  const client = loadClient('wxhttp')(wx, { baseURL: 'https://api.example.com', auth, wasmPath: file })
  await drive(client, WARM)
  const before = Object.assign({}, calls)
  const allocsBefore = allocs ? allocs.value : 0
  const memoryBefore = engine.x.memory.buffer.byteLength
  await drive(client, N)
  return {
    perGet: total(calls) / N - total(before) / N,
    byExport: diff(calls, before),
    allocsPerGet: allocs ? (allocs.value - allocsBefore) / N : null,
    allocsWarm: allocs ? allocsBefore - allocsStart : null, // the client's creation and warm-up: shows the counter counts
    memoryGrew: engine.x.memory.buffer.byteLength - memoryBefore,
    wx: wx.counts,
  }
}

async function measure(file, bytes) {
  const engine = await loader.load(file, () => bytes)
  const calls = count(engine)
  return {
    sequential: await scenario(file, calls, engine, false, sequential),
    parallel10: await scenario(file, calls, engine, false, inFlight),
    auth: await scenario(file, calls, engine, true, sequential),
  }
}

// The named copy with a counter (exported global `bench_allocs`) bumped at the entry of the
// allocator's `alloc` (realloc and alloc_zeroed go through it too).
async function instrumented(named) {
  const binaryen = (await import('binaryen')).default
  const mod = binaryen.readBinary(fs.readFileSync(named))
  mod.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals)
  mod.addGlobal('bench_allocs', binaryen.i32, true, mod.i32.const(0))
  mod.addGlobalExport('bench_allocs', 'bench_allocs')
  const names = []
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const f = mod.getFunctionByIndex(i)
    const info = binaryen.getFunctionInfo(f)
    // `<… as GlobalAlloc>::alloc`, mangled (`…GlobalAlloc$GT$5alloc17h…`) or not.
    if (!/GlobalAlloc(\$GT\$5alloc17h|>::alloc::)/.test(info.name) || !info.body) continue
    const bump = mod.global.set('bench_allocs', mod.i32.add(mod.global.get('bench_allocs', binaryen.i32), mod.i32.const(1)))
    binaryen.Function.setBody(f, mod.block(null, [bump, info.body], info.results))
    names.push(info.name)
  }
  if (!names.length) throw new Error('no allocator `alloc` function found by name in ' + named)
  if (!mod.validate()) throw new Error('the instrumented module does not validate')
  const bytes = Buffer.from(mod.emitBinary())
  mod.dispose()
  return { bytes, names }
}

async function main() {
  const shipped = fs.readFileSync(DIST_WASM)
  const br = zlib.brotliDecompressSync(fs.readFileSync(path.join(ROOT, 'miniprogram_dist', 'wxhttp_bg.wasm.br')))
  const out = {
    imports: { dist: WebAssembly.Module.imports(new WebAssembly.Module(shipped)), miniprogram: WebAssembly.Module.imports(new WebAssembly.Module(br)) },
    exports: WebAssembly.Module.exports(new WebAssembly.Module(shipped)).map((e) => e.name),
    warm: WARM, n: N,
    calls: await measure(DIST_WASM, shipped),
    allocations: null,
  }
  const named = process.argv[2]
  if (named) {
    try {
      const { bytes, names } = await instrumented(named)
      const file = path.join(os.tmpdir(), 'wxhttp-bench-allocs-' + process.pid + '.wasm') // only a cache key: bytes come from memory
      out.allocations = Object.assign({ counted: names }, await measure(file, bytes))
    } catch (e) {
      out.allocations = { error: String(e && e.message || e) }
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
main().then(() => process.exit(0), (e) => { console.error(e && e.stack || e); process.exit(1) })
