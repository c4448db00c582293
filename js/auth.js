'use strict'
// The string side of auth (SPEC §6): the `auth` options, whether an answer says "expired",
// which origins get the token, the login request's body and what its answer holds. The
// decisions (episodes, generations, replays, the rate window) are the core's.

var options = require('./options.js')
var errors = require('./error.js')
var ConfigError = options.ConfigError
var show = options.show

function get(object, path) {
  var value = object
  var parts = path.split('.')
  for (var i = 0; i < parts.length; i++) {
    if (value === null || typeof value !== 'object') return undefined
    value = value[parts[i]]
  }
  return value
}

function string(option, value, fallback) {
  if (value === undefined) return fallback
  if (typeof value !== 'string') throw new ConfigError(option, 'expected a string')
  return value
}

function list(option, value, fallback, check) {
  if (value === undefined) return fallback
  if (!Array.isArray(value) || !value.every(check)) throw new ConfigError(option, 'expected an array of ' + check.what)
  return value.slice()
}
function isScalar(v) { return typeof v === 'string' || typeof v === 'number' }
isScalar.what = 'numbers or strings'
function isString(v) { return typeof v === 'string' }
isString.what = 'strings'
function isStatus(v) { return typeof v === 'number' }
isStatus.what = 'statuses'

function fn(option, value) {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(option, 'expected a function')
  return value
}

function count(option, value, fallback) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity || Math.floor(value) !== value) throw new ConfigError(option, show(value) + ' is not a whole number ≥ 0')
  return value
}

// `auth` of createHttp, checked; `cfg` is the checked client options (for baseURL).
function config(auth, cfg) {
  if (auth === undefined || auth === null || auth === false) return null
  if (!options.isPlainObject(auth)) throw new ConfigError('auth', 'expected { login, … }')
  var out = { fn: null, url: '', method: 'POST' }
  var login = auth.login
  if (typeof login === 'function') out.fn = login
  else if (options.isPlainObject(login)) {
    if (typeof login.url !== 'string' || !login.url) throw new ConfigError('auth.login.url', 'expected a non-empty string')
    out.url = options.join(cfg.baseURL, login.url)
    if (!options.isAbsolute(out.url)) throw new ConfigError('auth.login.url', show(out.url) + ' is relative and no `baseURL` is set')
    out.method = string('auth.login.method', login.method, 'POST').toUpperCase()
    out.tokenPath = string('auth.login.tokenPath', login.tokenPath, 'data.token')
    out.expiresInPath = string('auth.login.expiresInPath', login.expiresInPath, 'data.expiresIn')
    out.userIdPath = string('auth.login.userIdPath', login.userIdPath, 'data.userId')
  } else throw new ConfigError('auth.login', 'expected { url } or a function ({ code, previousToken }) => ({ token })')
  out.header = string('auth.header', auth.header, 'Authorization')
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(out.header)) throw new ConfigError('auth.header', show(out.header) + ' is not a valid header name')
  out.scheme = string('auth.scheme', auth.scheme, '')
  if (/[\r\n\0]/.test(out.scheme)) throw new ConfigError('auth.scheme', 'it contains a line break')
  // Split once, so a response is judged without string work for the usual numeric `code`.
  out.codeNumbers = []
  out.codeTexts = []
  list('auth.expiredCodes', auth.expiredCodes, [99997], isScalar).forEach(function (c) {
    var text = String(c).trim()
    if (NUMBER.test(text)) out.codeNumbers.push(Number(text))
    else out.codeTexts.push(text)
  })
  out.messages = list('auth.expiredMessages', auth.expiredMessages, ['NO_LOGIN_SESSION'], isString)
  out.statuses = list('auth.expiredStatus', auth.expiredStatus, [401], isStatus)
  out.isExpired = fn('auth.isExpired', auth.isExpired)
  out.onLoginFailed = fn('auth.onLoginFailed', auth.onLoginFailed)
  out.maxRelogin = count('auth.maxRelogin', auth.maxRelogin, 1)
  out.refreshAhead = count('auth.refreshAhead', auth.refreshAhead, 0)
  out.loginTimeout = auth.loginTimeout === undefined ? 15000 : options.ms('auth.loginTimeout', auth.loginTimeout)
  var check = auth.checkSession === undefined ? true : auth.checkSession
  if (typeof check !== 'boolean') throw new ConfigError('auth.checkSession', 'expected true or false')
  out.checkSession = check
  out.origins = list('auth.origins', auth.origins, [], isString).map(function (o) {
    var origin = options.origin(o)
    if (!origin || origin !== o.toLowerCase().replace(/\/$/, '')) throw new ConfigError('auth.origins', show(o) + ' is not an origin like https://api.example.com')
    return origin
  })
  out.origins.push(cfg.origin)
  // baseURL's origin as written: a URL joined to baseURL starts with it (checked without
  // lowercasing or parsing, on every request).
  out.base = cfg.origin ? cfg.baseURL.slice(0, cfg.origin.length) : null
  return out
}

// Whether a request to `url` may carry the token (L7).
function allows(auth, url) {
  if (auth.base && url.lastIndexOf(auth.base, 0) === 0) {
    var next = url.charAt(auth.base.length)
    if (next === '' || next === '/' || next === '?' || next === '#') return true
  }
  var origin = options.origin(url)
  return origin !== null && auth.origins.indexOf(origin) >= 0
}

var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

// Whether a body's `code` is one of `expiredCodes`: `"99997"`, `99997` and `"99997.0"` alike;
// anything else compares as trimmed text.
function expiredCode(auth, code) {
  if (typeof code === 'number') return auth.codeNumbers.indexOf(code) >= 0
  if (typeof code !== 'string') return false
  var text = code.trim()
  return auth.codeTexts.indexOf(text) >= 0 || (NUMBER.test(text) && auth.codeNumbers.indexOf(Number(text)) >= 0)
}

// Whether wx's answer `res` says the token it carried has expired. A throwing `isExpired`
// counts as "no": the answer is then judged as any other.
function expired(auth, res, config) {
  if (auth.isExpired) {
    try { return !!auth.isExpired(errors.toResponse(res, config)) } catch (e) { return false }
  }
  if (auth.statuses.length && auth.statuses.indexOf(res.statusCode) >= 0) return true
  var body = res.data
  if (body === null || typeof body !== 'object') return false
  if (expiredCode(auth, body.code)) return true
  var message = body.message
  return typeof message === 'string' && auth.messages.indexOf(message) >= 0
}

// Token, expiry (s) and user id from a login answer or function result; a token must be a
// non-empty single-line string.
function result(token, expiresIn, userId) {
  if (typeof token !== 'string' || !token || /[\r\n\0]/.test(token)) return null
  var seconds = typeof expiresIn === 'number' ? expiresIn : typeof expiresIn === 'string' && expiresIn.trim() ? Number(expiresIn) : NaN
  var user = typeof userId === 'string' && userId ? userId : typeof userId === 'number' ? String(userId) : null
  return { token: token, expiresIn: seconds === seconds && seconds !== Infinity ? seconds : NaN, userId: user }
}

function fromBody(auth, body) {
  return result(get(body, auth.tokenPath), get(body, auth.expiresInPath), get(body, auth.userIdPath))
}

module.exports = { config: config, allows: allows, expired: expired, result: result, fromBody: fromBody }
