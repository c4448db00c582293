// What the seeds teach beyond login, end to end through the installed package on the wx
// emulator: checkAvatar on the avatar endpoints, takeLoginCode against the backend's
// single-use codes, the background rule (interrupted while hidden, sent again on show), and
// `debug: true` logging without the token.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const wxhttp = require('./package.js')
const { startEmulator, createBackend, createWx, createManualClock } = require('../../emulator')

const tick = () => new Promise(setImmediate)
async function until(condition, what) {
  for (let i = 0; i < 2000 && !condition(); i++) await tick()
  assert.ok(condition(), 'waited for ' + what)
}

test('checkAvatar tells ok, expired (either header, any case) and unknown, never rejecting', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  const check = (url) => wxhttp.checkAvatar(url, { platform: emu.wx })
  assert.equal(await check(emu.url + '/avatar/ok/1'), 'ok')
  assert.equal(await check(emu.url + '/avatar/expired/1'), 'expired')
  assert.equal(await check(emu.url + '/avatar/expired-lower/1'), 'expired')
  assert.equal(await check(emu.url + '/status/500'), 'unknown')
  assert.equal(await check('http://127.0.0.1:1/avatar/ok/1'), 'unknown')
  assert.equal(await check('not a url'), 'unknown')
  assert.equal(await check(undefined), 'unknown')
  // All headers and strings: it needs no module, so a wrong wasmPath changes nothing.
  assert.equal(await wxhttp.checkAvatar(emu.url + '/avatar/ok/1', { platform: emu.wx, wasmPath: '/nowhere.wasm' }), 'ok')
  // The emulator's own avatars answer HEAD; only the unreachable one fell back to GET.
  const avatars = emu.emu.requestLog.filter((r) => String(r.url).startsWith(emu.url + '/avatar/'))
  assert.deepEqual(avatars.map((r) => r.method), ['HEAD', 'HEAD', 'HEAD', 'HEAD'])
})

test('takeLoginCode hands out fresh single-use codes the backend accepts, never the silent login\'s', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx, auth: { login: { url: '/auth/login' } } })
  await http.prefetchLoginCode()
  assert.equal((await http.get('/api/me')).data.code, 10000) // silent login: a wx.login of its own
  const [a, b] = await Promise.all([http.takeLoginCode(), http.takeLoginCode()])
  assert.notEqual(a, b)
  assert.equal(emu.emu.loginCalls, 3, 'prefetch + silent login + one more for the second take')
  // Both codes are unused: the backend accepts each once.
  for (const code of [a, b]) {
    const res = await http.post('/auth/login', { code }, { auth: false })
    assert.equal(res.data.code, 10000, 'code ' + code + ' accepted')
  }
})

test('a GET in flight while the app hides for 6 s is interrupted and sent again on show', async () => {
  const clock = createManualClock(1700000000000)
  const timers = { now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }
  const backend = createBackend(Object.assign({ latency: 1000 }, timers))
  const wx = createWx(Object.assign({ backend, transport: 'inprocess' }, timers))
  const emu = wx.__emu
  const http = wxhttp.createHttp({ baseURL: 'https://api.example.com', platform: wx })
  const get = http.get('/public/feed')
  const post = http.post('/public/order', { n: 1 })
  await until(() => emu.inFlight === 2, 'both in flight')
  emu.hide()
  clock.advance(6000) // wx interrupts what is still in flight after 5 s in the background
  await assert.rejects(post, (e) => e.kind === 'network' && e.errMsg === 'request:fail interrupted')
  await until(() => emu.inFlight === 0, 'interrupted')
  for (let i = 0; i < 20; i++) await tick()
  assert.equal(emu.requests, 2, 'nothing sent again while hidden')
  const hiddenGet = http.get('/public/later')
  for (let i = 0; i < 20; i++) await tick()
  assert.equal(emu.requests, 2, 'a request issued while hidden waits')
  emu.show()
  await until(() => emu.inFlight === 2, 'sent again on show')
  clock.advance(1000)
  assert.equal((await get).statusCode, 200)
  assert.equal((await hiddenGet).statusCode, 200)
  assert.equal(emu.requests, 4)
})

test('debug: true logs each attempt and the login, never the token', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  const lines = []
  const log = console.log
  console.log = (...args) => lines.push(args.join(' '))
  t.after(() => { console.log = log })
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx, debug: true, auth: { login: { url: '/auth/login' } } })
  emu.backend.control.failNext('/api/flaky', 1, 503)
  await http.get('/api/flaky', { params: { q: 1 } })
  console.log = log
  const token = http.getToken()
  assert.ok(token)
  assert.ok(lines.includes('wxhttp login: start'), lines.join('\n'))
  assert.ok(lines.some((l) => /^wxhttp login: ok \(user user-1, expires in 7200 s\)$/.test(l)), lines.join('\n'))
  assert.ok(lines.some((l) => l.startsWith(`wxhttp GET ${emu.url}/api/flaky?q=1 → 503 (attempt 1, `)), lines.join('\n'))
  assert.ok(lines.some((l) => /^wxhttp GET .*\/api\/flaky\?q=1 → 200 \(attempt 2, \d+ ms\)$/.test(l)), lines.join('\n'))
  assert.ok(lines.every((l) => !l.includes(token)), 'the token never appears')
})
