'use strict'
// RequestError (an Error with `kind`, recognised across realms), the response shape, and the
// messages: the core rejects with a reason number; the text is made here, from the reason and
// the request, never inside the wasm.

var reason = require('./protocol.js').reason

function RequestError(fields, config) {
  var error = new Error(fields.message)
  error.name = 'RequestError'
  error.kind = fields.kind
  error.errMsg = fields.errMsg
  error.statusCode = fields.statusCode
  error.response = fields.response
  error.config = config
  if (fields.cause !== undefined) error.cause = fields.cause
  if (fields.offline) error.offline = true
  return error
}

// Recognised across realms (another copy of the library, another page's context). Never
// throws: a thrown revoked Proxy or a throwing getter is simply not a RequestError.
function isRequestError(value) {
  try {
    return !!value && value.name === 'RequestError' && typeof value.kind === 'string' && typeof value.message === 'string'
  } catch (e) {
    return false
  }
}

function toResponse(res, config) {
  return { data: res.data, statusCode: res.statusCode, header: res.header, config: config }
}

// `METHOD url` as the caller gave them (before the request reached the core). Never throws:
// the caller's options may have throwing getters, or a url that is no string.
function describe(config) {
  try {
    var method = config && typeof config.method === 'string' ? config.method.toUpperCase() : 'GET'
    return method + ' ' + String(config && config.url)
  } catch (e) {
    return 'a request with unreadable options'
  }
}

// Text of anything thrown, never throwing itself (an object without toString, or whose
// toString throws, is still described).
function text(value) {
  try {
    if (value && typeof value.message === 'string') return value.message
    if (value && typeof value.errMsg === 'string') return value.errMsg
    return String(value)
  } catch (e) {
    try { return Object.prototype.toString.call(value) } catch (again) { return 'an unreadable value' }
  }
}

var KINDS = {}
KINDS[reason.NETWORK] = KINDS[reason.OFFLINE] = 'network'
KINDS[reason.TIMEOUT] = KINDS[reason.TIMEOUT_LOGIN] = KINDS[reason.TIMEOUT_HIDDEN] = KINDS[reason.TIMEOUT_OFFLINE] = 'timeout'
KINDS[reason.HTTP] = 'http'
KINDS[reason.AUTH] = 'auth'
KINDS[reason.LOGIN_FAILED] = KINDS[reason.LOGIN_LIMIT] = KINDS[reason.LOGGED_OUT] = KINDS[reason.CODE_FAILED] = 'login'
KINDS[reason.ABORTED] = KINDS[reason.WX_ABORTED] = 'aborted'
KINDS[reason.OVERLOAD] = 'config'

var LIMIT = 'Login refused: 10 logins in the last minute already'

// What happened, before `: METHOD url`. `event`: the current answer ({ errMsg, res });
// `login`: the failed episode's error fields.
function what(why, detail, event, login) {
  var errMsg = event && event.errMsg
  switch (why) {
    case reason.NETWORK: return 'Network error (' + (errMsg || 'request:fail') + ')'
    case reason.TIMEOUT: return errMsg ? 'Timeout (' + errMsg + ')' : 'Timeout of ' + detail + 'ms exceeded'
    case reason.TIMEOUT_LOGIN: return 'Timeout of ' + detail + 'ms exceeded waiting for the login'
    case reason.TIMEOUT_HIDDEN: return 'Timeout of ' + detail + 'ms exceeded while the app was in the background'
    case reason.TIMEOUT_OFFLINE: return 'Timeout of ' + detail + 'ms exceeded waiting for the network'
    case reason.OFFLINE: return 'Network error: the device is offline' + (errMsg ? ' (' + errMsg + ')' : '')
    case reason.HTTP: return 'Request failed with status ' + detail
    case reason.AUTH: return 'Still not authorised after ' + detail + ' re-login(s)'
    case reason.LOGIN_FAILED: return login.message
    case reason.LOGIN_LIMIT: return LIMIT
    case reason.LOGGED_OUT: return 'Login failed: logged out during the login'
    case reason.WX_ABORTED: return 'Aborted (' + errMsg + ')'
    case reason.CODE_FAILED: return login.message
    case reason.OVERLOAD: return 'Too many requests at once (65536 pending)'
    default: return 'Request aborted'
  }
}

module.exports = { RequestError: RequestError, isRequestError: isRequestError, toResponse: toResponse, describe: describe, text: text, KINDS: KINDS, what: what }
