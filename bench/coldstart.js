'use strict'
// §3 Cold start on Node, one fresh process per sample: node bench/coldstart.js <lib>
// prints ms from just before `require(<library>)` to the first response (instant fake wx).
const t0 = process.hrtime.bigint()
const lib = process.argv[2]
const { instantWx, loadClient } = require('./lib.js')
const create = lib === 'bare' ? require('./clients/bare.js') : loadClient(lib) // requires the library
create(instantWx(), { baseURL: 'https://api.example.com', auth: false }).get('/api/first').then((body) => {
  if (!body || body.code !== 10000) throw new Error('unexpected body')
  process.stdout.write(JSON.stringify({ lib, ms: Number(process.hrtime.bigint() - t0) / 1e6 }) + '\n')
}).catch((e) => { console.error(e); process.exit(1) })
