'use strict'
// The login exchange's effects (SPEC §6): `wx.checkSession`, `wx.login`, the login request or
// function, the token kept and persisted, `onLoginFailed`; and the login-code helpers (§9).
// The core orders each step (CHECK_SESSION, WX_LOGIN, LOGIN_SEND, LOGIN_CALL, …) and bounds
// the whole by `loginTimeout`; each answer goes back as an event for that episode number.

var P = require('./protocol.js')
var errors = require('./error.js')
var authLib = require('./auth.js')
var namespace = require('./namespace.js')

var OP = P.op

// `d`: the driver's shared state (options, session, store, `fire`).
function create(d) {
  var auth = d.auth
  var session = d.session
  var episode = { number: 0, code: null, previous: null, result: null }
  var lastFailure = null
  // Episodes whose login answered with a token, by number, until the core says which is kept
  // (SAVE_TOKEN names it: the report may run later, queued behind the event in progress).
  var answered = {}
  var codes = {}
  var codeErrors = {}
  // Episodes failed by another client's exchange (L12): that client ran `onLoginFailed`.
  var quiet = {}
  var member = d.group ? namespace.member(d, {
    check: checkSession,
    login: wxLogin,
    failure: failure,
    adopt: function (number, fields) {
      lastFailure = {}
      for (var key in fields) lastFailure[key] = fields[key]
      lastFailure.number = number
      quiet[number] = true
    },
  }) : null

  function fail(number, fields) {
    fields.number = number
    lastFailure = fields
    if (d.log) d.log('wxhttp login: failed (' + fields.message.replace(/^Login failed: /, '') + ')')
  }

  // Reports episode `number`'s outcome; `mine` is that episode (a late answer of an older one
  // must not read the current one's result: the core ignores it anyway).
  function answer(number, mine) {
    var result = mine.result
    var ok = !!result
    // One episode at a time: an older answer still here is one the core ignored.
    answered = {}
    if (ok) answered[number] = result
    // What the answer says of the user; the core decides whether that is a new identity (L9).
    var U = P.user
    var user = !ok ? U.SAME : result.userId === null ? U.NONE : result.userId !== session.user ? U.OTHER : U.SAME
    if (ok && d.log) d.log('wxhttp login: ok (user ' + (result.userId || 'unknown') + (result.expiresIn === result.expiresIn ? ', expires in ' + result.expiresIn + ' s' : '') + ')')
    d.fire(function (x, c) { return x.wx_logged_in(c, number, ok ? 1 : 0, ok ? result.expiresIn : NaN, user, Date.now()) })
  }

  function checkSession(number) {
    d.wx.checkSession(function (alive) {
      d.fire(function (x, c) { return x.wx_checked(c, number, alive ? 1 : 0, Date.now()) })
    })
  }

  function wxLogin(number, previous) {
    episode = { number: number, code: null, previous: previous ? session.token : null, result: null }
    var mine = episode
    d.wx.login(function (ok, value) {
      if (ok) mine.code = value
      else fail(number, { message: 'Login failed: wx.login failed (' + value + ')', errMsg: value })
      d.fire(function (x, c) { return x.wx_code(c, number, ok ? 1 : 0, Date.now()) })
    })
  }

  // The login request in concurrency slot `slot`: no interceptors, no token, no retry.
  function send(slot, serial, number) {
    var mine = episode
    var describe = auth.method + ' ' + auth.url
    var call = { serial: serial, over: false, task: undefined }
    d.calls[slot] = call
    if (d.log) d.log('wxhttp login: start')
    var start = Date.now()
    var options = {
      url: auth.url, method: auth.method, header: { 'content-type': 'application/json' },
      data: { code: mine.code, previousToken: mine.previous }, timeout: auth.loginTimeout,
    }
    call.task = d.wx.request(options, function (ok, res) {
      if (call.over) return
      call.over = true
      if (d.calls[slot] === call) d.calls[slot] = undefined
      var status = ok && res && typeof res === 'object' ? res.statusCode : undefined
      if (d.log) d.log('wxhttp ' + describe + ' → ' + (ok ? status : 'network (' + res + ')') + ' (attempt 1, ' + (Date.now() - start) + ' ms)')
      if (!ok || typeof status !== 'number') {
        var errMsg = ok ? 'request:fail the success result has no statusCode' : res
        var kind = /timeout|timed out/i.test(errMsg) ? 'Timeout' : 'Network error'
        fail(number, { message: 'Login failed: ' + kind + ' (' + errMsg + '): ' + describe, errMsg: errMsg })
        mine.result = null
        return answer(number, mine)
      }
      var response = errors.toResponse(res, undefined)
      var valid = d.validate(status)
      mine.result = valid ? authLib.fromBody(auth, res.data) : null
      if (!valid) fail(number, { message: 'Login failed: Request failed with status ' + status + ': ' + describe, statusCode: status, response: response })
      else if (!mine.result) fail(number, { message: 'Login failed: no token at `' + auth.tokenPath + '` in the login response: ' + describe, statusCode: status, response: response })
      answer(number, mine)
    })
  }

  // The app's login function: a throw, a rejection or a result without a token fails it.
  function callFunction(number) {
    var mine = episode
    new Promise(function (resolve) {
      resolve(auth.fn({ code: mine.code, previousToken: mine.previous }))
    }).then(function (value) {
      mine.result = value && typeof value === 'object' ? authLib.result(value.token, value.expiresIn, value.userId) : null
      if (!mine.result) fail(number, { message: 'Login failed: the login function gave no token' })
      answer(number, mine)
    }).catch(function (e) {
      fail(number, { message: 'Login failed: the login function failed (' + errors.text(e) + ')' })
      mine.result = null
      answer(number, mine)
    })
  }

  function saveToken(expiresAt, number) {
    var result = answered[number]
    delete answered[number]
    session.previousUser = session.user
    session.token = result.token
    session.expiresAt = expiresAt
    // Without a user id the login itself is the identity: cached answers go under no user.
    session.user = result.userId
    try {
      d.store.set('auth', { token: session.token, expiresAt: expiresAt === expiresAt ? expiresAt : null, userId: session.user })
    } catch (e) { /* the token then lives for this launch only */ }
  }

  function loginFailed(number) {
    if (quiet[number]) return void delete quiet[number]
    if (!auth.onLoginFailed) return
    var fields = failure(number)
    try {
      auth.onLoginFailed(errors.RequestError({ kind: 'login', message: fields.message, errMsg: fields.errMsg, statusCode: fields.statusCode, response: fields.response }, undefined))
    } catch (e) { /* the app's hook failing changes nothing here */ }
  }

  return {
    exec: function (op, a0, a1, a2) {
      switch (op) {
        case OP.CHECK_SESSION: return member ? member.begin(a0, true, false) : checkSession(a0)
        case OP.WX_LOGIN: return member ? member.begin(a0, false, a1 === 1) : wxLogin(a0, a1 === 1)
        case OP.LOGIN_SEND: return send(a0, a1, a2)
        case OP.LOGIN_CALL: return callFunction(a0)
        case OP.LOGIN_FAILED: return loginFailed(a0)
        case OP.SAVE_TOKEN: return saveToken(a0, a1)
        case OP.DROP_TOKEN:
          session.token = null
          session.user = null
          if (member) member.dropped()
          return d.store.remove('auth')
        case OP.CODE_FETCH: return fetchCode(a0)
        case OP.CODE_DROP:
          delete codes[a0]
          return
      }
    },
    failure: failure,
    member: member,
    codeFailure: function (fetch) {
      return { message: 'wx.login failed (' + codeErrors[fetch] + ')', errMsg: codeErrors[fetch] }
    },
    // The code of fetch `n`, used up.
    code: function (fetch) {
      var code = codes[fetch]
      delete codes[fetch]
      return code
    },
  }

  // The error fields of failed episode `number` (its deadline passed when nothing failed).
  function failure(number) {
    if (lastFailure && lastFailure.number === number) return lastFailure
    return { message: 'Login failed: no answer within ' + auth.loginTimeout + 'ms' }
  }

  function fetchCode(fetch) {
    d.wx.login(function (ok, value) {
      if (ok) codes[fetch] = value
      else codeErrors[fetch] = value
      d.fire(function (x, c) { return x.wx_code_got(c, fetch, ok ? 1 : 0, Date.now()) })
    })
  }
}

module.exports = { create: create }
