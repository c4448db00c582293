// Network awareness (SPEC §12), end to end on the emulator: wx.getNetworkType at creation,
// wx.onNetworkStatusChange after; offline, requests wait (bounded by their timeout) or fail at
// once; a request cut by the device going offline is sent again on reconnect when that is safe.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const wxhttp = require('./package.js')
const { createBackend, createWx } = require('../../emulator')

const BASE = 'https://api.example.com'

function setup({ client = {}, wx = {} } = {}) {
  const backend = createBackend()
  const w = createWx({ backend, transport: 'inprocess', quiet: true, ...wx })
  const http = wxhttp.createHttp({ baseURL: BASE, platform: w, ...client })
  return { backend, wx: w, emu: w.__emu, http }
}

async function until(condition, what) {
  for (let i = 0; i < 5000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve))
  assert.ok(condition(), `timed out waiting for ${what}`)
}

test('§12: created offline, a GET waits for the network and goes when it is back', async () => {
  const env = setup({ wx: { networkType: 'none' } })
  await env.http.ready()
  await until(() => env.http.network().type === 'none', 'getNetworkType answered')
  assert.deepEqual(env.http.network(), { online: false, type: 'none' })
  let settled = false
  const p = env.http.get('/public/a').finally(() => { settled = true })
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(settled, false)
  assert.equal(env.emu.requests, 0, 'nothing sent while offline')
  env.emu.setNetwork('4g')
  assert.equal((await p).statusCode, 200)
  assert.deepEqual(env.http.network(), { online: true, type: '4g' })
})

test("§12: offline: 'fail' rejects at once with kind network and offline: true; per request too", async () => {
  const env = setup({ client: { offline: 'fail' } })
  await env.http.ready()
  env.emu.setNetwork('none')
  await until(() => !env.http.network().online, 'the change reported')
  const e = await env.http.get('/public/a').catch((x) => x)
  assert.equal(e.kind, 'network')
  assert.equal(e.offline, true)
  assert.match(e.message, /offline/)
  assert.equal(env.emu.requests, 0)
  const waits = env.http.get('/public/b', { offline: 'wait' })
  env.emu.setNetwork('wifi')
  assert.equal((await waits).statusCode, 200, 'a request may choose to wait')
})

test('§12: the offline wait is bounded by the request timeout', async () => {
  const env = setup({ wx: { networkType: 'none' } })
  await env.http.ready()
  await until(() => !env.http.network().online, 'getNetworkType answered')
  const e = await env.http.get('/public/a', { timeout: 30 }).catch((x) => x)
  assert.equal(e.kind, 'timeout')
  assert.equal(e.offline, true)
  assert.match(e.message, /waiting for the network/)
})

test('§12: a GET cut by the device going offline is sent again on reconnect, uncounted; a POST fails', async () => {
  const env = setup({ client: { retry: false } })
  env.backend.control.setLatency(40)
  await env.http.ready()
  const get = env.http.get('/public/g')
  const post = env.http.post('/public/p', { a: 1 })
  await until(() => env.emu.inFlight === 2, 'both in flight')
  env.emu.setNetwork('none')
  const e = await post.catch((x) => x)
  assert.equal(e.kind, 'network')
  assert.equal(e.offline, true)
  assert.match(e.errMsg, /ERR_INTERNET_DISCONNECTED/)
  env.emu.setNetwork('wifi')
  assert.equal((await get).statusCode, 200, 'sent again though retry is off')
  assert.equal(env.emu.requestsByPath['/public/g'], 2)
})

test('§12: no login starts while offline; one login when the network is back', async () => {
  const env = setup({ wx: { networkType: 'none' }, client: { auth: { login: { url: '/auth/login' } } } })
  await env.http.ready()
  await until(() => !env.http.network().online, 'getNetworkType answered')
  const all = Promise.all([env.http.get('/api/a'), env.http.get('/api/b')])
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(env.emu.loginCalls, 0, 'no wx.login offline')
  env.emu.setNetwork('wifi')
  const results = await all
  assert.deepEqual(results.map((r) => r.data.code), [10000, 10000])
  assert.equal(env.emu.loginCalls, 1)
})
