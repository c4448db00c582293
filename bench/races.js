'use strict'
// §1 Correctness under the login races: each library against the same wx emulator and
// reference backend over real loopback HTTP, a fresh backend per scenario.
// Prints one JSON line per (library, scenario) when run directly: node bench/races.js [lib...]
const { startEmulator } = require('../emulator')
const { LIBS, loadClient } = require('./lib.js')

const LATENCY = 20 // ms per backend answer: requests of one burst overlap as on a phone network
const SETTLE_MS = 5000 // a caller still pending after this counts as pending (hung)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Settles what it can within `ms`, then reports ok / rejected / pending.
async function outcome(promises, ms) {
  const state = promises.map(() => 'pending')
  promises.forEach((p, i) => p.then(
    (body) => { state[i] = body && body.code === 10000 ? 'ok' : 'bad:' + (body && body.code) },
    (e) => { state[i] = 'rejected' }
  ))
  const all = Promise.allSettled(promises)
  let timer
  await Promise.race([all, new Promise((r) => { timer = setTimeout(r, ms) })])
  clearTimeout(timer)
  const count = (k) => state.filter((s) => s === k).length
  return { ok: count('ok'), rejected: count('rejected'), pending: count('pending'), other: state.filter((s) => s.startsWith('bad:')).length }
}

const SCENARIOS = {
  // (a) 50 concurrent requests at launch, nobody holds a token.
  async cold(client, backend) {
    const before = backend.stats.logins
    const calls = []
    for (let i = 0; i < 50; i++) calls.push(client.get('/api/cold/' + i))
    const r = await outcome(calls, SETTLE_MS)
    return Object.assign(r, { logins: backend.stats.logins - before, target: 1 })
  },
  // (b) one request logs in, the server expires every token, 20 concurrent requests follow.
  async expiry(client, backend) {
    await client.get('/api/warm')
    backend.control.expireTokens()
    const before = backend.stats.logins
    const calls = []
    for (let i = 0; i < 20; i++) calls.push(client.get('/api/burst/' + i))
    const r = await outcome(calls, SETTLE_MS)
    return Object.assign(r, { logins: backend.stats.logins - before, target: 1 })
  },
  // (c) generations: a slow request goes out with T1; the tokens expire; fast requests get
  // "expired", re-login to T2 and replay; then the slow one comes back "expired" (sent with T1).
  // The right count is 1 login in the episode (the fast ones'), 0 extra for the slow one.
  async generation(client, backend) {
    await client.get('/api/warm')
    backend.control.setLatency('/api/slow', 400)
    const before = backend.stats.logins
    const slow = client.get('/api/slow/1')
    await sleep(50)
    backend.control.expireTokens()
    const fast = []
    for (let i = 0; i < 5; i++) fast.push(client.get('/api/fast/' + i))
    const r = await outcome([slow].concat(fast), SETTLE_MS)
    return Object.assign(r, { logins: backend.stats.logins - before, target: 1 })
  },
  // (d) the first login fails at the login endpoint (failLogins(1)); 20 callers at launch.
  // Count the callers still unsettled 3 s later (target 0: every caller settles).
  async failedLogin(client, backend) {
    backend.control.failLogins(1)
    const calls = []
    for (let i = 0; i < 20; i++) calls.push(client.get('/api/fail/' + i))
    const r = await outcome(calls, 3000)
    return Object.assign(r, { logins: backend.stats.logins, loginAttempts: backend.stats.loginAttempts, target: 0 })
  },
}

async function runOne(lib, scenario) {
  const create = loadClient(lib)
  const timers = {
    setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); if (t.unref) t.unref(); return t },
    clearTimeout: (t) => clearTimeout(t),
  }
  const emu = await startEmulator({ backendOptions: Object.assign({ latency: LATENCY }, timers), requestLog: false, quiet: true })
  try {
    const client = create(emu.wx, { baseURL: emu.url, auth: true })
    const r = await SCENARIOS[scenario](client, emu.backend)
    r.wxLoginCalls = emu.wx.__emu.loginCalls
    r.requests = emu.backend.stats.requests
    return r
  } catch (e) {
    return { error: String(e && e.stack || e) }
  } finally {
    await emu.close()
  }
}

async function main() {
  const libs = process.argv.slice(2).length ? process.argv.slice(2) : LIBS
  for (const lib of libs) {
    for (const scenario of Object.keys(SCENARIOS)) {
      const r = await runOne(lib, scenario)
      process.stdout.write(JSON.stringify(Object.assign({ lib, scenario }, r)) + '\n')
    }
  }
}

module.exports = { SCENARIOS: Object.keys(SCENARIOS), LATENCY }
if (require.main === module) {
  process.on('unhandledRejection', () => {}) // peers' stray rejections must not end the run
  main().then(() => process.exit(0), (e) => { console.error(e); process.exit(2) })
}
