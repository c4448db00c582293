// The thin path on Node, through the package as installed: page → glue → Rust core →
// wx.request (emulated, over real loopback HTTP) → back.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const path = require('path')
const wxhttp = require('./package.js')
const { startEmulator } = require('../../emulator')

test('the installed package has its entries, driver and wasm', () => {
  const files = (dir) => fs.readdirSync(path.join(wxhttp.root, dir)).sort()
  // No generated glue: the core exports plain functions of numbers; the mini-program gets the
  // driver as one bundled file.
  assert.deepEqual(files('miniprogram_dist'), ['index.d.ts', 'index.js', 'wxhttp_bg.wasm.br'])
  assert.ok(files('dist').includes('wxhttp_bg.wasm'))
  const pkg = JSON.parse(fs.readFileSync(path.join(wxhttp.root, 'package.json'), 'utf8'))
  assert.equal(pkg.miniprogram, 'miniprogram_dist')
})

test('miniprogram_dist requires nothing outside itself and no Node built-ins', () => {
  const dir = path.join(wxhttp.root, 'miniprogram_dist')
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8')
    for (const [, name] of source.matchAll(/require\(['"]([^'"]+)['"]\)/g)) {
      assert.match(name, /^\.\/[\w.-]+\.js$/, `${file} requires ${name}`)
      assert.ok(fs.existsSync(path.join(dir, name)), `${file} requires missing ${name}`)
    }
  }
})

test('a GET reaches the loopback backend and returns its JSON', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx })
  const res = await http.get('/public/hello', { params: { tags: ['a', 'b'], q: 'a b' }, header: { 'X-Trace': '1' } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.data.code, 10000)
  assert.deepEqual(res.data.data.query, { tags: ['a', 'b'], q: 'a b' })
  assert.equal(res.config.url, '/public/hello')
  assert.equal(emu.backend.stats.byPath['/public/hello'], 1)
})

test('wx failures reject with RequestError kinds, never pending', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx, retry: false })
  await assert.rejects(http.get('/status/503'), (e) => wxhttp.isRequestError(e) && e.kind === 'http' && e.statusCode === 503 &&
    e.message === `Request failed with status 503: GET ${emu.url}/status/503` && e.response.data.code === 503)
  emu.backend.control.setLatency('/public/slow', 200)
  await assert.rejects(http.get('/public/slow', { timeout: 20 }), (e) => e.kind === 'timeout' && /timeout/i.test(e.message))
  await assert.rejects(http.get('http://127.0.0.1:1/nothing'), (e) => e.kind === 'network' && /request:fail/.test(e.errMsg))
})

test('abort rejects with kind aborted and aborts the RequestTask', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  emu.backend.control.setLatency('/public/slow', 5000)
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx })
  const pending = http.get('/public/slow')
  await http.ready()
  while (emu.wx.__emu.inFlight === 0) await new Promise(setImmediate) // wait for dispatch, not for time
  pending.abort()
  await assert.rejects(pending, (e) => e.kind === 'aborted')
  assert.equal(emu.wx.__emu.inFlight, 0)
})

test('bad options reject with kind config naming the option and never reach wx.request', async (t) => {
  const emu = await startEmulator()
  t.after(() => emu.close())
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx })
  for (const [options, name] of [[{ url: '/a', method: 'FETCH' }, '`method`'], [{ url: '/a', timeout: -1 }, '`timeout`'], [{ url: '/a', header: 'x' }, '`header`']]) {
    await assert.rejects(http.request(options), (e) => e.kind === 'config' && e.message.includes(name))
  }
  const broken = wxhttp.createHttp({ platform: emu.wx, maxConcurrent: 0 })
  await assert.rejects(broken.get(emu.url + '/public/a'), (e) => e.kind === 'config' && e.message.includes('`maxConcurrent`'))
  assert.equal(emu.wx.__emu.requests, 0)
})

test('with platform given, the global wx is never read', async (t) => {
  const emu = await startEmulator()
  t.after(() => { delete globalThis.wx; return emu.close() })
  Object.defineProperty(globalThis, 'wx', { configurable: true, get() { throw new Error('global wx was read') } })
  const http = wxhttp.createHttp({ baseURL: emu.url, platform: emu.wx })
  assert.equal((await http.get('/public/a')).statusCode, 200)
})
