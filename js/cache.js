'use strict'
// The response cache's string side (SPEC §8): keys, descriptions, reading and writing entries.
// When to read and whether a write may happen (the identity it was read under) are the core's
// decisions (CACHE_READ, CACHE_WRITE). Also two helpers for answers: copies for sharers, and
// `Retry-After` in ms.

var Store = require('./storage.js').Store

// Headers and pass-through options that change a GET's answer, and so its key.
var VARY_HEADERS = ['accept', 'accept-language', 'content-type']
var VARY_OPTIONS = ['responseType', 'dataType']

// What makes two GETs the same for the cache, as readable text.
function describe(rec) {
  var text = 'GET ' + rec.url
  var header = rec.header
  VARY_HEADERS.forEach(function (name) {
    for (var key in header) if (key.toLowerCase() === name) text += '\n' + name + ': ' + header[key]
  })
  VARY_OPTIONS.forEach(function (name) {
    if (rec.extra && rec.extra[name] !== undefined) text += '\n' + name + ': ' + String(rec.extra[name])
  })
  return text
}

// 64-bit FNV-1a of the UTF-8 bytes, as 16 hex digits, in four 16-bit limbs (no BigInt).
function fnv(text) {
  var h = [0x2325, 0x8422, 0x9ce4, 0xcbf2] // 0xcbf29ce484222325, low limb first
  var bytes = utf8(text)
  for (var i = 0; i < bytes.length; i++) {
    h[0] ^= bytes[i]
    // × 0x100000001b3 = × 0x1b3 + (× 1 << 40)
    var r0 = h[0] * 0x1b3, r1 = h[1] * 0x1b3, r2 = h[2] * 0x1b3 + (h[0] << 8), r3 = h[3] * 0x1b3 + (h[1] << 8)
    r1 += r0 >>> 16
    r2 += r1 >>> 16
    r3 += r2 >>> 16
    h = [r0 & 0xffff, r1 & 0xffff, r2 & 0xffff, r3 & 0xffff]
  }
  var hex = ''
  for (var j = 3; j >= 0; j--) hex += (0x10000 + h[j]).toString(16).slice(1)
  return hex
}

function utf8(text) {
  var out = []
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      var low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00)
        i++
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | c >> 6, 0x80 | c & 63)
    else if (c < 0x10000) out.push(0xe0 | c >> 12, 0x80 | c >> 6 & 63, 0x80 | c & 63)
    else out.push(0xf0 | c >> 18, 0x80 | c >> 12 & 63, 0x80 | c >> 6 & 63, 0x80 | c & 63)
  }
  return out
}

// The user's key segment: empty when anonymous, `%` and `:` escaped.
function userSegment(user) {
  return (user || '').replace(/%/g, '%25').replace(/:/g, '%3A')
}

// A copy of an answer's body for one sharer: JSON-like bodies copied, others (ArrayBuffer,
// strings) as they are.
function copy(data) {
  if (data === null || typeof data !== 'object' || Object.prototype.toString.call(data) === '[object ArrayBuffer]') return data
  try { return JSON.parse(JSON.stringify(data)) } catch (e) { return data }
}

// `Retry-After` in ms from now: delta-seconds or an HTTP date; -1 when absent or unreadable.
function retryAfter(header, now) {
  if (!header || typeof header !== 'object') return -1
  for (var key in header) {
    if (key.toLowerCase() !== 'retry-after') continue
    var text = String(header[key]).trim()
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000
    var at = Date.parse(text)
    return at === at ? Math.max(0, at - now) : -1
  }
  return -1
}

// The cache of one driver (`d`: its shared state).
function create(d) {
  var entries = new Store(d.wx, d.cfg.namespace + ':cache', d.store.fresh)
  return {
    // Looks `rec` up and tells the core whether it hit.
    read: function (rec) {
      rec.desc = describe(rec)
      rec.cacheKey = userSegment(d.session.user) + ':' + fnv(rec.desc)
      var hit = false
      var entry = entries.read(rec.cacheKey)
      if (entry.state === 'expired') entries.remove(rec.cacheKey)
      var value = entry.value
      if (entry.state === 'live' && value && value.request === rec.desc && value.response && typeof value.response.statusCode === 'number') {
        rec.cached = value.response
        hit = true
      }
      d.fire(function (x, c) { return x.wx_cached(c, rec.id, hit ? 1 : 0, Date.now()) })
    },
    // Stores `res` for `rec`; a failed write never fails the request. On a full storage,
    // the cache sweeps its own expired entries and tries once more.
    write: function (rec, res) {
      var value = { request: rec.desc, response: { data: res.data, statusCode: res.statusCode, header: res.header } }
      try {
        entries.set(rec.cacheKey, value, rec.cacheTtl)
      } catch (e) {
        if (e.code === 'QuotaExceeded' && entries.sweep() > 0) {
          try { entries.set(rec.cacheKey, value, rec.cacheTtl) } catch (again) { /* left uncached */ }
        }
      }
    },
    // 0: every entry (logout); 1: the previous user's (an account switch, L9).
    drop: function (scope) {
      var prefix = userSegment(d.session.previousUser) + ':'
      entries.keys().forEach(function (key) {
        if (scope === 0 || key.indexOf(prefix) === 0) entries.remove(key)
      })
    },
  }
}

module.exports = { create: create, copy: copy, retryAfter: retryAfter }
