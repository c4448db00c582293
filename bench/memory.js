'use strict'
// §5 Memory: node --expose-gc bench/memory.js <lib> — 100 000 requests (10 in flight) on the
// instant fake wx; at 10k / 50k / 100k: JS heap after gc, and for wxhttp the wasm linear memory.
// The wasm memory is reached through the package's own loader: dist/load.js caches one engine
// per wasm path, and dist/index.js loads dist/wxhttp_bg.wasm under that very path, so
// `load(file, bytes)` resolves the client's own engine, whose `x.memory` is the instance's memory.
const fs = require('fs')
const path = require('path')
const { instantWx, loadClient, ROOT } = require('./lib.js')

const lib = process.argv[2]
const TOTAL = Number(process.env.BENCH_MEM_TOTAL || 100000)
const MARKS = [10000, 50000, 100000].filter((n) => n <= TOTAL)

async function wasmMemory() {
  if (lib !== 'wxhttp') return null
  const file = path.join(ROOT, 'dist', 'wxhttp_bg.wasm')
  const engine = await require(path.join(ROOT, 'dist', 'load.js')).load(file, () => fs.readFileSync(file))
  return engine.x.memory.buffer.byteLength
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc')
  const client = loadClient(lib)(instantWx(), { baseURL: 'https://api.example.com', auth: false })
  const urls = Array.from({ length: 16 }, (_, i) => '/api/item/' + i)
  const samples = []
  let done = 0
  for (const mark of MARKS) {
    while (done < mark) {
      const batch = []
      for (let j = 0; j < 10; j++) batch.push(client.get(urls[j]))
      await Promise.all(batch)
      done += 10
    }
    global.gc(); global.gc()
    samples.push({ requests: done, heapUsed: process.memoryUsage().heapUsed, wasmMemory: await wasmMemory() })
  }
  process.stdout.write(JSON.stringify({ lib, samples }) + '\n')
}
main().then(() => process.exit(0), (e) => { console.error(e && e.stack || e); process.exit(1) })
