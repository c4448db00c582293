'use strict'
// A `wx`-shaped platform for web pages (SPEC §13): `createHttp({ platform: createWebPlatform({
// loginCode }) })`. It implements exactly what wx.js calls, with wx's contracts: `request` over
// `fetch` (success for any status, `request:fail timeout` / `abort` / `<reason>`, a task with
// `abort` and, for `enableChunked`, `onHeadersReceived` / `onChunkReceived`), `login` from the
// app's `loginCode()`, storage over `localStorage`, app show/hide from `visibilitychange`, and the
// network from `navigator.onLine` and `online`/`offline`. Globals are read only when called, so
// the module loads anywhere (Node included); each wx callback runs asynchronously, at most once.

function later(fn) { Promise.resolve().then(fn) }
function message(e) { return e && e.message || String(e) }
// Calls a caller's callback; what it throws is reported as an uncaught error, as wx reports
// it, and never changes the outcome of the call it was told about.
function call(fn, arg) {
  try {
    if (typeof fn === 'function') fn(arg)
  } catch (e) {
    setTimeout(function () { throw e })
  }
}

function encodeForm(data) {
  return Object.keys(data).filter(function (k) { return data[k] !== undefined }).map(function (k) {
    var v = data[k]
    if (v !== null && typeof v === 'object') v = JSON.stringify(v)
    return encodeURIComponent(k) + '=' + encodeURIComponent(v === null ? '' : String(v))
  }).join('&')
}

// Takes `cb` (or, without one, every listener) out of `list`, in place: a body being read
// holds the same list.
function remove(list, cb) {
  for (var i = list.length - 1; i >= 0; i--) if (!cb || list[i] === cb) list.splice(i, 1)
}

function isBinary(data) { return data instanceof ArrayBuffer || ArrayBuffer.isView(data) }

// wx's encoding: GET and HEAD put `data` in the query; the others send strings and bytes as
// they are and objects as JSON (or a form, when the content type says so).
function encode(o, method, header) {
  var data = o.data
  var url = String(o.url)
  if (method === 'GET' || method === 'HEAD') {
    var query = data !== null && typeof data === 'object' && !isBinary(data) ? encodeForm(data)
      : typeof data === 'string' || typeof data === 'number' ? String(data) : ''
    if (query) url += (url.indexOf('?') < 0 ? '?' : '&') + query
    return { url: url, body: undefined }
  }
  if (data === undefined || data === null) return { url: url, body: undefined }
  if (typeof data === 'string' || isBinary(data)) return { url: url, body: data }
  if (typeof data !== 'object') return { url: url, body: String(data) }
  return { url: url, body: /application\/x-www-form-urlencoded/i.test(header['content-type'] || '') ? encodeForm(data) : JSON.stringify(data) }
}

function createWebPlatform(options) {
  var opts = options || {}
  if (typeof opts.loginCode !== 'function') throw new TypeError('createWebPlatform: `loginCode` must be a function that resolves to the login code')
  var memory = null

  function fetcher() {
    if (opts.fetch) return opts.fetch
    if (typeof fetch !== 'function') throw new Error('no fetch here; pass `fetch` to createWebPlatform')
    return fetch
  }
  // `localStorage` may be missing or throw on access (blocked cookies, some private modes):
  // the page then keeps its storage in memory for its lifetime.
  function store() {
    if (opts.storage) return opts.storage
    try { if (typeof localStorage !== 'undefined' && localStorage) return localStorage } catch (e) { /* below */ }
    return memory || (memory = memoryStorage())
  }

  function request(o) {
    var method = String(o.method || 'GET').toUpperCase()
    var header = {}
    for (var name in o.header) if (o.header[name] !== undefined) header[name.toLowerCase()] = String(o.header[name])
    var controller = typeof AbortController === 'function' ? new AbortController() : null
    var over = false
    var heard = []
    var chunks = []
    var timer = setTimeout(function () { fail('request:fail timeout') }, o.timeout > 0 ? o.timeout : 60000)
    function end(fn, res) {
      if (over) return false
      over = true
      clearTimeout(timer)
      later(function () {
        call(fn, res)
        call(o.complete, res)
      })
      return true
    }
    function fail(errMsg) {
      if (end(o.fail, { errMsg: errMsg }) && controller) controller.abort()
    }
    var task = {
      abort: function () { fail('request:fail abort') },
      onHeadersReceived: function (cb) { heard.push(cb) },
      offHeadersReceived: function (cb) { remove(heard, cb) },
      onChunkReceived: function (cb) { chunks.push(cb) },
      offChunkReceived: function (cb) { remove(chunks, cb) },
    }
    var arraybuffer = o.responseType === 'arraybuffer'
    try {
      // wx's default content type, only where there is a body: on a GET it would cost a
      // cross-origin page a CORS preflight for nothing.
      var sent = encode(o, method, header)
      if (sent.body !== undefined && !header['content-type']) header['content-type'] = 'application/json'
      var init = { method: method, headers: header, body: sent.body }
      if (controller) init.signal = controller.signal
      fetcher()(sent.url, init).then(function (res) {
        if (over) return
        var head = {}
        res.headers.forEach(function (value, key) { head[key] = value })
        heard.forEach(function (cb) { call(cb, { header: head, statusCode: res.status }) })
        return (o.enableChunked && res.body ? streamed(res, chunks, function () { return over })
          : arraybuffer ? res.arrayBuffer() : res.text()).then(function (body) {
          var data = body
          if (o.enableChunked) data = arraybuffer ? new ArrayBuffer(0) : ''
          else if (!arraybuffer && (o.dataType === undefined || o.dataType === 'json') && body !== '') {
            try { data = JSON.parse(body) } catch (e) { /* not JSON: the text, as wx gives it */ }
          }
          end(o.success, { data: data, statusCode: res.status, header: head, errMsg: 'request:ok' })
        })
      }).catch(function (e) { fail('request:fail ' + message(e)) })
    } catch (e) {
      fail('request:fail ' + message(e))
    }
    return task
  }

  // Storage as wx has it: any JSON value, '' for a missing key. Each value is stored as
  // `{"type":…,"data":…}`, so a string and an object that looks like it stay apart; what some
  // other code wrote under a key reads as its raw string.
  function getStorageSync(key) {
    var raw = store().getItem(key)
    if (raw === null) return ''
    try {
      var box = JSON.parse(raw)
      if (box && typeof box === 'object' && (typeof box.data === box.type || box.type === 'object' && box.data === null)) return box.data
    } catch (e) { /* not ours */ }
    return raw
  }
  function setStorageSync(key, value) {
    try {
      store().setItem(key, JSON.stringify({ type: typeof value, data: value }))
    } catch (e) {
      var error = new Error('setStorageSync:fail ' + message(e))
      error.errMsg = error.message
      throw error
    }
  }
  function getStorageInfoSync() {
    var s = store()
    var keys = []
    var size = 0
    for (var i = 0; i < s.length; i++) {
      keys.push(s.key(i))
      size += keys[i].length + (s.getItem(keys[i]) || '').length
    }
    return { keys: keys, currentSize: Math.ceil(size * 2 / 1024), limitSize: 5120 }
  }

  function onVisibility(hidden, cb) {
    if (typeof document === 'undefined') return
    document.addEventListener('visibilitychange', function () {
      if ((document.visibilityState === 'hidden') === hidden) call(cb, {})
    })
  }

  // wx's network types from what a browser knows: offline is 'none'; online is 'wifi' where the
  // Network Information API says so, else 'unknown'.
  function network(online) {
    var connection = typeof navigator !== 'undefined' && navigator.connection
    return { isConnected: online, networkType: !online ? 'none' : connection && connection.type === 'wifi' ? 'wifi' : 'unknown' }
  }
  function onLine() { return typeof navigator === 'undefined' || navigator.onLine !== false }
  var listeners = []

  return {
    request: request,
    login: function (o) {
      new Promise(function (resolve) { resolve(opts.loginCode()) }).then(function (code) {
        if (typeof code === 'string' && code) call(o.success, { code: code, errMsg: 'login:ok' })
        else call(o.fail, { errMsg: 'login:fail loginCode() gave no code' })
      }, function (e) { call(o.fail, { errMsg: 'login:fail ' + message(e) }) })
    },
    // The web has no WeChat session behind the login: it counts as alive.
    checkSession: function (o) { later(function () { call(o.success, { errMsg: 'checkSession:ok' }) }) },
    getStorageSync: getStorageSync,
    setStorageSync: setStorageSync,
    removeStorageSync: function (key) { store().removeItem(key) },
    getStorageInfoSync: getStorageInfoSync,
    onAppShow: function (cb) { onVisibility(false, cb) },
    onAppHide: function (cb) { onVisibility(true, cb) },
    getNetworkType: function (o) {
      var n = network(onLine())
      later(function () { call(o && o.success, { networkType: n.networkType, errMsg: 'getNetworkType:ok' }) })
    },
    onNetworkStatusChange: function (cb) {
      if (typeof window === 'undefined') return
      var entry = { cb: cb, online: function () { call(cb, network(true)) }, offline: function () { call(cb, network(false)) } }
      listeners.push(entry)
      window.addEventListener('online', entry.online)
      window.addEventListener('offline', entry.offline)
    },
    offNetworkStatusChange: function (cb) {
      listeners = listeners.filter(function (entry) {
        if (cb && entry.cb !== cb) return true
        window.removeEventListener('online', entry.online)
        window.removeEventListener('offline', entry.offline)
        return false
      })
    },
  }
}

// Reads the body as it arrives, each piece to the chunk listeners as an ArrayBuffer of its own.
function streamed(res, listeners, stopped) {
  var reader = res.body.getReader()
  function next() {
    return reader.read().then(function (step) {
      if (step.done || stopped()) return ''
      var bytes = step.value
      var data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
      listeners.forEach(function (cb) { call(cb, { data: data }) })
      return next()
    })
  }
  return next()
}

// Where there is no localStorage: the same interface, in memory.
function memoryStorage() {
  var items = new Map()
  return {
    get length() { return items.size },
    key: function (i) {
      var k = Array.from(items.keys())[i]
      return k === undefined ? null : k
    },
    getItem: function (k) { return items.has(String(k)) ? items.get(String(k)) : null },
    setItem: function (k, v) { items.set(String(k), String(v)) },
    removeItem: function (k) { items.delete(String(k)) },
  }
}

module.exports = { createWebPlatform: createWebPlatform }
