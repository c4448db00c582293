// Storage with expiry and the response cache (SPEC §8), end to end: the package as installed,
// over the wx emulator's storage (WeChat's 1 MB a key / 10 MB in all) and the reference
// backend on real loopback HTTP. The library's clock is `Date.now()`: tests that move time
// replace `Date.now` for their own duration and restore it after.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const wxhttp = require('./package.js')
const { startEmulator, createWx } = require('../../emulator')

const { createHttp, createStorage, isRequestError } = wxhttp

// ------------------------------------------------------------------------------ helpers

// A wx with storage only (requests answer an empty 200).
function storageWx() {
  return createWx({ transport: () => ({ status: 200, body: {} }), quiet: true })
}

async function setup(t, options) {
  const env = await startEmulator(Object.assign({ quiet: true }, options))
  t.after(() => env.close())
  return env
}

// Freezes `Date.now` at a fixed time for this test; `clock.set(ms)` / `clock.advance(ms)` move it.
function manualDateNow(t, start = 1_700_000_000_000) {
  const real = Date.now
  let now = start
  Date.now = () => now
  t.after(() => { Date.now = real })
  return { get now() { return now }, set: (ms) => { now = ms }, advance: (ms) => { now += ms } }
}

const rawKeys = (wx) => wx.getStorageInfoSync().keys.slice().sort()

// Fills wx storage with the app's own keys (`fill:<n>`) until at most `leave` bytes of the
// 10 MB remain, counting as WeChat does: the key's bytes plus the value's JSON.
function fillStorage(wx, leave) {
  const total = 10 * 1024 * 1024
  const bytes = (s) => Buffer.byteLength(s)
  let used = 0
  for (const key of wx.getStorageInfoSync().keys) used += bytes(key) + bytes(JSON.stringify(wx.getStorageSync(key)))
  for (let i = 0; total - used > leave; i++) {
    const key = `fill:${i}`
    const json = Math.min(1_000_000, total - used - leave - bytes(key))
    wx.setStorageSync(key, 'f'.repeat(Math.max(0, json - 2)))
    used += bytes(key) + Math.max(2, json)
  }
}

async function rejectsWithCode(promise, code, ...fragments) {
  const error = await promise.then(() => { throw new Error(`expected a ${code} rejection`) }, (e) => e)
  assert.ok(error instanceof Error, `an Error, got ${error}`)
  assert.equal(error.code, code, error.message)
  for (const fragment of fragments) assert.ok(error.message.includes(fragment), `${error.message} mentions ${fragment}`)
  return error
}

// ------------------------------------------------------------------------------ the storage API

test('set/get/has/remove/keys/clear round-trip JSON values, each call a promise', async () => {
  const wx = storageWx()
  const s = createStorage({ namespace: 'app', platform: wx })
  const values = { obj: { a: 1, nested: { list: [1, 'two', null] } }, arr: [1, 2, 3], num: 42.5, str: 'hello 中文 🎉', yes: true, no: false, nil: null, empty: '' }
  for (const [key, value] of Object.entries(values)) {
    const pending = s.set(key, value)
    assert.equal(typeof pending.then, 'function')
    assert.equal(await pending, undefined)
  }
  for (const [key, value] of Object.entries(values)) assert.deepEqual(await s.get(key), value, key)
  assert.equal(await s.get('missing'), null)
  assert.equal(await s.has('obj'), true)
  assert.equal(await s.has('nil'), true, 'a stored null is present (get cannot tell it from missing; has can)')
  assert.equal(await s.has('missing'), false)
  assert.deepEqual((await s.keys()).sort(), Object.keys(values).sort())
  assert.equal(await s.remove('arr'), undefined)
  assert.equal(await s.get('arr'), null)
  await s.remove('never-there')
  // Values are copies: changing the object after set changes nothing stored.
  const mutable = { n: 1 }
  await s.set('copy', mutable)
  mutable.n = 2
  assert.deepEqual(await s.get('copy'), { n: 1 })
  // Only what JSON holds: a Date comes back as its ISO string.
  await s.set('date', new Date(0))
  assert.equal(await s.get('date'), '1970-01-01T00:00:00.000Z')
  assert.equal(await s.clear(), undefined)
  assert.deepEqual(await s.keys(), [])
  assert.deepEqual(rawKeys(wx), [])
})

test('the envelope under namespace:key is { wxhttp: 1, expires, saved, value }', async (t) => {
  const clock = manualDateNow(t)
  const wx = storageWx()
  const s = createStorage({ namespace: 'app', platform: wx })
  await s.set('k', { a: 1 }, { ttl: 60000 })
  assert.deepEqual(wx.getStorageSync('app:k'), { wxhttp: 1, expires: clock.now + 60000, saved: clock.now, value: { a: 1 } })
  await s.set('forever', [1])
  assert.deepEqual(wx.getStorageSync('app:forever'), { wxhttp: 1, expires: null, saved: clock.now, value: [1] })
  await s.set('inf', 'x', { ttl: Infinity })
  assert.equal(wx.getStorageSync('app:inf').expires, null, 'ttl: Infinity is no expiry')
  // An envelope written by hand (or by this version on another launch) reads back.
  wx.setStorageSync('app:hand', { wxhttp: 1, expires: null, saved: 1, value: 'by hand' })
  assert.equal(await s.get('hand'), 'by hand')
  assert.deepEqual(rawKeys(wx), ['app:forever', 'app:hand', 'app:inf', 'app:k'])
})

test('TTL: live before expires, gone at the exact boundary, removed on read, swept', async (t) => {
  const clock = manualDateNow(t)
  const wx = storageWx()
  const s = createStorage({ namespace: 'ttl', platform: wx })
  const t0 = clock.now
  await s.set('a', 'A', { ttl: 1000 })
  await s.set('b', 'B', { ttl: 5000 })
  await s.set('c', 'C')
  clock.set(t0 + 999)
  assert.equal(await s.get('a'), 'A')
  assert.equal(await s.has('a'), true)
  clock.set(t0 + 1000)
  assert.deepEqual((await s.keys()).sort(), ['a', 'b', 'c'], 'keys() lists expired entries until read or swept')
  assert.equal(await s.has('a'), false, 'now >= expires: already gone')
  assert.equal(await s.get('a'), null)
  assert.deepEqual(rawKeys(wx), ['ttl:b', 'ttl:c'], 'an expired entry is removed when read')
  await s.set('d', 'D', { ttl: 10 })
  clock.set(t0 + 1_000_000)
  assert.equal(await s.sweep(), 2, 'b and d')
  assert.equal(await s.sweep(), 0)
  assert.deepEqual(await s.keys(), ['c'])
  assert.equal(await s.get('c'), 'C', 'no ttl: no expiry')
  await s.set('zero', 1, { ttl: 0 })
  await s.set('negative', 1, { ttl: -50 })
  assert.equal(await s.get('zero'), null, 'ttl 0 is already expired')
  assert.equal(await s.get('negative'), null)
})

test('a clock going back never makes an entry live forever', async (t) => {
  const clock = manualDateNow(t)
  const wx = storageWx()
  const s = createStorage({ platform: wx })
  const t0 = clock.now
  await s.set('k', 'v', { ttl: 1000 })
  await s.set('forever', 'v')
  clock.set(t0 - 1000)
  assert.equal(await s.get('k'), 'v', 'saved - ttl <= now: still live')
  clock.set(t0 - 1001)
  assert.equal(await s.get('k'), null, 'the clock went back further than the TTL: expired')
  clock.set(t0 - 86_400_000)
  assert.equal(await s.get('forever'), 'v', 'an entry without expiry is unaffected')
  await s.set('k2', 'v', { ttl: 1000 })
  clock.set(t0 - 86_400_000 - 5000)
  assert.equal(await s.sweep(), 1)
})

test('namespaces are isolated; clear() leaves the app\'s other keys; the default namespace is wxhttp', async () => {
  const wx = storageWx()
  const a = createStorage({ namespace: 'a', platform: wx })
  const b = createStorage({ namespace: 'b', platform: wx })
  wx.setStorageSync('a', 'app key named like the namespace')
  wx.setStorageSync('ab:k', 'app key sharing the first letter')
  wx.setStorageSync('userToken', 'the app\'s own')
  await a.set('k', 'from a')
  await b.set('k', 'from b')
  assert.equal(await a.get('k'), 'from a')
  assert.equal(await b.get('k'), 'from b')
  assert.deepEqual(await a.keys(), ['k'])
  await a.clear()
  assert.equal(await a.get('k'), null)
  assert.equal(await b.get('k'), 'from b')
  assert.deepEqual(rawKeys(wx), ['a', 'ab:k', 'b:k', 'userToken'])
  assert.equal(wx.getStorageSync('userToken'), 'the app\'s own')
  // createStorage() and http.storage default to `wxhttp`; a nested namespace lies inside it.
  const plain = createStorage({ platform: wx })
  const http = createHttp({ platform: wx })
  const nested = createStorage({ namespace: 'wxhttp:inner', platform: wx })
  await plain.set('x', 1)
  assert.equal(await http.storage.get('x'), 1)
  await nested.set('y', 2)
  assert.deepEqual((await http.storage.keys()).sort(), ['inner:y', 'x'])
  assert.deepEqual(await nested.keys(), ['y'])
  const custom = createHttp({ platform: wx, storage: { namespace: 'mine' } })
  await custom.storage.set('z', 3)
  assert.equal(wx.getStorageSync('mine:z').value, 3)
})

test('a value over 1 MB rejects with code TooLarge naming the key and size, and keeps the old value; the largest value measured', async (t) => {
  manualDateNow(t) // 13-digit timestamps, as today
  const wx = storageWx()
  const s = createStorage({ platform: wx })
  await s.set('k', 'old')
  const error = await rejectsWithCode(s.set('k', 'x'.repeat(1100000)), 'TooLarge', '"k"', '1100068')
  assert.match(error.message, /1048576/)
  assert.equal(await s.get('k'), 'old')
  // The largest value under `wxhttp:k`: 1 048 501 bytes of JSON with a TTL, 1 048 510 without
  // (1 MB = 1 048 576, less the 8-byte key, less the 67/58-byte envelope).
  const string = (jsonBytes) => 'x'.repeat(jsonBytes - 2)
  await s.set('k', string(1048501), { ttl: 60000 })
  assert.equal((await s.get('k')).length, 1048499)
  await rejectsWithCode(s.set('k', string(1048502), { ttl: 60000 }), 'TooLarge', '"k"')
  await s.set('k', string(1048510))
  await rejectsWithCode(s.set('k', string(1048511)), 'TooLarge')
  assert.equal((await s.get('k')).length, 1048508, 'the failed write kept the previous value')
  // Sizes are UTF-8 bytes: '中' counts 3.
  await s.set('k', '中'.repeat(349499), { ttl: 60000 })
  await rejectsWithCode(s.set('k', '中'.repeat(349500), { ttl: 60000 }), 'TooLarge')
})

test('the 10 MB quota: a write that does not fit rejects with code QuotaExceeded and keeps the old value', async () => {
  const wx = storageWx()
  const s = createStorage({ platform: wx })
  await s.set('k', { version: 1 })
  fillStorage(wx, 1000)
  await rejectsWithCode(s.set('k', 'z'.repeat(600_000)), 'QuotaExceeded', '"k"', '600068 bytes')
  assert.deepEqual(await s.get('k'), { version: 1 })
  await s.set('k', { version: 2 }) // a small value still fits
  assert.deepEqual(await s.get('k'), { version: 2 })
})

test('other failures: wx refusing (code Failed), values JSON cannot hold (code NotJson), bad keys and ttl', async () => {
  const wx = storageWx()
  const s = createStorage({ platform: wx })
  await s.set('k', 'old')
  wx.__emu.failNextStorageWrites(1)
  await rejectsWithCode(s.set('k', 'new'), 'Failed', '"k"', 'setStorageSync:fail')
  assert.equal(await s.get('k'), 'old')
  const cycle = {}
  cycle.self = cycle
  for (const value of [() => 1, cycle, undefined]) await rejectsWithCode(s.set('k', value), 'NotJson', '"k"')
  assert.equal(await s.get('k'), 'old')
  for (const key of ['', 5, null, undefined, {}]) {
    await assert.rejects(s.get(key), /key must be a non-empty string/)
    await assert.rejects(s.set(key, 1), /key must be a non-empty string/)
  }
  await assert.rejects(s.set('k', 1, { ttl: '1000' }), /`ttl`/)
  await assert.rejects(s.set('k', 1, { ttl: NaN }), /`ttl`/)
  await assert.rejects(createStorage({ namespace: '', platform: wx }).get('k'), /`namespace`/)
  assert.equal(await s.get('k'), 'old')
})

test('corrupted or foreign entries read as missing, never throw, and are left in place', async (t) => {
  const clock = manualDateNow(t)
  const wx = storageWx()
  const s = createStorage({ platform: wx })
  const junk = {
    str: 'junk',
    num: 42,
    bool: true,
    arr: [1, 2],
    nil: null,
    date: new Date(0),
    plain: { foo: 1 },
    later: { wxhttp: 2, expires: null, saved: clock.now, value: 'from a newer version' },
    stringVersion: { wxhttp: '1', expires: null, saved: clock.now, value: 1 },
    noSaved: { wxhttp: 1, expires: null, value: 1 },
    badSaved: { wxhttp: 1, expires: null, saved: 'yesterday', value: 1 },
    badExpires: { wxhttp: 1, expires: 'never', saved: clock.now, value: 1 },
    noValue: { wxhttp: 1, expires: null, saved: clock.now },
  }
  for (const [key, value] of Object.entries(junk)) wx.setStorageSync(`wxhttp:${key}`, value)
  for (const key of Object.keys(junk)) {
    assert.equal(await s.get(key), null, key)
    assert.equal(await s.has(key), false, key)
  }
  assert.equal(await s.sweep(), 0, 'unreadable entries are not swept')
  assert.equal(rawKeys(wx).length, Object.keys(junk).length, 'and not removed')
  assert.deepEqual((await s.keys()).sort(), Object.keys(junk).sort())
  await s.set('str', 'fixed')
  assert.equal(await s.get('str'), 'fixed', 'a write replaces junk')
  await s.clear()
  assert.deepEqual(rawKeys(wx), [])
})

// ------------------------------------------------------------------------------ the response cache

test('cache: a fresh stored response is served without a request, until it expires', async (t) => {
  const env = await setup(t)
  const clock = manualDateNow(t, Date.now())
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const first = await http.get('/public/c', { cache: { ttl: 60000 } })
  const config = { cache: { ttl: 60000 }, marker: 'second' }
  const second = await http.get('/public/c', config)
  assert.equal(env.backend.stats.byPath['/public/c'], 1)
  assert.deepEqual(second.data, first.data)
  assert.equal(second.statusCode, 200)
  assert.equal(typeof second.header, 'object')
  assert.equal(second.config.marker, 'second', 'a hit carries its own config')
  second.data.data.mutated = true
  assert.equal((await http.get('/public/c', { cache: { ttl: 60000 } })).data.data.mutated, undefined, 'every hit is a fresh copy')
  // Another query, another dataType, or no `cache` option: a request.
  await http.get('/public/c', { cache: { ttl: 60000 }, params: { page: 2 } })
  assert.equal(typeof (await http.get('/public/c', { cache: { ttl: 60000 }, dataType: 'text' })).data, 'string')
  await http.get('/public/c')
  assert.equal(env.backend.stats.byPath['/public/c'], 4)
  // Expiry: live until saved + ttl, then fetched and stored again.
  clock.advance(59_999)
  await http.get('/public/c', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/c'], 4)
  clock.advance(1)
  const refreshed = await http.get('/public/c', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/c'], 5)
  assert.notEqual(refreshed.data.data.n, first.data.data.n)
  await http.get('/public/c', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/c'], 5)
})

test('cache: what is stored — a 2xx GET answer, in an envelope under wxhttp:cache:<user>:<hash>; interceptors still run on hits', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: false, validateStatus: (s) => s < 500 })
  let seen = 0
  http.interceptors.response.use((res) => { seen++; return res })
  await http.get('/public/e', { cache: { ttl: 60000 }, params: { q: 'x' } })
  const keys = rawKeys(env.wx)
  assert.equal(keys.length, 1)
  assert.match(keys[0], /^wxhttp:cache::[0-9a-f]{16}$/, 'anonymous: an empty user segment')
  const entry = env.wx.getStorageSync(keys[0])
  assert.equal(entry.wxhttp, 1)
  assert.equal(entry.value.request, `GET ${env.url}/public/e?q=x`)
  assert.equal(entry.value.response.statusCode, 200)
  assert.equal(entry.value.response.data.data.path, '/public/e')
  assert.equal(entry.expires - entry.saved, 60000)
  await http.get('/public/e', { cache: { ttl: 60000 }, params: { q: 'x' } })
  assert.equal(seen, 2, 'the response interceptor ran for the hit too')
  // Not stored: a resolved 404, a rejected 500.
  await http.get('/status/404', { cache: { ttl: 60000 } })
  await http.get('/status/404', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/status/404'], 2)
  await assert.rejects(http.get('/status/500', { cache: { ttl: 60000 } }), (e) => isRequestError(e) && e.kind === 'http')
  await assert.rejects(http.get('/status/500', { cache: { ttl: 60000 } }), (e) => isRequestError(e) && e.kind === 'http')
  assert.equal(env.backend.stats.byPath['/status/500'], 2)
  assert.equal(rawKeys(env.wx).length, 1)
})

test('cache: a failed cache write never fails the request', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  env.emu.failNextStorageWrites(1)
  const res = await http.get('/public/w', { cache: { ttl: 60000 } })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(rawKeys(env.wx), [], 'nothing stored')
  await http.get('/public/w', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/w'], 2)
  await http.get('/public/w', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/w'], 2, 'the next write worked')
  // A full storage: still answered, not cached.
  fillStorage(env.wx, 100)
  assert.equal((await http.get('/public/full', { cache: { ttl: 60000 } })).statusCode, 200)
  await http.get('/public/full', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/full'], 2)
})

test('cache: on a full storage the cache sweeps its own expired entries and stores the answer', async (t) => {
  const env = await setup(t)
  const clock = manualDateNow(t, Date.now())
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  for (let i = 0; i < 5; i++) await http.get(`/public/old/${i}`, { cache: { ttl: 1000 } })
  assert.equal(rawKeys(env.wx).length, 5)
  clock.advance(1000)
  fillStorage(env.wx, 100)
  await http.get('/public/new', { cache: { ttl: 60000 } })
  const cached = rawKeys(env.wx).filter((k) => k.startsWith('wxhttp:cache:'))
  assert.equal(cached.length, 1, 'the five expired entries were swept to make room')
  await http.get('/public/new', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/public/new'], 1)
})

test('cache: keyed per user — one user never sees another\'s data; an account switch drops the old user\'s entries', async (t) => {
  const env = await setup(t)
  const control = env.backend.control
  const http = createHttp({ baseURL: env.url, platform: env.wx, auth: { login: { url: '/auth/login' } } })
  await http.login()
  const mine = await http.get('/api/me', { cache: { ttl: 60000 } })
  assert.equal(mine.data.data.userId, 'user-1')
  assert.equal((await http.get('/api/me', { cache: { ttl: 60000 } })).data.data.n, mine.data.data.n)
  assert.equal(env.backend.stats.byPath['/api/me'], 1)
  const userOneKey = rawKeys(env.wx).find((k) => k.startsWith('wxhttp:cache:'))
  assert.match(userOneKey, /^wxhttp:cache:user-1:[0-9a-f]{16}$/)
  const userOneEntry = env.wx.getStorageSync(userOneKey)
  // The phone's WeChat account changes; the server says the session is gone; the re-login
  // returns user-2, and user-1's entries are dropped before anything resolves.
  control.switchUser('user-2')
  control.expireTokens()
  assert.equal((await http.get('/api/other')).data.data.userId, 'user-2')
  assert.equal(rawKeys(env.wx).filter((k) => k.startsWith('wxhttp:cache:')).length, 0, 'user-1\'s entries dropped')
  // Even an entry of user-1 left in storage (say, by an older launch) is not served to user-2.
  env.wx.setStorageSync(userOneKey, userOneEntry)
  const theirs = await http.get('/api/me', { cache: { ttl: 60000 } })
  assert.equal(theirs.data.data.userId, 'user-2')
  assert.equal(env.backend.stats.byPath['/api/me'], 2)
  assert.ok(rawKeys(env.wx).some((k) => /^wxhttp:cache:user-2:[0-9a-f]{16}$/.test(k)))
  assert.equal((await http.get('/api/me', { cache: { ttl: 60000 } })).data.data.userId, 'user-2')
  assert.equal(env.backend.stats.byPath['/api/me'], 2)
})

test('cache: entries outlive a relaunch for the same user (token and user restored from storage)', async (t) => {
  const env = await setup(t)
  const options = { baseURL: env.url, auth: { login: { url: '/auth/login' } } }
  const first = createHttp(Object.assign({ platform: env.wx }, options))
  await first.login()
  const before = await first.get('/api/me', { cache: { ttl: 60000 } })
  // The app is killed and launched again: a new wx over the same storage, a new client.
  const relaunched = createWx({ transport: 'http', backend: env.backend, storage: env.emu.storage, quiet: true })
  const second = createHttp(Object.assign({ platform: relaunched }, options))
  const after = await second.get('/api/me', { cache: { ttl: 60000 } })
  assert.deepEqual(after.data, before.data)
  assert.equal(env.backend.stats.byPath['/api/me'], 1)
  assert.equal(env.backend.stats.logins, 1)
})

test('cache: http.logout() drops the cached responses and the token, and nothing else', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, auth: { login: { url: '/auth/login' } } })
  env.wx.setStorageSync('appSetting', 'kept')
  await http.storage.set('draft', 'kept too')
  await http.login()
  await http.get('/api/me', { cache: { ttl: 60000 } })
  await http.get('/public/p', { cache: { ttl: 60000 } })
  assert.equal(rawKeys(env.wx).filter((k) => k.startsWith('wxhttp:cache:')).length, 2)
  assert.ok(http.getToken())
  await http.logout()
  assert.equal(http.getToken(), null)
  assert.deepEqual(rawKeys(env.wx), ['appSetting', 'wxhttp:draft'])
  await http.get('/api/me', { cache: { ttl: 60000 } })
  assert.equal(env.backend.stats.byPath['/api/me'], 2, 'fetched again, after a new login')
  assert.equal(env.backend.stats.logins, 2)
})

test('http.storage shares the client\'s namespace with its saved token and cache', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, auth: { login: { url: '/auth/login' } } })
  await http.login()
  await http.get('/public/k', { cache: { ttl: 60000 } })
  await http.storage.set('mine', 1)
  const keys = (await http.storage.keys()).sort()
  assert.equal(keys.length, 3)
  assert.deepEqual([keys[0], keys[2]], ['auth', 'mine'])
  assert.match(keys[1], /^cache:user-1:[0-9a-f]{16}$/)
  assert.equal(await http.storage.sweep(), 0)
})

test('cache: the first cached GET on a fresh install, which waits for the first silent login, is cached too', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, auth: { login: { url: '/auth/login' } } })
  const first = await http.get('/api/me', { cache: { ttl: 60000 } })
  const second = await http.get('/api/me', { cache: { ttl: 60000 } })
  assert.equal(second.data.data.n, first.data.data.n)
  assert.equal(env.backend.stats.byPath['/api/me'], 1)
})
