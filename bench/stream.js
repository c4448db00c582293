'use strict'
// §7 A streamed answer of 1 000 Server-Sent Events: µs per event, wxhttp's `http.stream` with
// `onEvent` against a bare `wx.request({ enableChunked })` that only counts chunks, on the wx
// emulator in process (bench/jsc/stream.js has the scenario, shared by both engines).
//   node bench/stream.js          Node only (dist/), one JSON line
//   node bench/stream.js all      Node, then `jsc --useJIT=false` through miniprogram_dist (JSON)
//   node bench/stream.js md       the same as the report's Markdown section
// `measure()` (used by bench/run.js) runs both and returns { node, jsc }.
const fs = require('fs')
const os = require('os')
const path = require('path')
const zlib = require('zlib')
const { spawnSync } = require('child_process')
const { ROOT } = require('./lib.js')
const jsc = require('./jsc.js')

const EVENTS = Number(process.env.BENCH_STREAM_EVENTS || 1000)
const NODE = { warm: 10, samples: 60, budgetMs: 3000 }
const JSC = { warm: 3, samples: 31, budgetMs: 10000 }

// In this process: the package's Node entry (dist/) and the emulator's Node modules.
function runNode() {
  const emulator = require(path.join(ROOT, 'emulator'))
  const scenario = require('./jsc/stream.js')
  return new Promise((resolve, reject) => {
    scenario.run({
      wxhttp: require(ROOT), createWx: emulator.createWx, sseFlushes: emulator.sseFlushes,
      now: () => Number(process.hrtime.bigint()) / 1e9, events: EVENTS, ...NODE, budget: NODE.budgetMs / 1000,
    }, (e, result) => (e ? reject(e) : resolve(result)))
  })
}

// In a fresh `node`, so that the other sections' heaps and JIT state do not weigh on it.
function nodeChild() {
  const r = spawnSync(process.execPath, [__filename], { cwd: ROOT, encoding: 'utf8', timeout: 120000 })
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('{'))
  return line ? JSON.parse(line) : { error: ((r.stderr || '').trim().split('\n').slice(-3).join(' | ')) || `exit ${r.status}` }
}

// Under `jsc --useJIT=false` after tests/jsc/wechat.js: miniprogram_dist as installed, its
// `.wasm.br` decompressed beside (WeChat decompresses it itself).
function runJsc() {
  if (!jsc.available()) return { error: `no jsc at ${jsc.JSC}` }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-bench-stream-'))
  try {
    const dist = path.join(ROOT, 'miniprogram_dist')
    const wasm = path.join(work, 'wxhttp_bg.wasm')
    fs.writeFileSync(wasm, zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, 'wxhttp_bg.wasm.br'))))
    const config = {
      files: { '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br': wasm }, packages: { wxhttp: path.join(dist, 'index.js') },
      emulator: path.join(ROOT, 'emulator'), events: EVENTS, ...JSC,
    }
    const file = path.join(work, 'config.js')
    fs.writeFileSync(file, 'var CONFIG = ' + JSON.stringify(config) + '\n')
    const r = spawnSync(jsc.JSC, ['--useJIT=false', file, path.join(ROOT, 'tests', 'jsc', 'wechat.js'), path.join(__dirname, 'jsc', 'stream.js')], { encoding: 'utf8', timeout: 300000 })
    const m = /^RESULT (.*)$/m.exec(r.stdout || '')
    if (m) return JSON.parse(m[1])
    const err = /^ERROR ([\s\S]*)$/m.exec(r.stdout || '')
    return { error: (err ? err[1] : (r.stderr || r.stdout || '').trim() || `jsc exited ${r.status}`).split('\n').slice(0, 3).join(' | ') }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

function measure() {
  return { node: nodeChild(), jsc: runJsc(), events: EVENTS, at: new Date().toISOString() }
}

const us = (x) => (x == null || Number.isNaN(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1))

// The report's section (Markdown lines) for what `measure()` returned.
function markdown(r) {
  const n = r.events.toLocaleString('en-US').replace(/,/g, ' ')
  const flushes = (r.node && r.node.flushes) || (r.jsc && r.jsc.flushes) || r.events + 3
  const cell = (x, key) => (!x ? 'not run' : x.error ? 'error: ' + x.error : `${us(x[key].median)} (${us(x[key].min)}–${us(x[key].max)}, ${x[key].n} streams)`)
  const over = (x) => (!x || x.error ? 'n/a' : us(x.overhead))
  const row = (cells) => '| ' + cells.join(' | ') + ' |'
  const lines = [
    `## 7. A streamed answer: ${n} Server-Sent Events`,
    '',
    `The reference backend's event stream (\`sseFlushes(${r.events})\`: a comment, ${n} \`message\` events of two \`data:\` lines with Chinese text, about 60 bytes each, the first cut inside the 3 bytes of 中, then \`event: done\`), handed by the wx emulator in process to \`onChunkReceived\` one flush at a time (${flushes} flushes), all at once: the time is that of the code reading it. **wxhttp**: \`http.stream({ url, onEvent })\` — each \`ArrayBuffer\` decoded as UTF-8 across chunk boundaries by the library (no \`TextDecoder\` under jsc), parsed as an event stream, each event to \`onEvent\`. **bare**: \`wx.request({ enableChunked: true })\` whose \`onChunkReceived\` only counts (the emulator's own cost of delivering the chunks, subtracted). A sample is one whole stream, from the call to the resolved promise, divided by ${n}; bare and wxhttp alternate. Node: \`dist/\` in a fresh process; jsc: \`--useJIT=false\` through \`miniprogram_dist\`, as in §2 (\`bench/stream.js\`, \`bench/jsc/stream.js\`).`,
    '',
    row(['reader', 'Node µs per event, median (min–max)', 'jsc no-JIT µs per event, median (min–max)']),
    '| --- | --- | --- |',
    row(['bare `wx.request` + `onChunkReceived`', cell(r.node, 'bare'), cell(r.jsc, 'bare')]),
    row(['wxhttp `http.stream` + `onEvent`', cell(r.node, 'wxhttp'), cell(r.jsc, 'wxhttp')]),
    row(['**wxhttp over bare**', `**${over(r.node)}**`, `**${over(r.jsc)}**`]),
  ]
  if (r.jsc && !r.jsc.error) {
    lines.push('', `Under jsc without JIT a ${n}-event answer costs wxhttp about ${(r.jsc.overhead * r.events / 1000).toFixed(1)} ms in all, spread over the time the answer takes to arrive.`)
  }
  return lines
}

module.exports = { measure, markdown, EVENTS }

if (require.main === module) {
  if (process.argv[2] === 'all') {
    console.log(JSON.stringify(measure()))
  } else if (process.argv[2] === 'md') {
    console.log(markdown(measure()).join('\n'))
  } else {
    runNode().then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); process.exit(0) }, (e) => { console.error(e && e.stack || e); process.exit(1) })
  }
}
