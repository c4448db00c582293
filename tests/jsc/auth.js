// Silent login races (SPEC §6) under JavaScriptCore without JIT, through miniprogram_dist:
// single flight on a cold start and after expiry, failure fan-out, and the late expired answer
// (L3). A race is arranged by holding an answer on the in-process backend, never by sleeping.
/* global test, assert, require, WxhttpBackend, WxhttpEmulator */

var HOLD = 990001 // a latency that never elapses by itself: the answer waits for `release()`

// A backend whose `HOLD` latencies are kept until released, and a wx over it.
function heldEmulator(options) {
  var held = []
  var backendOptions = {
    setTimeout: function (fn, ms) {
      if (ms === HOLD) { held.push(fn); return 0 }
      return setTimeout(fn, ms)
    },
    clearTimeout: function (id) { if (id) clearTimeout(id) },
  }
  for (var key in options || {}) backendOptions[key] = options[key]
  var backend = WxhttpBackend.createBackend(backendOptions)
  var wx = WxhttpEmulator.createWx({ backend: backend, transport: 'inprocess', quiet: true })
  return {
    backend: backend,
    wx: wx,
    held: function () { return held.length },
    release: function () { held.splice(0).forEach(function (fn) { fn() }) },
  }
}

function client(env, auth) {
  var options = { login: { url: '/auth/login' } }
  for (var key in auth || {}) options[key] = auth[key]
  return require('wxhttp').createHttp({ baseURL: 'https://api.example.com', platform: env.wx, retry: false, auth: options })
}

// Resolves once `condition()` holds, polling on timers (so the backend's timers run too).
function waitFor(condition, what) {
  var deadline = Date.now() + 5000
  return new Promise(function (resolve, reject) {
    (function poll() {
      if (condition()) return resolve()
      if (Date.now() > deadline) return reject(new Error('timed out waiting for ' + what))
      setTimeout(poll, 1)
    })()
  })
}

function settleAll(promises) {
  return Promise.all(promises.map(function (p) {
    return p.then(function (value) { return { ok: true, value: value } }, function (error) { return { ok: false, error: error } })
  }))
}

function okUsers(results) {
  return results.filter(function (r) { return r.ok && r.value.data.code === 10000 }).map(function (r) { return r.value.data.data.userId })
}

function range(n) {
  var out = []
  for (var i = 0; i < n; i++) out.push(i)
  return out
}

test('L1 under jsc: 50 concurrent cold-start requests → one wx.login, one login request', function () {
  var env = heldEmulator()
  var http = client(env)
  return settleAll(range(50).map(function (i) { return http.get('/api/item/' + i) })).then(function (results) {
    var users = okUsers(results)
    assert(users.length === 50, '50 succeeded, got ' + users.length)
    assert(users.every(function (u) { return u === 'user-1' }), 'all user-1')
    assert(env.wx.__emu.loginCalls === 1, 'wx.login calls: ' + env.wx.__emu.loginCalls)
    assert(env.backend.stats.loginAttempts === 1 && env.backend.stats.logins === 1, 'login requests: ' + env.backend.stats.loginAttempts)
    var api = env.backend.log.filter(function (e) { return e.path.indexOf('/api/') === 0 })
    assert(api.length === 50 && api.every(function (e) { return e.token && e.code === 10000 }), 'nobody went out without the token')
  })
})

test('L2 under jsc: 20 concurrent requests after expiry → one re-login, all replayed', function () {
  var env = heldEmulator()
  var http = client(env)
  var t1
  return http.get('/api/warm').then(function () {
    t1 = http.getToken()
    env.backend.control.expireTokens()
    env.backend.control.expiryStyle('string') // { code: "99997" }: compared as a number
    return settleAll(range(20).map(function (i) { return http.get('/api/order/' + i) }))
  }).then(function (results) {
    assert(okUsers(results).length === 20, 'all 20 succeeded: ' + okUsers(results).length)
    assert(env.backend.stats.logins === 2, 'one re-login, logins: ' + env.backend.stats.logins)
    assert(env.wx.__emu.loginCalls === 2, 'wx.login calls: ' + env.wx.__emu.loginCalls)
    var t2 = http.getToken()
    assert(t2 && t2 !== t1, 'a new token')
    // The ten in flight replay once with T2; the ten queued behind them take the token when
    // they leave the queue (L10), after the re-login: T2 only.
    var replayed = 0
    range(20).forEach(function (i) {
      var sent = env.backend.log.filter(function (e) { return e.path === '/api/order/' + i })
      if (sent.length === 2) replayed++
      var ok = sent.length === 2 ? sent[0].token === t1 && sent[1].token === t2 : sent.length === 1 && sent[0].token === t2
      assert(ok, '/api/order/' + i + ' replayed once with the new token, or sent once with it')
    })
    assert(replayed === 10, 'the ten in flight were replayed: ' + replayed)
  })
})

test('L4 under jsc: a failed login rejects every waiting caller with kind login; the next logs in fresh', function () {
  var env = heldEmulator()
  var failures = 0
  var http = client(env, { onLoginFailed: function (e) { failures++; assert(e.kind === 'login', 'hook gets kind login') } })
  env.wx.__emu.failNextLogins(1)
  return settleAll(range(10).map(function (i) { return http.get('/api/f/' + i) })).then(function (results) {
    assert(results.every(function (r) { return !r.ok && r.error.kind === 'login' }), 'all rejected with kind login')
    assert(require('wxhttp').isRequestError(results[0].error), 'RequestError')
    assert(failures === 1, 'onLoginFailed once, got ' + failures)
    assert(env.wx.__emu.loginCalls === 1, 'wx.login not retried inside the episode')
    env.backend.control.failLogins(1)
    return settleAll(range(5).map(function (i) { return http.get('/api/g/' + i) }))
  }).then(function (results) {
    assert(results.every(function (r) { return !r.ok && r.error.kind === 'login' }), 'the login endpoint failing: kind login')
    assert(failures === 2, 'once per episode, got ' + failures)
    return http.get('/api/after')
  }).then(function (res) {
    assert(res.data.data.userId === 'user-1', 'recovered')
    assert(env.backend.stats.logins === 1 && env.wx.__emu.loginCalls === 3, 'a fresh login')
  })
})

test('L3 under jsc: a late expired answer for the old token replays with the new one, 0 extra logins', function () {
  var env = heldEmulator()
  var http = client(env)
  var t1, t2, slow
  return http.get('/api/warm').then(function () {
    t1 = http.getToken()
    env.backend.control.setLatency('/api/slow', HOLD)
    slow = http.get('/api/slow') // sent with T1, held on the server
    return waitFor(function () { return env.held() === 1 }, 'the slow request to reach the server')
  }).then(function () {
    env.backend.control.expireTokens()
    return settleAll(range(5).map(function (i) { return http.get('/api/fast/' + i) }))
  }).then(function (results) {
    assert(okUsers(results).length === 5, 'the fast requests re-logged in and succeeded')
    t2 = http.getToken()
    assert(t2 !== t1 && env.backend.stats.logins === 2, 'one re-login')
    env.backend.control.setLatency('/api/slow', 0)
    env.release() // now answered "expired": T1 is revoked
    return slow
  }).then(function (res) {
    assert(res.data.code === 10000 && res.data.data.userId === 'user-1', 'the slow request succeeded')
    assert(env.backend.stats.logins === 2 && env.wx.__emu.loginCalls === 2, 'no extra login: ' + env.backend.stats.logins)
    var sent = env.backend.log.filter(function (e) { return e.path === '/api/slow' })
    assert(sent.length === 2 && sent[0].token === t1 && sent[1].token === t2, 'replayed with T2')
  })
})

test('L12: two clients on one namespace, one session per user: one login for both, once per expiry', function () {
  var backend = WxhttpBackend.createBackend()
  // Every login revokes the tokens issued before it.
  var server = Object.create(backend)
  server.handle = function (req) {
    if (req.path === '/auth/login') backend.control.expireTokens()
    return backend.handle(req)
  }
  var env = { backend: backend, wx: WxhttpEmulator.createWx({ backend: server, transport: 'inprocess', quiet: true }) }
  var a = client(env)
  var b = client(env)
  function both(tag) {
    return settleAll(range(10).reduce(function (all, i) { return all.concat([a.get('/api/a' + tag + i), b.get('/api/b' + tag + i)]) }, []))
  }
  return both('x').then(function (results) {
    assert(okUsers(results).length === 20, 'all 20 succeed: ' + JSON.stringify(results.filter(function (r) { return !r.ok }).map(function (r) { return r.error.message })))
    assert(backend.stats.logins === 1, 'one login for both clients, got ' + backend.stats.logins)
    backend.control.expireTokens()
    return both('y')
  }).then(function (results) {
    assert(okUsers(results).length === 20, 'all 20 replayed')
    assert(backend.stats.logins === 2, 'one re-login for both, got ' + backend.stats.logins)
    assert(a.getToken() === b.getToken(), 'one token')
  })
})
