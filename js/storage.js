'use strict'
// Storage with expiry over wx's synchronous storage (SPEC §8). Entries are self-describing
// envelopes `{ wxhttp: 1, expires, saved, value }` under `namespace + ':' + key`; whether one
// is still live is the core's decision (`wx_fresh`, which also keeps a clock that jumps back
// from making an entry live forever). The same `Store` keeps the token and the response cache.
//
// Anything under one of our keys that is not such an envelope reads as missing, is never
// removed by a read or a sweep, and is overwritten by a write. Limits are WeChat's: 1 MB a key
// (its bytes plus its JSON), 10 MB in all; a write past them keeps the old value.

var ITEM_LIMIT = 1024 * 1024

function StorageError(code, message) {
  var error = new Error(message)
  error.code = code
  return error
}

function utf8Length(text) {
  var n = text.length
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i)
    if (c >= 0x800) {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1)
        if (d >= 0xdc00 && d <= 0xdfff) { i++; n += 1; continue }
      }
      n += 2
    } else if (c >= 0x80) n += 1
  }
  return n
}

function isNumber(v) { return typeof v === 'number' && v === v && v !== Infinity && v !== -Infinity }

// `wx` is the adapter of wx.js; `fresh(saved, expires, now)` the core's decision.
function Store(wx, namespace, fresh) {
  this.wx = wx
  this.prefix = namespace + ':'
  this.fresh = fresh
}

// { state: 'missing' | 'unreadable' | 'expired' | 'live', value }
Store.prototype.read = function (key) {
  var entry = this.wx.getStorage(this.prefix + key)
  if (entry === undefined) return { state: 'missing' }
  var ok = entry !== null && typeof entry === 'object' && Object.prototype.toString.call(entry) === '[object Object]' &&
    entry.wxhttp === 1 && isNumber(entry.saved) && (entry.expires === null || isNumber(entry.expires)) &&
    Object.prototype.hasOwnProperty.call(entry, 'value')
  if (!ok) return { state: 'unreadable' }
  var live = this.fresh(entry.saved, entry.expires === null ? NaN : entry.expires, Date.now())
  return live ? { state: 'live', value: entry.value } : { state: 'expired' }
}

Store.prototype.get = function (key) {
  var entry = this.read(key)
  if (entry.state === 'expired') this.wx.removeStorage(this.prefix + key)
  return entry.state === 'live' ? entry.value : null
}

Store.prototype.has = function (key) {
  var entry = this.read(key)
  if (entry.state === 'expired') this.wx.removeStorage(this.prefix + key)
  return entry.state === 'live'
}

// Writes `value` (JSON only) with `ttl` ms (undefined or Infinity: no expiry); throws a
// StorageError and keeps the old value when it cannot.
Store.prototype.set = function (key, value, ttl) {
  var now = Date.now()
  var envelope = { wxhttp: 1, expires: ttl === undefined || ttl === Infinity ? null : now + ttl, saved: now, value: value }
  var full = this.prefix + key
  var json
  try { json = JSON.stringify(envelope) } catch (e) { json = undefined }
  if (value === undefined || typeof value === 'function' || json === undefined) {
    throw StorageError('NotJson', 'storage: the value for "' + key + '" cannot be stored as JSON')
  }
  var size = utf8Length(full) + utf8Length(json)
  if (size > ITEM_LIMIT) {
    throw StorageError('TooLarge', 'storage: "' + key + '" is ' + size + ' bytes, over the ' + ITEM_LIMIT + '-byte limit for a key')
  }
  var failure = this.wx.setStorage(full, JSON.parse(json))
  if (failure === undefined) return
  if (/max size|quota|exceed storage/i.test(failure)) {
    throw StorageError('QuotaExceeded', 'storage: no room for "' + key + '" (' + size + ' bytes): the 10 MB storage is full')
  }
  throw StorageError('Failed', 'storage: writing "' + key + '" failed: ' + failure)
}

Store.prototype.remove = function (key) {
  this.wx.removeStorage(this.prefix + key)
}

Store.prototype.keys = function () {
  var prefix = this.prefix
  return this.wx.storageKeys().filter(function (k) { return typeof k === 'string' && k.indexOf(prefix) === 0 })
    .map(function (k) { return k.slice(prefix.length) })
}

Store.prototype.clear = function () {
  var self = this
  this.keys().forEach(function (k) { self.remove(k) })
}

// Removes expired entries (never unreadable ones); returns how many.
Store.prototype.sweep = function () {
  var self = this
  return this.keys().filter(function (k) {
    if (self.read(k).state !== 'expired') return false
    self.remove(k)
    return true
  }).length
}

// The promise API of SPEC §8 over a Store that may not exist yet (`store()` resolves it once
// the module has loaded). Failures reject with an `Error` whose `code` is TooLarge,
// QuotaExceeded, NotJson or Failed.
function api(store) {
  function call(method, key, value, ttl) {
    return store().then(function (s) {
      if (method !== 'keys' && method !== 'clear' && method !== 'sweep' && (typeof key !== 'string' || !key)) {
        throw new Error('wxhttp storage: the key must be a non-empty string, got ' + String(key === undefined ? 'undefined' : JSON.stringify(key)))
      }
      return s[method](key, value, ttl)
    })
  }
  var nothing = function () {}
  return {
    set: function (key, value, options) {
      var ttl = options && options.ttl
      if (ttl !== undefined && (typeof ttl !== 'number' || ttl !== ttl)) return Promise.reject(new Error('wxhttp storage: `ttl` must be a number of ms'))
      return call('set', key, value, ttl).then(nothing)
    },
    get: function (key) { return call('get', key) },
    has: function (key) { return call('has', key) },
    remove: function (key) { return call('remove', key).then(nothing) },
    keys: function () { return call('keys') },
    clear: function () { return call('clear').then(nothing) },
    sweep: function () { return call('sweep') },
  }
}

module.exports = { Store: Store, api: api }
