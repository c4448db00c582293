// L12: clients on one storage namespace share one login state (SPEC §6), end to end on the
// emulator, against a server that keeps one session per user: every login revokes the tokens
// issued before it. Two clients that each logged in on their own would log each other out in
// turn; sharing, they log in once.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const wxhttp = require('./package.js')
const { createBackend, createWx } = require('../../emulator')

const BASE = 'https://api.example.com'
const AUTH = { login: { url: '/auth/login' } }

// A backend whose login revokes every earlier token (one user: one session per user).
function singleSession(options = {}) {
  const backend = createBackend(options)
  const server = Object.create(backend)
  server.handle = (req) => {
    if (req.path === '/auth/login') backend.control.expireTokens()
    return backend.handle(req)
  }
  return { backend, server }
}

function setup(options = {}) {
  const { backend, server } = singleSession()
  const wx = createWx({ backend: server, transport: 'inprocess', quiet: true, ...options })
  const client = (more = {}) => wxhttp.createHttp({ baseURL: BASE, platform: wx, retry: false, auth: AUTH, ...more })
  return { backend, server, wx, emu: wx.__emu, client }
}

function okCount(results) {
  return results.filter((r) => r.status === 'fulfilled' && r.value.data.code === 10000).length
}

test('L12: two clients on one namespace log in once for 40 concurrent requests and once per expiry', async () => {
  const env = setup()
  const a = env.client()
  const b = env.client()
  const first = await Promise.allSettled([...Array(20)].flatMap((_, i) => [a.get(`/api/a/${i}`), b.get(`/api/b/${i}`)]))
  assert.equal(okCount(first), 40)
  assert.equal(env.emu.logins, 1, 'one wx.login for both clients')
  assert.equal(env.backend.stats.logins, 1)
  assert.equal(a.getToken(), b.getToken())
  for (let round = 0; round < 5; round++) {
    env.backend.control.expireTokens()
    const again = await Promise.allSettled([...Array(10)].flatMap((_, i) => [a.get(`/api/a2/${i}`), b.get(`/api/b2/${i}`)]))
    assert.equal(okCount(again), 20, `round ${round}: every request replayed with the one new token`)
    assert.equal(env.backend.stats.logins, 2 + round, `round ${round}: one re-login for both`)
  }
  // Alternating requests never log anyone out again.
  for (let i = 0; i < 30; i++) assert.equal((await (i % 2 ? a : b).get(`/api/alt/${i}`)).data.code, 10000)
  assert.equal(env.backend.stats.logins, 6)
})

test('L12: a token one client gets reaches the other without a login; its late expired answer replays', async () => {
  const env = setup()
  const a = env.client()
  const b = env.client()
  await b.get('/api/warm')
  const token = b.getToken()
  await a.login()
  assert.notEqual(a.getToken(), token, 'a forced login makes a new token')
  assert.equal(env.backend.stats.logins, 2)
  // b still holds the revoked token until its next event; its request goes out with a's.
  const res = await b.get('/api/after')
  assert.equal(res.data.code, 10000)
  assert.equal(b.getToken(), a.getToken())
  assert.equal(env.backend.stats.logins, 2, 'no login for b')
  assert.equal(env.backend.log.filter((e) => e.path === '/api/after').length, 1, 'sent once, with the new token')
})

test('L12: a failed login fails the waiters of both clients, and onLoginFailed runs once', async () => {
  const env = setup()
  let hooks = 0
  const onLoginFailed = () => { hooks++ }
  const a = env.client({ auth: { ...AUTH, onLoginFailed } })
  const b = env.client({ auth: { ...AUTH, onLoginFailed } })
  env.emu.failNextLogins(1)
  const results = await Promise.allSettled([a.get('/api/x'), b.get('/api/y'), b.get('/api/z')])
  assert.deepEqual(results.map((r) => r.reason && r.reason.kind), ['login', 'login', 'login'])
  assert.ok(results.every((r) => /^Login failed: wx\.login failed/.test(r.reason.message)), results.map((r) => r.reason.message).join('\n'))
  assert.equal(hooks, 1, 'one episode, one hook')
  assert.equal(env.emu.loginCalls, 1)
  assert.equal((await b.get('/api/next')).data.code, 10000, 'the next request logs in afresh')
})

test('L12: a logout on one client logs the namespace out; the other logs in again with no dead token', async () => {
  const env = setup()
  const a = env.client()
  const b = env.client()
  await Promise.all([a.get('/api/1'), b.get('/api/2')])
  const dead = a.getToken()
  await a.logout()
  assert.equal((await b.get('/api/3')).data.code, 10000)
  assert.notEqual(b.getToken(), dead)
  assert.equal(env.backend.stats.logins, 2)
  const sent = env.backend.log.filter((e) => e.path === '/api/3')
  assert.deepEqual(sent.map((e) => e.token === dead), [false], 'b never sent the logged-out token')
  assert.equal(a.getToken(), null, 'a has no token until its next request')
  assert.equal((await a.get('/api/4')).data.code, 10000)
  assert.equal(env.backend.stats.logins, 2, 'a takes b\'s token')
})

test('L12: after a relaunch, two clients restoring the token check the session once', async () => {
  const env = setup()
  await env.client().get('/api/first')
  const wx = createWx({ backend: env.server, transport: 'inprocess', quiet: true, storage: env.emu.storage })
  const a = wxhttp.createHttp({ baseURL: BASE, platform: wx, retry: false, auth: AUTH })
  const b = wxhttp.createHttp({ baseURL: BASE, platform: wx, retry: false, auth: AUTH })
  const results = await Promise.all([a.get('/api/a'), b.get('/api/b'), a.get('/api/c'), b.get('/api/d')])
  assert.deepEqual(results.map((r) => r.data.code), [10000, 10000, 10000, 10000])
  assert.equal(wx.__emu.checkSessionCalls, 1, 'one wx.checkSession for both clients')
  assert.equal(wx.__emu.logins, 0)
})

test('L12: a client that logs in differently on the same namespace is a config error naming it', async () => {
  const env = setup()
  env.client()
  const other = env.client({ auth: { login: { url: '/auth/other' } } })
  await assert.rejects(other.get('/api/x'), (e) => e.kind === 'config' && /namespace "wxhttp"/.test(e.message) && /auth\.login/.test(e.message))
  const fn = async () => ({ token: 't' })
  const withFn = env.client({ auth: { login: fn }, storage: { namespace: 'fn' } })
  const sameSource = env.client({ auth: { login: async () => ({ token: 't' }) }, storage: { namespace: 'fn' } })
  assert.equal((await withFn.get('/public/p')).statusCode, 200)
  assert.equal((await sameSource.get('/public/q')).statusCode, 200, 'a new closure with the same source logs in the same way')
  const own = env.client({ auth: { login: { url: '/auth/other' } }, storage: { namespace: 'own' } })
  assert.equal((await own.get('/public/r', { auth: false })).statusCode, 200, 'its own namespace is fine')
})
