'use strict'
// The driver of one client: it does every effect the core asks for and reports every answer
// back as an event. One loop (`run`): after each event, execute commands until the core says
// there are none. The core decides; this file only sends, settles, times and stores. Every
// wx call goes through wx.js (inside `try`, callbacks once); every user callback runs inside
// `try`; a wasm call that traps marks the core broken and rejects what it held.

var P = require('./protocol.js')
var errors = require('./error.js')
var authLib = require('./auth.js')
var cache = require('./cache.js')
var files = require('./files.js')
var login = require('./login.js')
var Store = require('./storage.js').Store
var wxAdapter = require('./wx.js')

var OP = P.op
var R = P.reason

function now() { return Date.now() }

function log(line) {
  try { if (typeof console !== 'undefined') console.log(line) } catch (e) { /* logging is best effort */ }
}

// `engine`: the loaded core; `cfg`, `auth`: checked options; `wx`: the wx.js adapter;
// `group`: the namespace's shared login state (js/namespace.js), with `auth` only.
function createDriver(engine, cfg, auth, wx, group) {
  var x = engine.x
  var c = x.wx_create(cfg.maxConcurrent)
  var rp = cfg.retry
  x.wx_retry(c, rp.limit, rp.methods, rp.delay, rp.maxDelay, 0.2)
  rp.statuses.forEach(function (s) { x.wx_retry_status(c, s) })
  var store = new Store(wx, cfg.namespace, engine.fresh)
  var reqs = []
  var freeIds = []
  var calls = []
  var seq = 0
  var live = 0
  var timer = null
  var timerAt = Infinity
  var dead = null
  var event = null
  // The loop never re-enters itself: an event arriving while commands run (a cache lookup's
  // answer, wx answering at once, an app callback making a request) waits here and runs next.
  // Nested, 2 000 cached GETs released by one login, or a wx failing at once with zero-delay
  // retries, overflowed the stack — and an overflow thrown inside the wasm leaves this client's
  // core state half-updated (`broken`).
  var running = false
  var queued = []
  var d = {
    cfg: cfg, auth: auth, wx: wx, store: store, reqs: reqs, calls: calls, shares: Object.create(null), epoch: 0,
    session: { token: null, user: null, previousUser: null, expiresAt: NaN },
    fire: fire, log: cfg.debug ? log : null, group: group || null,
    episode: function () { return x.wx_episode(c) },
    validate: validate,
    hasToken: function () { return x.wx_token(c) === 1 },
  }
  var exchange = login.create(d)
  var member = exchange.member
  var cached = cache.create(d)

  if (auth) {
    x.wx_auth(c, auth.maxRelogin, auth.checkSession ? 1 : 0, auth.refreshAhead, auth.loginTimeout, auth.fn ? 1 : 0)
    var saved = store.get('auth')
    if (saved && typeof saved.token === 'string' && saved.token) {
      d.session.token = saved.token
      d.session.user = typeof saved.userId === 'string' ? saved.userId : null
      x.wx_restore(c, typeof saved.expiresAt === 'number' ? saved.expiresAt : NaN)
    }
  }

  // Runs an event (`call(x, c)` returns its first op) and every command after it, then the
  // events that arrived meanwhile.
  function fire(call, local) {
    if (dead) return
    if (member) member.catchUp()
    if (running) return void queued.push({ call: call, local: local })
    running = true
    try {
      step(call, local)
    } finally {
      close()
    }
  }

  // The end of every entry into the loop: the events queued meanwhile run, then the loop is
  // free again (in a `finally`, so a stack overflow cannot leave it taken).
  function close() {
    try {
      drain()
    } finally {
      running = false
      if (queued.length) leftover()
    }
    if (member && !dead) member.settle()
  }

  function step(call, local) {
    var outer = event
    if (local !== undefined) event = local
    try {
      run(call(x, c))
    } catch (e) {
      broken(e)
    }
    event = outer
  }

  function drain() {
    while (queued.length && !dead) {
      var next = queued.shift()
      step(next.call, next.local)
    }
  }

  // Events left when a stack overflow (the caller's stack nearly full) cut the loop short run
  // on the next turn; `running` itself is cleared in a `finally` by each entry.
  function leftover() {
    if (dead) queued.length = 0
    else Promise.resolve().then(function () { if (!running && queued.length) fire(function () { return 0 }) })
  }

  function run(op) {
    while (op !== 0) {
      var a = engine.args()
      var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3]
      try {
        exec(op, a0, a1, a2, a3)
      } catch (e) {
        internal(op, a0, a2, e)
      }
      op = x.wx_poll(c)
    }
  }

  function exec(op, a0, a1, a2, a3) {
    switch (op) {
      case OP.SEND: return send(a0, a1, reqs[a2], a3)
      case OP.RESOLVE: return resolve(a0, a1)
      case OP.REJECT: return reject(a0, a1, a2, a3)
      case OP.TIMER: return arm(a0)
      case OP.ABORT: return abortCall(a0, a1)
      case OP.CACHE_READ: return cached.read(reqs[a0])
      case OP.CACHE_WRITE: return cached.write(reqs[a0], event.res)
      case OP.DROP_CACHE: return cached.drop(a0)
      case OP.IDENTITY:
        d.epoch = a0
        d.shares = Object.create(null)
        return
      case OP.CODE_GIVE: return give(a0, a1)
      default: return exchange.exec(op, a0, a1, a2)
    }
  }

  function send(slot, serial, rec, attempt) {
    var withToken = attempt % 2 === 1
    var header = rec.header
    if (withToken) {
      header = {}
      for (var name in rec.header) header[name] = rec.header[name]
      header[auth.header] = auth.scheme + d.session.token
    }
    var options = { url: rec.url, method: rec.methodName, header: header, timeout: rec.timeout }
    if (rec.data !== undefined) options.data = rec.data
    if (rec.extra) for (var key in rec.extra) if (!(key in options)) options[key] = rec.extra[key]
    var call = { serial: serial, config: rec.config, auth: withToken, task: undefined, over: false, attempt: attempt >> 1, start: 0, line: null }
    if (d.log) {
      call.start = now()
      call.line = 'wxhttp ' + rec.methodName + ' ' + rec.url + ' → '
    }
    calls[slot] = call
    if (rec.api) {
      var id = rec.id
      call.task = files.send(d, rec, call, options, function (ok, res) {
        answered(slot, call, ok, ok ? res : wxAdapter.errMsgOf(res, 'request:fail'))
      }, function () {
        fire(function () { return x.wx_committed(c, id) })
      })
      return
    }
    // wx's two callbacks: the only closures a plain GET makes besides its promise's.
    options.success = function (res) { answered(slot, call, true, res) }
    options.fail = function (err) { answered(slot, call, false, wxAdapter.errMsgOf(err, 'request:fail')) }
    call.task = wx.send(options)
  }

  function answered(slot, call, ok, res) {
    if (call.over || dead) return
    if (member) member.catchUp()
    call.over = true
    if (calls[slot] === call) calls[slot] = undefined
    if (!ok) return failed(call, slot, res)
    // A result with no numeric statusCode, or whose getters throw (wx's, or a body's), is a
    // failed call: never an exception thrown back into wx that leaves the request to its timeout.
    try {
      var status = res && typeof res === 'object' ? res.statusCode : undefined
      if (typeof status !== 'number') return failed(call, slot, 'request:fail the success result has no statusCode')
      var valid = validate(status)
      var flags = valid ? P.answer.VALID : 0
      if (call.auth && authLib.expired(auth, res, call.config)) flags |= P.answer.EXPIRED
      var retryAfter = valid ? -1 : cache.retryAfter(res.header, now())
    } catch (e) {
      return failed(call, slot, 'request:fail the success result could not be read (' + errors.text(e) + ')')
    }
    if (call.line) d.log(call.line + status + ' (attempt ' + call.attempt + ', ' + (now() - call.start) + ' ms)')
    var answer = { res: res }
    if (running) return fire(function () { return x.wx_response(c, slot, call.serial, status, flags, retryAfter, now()) }, answer)
    // The hot path: no closure, the wasm call inside the same `try` as `fire`'s.
    running = true
    var outer = event
    event = answer
    try {
      run(x.wx_response(c, slot, call.serial, status, flags, retryAfter, now()))
    } catch (e) {
      broken(e)
    } finally {
      event = outer
      close()
    }
  }

  function failed(call, slot, errMsg) {
    var F = P.failure
    var what = /interrupted/i.test(errMsg) ? F.INTERRUPTED : /timeout|timed out/i.test(errMsg) ? F.TIMEOUT : /abort/i.test(errMsg) ? F.ABORTED : F.NETWORK
    if (call.line) d.log(call.line + ['network', 'timeout', 'aborted', 'network'][what] + ' (' + errMsg + ') (attempt ' + call.attempt + ', ' + (now() - call.start) + ' ms)')
    fire(function () { return x.wx_failure(c, slot, call.serial, what, now()) }, { errMsg: errMsg })
  }

  function validate(status) {
    if (!cfg.validateStatus) return status >= 200 && status < 300
    try { return !!cfg.validateStatus(status) } catch (e) { return false }
  }

  function abortCall(slot, serial) {
    var call = calls[slot]
    if (!call || call.serial !== serial) return
    calls[slot] = undefined
    call.over = true
    if (call.line) d.log(call.line + 'aborted (attempt ' + call.attempt + ', ' + (now() - call.start) + ' ms)')
    wx.abort(call.task)
  }

  // The core is done with `id`: the record goes, its id is free again.
  function release(id) {
    var rec = reqs[id]
    if (!rec) return null
    reqs[id] = undefined
    freeIds.push(id)
    if (--live === 0 && timer && typeof timer.unref === 'function') timer.unref()
    if (rec.key && d.shares[rec.key] === rec) delete d.shares[rec.key]
    return rec
  }

  function settle(rec, ok, value) {
    if (rec.settled) return
    rec.settled = true
    rec.done(ok, value)
  }

  function resolve(id, source) {
    var rec = release(id)
    if (!rec) return
    var value
    if (source === 0) value = rec.api ? files.value(rec, event.res) : errors.toResponse(event.res, rec.config)
    else if (source === 1) value = { data: cache.copy(event.res.data), statusCode: event.res.statusCode, header: event.res.header, config: rec.config }
    else if (source === 2) value = errors.toResponse(rec.cached, rec.config)
    settle(rec, true, value)
  }

  function reject(id, why, detail, copy) {
    var rec = release(id)
    if (rec) settle(rec, false, rejection(rec, why, detail, copy))
  }

  function rejection(rec, why, detail, copy) {
    var failure = why === R.LOGIN_FAILED ? exchange.failure(detail) : why === R.CODE_FAILED ? exchange.codeFailure(detail) : null
    var what = errors.what(why, detail, event, failure)
    var fields = { kind: errors.KINDS[why], message: rec.bare ? what : what + ': ' + rec.methodName + ' ' + rec.url }
    if (failure) {
      fields.errMsg = failure.errMsg
      fields.statusCode = failure.statusCode
      fields.response = failure.response
    } else if (event && event.res && (why === R.HTTP || why === R.AUTH)) {
      var res = event.res
      fields.statusCode = res.statusCode
      fields.response = { data: copy ? cache.copy(res.data) : res.data, statusCode: res.statusCode, header: res.header, config: rec.config }
    } else if (event && (why === R.NETWORK || why === R.TIMEOUT || why === R.WX_ABORTED || why === R.OFFLINE)) {
      fields.errMsg = event.errMsg
    }
    if (why === R.OFFLINE || why === R.TIMEOUT_OFFLINE) fields.offline = true
    return errors.RequestError(fields, rec.config)
  }

  function give(id, fetch) {
    var rec = release(id)
    if (rec) settle(rec, true, exchange.code(fetch))
  }

  // A driver bug while executing a command: that request rejects, the core lets it go.
  function internal(op, a0, a2, e) {
    if (op === OP.SEND) {
      var call = calls[a0]
      if (call) call.over = true
      var serial = call ? call.serial : 0
      return fire(function () { return x.wx_failure(c, a0, serial, P.failure.NETWORK, now()) }, { errMsg: 'request:fail ' + errors.text(e) })
    }
    var id = op === OP.RESOLVE || op === OP.REJECT || op === OP.CACHE_READ || op === OP.CACHE_WRITE || op === OP.CODE_GIVE ? a0 : -1
    var rec = reqs[id]
    if (!rec) return
    settle(rec, false, errors.RequestError({ kind: 'config', message: 'wxhttp: internal error (' + errors.text(e) + '): ' + rec.methodName + ' ' + rec.url }, rec.config))
    if (reqs[id] === rec) fire(function () { return x.wx_abort(c, id, now()) })
  }

  // The core trapped: it can no longer be trusted with anything.
  function broken(e) {
    dead = e
    if (member) member.abandon()
    reqs.forEach(function (rec) {
      if (rec) settle(rec, false, errors.RequestError({ kind: 'config', message: 'wxhttp: the core failed (' + errors.text(e) + '): ' + rec.methodName + ' ' + rec.url }, rec.config))
    })
  }

  function arm(at) {
    if (at >= timerAt) return
    if (timer !== null && typeof clearTimeout === 'function') clearTimeout(timer)
    timerAt = at
    timer = setTimeout(wake, Math.min(Math.max(0, at - now()), 2147483647))
    // Node: an idle client's timer never keeps the process alive.
    if (live === 0 && timer && typeof timer.unref === 'function') timer.unref()
  }

  function wake() {
    timer = null
    timerAt = Infinity
    fire(function () { return x.wx_wake(c, now()) })
  }

  return {
    // Hands a prepared record to the core. `rec.done(ok, value)` runs once when it settles.
    submit: function (rec, flags, share) {
      if (dead) return settle(rec, false, errors.RequestError({ kind: 'config', message: 'wxhttp: the core failed (' + errors.text(dead) + ')' }, rec.config))
      if (member) member.catchUp()
      var id = freeIds.length ? freeIds.pop() : reqs.length
      rec.id = id
      rec.seq = ++seq
      reqs[id] = rec
      if (live++ === 0 && timer && typeof timer.ref === 'function') timer.ref()
      var leader = share ? d.shares[share] : undefined
      if (share && !leader) {
        d.shares[share] = rec
        rec.key = share
      }
      var to = leader ? leader.id : P.NIL
      var toSeq = leader ? leader.seq : 0
      if (running) return fire(function () { return x.wx_submit(c, id, rec.seq, flags, rec.timeout, rec.retry, to, toSeq, now()) })
      running = true
      try {
        run(x.wx_submit(c, id, rec.seq, flags, rec.timeout, rec.retry, to, toSeq, now()))
      } catch (e) {
        broken(e)
      } finally {
        close()
      }
    },
    abort: function (rec) {
      if (rec.settled) return
      if (rec.id === undefined || reqs[rec.id] !== rec) return settle(rec, false, errors.RequestError({ kind: 'aborted', message: 'Request aborted: ' + rec.methodName + ' ' + rec.url }, rec.config))
      fire(function () { return x.wx_abort(c, rec.id, now()) })
    },
    app: function (shown) { fire(function () { return x.wx_app(c, shown ? 1 : 0, now()) }) },
    network: function (online) { fire(function () { return x.wx_network(c, online ? 1 : 0, now()) }) },
    logout: function () { fire(function () { return x.wx_logout(c, now()) }) },
    codeTake: function (rec) { this.submitCode(rec, x.wx_code_take) },
    codePrefetch: function (rec) { this.submitCode(rec, x.wx_code_prefetch) },
    submitCode: function (rec, event) {
      if (dead) return settle(rec, false, errors.RequestError({ kind: 'config', message: 'wxhttp: the core failed (' + errors.text(dead) + ')' }, undefined))
      var id = freeIds.length ? freeIds.pop() : reqs.length
      rec.id = id
      reqs[id] = rec
      live++
      fire(function () { return event(c, id, now()) })
    },
    hasToken: function () { return !dead && x.wx_token(c) === 1 },
    session: d.session,
    store: store,
    epoch: function () { return d.epoch },
  }
}

module.exports = { createDriver: createDriver }
