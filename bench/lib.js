'use strict'
// Shared by the Node benches: the client factories by name, the instant fake wx, statistics.
const path = require('path')

const ROOT = path.join(__dirname, '..')
const LIBS = ['wxhttp', 'alova', 'axios', 'flyio']

function loadClient(name) {
  const create = require('./clients/' + name + '.js')
  if (name === 'wxhttp') {
    const wxhttp = require(ROOT)
    return (wx, opts) => create(wx, opts, wxhttp)
  }
  if (name === 'flyio') {
    // flyio's wx engine calls the global `wx`.
    return (wx, opts) => { globalThis.wx = wx; return create(wx, opts) }
  }
  return create
}

// A `wx` whose request answers at once, in process (next microtask, as wx callbacks are
// asynchronous), with a freshly parsed JSON body each time as wx.request gives. POST
// /auth/login answers with a token (SPEC §6 default paths), so a client with auth logs in once
// and then sends every request with a live token. Counters: `requests`, `logins` (wx.login),
// `checkSessions`, `withToken` (requests that carried an Authorization header).
function instantWx() {
  const noop = () => {}
  let n = 0
  let logins = 0
  let checkSessions = 0
  let withToken = 0
  return {
    request(o) {
      n++
      if (o.header && o.header.Authorization) withToken++
      const login = o.method === 'POST' && /\/auth\/login$/.test(o.url)
      Promise.resolve().then(() => {
        const data = login ? { code: 10000, data: { token: 'T' + n, expiresIn: 7200 } } : { code: 10000 }
        const res = { data, statusCode: 200, header: { 'Content-Type': 'application/json' }, cookies: [], errMsg: 'request:ok' }
        if (o.success) o.success(res)
        if (o.complete) o.complete(res)
      })
      return { abort: noop, onHeadersReceived: noop, offHeadersReceived: noop, onChunkReceived: noop, offChunkReceived: noop }
    },
    login(o) { logins++; Promise.resolve().then(() => o.success && o.success({ code: 'c' + n, errMsg: 'login:ok' })) },
    checkSession(o) { checkSessions++; Promise.resolve().then(() => o.success && o.success({ errMsg: 'checkSession:ok' })) },
    getStorageSync: () => '', setStorageSync: noop, removeStorageSync: noop,
    getStorageInfoSync: () => ({ keys: [], currentSize: 0, limitSize: 10240 }),
    onAppShow: noop, offAppShow: noop, onAppHide: noop, offAppHide: noop,
    get requests() { return n },
    get counts() { return { requests: n, logins, checkSessions, withToken } },
  }
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}
function summary(samples) {
  const s = Float64Array.from(samples).sort()
  return { median: percentile(s, 50), p99: percentile(s, 99), n: s.length }
}

function versionOf(pkg) {
  try { return require(path.join(ROOT, 'node_modules', pkg, 'package.json')).version } catch (e) { return 'missing' }
}

module.exports = { ROOT, LIBS, loadClient, instantWx, summary, percentile, versionOf }
