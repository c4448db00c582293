// The request pipeline end to end (SPEC §4, §5, §7): the package as installed, over the wx
// emulator and the reference backend on real loopback HTTP. Counts come from the backend
// (`backend.stats`) and from wx (`wx.__emu`); races are never waited out with a sleep: the
// tests wait on conditions, or shape timing with the backend's latency controls.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const vm = require('vm')
const wxhttp = require('./package.js')
const { startEmulator } = require('../../emulator')

const { createHttp, isRequestError } = wxhttp

// ------------------------------------------------------------------------------ helpers

async function setup(t, options) {
  const env = await startEmulator(Object.assign({ quiet: true }, options))
  t.after(() => env.close())
  return env
}

const turn = () => new Promise(setImmediate)

// Waits for a condition by yielding to the event loop; fails (never hangs) after `ms`.
async function until(condition, what, ms = 5000) {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await turn()
  }
}

// Settles to { ok, value | error } and never rejects.
const outcome = (promise) => promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }))

const rejectsWith = (kind, check) => (e) => {
  assert.ok(isRequestError(e), `a RequestError, got ${e && e.stack}`)
  assert.equal(e.kind, kind, e.message)
  if (check) check(e)
  return true
}

// ------------------------------------------------------------------------------ URLs, params, headers, options

test('baseURL joins relative URLs with exactly one slash; absolute URLs are kept', async (t) => {
  const env = await setup(t, { hosts: ['api.example.com'] })
  const http = createHttp({ baseURL: 'https://api.example.com/echo', platform: env.wx })
  const slash = createHttp({ baseURL: 'https://api.example.com/echo/', platform: env.wx })
  assert.equal((await http.get('/a')).data.path, '/echo/a')
  assert.equal((await http.get('b')).data.path, '/echo/b')
  assert.equal((await slash.get('/c')).data.path, '/echo/c')
  assert.equal((await slash.get('d')).data.path, '/echo/d')
  const abs = await http.get(`${env.url}/public/abs`)
  assert.equal(abs.data.data.path, '/public/abs')
  assert.deepEqual(env.emu.requestLog.map((r) => r.url), [
    'https://api.example.com/echo/a',
    'https://api.example.com/echo/b',
    'https://api.example.com/echo/c',
    'https://api.example.com/echo/d',
    `${env.url}/public/abs`,
  ])
  assert.equal(abs.config.url, `${env.url}/public/abs`, 'config keeps the URL as given')
})

test('params: arrays repeat the key, spaces and unicode percent-encoded, appended to an existing query', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const res = await http.get('/echo?x=1', { params: { tags: ['a', 'b'], q: 'a b&c=d', u: '中文', n: 5, yes: true, skip: null, gone: undefined, empty: [] } })
  assert.equal(env.emu.requestLog[0].url, `${env.url}/echo?x=1&tags=a&tags=b&q=a%20b%26c%3Dd&u=%E4%B8%AD%E6%96%87&n=5&yes=true`)
  assert.deepEqual(res.data.query, { x: '1', tags: ['a', 'b'], q: 'a b&c=d', u: '中文', n: '5', yes: 'true' })
  await http.get('/echo?', { params: { a: '1' } })
  assert.equal(env.emu.requestLog[1].url, `${env.url}/echo?a=1`)
  await http.get('/echo#frag', { params: { a: '1' } })
  assert.equal(env.emu.requestLog[2].url, `${env.url}/echo?a=1`, 'the query goes before the #fragment (which wx drops)')
})

test('default and per-request headers merge case-insensitively, the request winning', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, header: { 'X-Trace': 'default', 'X-App': 'app', 'Content-Type': 'application/json' } })
  const res = await http.get('/echo', { header: { 'x-trace': 'mine', 'x-extra': '1', 'content-type': 'text/plain' } })
  const sent = env.emu.requestLog[0].header
  const named = (h, name) => Object.keys(h).filter((k) => k.toLowerCase() === name)
  assert.equal(named(sent, 'x-trace').length, 1, `one x-trace header: ${JSON.stringify(sent)}`)
  assert.equal(sent[named(sent, 'x-trace')[0]], 'mine')
  assert.equal(sent[named(sent, 'content-type')[0]], 'text/plain')
  assert.equal(named(sent, 'content-type').length, 1)
  const received = res.data.header
  assert.equal(received[named(received, 'x-app')[0]], 'app')
  assert.equal(received[named(received, 'x-extra')[0]], '1')
  assert.equal(received[named(received, 'x-trace')[0]], 'mine')
  // The client's defaults are not changed by a request.
  const again = await http.get('/echo')
  assert.equal(again.data.header[named(again.data.header, 'x-trace')[0]], 'default')
})

test('methods are case-insensitive and options the library does not know pass through to wx.request', async (t) => {
  const env = await setup(t)
  const seen = []
  const platform = Object.assign({}, env.wx, { request: (o) => { seen.push(o); return env.wx.request(o) } })
  const http = createHttp({ baseURL: env.url, platform })
  const text = await http.get('/public/t', { dataType: 'text', enableHttp2: true, enableCache: false })
  assert.equal(typeof text.data, 'string')
  assert.equal(JSON.parse(text.data).data.path, '/public/t')
  assert.equal(seen[0].enableHttp2, true)
  assert.equal(seen[0].enableCache, false)
  assert.equal(seen[0].dataType, 'text')
  for (const known of ['params', 'cache', 'dedupe', 'retry', 'auth']) assert.ok(!(known in seen[0]), `${known} is not passed to wx.request`)
  const buffer = await http.get('/public/b', { responseType: 'arraybuffer' })
  assert.ok(buffer.data instanceof ArrayBuffer || ArrayBuffer.isView(buffer.data), 'arraybuffer')
  const posted = await http.request({ url: '/echo', method: 'post', data: { a: 1 } })
  assert.equal(posted.data.method, 'POST')
  assert.deepEqual(posted.data.body, { a: 1 })
  assert.equal((await http.request({ url: '/echo', method: 'Put', data: 'raw' })).data.method, 'PUT')
  assert.equal((await http.delete('/echo')).data.method, 'DELETE')
  assert.equal((await http.patch('/echo', { p: 1 })).data.method, 'PATCH')
  assert.equal((await http.head('/public/h')).statusCode, 200)
})

test('validateStatus decides which statuses resolve; others reject with kind http', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: false, validateStatus: (s) => s < 500 })
  const notFound = await http.get('/status/404')
  assert.equal(notFound.statusCode, 404)
  await assert.rejects(http.get('/status/503'), rejectsWith('http', (e) => assert.equal(e.statusCode, 503)))
  const strict = createHttp({ baseURL: env.url, platform: env.wx, retry: false })
  await assert.rejects(strict.get('/status/404'), rejectsWith('http', (e) => assert.equal(e.statusCode, 404)))
  await assert.rejects(strict.get('/status/302'), rejectsWith('http'))
  assert.equal((await strict.get('/status/204')).statusCode, 204)
})

test('bad options reject with kind config naming the option, never throw, never reach wx.request', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const cases = [
    [{ url: '/a', method: 'FETCH' }, '`method`'],
    [{ url: '/a', method: 5 }, '`method`'],
    [{ url: '' }, '`url`'],
    [{ url: '/a', timeout: -1 }, '`timeout`'],
    [{ url: '/a', timeout: 'slow' }, '`timeout`'],
    [{ url: '/a', header: 'x' }, '`header`'],
    [{ url: '/a', header: { 'bad name': '1' } }, '`header`'],
    [{ url: '/a', header: { 'X-A': 'line\nbreak' } }, '`header`'],
    [{ url: '/a', params: 'a=1' }, '`params`'],
    [{ url: '/a', params: { a: { nested: 1 } } }, '`params`'],
    [{ url: '/a', params: { '': '1' } }, '`params`'],
    [{ url: '/a', retry: 'yes' }, '`retry`'],
    [{ url: '/a', retry: { limit: -1 } }, '`retry`'],
    [{ url: '/a', cache: { ttl: -5 } }, '`cache`'],
    [{ url: '/a', method: 'POST', cache: { ttl: 1000 } }, '`cache`'],
    [{ url: '/a', dedupe: 'no' }, '`dedupe`'],
    [{ url: '/a', auth: 'off' }, '`auth`'],
  ]
  for (const [options, name] of cases) {
    let promise
    assert.doesNotThrow(() => { promise = http.request(options) }, `request(${JSON.stringify(options)}) throws`)
    await assert.rejects(promise, rejectsWith('config', (e) => assert.ok(e.message.includes(name), `${e.message} names ${name}`)))
  }
  for (const bad of [null, 5, undefined]) await assert.rejects(http.request(bad), rejectsWith('config'))
  const relative = createHttp({ platform: env.wx })
  await assert.rejects(relative.get('/a'), rejectsWith('config', (e) => assert.match(e.message, /`url`/)))
  const clients = [
    [{ maxConcurrent: 0 }, '`maxConcurrent`'],
    [{ timeout: 0 }, '`timeout`'],
    [{ baseURL: 'api.example.com' }, '`baseURL`'],
    [{ header: { 'a b': 'x' } }, '`header`'],
    [{ retry: { limit: -1 } }, '`retry.limit`'],
    [{ retry: { methods: ['FETCH'] } }, '`retry.methods`'],
    [{ retry: { statuses: [999] } }, '`retry.statuses`'],
    [{ offline: 'later' }, '`offline`'],
    [{ validateStatus: 'yes' }, '`validateStatus`'],
    [{ storage: { namespace: '' } }, '`storage.namespace`'],
  ]
  for (const [options, name] of clients) {
    let client
    assert.doesNotThrow(() => { client = createHttp(Object.assign({ platform: env.wx }, options)) })
    await assert.rejects(client.get(`${env.url}/public/a`), rejectsWith('config', (e) => assert.ok(e.message.includes(name), `${e.message} names ${name}`)))
  }
  assert.equal(env.emu.requests, 0, 'nothing reached wx.request')
  assert.equal(env.backend.stats.requests, 0)
  assert.equal((await http.get('/public/ok')).statusCode, 200, 'the client still works')
})

// ------------------------------------------------------------------------------ interceptors

test('interceptors run in the order added, may be async, and can be ejected', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const order = []
  http.interceptors.request.use((config) => { order.push('req1'); return Object.assign({}, config, { header: Object.assign({}, config.header, { 'X-One': '1' }) }) })
  const ejected = http.interceptors.request.use((config) => { order.push('ejected'); return config })
  http.interceptors.request.use(async (config) => {
    await turn()
    order.push('req2')
    return Object.assign({}, config, { header: Object.assign({}, config.header, { 'X-Two': config.header['X-One'] + '2' }) })
  })
  http.interceptors.response.use((res) => { order.push('res1'); return res })
  http.interceptors.response.use(async (res) => { await turn(); order.push('res2'); return res })
  assert.equal(typeof ejected, 'number')
  http.interceptors.request.eject(ejected)
  http.interceptors.request.eject(ejected) // twice is harmless
  http.interceptors.request.eject(999)
  const res = await http.get('/echo')
  assert.deepEqual(order, ['req1', 'req2', 'res1', 'res2'])
  assert.equal(res.data.header['X-Two'], '12', 'the second interceptor saw the first one\'s result')
  assert.equal(res.config.header['X-Two'], '12', 'response.config is the intercepted config')
})

test('response interceptors transform the result and can recover a failure', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: false })
  http.interceptors.response.use((res) => res.data.data, (error) => {
    if (error.statusCode === 404) return { missing: true }
    throw error
  })
  assert.deepEqual(await http.get('/public/x', { params: { a: '1' } }).then((d) => d.query), { a: '1' })
  assert.deepEqual(await http.get('/status/404'), { missing: true })
  await assert.rejects(http.get('/status/500'), rejectsWith('http', (e) => assert.equal(e.statusCode, 500)))
})

test('a throwing request interceptor rejects only its request with kind interceptor; the client keeps working', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/', 20)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  http.interceptors.request.use((config) => {
    if (config.url.includes('boom')) throw new Error('no token yet')
    if (config.url.includes('reject')) return Promise.reject('plain string')
    return config
  })
  const [a, boom, b, rejected] = await Promise.all([
    outcome(http.get('/public/a')), outcome(http.get('/public/boom')), outcome(http.get('/public/b')), outcome(http.get('/public/reject')),
  ])
  assert.ok(a.ok && b.ok)
  rejectsWith('interceptor', (e) => {
    assert.match(e.message, /no token yet/)
    assert.match(e.message, /GET \/public\/boom/)
    assert.equal(e.cause.message, 'no token yet')
    assert.equal(e.config.url, '/public/boom')
  })(boom.error)
  rejectsWith('interceptor', (e) => assert.match(e.message, /plain string/))(rejected.error)
  assert.equal(env.backend.stats.byPath['/public/boom'], undefined, 'the failed request was never sent')
  assert.equal(env.backend.stats.byPath['/public/reject'], undefined)
  assert.equal((await http.get('/public/c')).statusCode, 200)
  // A response interceptor that throws rejects with kind interceptor too.
  const other = createHttp({ baseURL: env.url, platform: env.wx })
  other.interceptors.response.use(() => { throw new TypeError('bad shape') })
  await assert.rejects(other.get('/public/d'), rejectsWith('interceptor', (e) => assert.match(e.message, /bad shape/)))
  // A RequestError passed on by an onRejected handler keeps its kind.
  const passOn = createHttp({ baseURL: env.url, platform: env.wx, retry: false })
  passOn.interceptors.response.use(undefined, (e) => Promise.reject(e))
  await assert.rejects(passOn.get('/status/502'), rejectsWith('http'))
})

test('interceptors run once per logical request, even when the request is retried', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 2, delay: 1 } })
  let requests = 0
  let responses = 0
  let errors = 0
  http.interceptors.request.use((config) => { requests++; return config })
  http.interceptors.response.use((res) => { responses++; return res }, (e) => { errors++; throw e })
  env.backend.control.failNext('/public/flaky', 1, 503)
  const res = await http.get('/public/flaky')
  assert.equal(res.statusCode, 200)
  assert.equal(env.backend.stats.byPath['/public/flaky'], 2, '503 then OK')
  assert.deepEqual([requests, responses, errors], [1, 1, 0])
  env.backend.control.failNext('/public/down', 3, 503)
  await assert.rejects(http.get('/public/down'), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/public/down'], 3)
  assert.deepEqual([requests, responses, errors], [2, 1, 1])
})

// ------------------------------------------------------------------------------ concurrency, timeout, abort

test('40 slow requests never put more than 10 wx.requests in flight, and leave in FIFO order', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/slow', 40)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => http.get(`/public/slow/${i}`)))
  assert.equal(results.length, 40)
  assert.equal(env.backend.stats.maxInFlight, 10)
  assert.equal(env.emu.maxInFlight, 10)
  assert.deepEqual(env.emu.requestLog.map((r) => r.path), Array.from({ length: 40 }, (_, i) => `/public/slow/${i}`))
  assert.equal(env.emu.inFlight, 0)
})

test('maxConcurrent: 3 keeps at most 3 in flight and frees a slot on every outcome', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/slow', 30)
  const http = createHttp({ baseURL: env.url, platform: env.wx, maxConcurrent: 3, retry: false })
  const calls = []
  for (let i = 0; i < 12; i++) {
    if (i % 4 === 1) calls.push(outcome(http.get('/status/500', { params: { i } })))
    else if (i % 4 === 2) calls.push(outcome(http.get(`/public/slow/t${i}`, { timeout: 5 })))
    else calls.push(outcome(http.get(`/public/slow/${i}`)))
  }
  const done = await Promise.all(calls)
  assert.equal(done.filter((o) => o.ok).length, 6)
  assert.deepEqual(done.filter((o) => !o.ok).map((o) => o.error.kind).sort(), ['http', 'http', 'http', 'timeout', 'timeout', 'timeout'])
  assert.equal(env.emu.maxInFlight, 3)
  assert.ok(env.backend.stats.maxInFlight <= 6, 'timed-out requests may still run on the server, never more than the queue allows')
  assert.equal(env.emu.inFlight, 0)
})

test('a timeout rejects with kind timeout, is retried like a network failure, and counts from dispatch', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/hang', 2000)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: false })
  await assert.rejects(http.get('/public/hang', { timeout: 20 }), rejectsWith('timeout', (e) => {
    assert.match(e.message, /^Timeout.*: GET http:\/\/127\.0\.0\.1:\d+\/public\/hang$/)
    // The core's timer or wx's own (given the same timeout) may fire first; wx's says so.
    if (e.errMsg !== undefined) assert.match(e.errMsg, /timeout/)
  }))
  assert.equal(env.emu.inFlight, 0, 'the RequestTask was aborted')
  const retrying = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 1, delay: 1 } })
  await assert.rejects(retrying.get('/public/hang/2', { timeout: 20 }), rejectsWith('timeout'))
  assert.equal(env.backend.stats.byPath['/public/hang/2'], 2, 'GET timeouts are retried')
  // Client-wide timeout, overridden per request.
  const short = createHttp({ baseURL: env.url, platform: env.wx, retry: false, timeout: 20 })
  await assert.rejects(short.get('/public/hang/3'), rejectsWith('timeout'))
  // From dispatch, not from entering the queue: with one slot, the second request waits
  // 300 ms in the queue and then answers within its 200 ms.
  env.backend.control.setLatency('/public/first', 300)
  env.backend.control.setLatency('/public/second', 10)
  const single = createHttp({ baseURL: env.url, platform: env.wx, retry: false, maxConcurrent: 1 })
  const first = single.get('/public/first')
  const second = single.get('/public/second', { timeout: 200 })
  assert.equal((await second).statusCode, 200)
  assert.equal((await first).statusCode, 200)
})

test('abort: before dispatch, in the queue, in flight, during a retry backoff; one abort frees its slot', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/slow', 300)
  const http = createHttp({ baseURL: env.url, platform: env.wx, maxConcurrent: 1 })
  // Aborted synchronously: not even the interceptors' turn has come.
  const early = http.get('/public/early')
  early.abort()
  await assert.rejects(early, rejectsWith('aborted', (e) => assert.equal(e.message, 'Request aborted: GET /public/early')))
  // In the queue.
  const running = http.get('/public/slow/1')
  const queued = http.get('/public/queued')
  await until(() => env.emu.inFlight === 1, 'the first request in flight')
  queued.abort()
  await assert.rejects(queued, rejectsWith('aborted'))
  assert.equal((await running).statusCode, 200)
  assert.equal(env.emu.requestsByPath['/public/queued'], undefined, 'the queued request was never sent')
  // In flight: the RequestTask is aborted and the slot goes to the next in line.
  const inFlight = http.get('/public/slow/2')
  const next = http.get('/public/next')
  await until(() => env.emu.inFlight === 1, 'dispatch')
  inFlight.abort()
  await assert.rejects(inFlight, rejectsWith('aborted'))
  assert.equal((await next).statusCode, 200)
  assert.equal(env.emu.requestsByPath['/public/slow/2'], 1)
  // During a backoff: a 503 retried after 60 s is aborted at once.
  const patient = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 2, delay: 60000 } })
  env.backend.control.failNext('/public/backoff', 1, 503)
  const waiting = patient.get('/public/backoff')
  await until(() => env.backend.stats.byPath['/public/backoff'] === 1 && env.emu.inFlight === 0, 'the first attempt answered')
  waiting.abort()
  await assert.rejects(waiting, rejectsWith('aborted'))
  assert.equal(env.backend.stats.byPath['/public/backoff'], 1)
  // After settling, abort does nothing.
  const settled = http.get('/public/done')
  await settled
  settled.abort()
  assert.equal((await settled).statusCode, 200)
  assert.equal(env.emu.inFlight, 0)
})

// ------------------------------------------------------------------------------ retry (§7)

test('retry: a 503 GET is retried, a 503 POST is not unless retry is explicit', async (t) => {
  const env = await setup(t)
  const control = env.backend.control
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 2, delay: 1 } })
  control.failNext('/public/get', 2, 503)
  assert.equal((await http.get('/public/get')).statusCode, 200)
  assert.equal(env.backend.stats.byPath['/public/get'], 3)
  control.failNext('/public/limit', 3, 503)
  await assert.rejects(http.get('/public/limit'), rejectsWith('http', (e) => assert.equal(e.statusCode, 503)))
  assert.equal(env.backend.stats.byPath['/public/limit'], 3, 'limit 2: three attempts, the last error kept')
  control.failNext('/public/post', 1, 503)
  await assert.rejects(http.post('/public/post', { a: 1 }), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/public/post'], 1, 'POST is not retried by default')
  control.failNext('/public/patch', 1, 503)
  await assert.rejects(http.patch('/public/patch', { a: 1 }), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/public/patch'], 1, 'PATCH is not retried by default')
  control.failNext('/public/post2', 1, 503)
  assert.equal((await http.post('/public/post2', { a: 1 }, { retry: { limit: 1 } })).statusCode, 200)
  assert.equal(env.backend.stats.byPath['/public/post2'], 2, 'an explicit retry allows POST')
  control.failNext('/public/post3', 1, 503)
  assert.equal((await http.post('/public/post3', null, { retry: 1 })).statusCode, 200)
  control.failNext('/public/put', 1, 502)
  assert.equal((await http.put('/public/put', { a: 1 })).statusCode, 200)
  assert.equal(env.backend.stats.byPath['/public/put'], 2, 'PUT is idempotent: retried')
  control.failNext('/public/del', 1, 504)
  assert.equal((await http.delete('/public/del')).statusCode, 200)
  control.failNext('/public/off', 1, 503)
  await assert.rejects(http.get('/public/off', { retry: false }), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/public/off'], 1, 'retry: false on a request')
  control.failNext('/public/404', 1, 404)
  await assert.rejects(http.get('/public/404'), rejectsWith('http', (e) => assert.equal(e.statusCode, 404)))
  assert.equal(env.backend.stats.byPath['/public/404'], 1, '404 is not worth another attempt')
})

test('retry: network failures, the statuses and methods options, Retry-After capped by maxDelay, retry: false', async (t) => {
  const env = await setup(t)
  const control = env.backend.control
  const http = createHttp({ platform: env.wx, retry: { limit: 2, delay: 1 } })
  await assert.rejects(http.get('http://127.0.0.1:1/refused'), rejectsWith('network', (e) => assert.match(e.errMsg, /^request:fail /)))
  assert.equal(env.emu.requestsByPath['/refused'], 3, 'network failures are retried')
  const custom = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 1, delay: 1, statuses: [404], methods: ['POST'] } })
  control.failNext('/public/c404', 1, 404)
  assert.equal((await custom.post('/public/c404', {})).statusCode, 200, 'POST listed, 404 listed')
  control.failNext('/public/c503', 1, 503)
  await assert.rejects(custom.post('/public/c503', {}), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/public/c503'], 1, '503 not listed')
  control.failNext('/public/cget', 1, 404)
  await assert.rejects(custom.get('/public/cget'), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/public/cget'], 1, 'GET not listed')
  // Retry-After: 3600 s would time the test out; maxDelay caps it.
  const capped = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 1, delay: 1, maxDelay: 5 } })
  await assert.rejects(capped.get('/status/503', { params: { retryAfter: 3600 } }), rejectsWith('http'))
  assert.equal(env.backend.stats.byPath['/status/503'], 2)
  const off = createHttp({ baseURL: env.url, platform: env.wx, retry: false })
  control.failNext('/public/never', 1, 503)
  await assert.rejects(off.get('/public/never'), rejectsWith('http'))
  control.failNext('/public/explicit', 1, 503)
  assert.equal((await off.get('/public/explicit', { retry: { limit: 1 } })).statusCode, 200, 'a request\'s explicit retry applies under retry: false')
})

// ------------------------------------------------------------------------------ sharing

test('10 identical concurrent GETs make one wx.request; dedupe: false makes 10', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/shared', 30)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const shared = await Promise.all(Array.from({ length: 10 }, () => http.get('/public/shared', { params: { q: 1 } })))
  assert.equal(env.backend.stats.byPath['/public/shared'], 1)
  assert.equal(env.emu.requests, 1)
  assert.equal(new Set(shared.map((r) => r.data.data.n)).size, 1, 'every caller got the one answer')
  await Promise.all(Array.from({ length: 10 }, () => http.get('/public/shared', { params: { q: 1 }, dedupe: false })))
  assert.equal(env.backend.stats.byPath['/public/shared'], 11)
  // HEAD is shared too; POST, other params and other headers are not.
  await Promise.all([http.head('/public/shared'), http.head('/public/shared')])
  assert.equal(env.backend.stats.byPath['/public/shared'], 12)
  await Promise.all([http.post('/public/shared'), http.post('/public/shared')])
  assert.equal(env.backend.stats.byPath['/public/shared'], 14)
  await Promise.all([http.get('/public/shared', { params: { q: 2 } }), http.get('/public/shared', { params: { q: 3 } })])
  assert.equal(env.backend.stats.byPath['/public/shared'], 16)
  await Promise.all([http.get('/public/shared', { header: { 'Accept-Language': 'en' } }), http.get('/public/shared', { header: { 'Accept-Language': 'zh' } })])
  assert.equal(env.backend.stats.byPath['/public/shared'], 18)
})

test('callers sharing one request each get their own copy of the data', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/own', 30)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const [a, b] = await Promise.all([http.get('/public/own'), http.get('/public/own')])
  assert.equal(env.backend.stats.byPath['/public/own'], 1)
  assert.notEqual(a, b)
  a.data.data.list = ['formatted in place by page A']
  assert.equal(b.data.data.list, undefined, 'page B sees what the server sent, not page A\'s edits')
})

test('sequential identical GETs are not shared; aborting one sharer leaves the others; aborting all aborts the task', async (t) => {
  const env = await setup(t)
  env.backend.control.setLatency('/public/s', 100)
  const http = createHttp({ baseURL: env.url, platform: env.wx })
  const one = await http.get('/public/s')
  const two = await http.get('/public/s')
  assert.equal(env.backend.stats.byPath['/public/s'], 2)
  assert.notEqual(one.data.data.n, two.data.data.n)
  const callers = [http.get('/public/s'), http.get('/public/s'), http.get('/public/s')]
  await until(() => env.emu.inFlight === 1, 'dispatch')
  callers[1].abort()
  const results = await Promise.all(callers.map(outcome))
  assert.ok(results[0].ok && results[2].ok)
  rejectsWith('aborted')(results[1].error)
  assert.equal(env.backend.stats.byPath['/public/s'], 3)
  const all = [http.get('/public/s'), http.get('/public/s')]
  await until(() => env.emu.inFlight === 1, 'dispatch')
  all.forEach((p) => p.abort())
  for (const p of all) await assert.rejects(p, rejectsWith('aborted'))
  await until(() => env.emu.inFlight === 0, 'the shared RequestTask aborted')
  // The next identical GET starts a fresh call.
  assert.equal((await http.get('/public/s')).statusCode, 200)
})

// ------------------------------------------------------------------------------ errors

test('RequestError carries kind, message, errMsg, statusCode, response and config; isRequestError works across realms', async (t) => {
  const env = await setup(t)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: false })
  const config = { url: '/status/503', params: { a: 1 } }
  const error = await http.request(config).catch((e) => e)
  assert.ok(error instanceof Error)
  assert.equal(error.name, 'RequestError')
  assert.equal(error.kind, 'http')
  assert.equal(error.message, `Request failed with status 503: GET ${env.url}/status/503?a=1`)
  assert.equal(error.statusCode, 503)
  assert.deepEqual(Object.keys(error.response).sort(), ['config', 'data', 'header', 'statusCode'])
  assert.equal(error.response.statusCode, 503)
  assert.deepEqual(error.response.data, { code: 503 })
  assert.equal(error.config, config)
  assert.ok(isRequestError(error))
  const network = await http.get('http://127.0.0.1:1/x').catch((e) => e)
  assert.equal(network.kind, 'network')
  assert.match(network.errMsg, /^request:fail /)
  assert.equal(network.statusCode, undefined)
  assert.equal(network.response, undefined)
  assert.match(network.message, /GET http:\/\/127\.0\.0\.1:1\/x/)
  for (const value of [new Error('x'), null, undefined, 'RequestError', { name: 'RequestError' }, { name: 'RequestError', kind: 1, message: '' }]) {
    assert.equal(isRequestError(value), false, String(value))
  }
  const foreign = vm.runInNewContext('var e = new Error("m"); e.name = "RequestError"; e.kind = "timeout"; e')
  assert.ok(!(foreign instanceof Error))
  assert.ok(isRequestError(foreign), 'an error from another realm')
})

// ------------------------------------------------------------------------------ a mixed workload

function mulberry32(seed) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0
    let z = seed
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296
  }
}

test('a seeded random workload of 200 requests: each settles exactly once as expected, nothing left in flight', { timeout: 60000 }, async (t) => {
  const env = await setup(t)
  const control = env.backend.control
  control.setLatency('/public/slow', 25)
  control.setLatency('/public/hang', 400)
  control.setLatency('/public/shared', 15)
  const http = createHttp({ baseURL: env.url, platform: env.wx, retry: { limit: 1, delay: 1, maxDelay: 5 } })
  http.interceptors.request.use((config) => {
    if (config.header && config.header['x-throw']) throw new Error('refused by interceptor')
    return config
  })
  let responseInterceptorRuns = 0
  http.interceptors.response.use((res) => { responseInterceptorRuns++; return res })
  const random = mulberry32(20240601)
  const kinds = ['fast', 'slow', 'fail', 'flaky', 'abort', 'timeout', 'shared', 'post', 'throw', 'post503']
  const plan = []
  const settlements = new Map()
  const calls = []
  for (let i = 0; i < 200; i++) {
    const kind = kinds[Math.floor(random() * kinds.length)]
    let promise
    let expect
    switch (kind) {
      case 'fast': promise = http.get(`/public/fast/${i}`); expect = 'ok'; break
      case 'slow': promise = http.get(`/public/slow/${i}`); expect = 'ok'; break
      case 'fail': promise = http.get('/status/500', { params: { i } }); expect = 'http'; break
      case 'flaky': control.failNext(`/public/flaky/${i}/`, 1, 503); promise = http.get(`/public/flaky/${i}/x`); expect = 'ok'; break
      case 'abort': promise = http.get(`/public/slow/a${i}`); expect = 'aborted'; break
      case 'timeout': promise = http.get(`/public/hang/${i}`, { timeout: 30 }); expect = 'timeout'; break
      case 'shared': promise = http.get('/public/shared'); expect = 'ok'; break
      case 'post': promise = http.post(`/public/post/${i}`, { i }); expect = 'ok'; break
      case 'throw': promise = http.get(`/public/fast/t${i}`, { header: { 'x-throw': '1' } }); expect = 'interceptor'; break
      case 'post503': control.failNext(`/public/p503/${i}/`, 1, 503); promise = http.post(`/public/p503/${i}/x`, {}); expect = 'http'; break
    }
    const entry = { i, kind, expect, promise, abortedBeforeSettling: false, settled: false }
    settlements.set(i, 0)
    calls.push(promise.then(
      (res) => { settlements.set(i, settlements.get(i) + 1); entry.settled = true; entry.result = 'ok'; entry.res = res },
      (e) => { settlements.set(i, settlements.get(i) + 1); entry.settled = true; entry.result = isRequestError(e) ? e.kind : `not a RequestError: ${e}` },
    ))
    if (kind === 'abort') {
      const turns = Math.floor(random() * 6)
      const abort = () => { entry.abortedBeforeSettling = !entry.settled; promise.abort() }
      if (turns === 0) abort()
      else (async () => { for (let k = 0; k < turns; k++) await turn(); abort() })()
    }
    plan.push(entry)
    if (random() < 0.3) await turn()
  }
  await Promise.all(calls)
  for (const entry of plan) {
    assert.equal(settlements.get(entry.i), 1, `request ${entry.i} (${entry.kind}) settled once`)
    const expected = entry.kind === 'abort' && !entry.abortedBeforeSettling ? 'ok' : entry.expect
    assert.equal(entry.result, expected, `request ${entry.i} (${entry.kind})`)
  }
  const count = (kind) => plan.filter((e) => e.kind === kind).length
  for (const kind of kinds) assert.ok(count(kind) > 5, `the seed exercises ${kind}`)
  for (const entry of plan) {
    if (entry.kind === 'flaky') assert.equal(env.backend.stats.byPath[`/public/flaky/${entry.i}/x`], 2)
    if (entry.kind === 'post503') assert.equal(env.backend.stats.byPath[`/public/p503/${entry.i}/x`], 1)
    if (entry.kind === 'timeout') assert.equal(env.emu.requestsByPath[`/public/hang/${entry.i}`], 2)
    if (entry.kind === 'throw') assert.equal(env.emu.requestsByPath[`/public/fast/t${entry.i}`], undefined)
  }
  assert.ok(env.emu.maxInFlight <= 10, `at most 10 in flight, saw ${env.emu.maxInFlight}`)
  assert.ok(responseInterceptorRuns <= plan.filter((e) => e.result === 'ok').length)
  assert.equal(env.emu.inFlight, 0, 'no wx.request left in flight')
  assert.equal(env.emu.pendingRequests, 0)
  await until(() => env.backend.stats.inFlight === 0, 'the server to finish what wx abandoned')
  // Still healthy afterwards.
  assert.equal((await http.get('/public/after')).statusCode, 200)
})

test('a path-only baseURL joins the page origin in a browser, and is a config error where there is no page', async () => {
  const options = require('../../js/options.js')
  global.location = { origin: 'https://shop.example.com' }
  try {
    assert.equal(options.client({ baseURL: '/api-root' }).baseURL, 'https://shop.example.com/api-root')
  } finally {
    delete global.location
  }
  assert.throws(() => options.client({ baseURL: '/api-root' }), (e) => /`baseURL`: "\/api-root" is not an absolute URL \(a path is one only in a browser page\)/.test(e.message))
})
