// Runs under `jsc --useJIT=false` after tests/jsc/wechat.js (no `WebAssembly`, only a
// `WXWebAssembly` that takes a path inside the package; no `TextDecoder`/`TextEncoder`/
// `queueMicrotask`; `clearTimeout` emulated). `CONFIG` (from bench/jsc.js) names the library,
// `auth` (the client logs in once, then every request carries the live token) and the mode:
//   overhead  — per-request µs against an instant in-process wx, sequential and 10 in flight;
//   coldstart — ms from loading the library's code to the first response.
// Prints one line `RESULT <json>`.
/* global CONFIG, readFile, load, print, preciseTime, quit */
var T0 = preciseTime()
// The instant wx (as bench/lib.js): answers in the next microtask with a freshly made JSON body;
// POST /auth/login answers with a token; counts wx.login calls and requests sent with a token.
var counts = { requests: 0, logins: 0, checkSessions: 0, withToken: 0 }
function instantWx() {
  var noop = function () {}
  return {
    request: function (o) {
      var n = ++counts.requests
      if (o.header && o.header.Authorization) counts.withToken++
      var login = o.method === 'POST' && /\/auth\/login$/.test(o.url)
      Promise.resolve().then(function () {
        var data = login ? { code: 10000, data: { token: 'T' + n, expiresIn: 7200 } } : { code: 10000 }
        var res = { data: data, statusCode: 200, header: { 'Content-Type': 'application/json' }, cookies: [], errMsg: 'request:ok' }
        if (o.success) o.success(res)
        if (o.complete) o.complete(res)
      })
      return { abort: noop, onHeadersReceived: noop, offHeadersReceived: noop, onChunkReceived: noop, offChunkReceived: noop }
    },
    login: function (o) { counts.logins++; Promise.resolve().then(function () { if (o.success) o.success({ code: 'c' + counts.requests, errMsg: 'login:ok' }) }) },
    checkSession: function (o) { counts.checkSessions++; Promise.resolve().then(function () { if (o.success) o.success({ errMsg: 'checkSession:ok' }) }) },
    getStorageSync: function () { return '' }, setStorageSync: noop, removeStorageSync: noop,
    getStorageInfoSync: function () { return { keys: [], currentSize: 0, limitSize: 10240 } },
    onAppShow: noop, offAppShow: noop, onAppHide: noop, offAppHide: noop,
  }
}

function makeClient() {
  var wx = instantWx()
  globalThis.wx = wx // flyio's wx engine calls the global
  load(CONFIG.bundle) // defines BenchClient (an esbuild IIFE of bench/clients/<lib>.js)
  var create = BenchClient.default || BenchClient
  var wxhttp = CONFIG.lib === 'wxhttp' ? require('wxhttp') : undefined
  return create(wx, { baseURL: 'https://api.example.com', auth: !!CONFIG.auth }, wxhttp)
}

function sortNum(a) { return a.slice().sort(function (x, y) { return x - y }) }
function pct(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))] }
function summary(a) { var s = sortNum(a); return { median: pct(s, 50), p99: pct(s, 99), n: s.length } }
// The shell stays alive until every timer has fired (tests/jsc/wechat.js), and a client may
// leave one armed (wxhttp: its 60 s request-timeout deadline): leave once the result is out.
function done(result) { print('RESULT ' + JSON.stringify(result)); quit() }
function fail(e) { print('ERROR ' + (e && e.stack ? e + '\n' + e.stack : (e && e.message) || JSON.stringify(e))); quit() }

var urls = []
for (var u = 0; u < 16; u++) urls.push('/api/item/' + u)

if (CONFIG.mode === 'coldstart') {
  try {
    var client = makeClient()
    client.get('/api/first').then(function (body) {
      if (!body || body.code !== 10000) throw new Error('unexpected body ' + JSON.stringify(body))
      done({ ms: (preciseTime() - T0) * 1000 })
    }).catch(fail)
  } catch (e) { fail(e) }
} else {
  var BUDGET = CONFIG.budgetMs / 1000
  var client2
  try { client2 = makeClient() } catch (e) { fail(e) }
  var seq = [], par = []
  var i = 0
  function warm(end) {
    if (i >= CONFIG.warm || preciseTime() > end) { i = 0; return sequential(preciseTime() + BUDGET) }
    return client2.get(urls[i++ & 15]).then(function (body) {
      if (!body || body.code !== 10000) throw new Error('unexpected body ' + JSON.stringify(body))
      return warm(end)
    })
  }
  function sequential(end) {
    if (i >= CONFIG.seq || preciseTime() > end) { i = 0; return parallel(preciseTime() + BUDGET) }
    var t = preciseTime()
    return client2.get(urls[i++ & 15]).then(function () { seq.push((preciseTime() - t) * 1e6); return sequential(end) })
  }
  function parallel(end) {
    if (i >= CONFIG.batches || preciseTime() > end) return
    i++
    var t = preciseTime()
    var batch = []
    for (var j = 0; j < 10; j++) batch.push(client2.get(urls[j]))
    return Promise.all(batch).then(function () { par.push((preciseTime() - t) * 1e6 / 10); return parallel(end) })
  }
  if (client2) {
    Promise.resolve().then(function () { return warm(preciseTime() + BUDGET) }).then(function () {
      done({ lib: CONFIG.lib, auth: !!CONFIG.auth, sequential: summary(seq), parallel10: summary(par), wx: counts })
    }).catch(fail)
  }
}
