// A misbehaving wx and a misusing app (SPEC §4, §5: "every request settles exactly once"; no
// fault leaves a promise pending): interceptors that return nothing, throw what is no Error or
// never settle; wx.request, wx.login and wx.checkSession answering twice, never, with nothing
// or by throwing; storage that throws or holds junk under the library's keys; options whose
// getters throw; app callbacks that throw. The package as installed, over the wx emulator in
// process (its wx wrapped per trigger), on one module instance for the whole file.
//
// Each trigger runs thousands of times where that is cheap. Every call must return a promise
// (never throw), settle exactly once with a RequestError of a sensible kind, leave no
// wx.request in flight and no live request in the driver (its timer is unref'd once it holds
// none, so a leak shows as a ref'd timer), and leave the client and the shared wasm instance
// working: a fresh request on the same client and on a new client succeeds, and every
// concurrency slot is free. The old design failed every request of the instance after a few
// hundred such throws. Nothing sleeps to wait out a race: tests wait on conditions, or on a
// request's own small `timeout` / `auth.loginTimeout`.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const wxhttp = require('./package.js')
const { createBackend, createWx } = require('../../emulator')

const { createHttp, isRequestError } = wxhttp

const BASE = 'https://api.example.com'
// Iterations: cheap synchronous triggers; triggers that wait for a small timeout each round.
const MANY = 2000
const TIMED = 400
// Login triggers: clients × failed episodes each (9 keeps the 10th login of the minute, L5,
// for the request that shows the client recovered) × waiters per episode.
const LOGIN_CLIENTS = 12
const EPISODES = 9
const WAITERS = 6

// ------------------------------------------------------------------------------ helpers

// A backend and the emulator's wx in process. `/hang/...` never answers (no timer either, so
// only the library's own timeout ends it); everything else goes to the reference backend.
function setup() {
  const backend = createBackend()
  const wx = createWx({
    backend, quiet: true,
    transport: (req) => req.path.startsWith('/hang')
      ? new Promise(() => {})
      : backend.handle({ method: req.method, path: req.path, query: req.query, header: req.header, body: req.body }),
  })
  return { backend, wx, emu: wx.__emu }
}

// `wx` with some methods replaced until `stop()`; everything else is the emulator's.
function misbehaving(wx, overrides) {
  let on = true
  const out = Object.create(wx)
  for (const name of Object.keys(overrides)) {
    out[name] = function (...args) { return on ? overrides[name].apply(out, args) : wx[name](...args) }
  }
  return { wx: out, stop() { on = false } }
}

// The things an app or a wx may throw that are no Error.
function revoked() {
  const r = Proxy.revocable({}, {})
  r.revoke()
  return r.proxy
}
const THROWN = [
  ['an Error', () => new Error('boom')],
  ['a string', () => 'a string'],
  ['Object.create(null)', () => Object.create(null)],
  ['an object whose toString throws', () => ({ toString() { throw new Error('toString threw') } })],
  ['a revoked Proxy', revoked],
  ['undefined', () => undefined],
]

const later = (fn) => Promise.resolve().then(fn)
const turn = () => new Promise(setImmediate)

// Ref'd timers: the driver unrefs its one timer whenever it holds no live request.
const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

async function until(condition, what, ms = 5000) {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await turn()
  }
}

// `promise`, or a failure naming `what()` after `ms` (a hang fails the test, never stalls it).
function bounded(promise, ms, what) {
  let timer
  const guard = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms: ${what()}`)), ms)
  })
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer))
}

// Makes `n` calls, `batch` at a time. Each must return a promise with `abort` (never throw),
// settle exactly once, and pass `check({ ok, value | error }, i)`. Returns a tally by outcome.
async function storm(n, make, check, { batch = 100, abortable = true } = {}) {
  let issued = 0
  let settled = 0
  const tally = {}
  for (let start = 0; start < n; start += batch) {
    const round = []
    for (let i = start; i < Math.min(n, start + batch); i++) {
      let promise
      try {
        promise = make(i)
      } catch (e) {
        assert.fail(`call ${i} threw synchronously: ${(e && e.stack) || String(e)}`)
      }
      assert.ok(promise && typeof promise.then === 'function', `call ${i} returned a promise`)
      if (abortable) assert.equal(typeof promise.abort, 'function', `call ${i}'s promise has abort()`)
      issued++
      let times = 0
      round.push(promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error })).then((outcome) => {
        times++
        settled++
        assert.equal(times, 1, `call ${i} settled once`)
        check(outcome, i)
        const key = outcome.ok ? 'ok' : isRequestError(outcome.error) ? outcome.error.kind : 'raw'
        tally[key] = (tally[key] || 0) + 1
      }))
    }
    await bounded(Promise.all(round), 10000, () => `${issued - settled} of ${issued} calls`)
  }
  assert.equal(settled, issued, 'every call settled')
  return tally
}

// A check: rejected with a RequestError of `kind` (and `more(error)` holding).
function fails(kind, more) {
  return (outcome, i) => {
    assert.ok(!outcome.ok, `call ${i} rejected, got ${JSON.stringify(outcome.value && outcome.value.data)}`)
    const e = outcome.error
    assert.ok(isRequestError(e), `call ${i}: a RequestError, got ${String(e && e.stack)}`)
    assert.ok(e instanceof Error, 'an Error')
    assert.equal(e.kind, kind, e.message)
    assert.equal(typeof e.message, 'string')
    if (more) more(e, i)
  }
}

function succeeds(more) {
  return (outcome, i) => {
    assert.ok(outcome.ok, `call ${i} resolved, got ${outcome.error && (outcome.error.stack || outcome.error)}`)
    if (more) more(outcome.value, i)
  }
}

// After a trigger: nothing in flight, nothing held, every slot free, and a fresh request on
// the same client and on a new client (same module instance) succeeds.
async function healthy(env, http, { baseline, slots = 4, path = '/public/after', get = {} } = {}) {
  await until(() => env.emu.inFlight === 0, 'no wx.request left in flight')
  if (baseline !== undefined) await until(() => refTimers() <= baseline, 'the driver holding no live request')
  const same = await bounded(http.get(path, get), 5000, () => `the fresh request on the same client (${path})`)
  assert.equal(same.statusCode, 200)
  assert.equal(same.data.code, 10000)
  // Every slot free: `slots` GETs that never answer are in flight at once (then aborted).
  const probes = []
  for (let i = 0; i < slots; i++) probes.push(http.get(`/hang/slot/${i}`, Object.assign({ timeout: 60000 }, get)))
  await until(() => env.emu.inFlight === slots, `${slots} requests in flight at once`)
  for (const p of probes) p.abort()
  for (const p of probes) await p.then(() => assert.fail('a probe resolved'), (e) => assert.equal(e.kind, 'aborted'))
  assert.equal(env.emu.inFlight, 0, 'the probes\' tasks were aborted')
  const fresh = createHttp({ baseURL: BASE, platform: env.wx })
  const res = await bounded(fresh.get('/public/new-client'), 5000, () => 'a request on a new client')
  assert.equal(res.statusCode, 200)
  if (baseline !== undefined) await until(() => refTimers() <= baseline, 'the driver holding nothing afterwards')
}

// A token the backend accepts, as the library stores it under `<ns>:auth`.
function tokenEnvelope(backend, wx) {
  const code = backend.issueCode()
  return backend.handle({ method: 'POST', path: '/auth/login', header: {}, body: { code, previousToken: null } }).then((res) => ({
    wxhttp: 1, saved: Date.now(), expires: null,
    value: { token: res.body.data.token, expiresAt: null, userId: res.body.data.userId },
  }))
}

const AUTH = { login: { url: '/auth/login' } }

// ------------------------------------------------------------------------------ never throws

test('no call ever throws synchronously: bad arguments, hostile options, no module', async () => {
  const env = setup()
  const baseline = refTimers()
  const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4 })
  // The slow path too: with interceptors, the options are read before they run.
  const slow = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4 })
  slow.interceptors.request.use((config) => config)
  slow.interceptors.response.use((res) => res)
  const throwing = (keys, enumerable) => {
    const o = {}
    for (const k of keys) Object.defineProperty(o, k, { enumerable, get() { throw new Error(`${k} getter`) } })
    return o
  }
  const calls = [
    (http) => http.get(),
    (http) => http.request(),
    (http) => http.request(null),
    (http) => http.request(42),
    (http) => http.request(Symbol('s')),
    (http) => http.get(Symbol('url')),
    (http) => http.get('/public/x', throwing(['timeout'], true)),
    (http) => http.get('/public/x', throwing(['header', 'params'], true)),
    (http) => http.post('/public/x', {}, throwing(['retry'], true)),
    (http) => http.request(throwing(['url'], false)),
    (http) => http.request(throwing(['url', 'method', 'timeout'], true)),
    (http) => http.get('/public/x', new Proxy({}, { ownKeys() { throw new Error('ownKeys') } })),
    (http) => http.request(new Proxy({ url: '/public/x' }, { get() { throw 'get trap' } })), // eslint-disable-line no-throw-literal
    (http) => http.request(revoked()),
    (http) => http.get('/public/x', revoked()),
    (http) => http.get('/public/x', { header: new Proxy({}, { ownKeys() { throw new Error('header ownKeys') } }) }),
    (http) => http.get('/public/x', { header: new Proxy({ 'X-A': '1' }, { get() { throw new Error('header get') } }) }),
    (http) => http.get('/public/x', { params: new Proxy({ a: 1 }, { getOwnPropertyDescriptor() { throw new Error('params trap') } }) }),
  ]
  await storm(MANY, (i) => {
    const p = calls[i % calls.length](Math.floor(i / calls.length) % 2 ? slow : http)
    if (i % 3 === 0) p.abort() // abort() never throws either, whatever the options hold
    return p
  }, (outcome, i) => {
    assert.ok(!outcome.ok, `call ${i % calls.length} rejected`)
    assert.ok(isRequestError(outcome.error), `call ${i % calls.length}: a RequestError, got ${outcome.error}`)
    assert.ok(['config', 'aborted'].includes(outcome.error.kind), outcome.error.message)
  })
  // A client whose own options throw, or a Proxy, or no object: createHttp still returns one.
  const clients = [
    createHttp(new Proxy({}, { get() { throw new Error('options trap') } })),
    createHttp(throwing(['baseURL', 'timeout'], true)),
    createHttp(revoked()),
    createHttp(42),
    createHttp({ baseURL: BASE, platform: env.wx, header: new Proxy({}, { ownKeys() { throw new Error('header trap') } }) }),
  ]
  await storm(MANY / 10, (i) => clients[i % clients.length].get('/public/x'), fails('config'))
  for (const c of clients) {
    await assert.doesNotReject(Promise.resolve().then(() => c.getToken()))
    await c.login().then(() => assert.fail('login of a broken client'), (e) => assert.ok(isRequestError(e) && e.kind === 'config', String(e)))
  }
  assert.equal(env.emu.requests, 0, 'nothing reached wx.request')
  await healthy(env, http, { baseline })
})

// ------------------------------------------------------------------------------ interceptors

const NOT_OPTIONS = [['undefined (forgot `return config`)', undefined], ['null', null], ['a number', 42], ['a string', 'config'], ['true', true]]

test('a request interceptor returning undefined, null, a number, a string rejects with kind interceptor', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const [name, value] of NOT_OPTIONS) {
    const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4 })
    let ran = 0
    const id = http.interceptors.request.use(() => { ran++; return value })
    await storm(MANY, (i) => http.get(`/public/r/${i}`), fails('interceptor', (e) => {
      assert.match(e.message, /request interceptor returned/, name)
      assert.match(e.message, /GET \/public\/r\//)
    }))
    assert.equal(ran, MANY, `${name}: ran once per request`)
    assert.equal(env.emu.requests, 0, `${name}: nothing was sent`)
    http.interceptors.request.eject(id)
    await healthy(env, http, { baseline })
    env.emu.reset()
  }
})

test('a request interceptor throwing an Error, a string, Object.create(null), a throwing toString, a revoked Proxy', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const [name, make] of THROWN) {
    for (const how of ['throws', 'rejects']) {
      const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4 })
      const id = http.interceptors.request.use(how === 'throws' ? () => { throw make() } : () => Promise.reject(make()))
      // A second interceptor after the failing one never sees the request.
      let after = 0
      http.interceptors.request.use((c) => { after++; return c })
      await storm(MANY / 2, (i) => http.get(`/public/t/${i}`), fails('interceptor', (e) => assert.match(e.message, /^Interceptor failed/)))
      assert.equal(after, 0, `${name} ${how}: the chain stopped`)
      assert.equal(env.emu.requests, 0, `${name} ${how}: nothing was sent`)
      http.interceptors.request.eject(id)
      await healthy(env, http, { baseline })
      env.emu.reset()
    }
  }
})

test('a request or response interceptor that never settles is cut off at the request\'s timeout', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const side of ['request', 'response']) {
    const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4 })
    const id = http.interceptors[side].use(() => new Promise(() => {}))
    // The response side's request must answer within the timeout too: 50 ms is ample here.
    const ms = side === 'request' ? 5 : 50
    await storm(TIMED, (i) => http.get(`/public/n/${i}`, { timeout: ms }), fails('interceptor', (e) => assert.match(e.message, new RegExp(`did not settle within ${ms}ms`))), { batch: 200 })
    assert.equal(env.emu.requests, side === 'request' ? 0 : TIMED)
    http.interceptors[side].eject(id)
    await healthy(env, http, { baseline })
    env.emu.reset()
  }
})

test('a response interceptor returning nothing transforms to that; throwing anything rejects with kind interceptor', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const [name, value] of NOT_OPTIONS) {
    const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4 })
    let ran = 0
    const id = http.interceptors.response.use(() => { ran++; return value })
    // Interceptors transform (SPEC §4): what one returns is the result, once per request.
    await storm(MANY / 2, (i) => http.get(`/public/u/${i}`), succeeds((v) => assert.equal(v, value, name)))
    assert.equal(ran, MANY / 2)
    http.interceptors.response.eject(id)
    await healthy(env, http, { baseline })
  }
  for (const [name, make] of THROWN) {
    const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4, retry: false })
    let fulfilled = 0
    let rejected = 0
    const id = http.interceptors.response.use(() => { fulfilled++; throw make() }, () => { rejected++; return Promise.reject(make()) })
    await storm(MANY / 2, (i) => (i % 2 ? http.get(`/public/v/${i}`) : http.get('/status/503')), fails('interceptor', (e) => assert.match(e.message, /^Interceptor failed/, name)))
    assert.equal(fulfilled + rejected, MANY / 2, `${name}: each answer went through the interceptor once`)
    assert.equal(rejected, MANY / 4, `${name}: the 503s reached onRejected`)
    http.interceptors.response.eject(id)
    await healthy(env, http, { baseline })
  }
})

// ------------------------------------------------------------------------------ wx.request

// Each misbehaviour twice: `sync` answers inside wx.request (no real wx does), `async` wraps
// the emulator's answer. `ok`: what the request then does.
const REQUEST_FAULTS = [
  { name: 'success() with no argument', ok: false, sync: (o) => o.success(), async: (o, res) => o.success() },
  { name: 'success(null)', ok: false, sync: (o) => o.success(null), async: (o) => o.success(null) },
  { name: 'success({ statusCode: "200" })', ok: false, sync: (o) => o.success({ statusCode: '200', data: {} }), async: (o, res) => o.success(Object.assign({}, res, { statusCode: '200' })) },
  {
    name: 'a success result whose getters throw', ok: false,
    sync: (o) => o.success(new Proxy({}, { get() { throw new Error('hostile') } })),
    async: (o, res) => o.success(new Proxy(res, { get(t, k) { if (k === 'data' || k === 'statusCode') throw 'hostile'; return t[k] } })), // eslint-disable-line no-throw-literal
  },
  { name: 'success twice', ok: true, sync: (o) => { o.success(OK); o.success({ statusCode: 500, data: {} }) }, async: (o, res) => { o.success(res); o.success(Object.assign({}, res, { statusCode: 500 })) } },
  { name: 'success, then fail', ok: true, sync: (o) => { o.success(OK); o.fail({ errMsg: 'request:fail late' }) }, async: (o, res) => { o.success(res); o.fail({ errMsg: 'request:fail late' }) } },
  { name: 'fail, then success', ok: false, errMsg: 'request:fail first', sync: (o) => { o.fail({ errMsg: 'request:fail first' }); o.success(OK) }, async: (o, res) => { o.fail({ errMsg: 'request:fail first' }); o.success(res) } },
  { name: 'fail() with no argument', ok: false, sync: (o) => o.fail(), async: (o) => o.fail() },
  { name: 'fail with a hostile object', ok: false, sync: (o) => o.fail(revoked()), async: (o) => o.fail(new Proxy({}, { get() { throw new Error('x') } })) },
]
const OK = { statusCode: 200, data: { code: 10000, data: { n: 0 } }, header: {}, errMsg: 'request:ok' }

test('wx.request calling success() empty, success(null), twice, success then fail, fail then success: once, sensibly', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const fault of REQUEST_FAULTS) {
    for (const flavour of ['sync', 'async']) {
      let sent = 0
      const bad = misbehaving(env.wx, {
        request(o) {
          sent++
          if (flavour === 'sync') {
            fault.sync(o)
            return { abort() {} }
          }
          return env.wx.request(Object.assign({}, o, { success: (res) => fault.async(o, res), fail: o.fail }))
        },
      })
      // One retry at once: the misbehaviour twice per call, the retry path included.
      const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: { limit: 1, delay: 0 } })
      const what = `${fault.name} (${flavour})`
      const check = fault.ok
        ? succeeds((res) => assert.equal(res.statusCode, 200, what))
        : fails('network', (e) => { if (fault.errMsg) assert.equal(e.errMsg, fault.errMsg, what) })
      await storm(MANY / 2, (i) => http.get(`/public/w/${i}`), check)
      assert.equal(sent, fault.ok ? MANY / 2 : MANY, `${what}: ${fault.ok ? 'one call each' : 'retried once each'}`)
      bad.stop()
      await healthy(env, http, { baseline })
    }
  }
})

test('wx.request throwing (an Error, a string, Object.create(null), …) before or after sending', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const [name, make] of THROWN) {
    for (const when of ['before', 'after']) {
      const bad = misbehaving(env.wx, {
        request(o) {
          if (when === 'after') env.wx.request(o) // sent, then the task is lost to the throw
          throw make()
        },
      })
      const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: { limit: 1, delay: 0 } })
      await storm(MANY / 4, (i) => http.get(`/public/x/${i}`), fails('network', (e) => assert.match(e.errMsg, /^request:fail/, name)))
      bad.stop()
      await healthy(env, http, { baseline })
    }
  }
})

test('wx.request returning no task, or a task whose abort() throws: abort and timeout still settle it', async () => {
  const env = setup()
  const baseline = refTimers()
  const tasks = [
    ['no task (undefined)', (o) => { env.wx.request(o) }],
    ['a number as task', (o) => { env.wx.request(o); return 42 }],
    ['a task whose abort() aborts, then throws', (o) => { const t = env.wx.request(o); return { abort() { t.abort(); throw new Error('abort threw') } } }],
    ['a task whose abort() throws without aborting', () => ({ abort() { throw 'no' } })], // eslint-disable-line no-throw-literal
    ['a task whose abort is a throwing getter', (o) => { env.wx.request(o); return Object.defineProperty({}, 'abort', { get() { throw new Error('getter') } }) }],
  ]
  for (const [name, request] of tasks) {
    const bad = misbehaving(env.wx, { request })
    const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 50, retry: false })
    // Never answered: the request's own timeout ends it (wx's own 5 ms timer ends the call).
    await storm(TIMED, (i) => http.get(`/hang/${i}`, { timeout: 5 }), fails('timeout', (e) => assert.match(e.message, /GET https:\/\/api\.example\.com\/hang\//)), { batch: 200 })
    // Aborted in flight, or in the queue behind the 4 slots.
    await storm(TIMED, (i) => {
      // wx's own timer (100 ms) ends the calls whose task the library never got.
      const p = http.get(`/hang/a/${i}`, { timeout: 100 })
      later(() => p.abort())
      return p
    }, fails('aborted', (e) => assert.match(e.message, /^Request aborted/, name)), { batch: 100 })
    bad.stop()
    await healthy(env, http, { baseline, slots: 50 })
  }
})

test('a retried 503 whose answers carry header: null resolves, or rejects with kind http, once', async () => {
  const env = setup()
  const baseline = refTimers()
  const seen = new Set()
  let calls = 0
  const bad = misbehaving(env.wx, {
    request(o) {
      calls++
      const first = !seen.has(o.url)
      seen.add(o.url)
      const always = o.url.includes('/always/')
      return env.wx.request(Object.assign({}, o, {
        success: (res) => o.success(Object.assign({}, res, first || always ? { statusCode: 503, data: '' } : {}, { header: null })),
      }))
    },
  })
  const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: { limit: 2, delay: 0 } })
  await storm(MANY / 2, (i) => http.get(`/public/flaky/${i}`), succeeds((res) => {
    assert.equal(res.header, null)
    assert.equal(res.data.code, 10000)
  }))
  assert.equal(calls, MANY, 'each retried once')
  await storm(MANY / 2, (i) => http.get(`/public/always/${i}`), fails('http', (e) => {
    assert.equal(e.statusCode, 503)
    assert.equal(e.response.header, null)
  }))
  assert.equal(calls, MANY + 3 * MANY / 2, 'three attempts each')
  bad.stop()
  await healthy(env, http, { baseline })
})

// ------------------------------------------------------------------------------ the stack stays flat

test('a wx.request failing at once with 1000 zero-delay retries rejects once; the shared instance lives', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const [name, request] of [['fail', (o) => o.fail({ errMsg: 'request:fail at once' })], ['throw', () => { throw new Error('at once') }]]) {
    let sent = 0
    const bad = misbehaving(env.wx, { request(o) { sent++; return request(o) } })
    const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: { limit: 1000, delay: 0 } })
    await storm(20, (i) => http.get(`/public/deep/${i}`), fails('network'), { batch: 4 })
    assert.equal(sent, 20 * 1001, `${name}: every retry made, none lost to a stack overflow`)
    bad.stop()
    await healthy(env, http, { baseline })
  }
})

test('5000 cached GETs waiting for the first login all settle (the driver loop never nests)', async () => {
  const env = setup()
  const baseline = refTimers()
  // Writes dropped: the emulator's size check makes each write cost O(entries).
  const bad = misbehaving(env.wx, { setStorageSync() {} })
  const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, auth: AUTH, storage: { namespace: 'flat' } })
  await storm(5000, (i) => http.get(`/api/c/${i}`, { cache: { ttl: 60000 } }), succeeds((res) => assert.equal(res.data.code, 10000)), { batch: 5000 })
  assert.equal(env.emu.logins, 1)
  bad.stop()
  await healthy(env, http, { baseline, path: '/api/after' })
})

// ------------------------------------------------------------------------------ wx.login, wx.checkSession

const LOGIN_FAULTS = [
  { name: 'fails', login: (o) => later(() => o.fail({ errMsg: 'login:fail system error' })), errMsg: 'login:fail system error' },
  { name: 'fails at once', login: (o) => o.fail({ errMsg: 'login:fail at once' }), errMsg: 'login:fail at once', sync: true },
  { name: 'throws', login: () => { throw new Error('login threw') }, sync: true },
  { name: 'throws a string', login: () => { throw 'nope' }, sync: true }, // eslint-disable-line no-throw-literal
  { name: 'answers success() with no code', login: (o) => later(() => o.success()) },
  { name: 'answers success({ code: 42 })', login: (o) => later(() => o.success({ code: 42 })) },
  { name: 'fails, then succeeds', login: (o, wx) => { o.fail({ errMsg: 'login:fail first' }); wx.login({ success: o.success }) }, errMsg: 'login:fail first', sync: true },
  { name: 'never answers', login: () => {}, timeout: true },
]

test('wx.login failing, throwing, answering without a code or never: every waiter rejects with kind login, then recovery', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const fault of LOGIN_FAULTS) {
    let hooks = 0
    for (let k = 0; k < LOGIN_CLIENTS; k++) {
      const bad = misbehaving(env.wx, { login(o) { return fault.login(o, env.wx) } })
      const http = createHttp({
        baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: false, storage: { namespace: `login-${fault.name}-${k}` },
        auth: Object.assign({}, AUTH, { loginTimeout: 5, onLoginFailed: () => { hooks++ } }),
      })
      // A wx.login failing at once ends its episode before the next request comes: each
      // request is then an episode of its own (and 10 a minute is the limit, L5).
      const waiters = fault.sync ? 1 : WAITERS
      for (let e = 0; e < EPISODES; e++) {
        await storm(waiters, (i) => http.get(`/api/l/${i}`, { timeout: 5000 }), fails('login', (err) => {
          assert.match(err.message, /^Login failed/, fault.name)
          if (fault.errMsg) assert.equal(err.errMsg, fault.errMsg)
          if (fault.timeout) assert.match(err.message, /no answer within 5ms/)
        }), { batch: waiters })
      }
      bad.stop()
      await healthy(env, http, { baseline, path: '/api/after' })
    }
    assert.equal(hooks, LOGIN_CLIENTS * EPISODES, `${fault.name}: onLoginFailed once per failed episode`)
  }
})

test('wx.login answering twice: the first answer counts, one login request per episode', async () => {
  const env = setup()
  const baseline = refTimers()
  const twice = [
    ['success twice', (o) => env.wx.login({ success: (r) => { o.success(r); o.success({ code: 'stale' }) } })],
    ['success, then fail', (o) => env.wx.login({ success: (r) => { o.success(r); o.fail({ errMsg: 'login:fail late' }) } })],
    ['success twice at once', (o) => { const code = env.backend.issueCode(); o.success({ code }); o.success({ code: 'x' }) }],
  ]
  for (const [name, login] of twice) {
    const bad = misbehaving(env.wx, { login })
    const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: false, storage: { namespace: `twice-${name}` }, auth: AUTH })
    const before = env.backend.stats.logins
    for (let e = 0; e < EPISODES; e++) {
      env.backend.control.expireTokens() // each round: an expired answer, one re-login, replays
      await storm(WAITERS * 10, (i) => http.get(`/api/t/${e}/${i}`), succeeds((res) => assert.equal(res.data.code, 10000, name)), { batch: WAITERS * 10 })
    }
    assert.equal(env.backend.stats.logins - before, EPISODES, `${name}: one login a round`)
    bad.stop()
    await healthy(env, http, { baseline, path: '/api/after' })
  }
})

test('wx.checkSession never answering, throwing, or answering twice after a relaunch', async () => {
  const env = setup()
  const baseline = refTimers()
  const faults = [
    { name: 'never answers', checkSession: () => {}, kind: 'login' },
    { name: 'throws', checkSession: () => { throw new Error('checkSession threw') }, kind: null },
    { name: 'fails, then succeeds', checkSession: (o) => { o.fail({ errMsg: 'checkSession:fail' }); o.success({}) }, kind: null },
    { name: 'succeeds twice', checkSession: (o) => later(() => { o.success(); o.success() }), kind: null },
  ]
  for (const fault of faults) {
    for (let k = 0; k < 40; k++) {
      env.wx.setStorageSync('relaunch:auth', await tokenEnvelope(env.backend, env.wx))
      const bad = misbehaving(env.wx, { checkSession: fault.checkSession })
      const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, retry: false, storage: { namespace: 'relaunch' }, auth: Object.assign({}, AUTH, { loginTimeout: 5 }) })
      await storm(WAITERS, (i) => http.get(`/api/s/${i}`), fault.kind ? fails(fault.kind, (e) => assert.match(e.message, /no answer within 5ms/)) : succeeds(), { batch: WAITERS })
      await healthy(env, http, { baseline, path: '/api/after' })
    }
  }
})

// ------------------------------------------------------------------------------ storage

test('setStorageSync throwing: the cache write, storage.set and the token persist', async () => {
  const env = setup()
  const baseline = refTimers()
  let thrown = 0
  const bad = misbehaving(env.wx, { setStorageSync() { throw THROWN[thrown++ % THROWN.length][1]() } })
  // The cache: the request never fails, nothing is stored, every GET goes out.
  const http = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, storage: { namespace: 'ro' } })
  await storm(MANY, (i) => http.get(`/public/c/${i % 10}`, { cache: { ttl: 60000 } }), succeeds((res) => assert.equal(res.data.code, 10000)), { batch: 10 })
  assert.equal(env.backend.stats.byPath['/public/c/0'], MANY / 10, 'nothing was served from a cache never written')
  assert.deepEqual(env.wx.getStorageInfoSync().keys, [])
  // storage.set: an Error with code Failed, once each; nothing stored.
  await storm(MANY, (i) => http.storage.set(`k${i}`, { i }), (outcome, i) => {
    assert.ok(!outcome.ok && outcome.error instanceof Error, `set ${i} rejected with an Error`)
    assert.equal(outcome.error.code, 'Failed', outcome.error.message)
  }, { abortable: false })
  assert.equal(await http.storage.get('k1'), null)
  // The token: logins work, the token lives for this launch only.
  const authed = createHttp({ baseURL: BASE, platform: bad.wx, maxConcurrent: 4, storage: { namespace: 'ro-auth' }, auth: AUTH })
  await storm(MANY, (i) => authed.get(`/api/p/${i}`), succeeds((res) => assert.equal(res.data.code, 10000)))
  assert.equal(env.emu.logins, 1)
  assert.deepEqual(env.wx.getStorageInfoSync().keys, [])
  bad.stop()
  await healthy(env, http, { baseline })
  await healthy(env, authed, { baseline, path: '/api/after' })
  const relaunched = createHttp({ baseURL: BASE, platform: env.wx, storage: { namespace: 'ro-auth' }, auth: AUTH })
  assert.equal((await relaunched.get('/api/relaunched')).data.code, 10000)
  assert.equal(env.emu.logins, 2, 'nothing was restored: a new login')
})

// Junk under the library's keys: anything not a current envelope reads as missing.
function junk(now) {
  const envelope = (value, extra) => Object.assign({ wxhttp: 1, saved: now, expires: null, value }, extra)
  return [
    '', 'junk', '{"wxhttp":1}', 42, 0, true, [], [1, 2], {}, new Date(0),
    { wxhttp: 1 }, { wxhttp: 2, saved: now, expires: null, value: { token: 'from-the-future' } },
    envelope(null), envelope('a string'), envelope([]), envelope(42),
    { wxhttp: 1, saved: 'yesterday', expires: null, value: {} },
    { wxhttp: 1, saved: now, expires: 'never', value: {} },
    { wxhttp: 1, saved: now, expires: now - 1, value: {} },
    { wxhttp: 1, saved: now + 1e9, expires: null, value: {} },
  ]
}

test('junk under <ns>:auth is ignored: a login, then requests succeed', async () => {
  const env = setup()
  const baseline = refTimers()
  const now = Date.now()
  const envelope = (value) => ({ wxhttp: 1, saved: now, expires: null, value })
  const tokens = [
    envelope({ token: 42 }), envelope({ token: '' }), envelope({ token: {} }), envelope({ token: null }), envelope({}),
    envelope({ token: 'never-issued', expiresAt: 'soon', userId: {} }),
    envelope({ token: 'never-issued', expiresAt: now - 1000, userId: 7 }),
    envelope({ token: 'never-issued', expiresAt: NaN, userId: null }),
    envelope({ token: 'line\nbreak' }),
  ]
  const values = junk(now).concat(tokens)
  for (let round = 0; round < 3; round++) {
    for (const value of values) {
      env.wx.setStorageSync('junk:auth', value)
      const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4, retry: false, storage: { namespace: 'junk' }, auth: AUTH })
      await storm(WAITERS, (i) => http.get(`/api/j/${i}`), succeeds((res) => assert.equal(res.data.code, 10000, JSON.stringify(value))), { batch: WAITERS })
      await healthy(env, http, { baseline, path: '/api/after' })
    }
  }
})

test('junk under the cache keys reads as a miss: the GET goes out and stores a good entry again', async () => {
  const env = setup()
  const baseline = refTimers()
  const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4, storage: { namespace: 'cj' } })
  await http.get('/public/cached', { cache: { ttl: 60000 } })
  const [key] = env.wx.getStorageInfoSync().keys.filter((k) => k.startsWith('cj:cache:'))
  const good = env.wx.getStorageSync(key)
  const now = Date.now()
  const near = (response) => ({ wxhttp: 1, saved: now, expires: now + 60000, value: { request: good.value.request, response } })
  const values = junk(now).concat([
    near(null), near({}), near({ statusCode: '200', data: {} }), near('response'),
    { wxhttp: 1, saved: now, expires: now + 60000, value: { request: 'GET elsewhere', response: good.value.response } },
  ])
  let sent = env.backend.stats.byPath['/public/cached']
  await storm(MANY, (i) => {
    env.wx.setStorageSync(key, values[i % values.length])
    return http.get('/public/cached', { cache: { ttl: 60000 } })
  }, succeeds((res) => assert.equal(res.data.code, 10000)), { batch: 1 })
  assert.equal(env.backend.stats.byPath['/public/cached'] - sent, MANY, 'every junk entry was a miss')
  assert.equal(env.wx.getStorageSync(key).value.request, good.value.request, 'a good entry was stored again')
  sent = env.backend.stats.byPath['/public/cached']
  assert.equal((await http.get('/public/cached', { cache: { ttl: 60000 } })).data.code, 10000)
  assert.equal(env.backend.stats.byPath['/public/cached'], sent, 'and it is served')
  // Junk under other keys of the namespace: logout clears them, nothing throws.
  for (let i = 0; i < 20; i++) env.wx.setStorageSync(`cj:cache:junk:${i}`, values[i % values.length])
  await http.logout()
  assert.deepEqual(env.wx.getStorageInfoSync().keys.filter((k) => k.startsWith('cj:cache:')), [])
  await healthy(env, http, { baseline })
})

// ------------------------------------------------------------------------------ app callbacks

test('validateStatus, auth.isExpired, auth.onLoginFailed and the login function throwing', async () => {
  const env = setup()
  const baseline = refTimers()
  for (const [name, make] of THROWN) {
    // validateStatus throwing: the answer is not valid (kind http), and the login fails.
    const strict = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4, retry: false, validateStatus: () => { throw make() } })
    await storm(MANY / 10, (i) => strict.get(`/public/s/${i}`), fails('http', (e) => assert.equal(e.statusCode, 200, name)))
    await until(() => env.emu.inFlight === 0, 'nothing in flight')
    const strictLogin = createHttp({ baseURL: BASE, platform: env.wx, retry: false, storage: { namespace: `vs-${name}` }, validateStatus: () => { throw make() }, auth: AUTH })
    await storm(WAITERS, (i) => strictLogin.get(`/api/s/${i}`), fails('login'), { batch: WAITERS })
    // isExpired throwing: judged not expired, so an expired answer is an ordinary one.
    const judging = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4, retry: false, storage: { namespace: `ie-${name}` }, auth: Object.assign({}, AUTH, { isExpired: () => { throw make() } }) })
    await storm(MANY / 10, (i) => judging.get(`/api/e/${i}`), succeeds((res) => assert.equal(res.data.code, 10000)))
    env.backend.control.expireTokens()
    await storm(MANY / 10, (i) => judging.get(`/api/e2/${i}`), succeeds((res) => assert.equal(res.data.code, 99997)))
    await healthy(env, judging, { baseline })
    // onLoginFailed throwing, and a login function throwing, rejecting or never settling.
    let hooks = 0
    const fns = [() => { throw make() }, () => Promise.reject(make()), () => new Promise(() => {}), () => make(), () => ({ token: [make()] })]
    for (const [j, fn] of fns.entries()) {
      // One namespace each: clients on one namespace must log in the same way (L12).
      const http = createHttp({
        baseURL: BASE, platform: env.wx, maxConcurrent: 4, retry: false, storage: { namespace: `fn-${name}-${j}` },
        auth: { login: fn, loginTimeout: 5, onLoginFailed: () => { hooks++; throw make() } },
      })
      for (let e = 0; e < 3; e++) await storm(WAITERS, (i) => http.get(`/api/f/${i}`), fails('login', (err) => assert.match(err.message, /^Login failed/)), { batch: WAITERS })
      await healthy(env, http, { baseline, get: { auth: false } })
    }
    assert.equal(hooks, fns.length * 3, `${name}: onLoginFailed once per episode, its throw swallowed`)
  }
})

test('debug: true with a console.log that throws: requests and logins go on', async (t) => {
  const env = setup()
  const baseline = refTimers()
  const real = console.log
  let lines = 0
  console.log = () => { lines++; throw new Error('console is broken') }
  t.after(() => { console.log = real })
  const http = createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 4, debug: true, retry: { limit: 1, delay: 0 }, storage: { namespace: 'dbg' }, auth: AUTH })
  await storm(MANY, (i) => (i % 4 === 3 ? http.get('/status/503', { dedupe: false }) : http.get(`/api/d/${i}`)), (outcome, i) => {
    if (i % 4 === 3) fails('http')(outcome, i)
    else succeeds()(outcome, i)
  })
  assert.ok(lines >= MANY, 'it tried to log every attempt')
  await healthy(env, http, { baseline, path: '/api/after' })
  console.log = real
})
