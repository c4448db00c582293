'use strict'
// §2 Per-request overhead on Node: one library per process (node bench/overhead.js <lib> [auth]),
// against the instant fake wx. Prints one JSON line. With `auth` (wxhttp only), the client has
// `auth: { login: { url: '/auth/login' } }`: its first request logs in, every later one carries
// the live token; `wx` in the output counts wx.login calls and requests sent with a token.
//   sequential: each request awaited before the next; µs from call to resolved data.
//   10 in flight: batches of 10 concurrent requests; µs per request = batch time / 10.
const { instantWx, loadClient, summary } = require('./lib.js')

const lib = process.argv[2]
const auth = process.argv[3] === 'auth'
const SEQ = Number(process.env.BENCH_SEQ || 20000)
const BATCHES = Number(process.env.BENCH_BATCHES || 3000)
const WARM = Number(process.env.BENCH_WARM || 3000)
const BUDGET = Number(process.env.BENCH_BUDGET_MS || 2500) * 1000 // µs per phase at most
const now = () => Number(process.hrtime.bigint()) / 1000 // µs

async function main() {
  const wx = instantWx()
  const create = lib === 'bare' ? require('./clients/bare.js') : loadClient(lib)
  const client = create(wx, { baseURL: 'https://api.example.com', auth })
  // 16 distinct URLs: concurrent identical GETs would be shared by wxhttp and alova.
  const urls = Array.from({ length: 16 }, (_, i) => '/api/item/' + i)
  const warmEnd = now() + BUDGET
  for (let i = 0; i < WARM && now() < warmEnd; i++) {
    const body = await client.get(urls[i & 15])
    if (!body || body.code !== 10000) throw new Error(lib + ': unexpected body ' + JSON.stringify(body))
  }
  const seq = []
  const seqEnd = now() + BUDGET
  for (let i = 0; i < SEQ && now() < seqEnd; i++) {
    const t = now()
    await client.get(urls[i & 15])
    seq[i] = now() - t
  }
  const par = []
  const batch = new Array(10)
  const parEnd = now() + BUDGET
  for (let b = 0; b < BATCHES && now() < parEnd; b++) {
    const t = now()
    for (let j = 0; j < 10; j++) batch[j] = client.get(urls[j])
    await Promise.all(batch)
    par[b] = (now() - t) / 10
  }
  process.stdout.write(JSON.stringify({ lib, auth, sequential: summary(seq), parallel10: summary(par), wxRequests: wx.requests, wx: wx.counts }) + '\n')
}
main().then(() => process.exit(0), (e) => { console.error(e && e.stack || e); process.exit(1) })
