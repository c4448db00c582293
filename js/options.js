'use strict'
// Options, checked once: the client's at creation, a request's when it is made. A bad option
// becomes a `config` error naming it (`ConfigError`); nothing invalid reaches the core or
// `wx.request`. Also URL joining and query encoding, without the `URL` global.

var P = require('./protocol.js')

function ConfigError(option, why) {
  this.message = option ? 'Invalid option `' + option + '`: ' + why : why
}

var METHODS = P.method
// Options the library reads; every other key passes through to wx.request untouched.
var KNOWN = { url: 1, method: 1, data: 1, params: 1, header: 1, timeout: 1, auth: 1, cache: 1, dedupe: 1, retry: 1, offline: 1 }
// What uploads, downloads and streams read besides (SPEC §11), by `rec.api`.
var FILES = [null, { filePath: 1, name: 1, formData: 1, onProgress: 1 }, { filePath: 1, onProgress: 1 }, { onChunk: 1, onEvent: 1, sse: 1 }]
var DEFAULT_STATUSES = [408, 429, 500, 502, 503, 504]
var IDEMPOTENT = 1 << METHODS.GET | 1 << METHODS.HEAD | 1 << METHODS.OPTIONS | 1 << METHODS.PUT | 1 << METHODS.DELETE

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value) {
  try { return typeof value === 'string' ? JSON.stringify(value) : String(value) } catch (e) { return typeof value }
}

// Whole milliseconds ≥ 1 (a fraction of a ms would become 0 somewhere down the line).
function ms(option, value) {
  if (typeof value !== 'number' || !(value >= 1) || value > 2147483647 || Math.floor(value) !== value) {
    throw new ConfigError(option, show(value) + ' is not a whole number of ms ≥ 1')
  }
  return value
}

// `scheme://…` with a scheme of letters, digits, `+`, `-`, `.` (no regex: this runs per
// request, and regexes are slow on an interpreter).
// The page's origin in a browser; '' elsewhere (WeChat has no `location`).
function pageOrigin() {
  /* global location */
  try {
    return typeof location !== 'undefined' && location && /^https?:\/\//.test(location.origin) ? location.origin : ''
  } catch (e) {
    return ''
  }
}

function isAbsolute(url) {
  var i = url.indexOf('://')
  if (i <= 0) return false
  for (var j = 0; j < i; j++) {
    var c = url.charCodeAt(j)
    var letter = c | 32
    if (!(letter >= 97 && letter <= 122) && !(c >= 48 && c <= 57) && c !== 43 && c !== 45 && c !== 46) return false
  }
  return true
}

// `scheme://host[:port]` lowercased, or null for a relative URL.
function origin(url) {
  if (!isAbsolute(url)) return null
  var end = url.indexOf('://') + 3
  while (end < url.length) {
    var c = url.charAt(end)
    if (c === '/' || c === '?' || c === '#') break
    end++
  }
  return url.slice(0, end).toLowerCase()
}

function join(base, url) {
  if (!base || isAbsolute(url)) return url
  var slashEnd = base.charAt(base.length - 1) === '/'
  var slashStart = url.charAt(0) === '/'
  if (slashEnd && slashStart) return base + url.slice(1)
  if (!slashEnd && !slashStart && url) return base + '/' + url
  return base + url
}

function withQuery(url, pairs) {
  if (!pairs.length) return url
  var hash = url.indexOf('#')
  var path = hash < 0 ? url : url.slice(0, hash)
  var last = path.charAt(path.length - 1)
  var sep = path.indexOf('?') < 0 ? '?' : last === '?' || last === '&' ? '' : '&'
  return path + sep + pairs.join('&') + (hash < 0 ? '' : url.slice(hash))
}

// A header object's entries after checks: names are HTTP tokens, values single-line scalars.
var NONE = {}
var NO_PAIRS = []

function checkHeader(option, header) {
  if (header === undefined || header === null) return NONE
  if (!isPlainObject(header)) throw new ConfigError(option, 'expected a plain object')
  var out = {}
  for (var name in header) {
    if (!Object.prototype.hasOwnProperty.call(header, name)) continue
    var value = header[name]
    if (value === undefined || value === null) continue
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ConfigError(option, show(name) + ' is not a valid header name')
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new ConfigError(option, '`' + name + '` is not a string')
    value = String(value)
    if (/[\r\n\0]/.test(value)) throw new ConfigError(option, 'the value of ' + show(name) + ' contains a line break')
    out[name] = value
  }
  return out
}

function scalar(value) {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

// `key=value` pairs, encodeURIComponent-style; an array repeats the key.
function params(value) {
  if (value === undefined || value === null) return NO_PAIRS
  var pairs = []
  if (!isPlainObject(value)) throw new ConfigError('params', 'expected a plain object')
  for (var name in value) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) continue
    var v = value[name]
    if (v === undefined || v === null) continue
    if (!name) throw new ConfigError('params', 'a parameter has an empty name')
    var list = Array.isArray(v) ? v : [v]
    for (var i = 0; i < list.length; i++) {
      if (!scalar(list[i])) throw new ConfigError('params', '`' + name + '` is not a string, number, boolean or array of them')
      try {
        pairs.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(list[i])))
      } catch (e) {
        throw new ConfigError('params', '`' + name + '` is not valid Unicode')
      }
    }
  }
  return pairs
}

function methodCode(method) {
  var code = typeof method !== 'string' ? undefined : METHODS[method] !== undefined ? METHODS[method] : METHODS[method.toUpperCase()]
  if (code === undefined) throw new ConfigError('method', typeof method === 'string' ? 'unknown method ' + show(method) : 'expected a string')
  return code
}

function bool(option, value) {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new ConfigError(option, 'expected true or false')
  return value
}

// The client's `retry`: false, or `{ limit, methods, statuses, delay, maxDelay }`.
function retryPolicy(retry) {
  var policy = { limit: 2, methods: IDEMPOTENT, statuses: DEFAULT_STATUSES, delay: 300, maxDelay: 10000 }
  if (retry === undefined || retry === null || retry === true) return policy
  if (retry === false) { policy.limit = 0; return policy }
  if (!isPlainObject(retry)) throw new ConfigError('retry', 'expected false or { limit, methods, statuses, delay, maxDelay }')
  var count = function (name, value) {
    if (value === undefined) return policy[name]
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity || Math.floor(value) !== value) throw new ConfigError('retry.' + name, show(value) + ' is not a whole number ≥ 0')
    return value
  }
  policy.limit = Math.min(count('limit', retry.limit), 1000)
  policy.delay = count('delay', retry.delay)
  policy.maxDelay = count('maxDelay', retry.maxDelay)
  if (retry.methods !== undefined) {
    if (!Array.isArray(retry.methods)) throw new ConfigError('retry.methods', 'expected an array of methods')
    policy.methods = 0
    retry.methods.forEach(function (m) {
      try { policy.methods |= 1 << methodCode(m) } catch (e) { throw new ConfigError('retry.methods', show(m) + ' is not a method') }
    })
  }
  if (retry.statuses !== undefined) {
    if (!Array.isArray(retry.statuses)) throw new ConfigError('retry.statuses', 'expected an array of statuses')
    retry.statuses.forEach(function (s) {
      if (typeof s !== 'number' || !(s >= 100 && s <= 599) || Math.floor(s) !== s) throw new ConfigError('retry.statuses', show(s) + ' is not an HTTP status')
    })
    policy.statuses = retry.statuses.slice()
  }
  return policy
}

// The client options of `createHttp`, checked; `auth` is checked by auth.js.
function client(options) {
  var cfg = {}
  var base = options.baseURL
  if (base !== undefined && base !== null && typeof base !== 'string') throw new ConfigError('baseURL', 'expected a string')
  // In a browser a path names a place on the page's own origin (SPEC §13: `baseURL: '/api-root'`).
  if (base && base.charAt(0) === '/' && base.charAt(1) !== '/' && pageOrigin()) base = pageOrigin() + base
  if (base && !isAbsolute(base)) throw new ConfigError('baseURL', show(base) + ' is not an absolute URL' + (base.charAt(0) === '/' ? ' (a path is one only in a browser page)' : ''))
  cfg.baseURL = base || ''
  cfg.origin = origin(cfg.baseURL)
  cfg.header = checkHeader('header', options.header)
  cfg.lower = {}
  cfg.names = Object.keys(cfg.header)
  for (var name in cfg.header) cfg.lower[name.toLowerCase()] = name
  cfg.timeout = options.timeout === undefined ? 60000 : ms('timeout', options.timeout)
  var max = options.maxConcurrent === undefined ? 10 : options.maxConcurrent
  if (typeof max !== 'number' || !(max >= 1) || max > 1000 || Math.floor(max) !== max) throw new ConfigError('maxConcurrent', show(max) + ' is not a whole number ≥ 1')
  cfg.maxConcurrent = max
  if (options.validateStatus !== undefined && typeof options.validateStatus !== 'function') throw new ConfigError('validateStatus', 'expected a function')
  cfg.validateStatus = options.validateStatus
  cfg.retry = retryPolicy(options.retry)
  var storage = options.storage
  if (storage !== undefined && !isPlainObject(storage)) throw new ConfigError('storage', 'expected { namespace }')
  var namespace = storage && storage.namespace !== undefined ? storage.namespace : 'wxhttp'
  if (typeof namespace !== 'string') throw new ConfigError('storage.namespace', 'expected a string')
  if (!namespace) throw new ConfigError('storage.namespace', 'it is empty')
  cfg.namespace = namespace
  cfg.debug = bool('debug', options.debug) || false
  cfg.offlineFail = offline(options.offline, false)
  return cfg
}

// An upload's, a download's or a stream's own options, checked into `rec`; returns their names.
function files(api, config, rec) {
  var fn = function (option) {
    var value = config[option]
    if (value !== undefined && value !== null && typeof value !== 'function') throw new ConfigError(option, 'expected a function')
    return value || null
  }
  var path = config.filePath
  if (api === 1 || path !== undefined) {
    if (typeof path !== 'string' || !path) throw new ConfigError('filePath', 'expected a non-empty string')
  }
  rec.filePath = path
  if (api === 1) {
    if (typeof config.name !== 'string' || !config.name) throw new ConfigError('name', 'expected the form field name of the file')
    if (config.formData !== undefined && config.formData !== null && !isPlainObject(config.formData)) throw new ConfigError('formData', 'expected a plain object')
    rec.name = config.name
    rec.formData = config.formData || undefined
  }
  if (api === 3) {
    rec.onChunk = fn('onChunk')
    rec.onEvent = fn('onEvent')
    rec.sse = config.sse === undefined ? null : bool('sse', config.sse)
  } else rec.onProgress = fn('onProgress')
  return FILES[api]
}

// `offline`: 'wait' (hold requests while the device is offline) or 'fail' (SPEC §12).
function offline(value, otherwise) {
  if (value === undefined || value === null) return otherwise
  if (value === 'wait' || value === 'fail') return value === 'fail'
  throw new ConfigError('offline', show(value) + " is not 'wait' or 'fail'")
}

// One request's options, checked and resolved against the client into `rec` (what the driver
// sends). Runs for every request: no regexes, no allocation it can avoid.
function request(cfg, config, rec) {
  if (!isPlainObject(config)) throw new ConfigError('', 'Invalid options: expected an object with `url`')
  // Each option is read once; the common case (absent) costs no call.
  var m = config.method
  var method = m === 'GET' || m === undefined || m === null ? 0 : methodCode(m)
  var url = config.url
  if (typeof url !== 'string') throw new ConfigError('url', 'expected a string')
  if (!url) throw new ConfigError('url', 'it is empty')
  var t = config.timeout
  var timeout = t === undefined || t === null ? cfg.timeout : ms('timeout', t)
  var h = config.header
  var own = h === undefined || h === null ? NONE : checkHeader('header', h)
  var p = config.params
  var query = p === undefined || p === null ? NO_PAIRS : params(p)
  var retry = -1
  var noRetry = false
  var r = config.retry
  if (r === false) noRetry = true
  else if (typeof r === 'number' && r >= 0 && Math.floor(r) === r && r !== Infinity) retry = Math.min(r, 1000)
  else if (isPlainObject(r) && typeof r.limit === 'number' && r.limit >= 0 && Math.floor(r.limit) === r.limit && r.limit !== Infinity) retry = Math.min(r.limit, 1000)
  else if (r !== undefined && r !== null && r !== true) throw new ConfigError('retry', 'expected false, a whole number ≥ 0 or { limit }')
  var auth = config.auth
  if (auth !== undefined) auth = bool('auth', auth)
  var dedupe = config.dedupe
  if (dedupe !== undefined) dedupe = bool('dedupe', dedupe)
  var o = config.offline
  var offlineFail = o === undefined ? cfg.offlineFail : offline(o, cfg.offlineFail)
  var cacheTtl
  var cache = config.cache
  if (cache !== undefined && cache !== null) {
    if (method !== METHODS.GET) throw new ConfigError('cache', 'only GET responses are cached, not ' + String(config.method).toUpperCase())
    var ttl = cache.ttl
    if (typeof ttl !== 'number' || !(ttl > 0) || ttl === Infinity) throw new ConfigError('cache', 'expected { ttl } with ttl a positive number of ms')
    cacheTtl = ttl
  }
  // With a base URL (absolute, checked at creation), a relative URL joins to an absolute one.
  var joined = url
  if (!isAbsolute(url)) {
    if (!cfg.baseURL) throw new ConfigError('url', show(url) + ' is relative and no `baseURL` is set')
    joined = join(cfg.baseURL, url)
  }
  var header = {}
  var name
  var mine = false
  for (var i = 0; i < cfg.names.length; i++) header[cfg.names[i]] = cfg.header[cfg.names[i]]
  if (own !== NONE) for (name in own) {
    var same = cfg.lower[name.toLowerCase()]
    if (same !== undefined && same !== name) delete header[same]
    header[name] = own[name]
    mine = true
  }
  var extra
  var theirs = rec.api ? files(rec.api, config, rec) : null
  for (name in config) {
    if (!KNOWN[name] && !(theirs && theirs[name]) && Object.prototype.hasOwnProperty.call(config, name)) (extra = extra || {})[name] = config[name]
  }
  rec.method = method
  rec.methodName = NAMES[method]
  rec.url = query.length ? withQuery(joined, query) : joined
  rec.header = header
  rec.ownHeader = mine
  rec.data = config.data === null ? undefined : config.data
  rec.extra = extra
  rec.timeout = timeout
  rec.retry = retry
  rec.noRetry = noRetry
  rec.auth = auth !== false
  rec.dedupe = dedupe !== false
  rec.cacheTtl = cacheTtl
  rec.offlineFail = offlineFail
}

var NAMES = Object.keys(METHODS)

module.exports = {
  ConfigError: ConfigError, client: client, request: request, origin: origin, join: join, isAbsolute: isAbsolute,
  isPlainObject: isPlainObject, checkHeader: checkHeader, show: show, ms: ms,
}
