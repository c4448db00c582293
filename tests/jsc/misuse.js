// A misbehaving wx and a misusing app under JavaScriptCore without JIT (WeChat iOS), through
// the installed miniprogram_dist: a representative subset of tests/js/misuse.test.js, with
// fewer iterations. Every call must return a promise (never throw), settle exactly once with a
// RequestError of a sensible kind, leave no wx.request in flight, and leave the client and the
// shared wasm instance working (a fresh request on the same client and on a new one succeeds).
/* global test, assert, until, require, WxhttpBackend, WxhttpEmulator */
(function () {
  var BASE = 'https://api.example.com'
  // Calls per trigger (tests/js/misuse.test.js makes 2 000 of the cheap ones).
  var N = 100
  var AUTH = { login: { url: '/auth/login' } }

  // The reference backend in process; `/hang/...` never answers.
  function setup() {
    var backend = WxhttpBackend.createBackend()
    var wx = WxhttpEmulator.createWx({
      backend: backend,
      quiet: true,
      transport: function (req) {
        if (req.path.indexOf('/hang') === 0) return new Promise(function () {})
        return backend.handle({ method: req.method, path: req.path, query: req.query, header: req.header, body: req.body })
      },
    })
    return { backend: backend, wx: wx, emu: wx.__emu }
  }

  // `wx` with some methods replaced until `stop()`.
  function misbehaving(wx, overrides) {
    var on = true
    var out = Object.create(wx)
    Object.keys(overrides).forEach(function (name) {
      out[name] = function () { return (on ? overrides[name] : wx[name]).apply(on ? out : wx, arguments) }
    })
    return { wx: out, stop: function () { on = false } }
  }

  function revoked() {
    var r = Proxy.revocable({}, {})
    r.revoke()
    return r.proxy
  }
  var THROWN = [
    function () { return 'a string' },
    function () { return Object.create(null) },
    function () { return { toString: function () { throw new Error('toString threw') } } },
    revoked,
    function () { return undefined },
  ]

  function client(platform, more) {
    var options = { baseURL: BASE, platform: platform, maxConcurrent: 4 }
    for (var key in more || {}) options[key] = more[key]
    return require('wxhttp').createHttp(options)
  }


  // `n` calls made at once; each returns a promise with abort() (never throws), settles once and
  // passes `check(outcome, i)`.
  function storm(n, make, check) {
    var settled = 0
    var list = []
    for (var i = 0; i < n; i++) {
      var promise
      try {
        promise = make(i)
      } catch (e) {
        throw new Error('call ' + i + ' threw synchronously: ' + String(e && e.message))
      }
      assert(promise && typeof promise.then === 'function', 'call ' + i + ' returned a promise')
      list.push(tally(promise, i))
    }
    function tally(promise, i) {
      var times = 0
      return promise.then(function (value) { return { ok: true, value: value } }, function (error) { return { ok: false, error: error } }).then(function (outcome) {
        times++
        settled++
        assert(times === 1, 'call ' + i + ' settled once')
        check(outcome, i)
      })
    }
    return Promise.all(list).then(function () { assert(settled === n, 'every call settled: ' + settled + '/' + n) })
  }

  function fails(kind, more) {
    return function (outcome, i) {
      assert(!outcome.ok, 'call ' + i + ' rejected')
      var e = outcome.error
      assert(require('wxhttp').isRequestError(e), 'call ' + i + ': a RequestError, got ' + String(e && e.message))
      assert(e.kind === kind, 'kind ' + kind + ', got ' + e.kind + ': ' + e.message)
      if (more) more(e)
    }
  }

  function succeeds(outcome, i) {
    assert(outcome.ok, 'call ' + i + ' resolved, got ' + (outcome.error && outcome.error.message))
  }

  // Nothing in flight, and a fresh request on the same client and on a new client succeeds.
  function healthy(env, http, path, options) {
    return until(function () { return env.emu.inFlight === 0 }, 'no wx.request in flight').then(function () {
      return http.get(path || '/public/after', options)
    }).then(function (res) {
      assert(res.statusCode === 200 && res.data.code === 10000, 'the same client works')
      return client(env.wx).get('/public/new-client')
    }).then(function (res) {
      assert(res.statusCode === 200, 'a new client works')
    })
  }

  // Runs `steps` (functions returning promises) one after another.
  function series(steps) {
    return steps.reduce(function (p, step) { return p.then(step) }, Promise.resolve())
  }

  test('misuse: no call throws synchronously, whatever the options hold; abort() neither', function () {
    var env = setup()
    var http = client(env.wx)
    // The slow path too: with interceptors, the options are read before they run.
    var slow = client(env.wx)
    slow.interceptors.request.use(function (config) { return config })
    var getter = {}
    Object.defineProperty(getter, 'timeout', { enumerable: true, get: function () { throw new Error('getter') } })
    var url = {}
    Object.defineProperty(url, 'url', { get: function () { throw 'url getter' } }) // eslint-disable-line no-throw-literal
    var calls = [
      function (http) { return http.get() },
      function (http) { return http.request(null) },
      function (http) { return http.get(Symbol('url')) },
      function (http) { return http.get('/public/x', getter) },
      function (http) { return http.request(url) },
      function (http) { return http.get('/public/x', new Proxy({}, { ownKeys: function () { throw new Error('ownKeys') } })) },
      function (http) { return http.get('/public/x', { header: new Proxy({ 'X-A': '1' }, { get: function () { throw new Error('get') } }) }) },
      function (http) { return http.request(revoked()) },
      function () { return client(env.wx, { header: new Proxy({}, { ownKeys: function () { throw new Error('trap') } }) }).get('/public/x') },
    ]
    return storm(calls.length * 20, function (i) {
      var p = calls[i % calls.length](Math.floor(i / calls.length) % 2 ? slow : http)
      if (i % 3 === 0) p.abort()
      return p
    }, function (outcome, i) {
      // Aborted before its interceptors ran (slow path), or refused at once: config.
      assert(!outcome.ok && require('wxhttp').isRequestError(outcome.error), 'call ' + i + ' rejected with a RequestError')
      assert(outcome.error.kind === 'config' || outcome.error.kind === 'aborted', outcome.error.message)
    }).then(function () {
      assert(env.emu.requests === 0, 'nothing reached wx.request')
      return healthy(env, http)
    })
  })

  test('misuse: request interceptors returning undefined, null, a number, or throwing what is no Error', function () {
    var env = setup()
    var bad = [function () {}, function () { return null }, function () { return 42 }].concat(THROWN.map(function (make) {
      return function () { throw make() }
    }))
    return series(bad.map(function (interceptor) {
      return function () {
        var http = client(env.wx)
        var id = http.interceptors.request.use(interceptor)
        return storm(N, function (i) { return http.get('/public/i/' + i) }, fails('interceptor')).then(function () {
          assert(env.emu.requests === 0, 'nothing was sent')
          http.interceptors.request.eject(id)
          return healthy(env, http)
        }).then(function () { env.emu.reset() })
      }
    }))
  })

  test('misuse: response interceptors throwing anything, or never settling (small timeout)', function () {
    var env = setup()
    var bad = THROWN.map(function (make) { return function () { throw make() } }).concat([function () { return new Promise(function () {}) }])
    return series(bad.map(function (interceptor) {
      return function () {
        var http = client(env.wx)
        var id = http.interceptors.response.use(interceptor)
        return storm(N, function (i) { return http.get('/public/r/' + i, { timeout: 50 }) }, fails('interceptor')).then(function () {
          http.interceptors.response.eject(id)
          return healthy(env, http)
        })
      }
    }))
  })

  test('misuse: wx.request success(), success(null), twice, then fail, fail then success, throwing, hostile results', function () {
    var env = setup()
    var OK = { statusCode: 200, data: { code: 10000 }, header: {} }
    // [resolves, misbehaviour, flavours]: `sync` answers inside wx.request, `async` in place of
    // the emulator's answer.
    var both = ['sync', 'async']
    var faults = [
      [false, function (o) { o.success() }, both],
      [false, function (o) { o.success(null) }, both],
      [false, function (o) { o.success(new Proxy({}, { get: function () { throw new Error('hostile') } })) }, both],
      [true, function (o) { o.success(OK); o.success({ statusCode: 500 }) }, both],
      [true, function (o) { o.success(OK); o.fail({ errMsg: 'request:fail late' }) }, both],
      [false, function (o) { o.fail({ errMsg: 'request:fail first' }); o.success(OK) }, both],
      [false, function (o) { o.fail(revoked()) }, both],
      [false, function () { throw Object.create(null) }, ['sync']],
      [false, function (o) { env.wx.request(o); throw 'after sending' }, ['sync']], // eslint-disable-line no-throw-literal
    ]
    var steps = []
    faults.forEach(function (fault) {
      fault[2].forEach(function (flavour) {
        steps.push(function () {
          var sent = 0
          var bad = misbehaving(env.wx, {
            request: function (o) {
              sent++
              if (flavour === 'sync') {
                var task = fault[1](o)
                return task || { abort: function () {} }
              }
              var answer = {}
              for (var k in o) answer[k] = o[k]
              answer.success = function () { fault[1]({ success: o.success, fail: o.fail }) }
              return env.wx.request(answer)
            },
          })
          var http = client(bad.wx, { retry: { limit: 1, delay: 0 } })
          return storm(N, function (i) { return http.get('/public/w/' + i) }, fault[0] ? succeeds : fails('network')).then(function () {
            assert(sent === (fault[0] ? N : 2 * N), 'retried once each when failed: ' + sent)
            bad.stop()
            return healthy(env, http)
          })
        })
      })
    })
    return series(steps)
  })

  test('misuse: no task, a throwing task.abort(): timeout and abort still settle; a 503 with header null', function () {
    var env = setup()
    var tasks = [
      function (o) { env.wx.request(o) },
      function (o) { var t = env.wx.request(o); return { abort: function () { t.abort(); throw new Error('abort threw') } } },
      function () { return { abort: function () { throw 'no' } } }, // eslint-disable-line no-throw-literal
    ]
    return series(tasks.map(function (request) {
      return function () {
        var bad = misbehaving(env.wx, { request: request })
        var http = client(bad.wx, { retry: false, maxConcurrent: 20 })
        return storm(N, function (i) { return http.get('/hang/t/' + i, { timeout: 20 }) }, fails('timeout')).then(function () {
          return storm(N, function (i) {
            var p = http.get('/hang/a/' + i, { timeout: 100 })
            Promise.resolve().then(function () { p.abort() })
            return p
          }, fails('aborted'))
        }).then(function () {
          bad.stop()
          return healthy(env, http)
        })
      }
    })).then(function () {
      var seen = {}
      var bad = misbehaving(env.wx, {
        request: function (o) {
          var first = !seen[o.url]
          seen[o.url] = true
          var answer = {}
          for (var k in o) answer[k] = o[k]
          answer.success = function (res) { o.success({ statusCode: first ? 503 : res.statusCode, data: res.data, header: null }) }
          return env.wx.request(answer)
        },
      })
      var http = client(bad.wx, { retry: { limit: 2, delay: 0 } })
      return storm(N, function (i) { return http.get('/public/flaky/' + i) }, function (outcome, i) {
        succeeds(outcome, i)
        assert(outcome.value.header === null, 'header null')
      }).then(function () {
        bad.stop()
        return healthy(env, http)
      })
    })
  })

  // jsc's stack is deep: nested, the old driver overflowed between 10 000 and 20 000 cached GETs.
  test('misuse: the stack stays flat: 1000 zero-delay retries of a wx failing at once; 20 000 cached GETs released by one login', function () {
    var env = setup()
    var sent = 0
    var bad = misbehaving(env.wx, { request: function (o) { sent++; o.fail({ errMsg: 'request:fail at once' }) } })
    var http = client(bad.wx, { retry: { limit: 1000, delay: 0 } })
    return storm(2, function (i) { return http.get('/public/deep/' + i) }, fails('network')).then(function () {
      assert(sent === 2002, 'every retry made: ' + sent)
      bad.stop()
      return healthy(env, http)
    }).then(function () {
      var dropped = misbehaving(env.wx, { setStorageSync: function () {} })
      var authed = client(dropped.wx, { auth: AUTH, storage: { namespace: 'flat' } })
      return storm(20000, function (i) { return authed.get('/api/c/' + i, { cache: { ttl: 60000 } }) }, succeeds).then(function () {
        assert(env.emu.logins === 1, 'one login')
        return healthy(env, authed, '/api/after')
      })
    })
  })

  test('misuse: wx.login failing, throwing, never answering; wx.checkSession never answering after a relaunch', function () {
    var env = setup()
    var faults = [
      function (o) { Promise.resolve().then(function () { o.fail({ errMsg: 'login:fail system error' }) }) },
      function () { throw Object.create(null) },
      function (o) { Promise.resolve().then(function () { o.success({}) }) },
      function () {},
    ]
    var hooks = 0
    return series(faults.map(function (login, k) {
      return function () {
        var bad = misbehaving(env.wx, { login: login })
        var http = client(bad.wx, { retry: false, storage: { namespace: 'login-' + k }, auth: { login: AUTH.login, loginTimeout: 10, onLoginFailed: function () { hooks++; throw 'hook' } } }) // eslint-disable-line no-throw-literal
        return series([0, 1, 2].map(function () {
          return function () { return storm(k === 1 ? 1 : 4, function (i) { return http.get('/api/l/' + i) }, fails('login')) }
        })).then(function () {
          bad.stop()
          return healthy(env, http, '/api/after')
        })
      }
    })).then(function () {
      assert(hooks === faults.length * 3, 'onLoginFailed once per episode: ' + hooks)
      // A relaunch with a stored token: wx.checkSession never answers.
      env.wx.setStorageSync('relaunch:auth', { wxhttp: 1, saved: Date.now(), expires: null, value: { token: 'stored', expiresAt: null, userId: 'user-1' } })
      var bad = misbehaving(env.wx, { checkSession: function () {} })
      var http = client(bad.wx, { retry: false, storage: { namespace: 'relaunch' }, auth: { login: AUTH.login, loginTimeout: 10 } })
      return storm(4, function (i) { return http.get('/api/s/' + i) }, fails('login')).then(function () {
        return healthy(env, http, '/api/after')
      })
    })
  })

  test('misuse: setStorageSync throwing; junk under the token and cache keys', function () {
    var env = setup()
    var n = 0
    var bad = misbehaving(env.wx, { setStorageSync: function () { throw THROWN[n++ % THROWN.length]() } })
    var http = client(bad.wx, { storage: { namespace: 'ro' }, auth: AUTH })
    return storm(N, function (i) { return http.get('/api/c/' + (i % 4), { cache: { ttl: 60000 } }) }, succeeds).then(function () {
      return Promise.all([1, 2, 3].map(function (i) {
        return http.storage.set('k' + i, i).then(function () { throw new Error('set resolved') }, function (e) {
          assert(e instanceof Error && e.code === 'Failed', 'storage.set rejects with code Failed: ' + e.message)
        })
      }))
    }).then(function () {
      assert(env.wx.getStorageInfoSync().keys.length === 0, 'nothing stored')
      bad.stop()
      return healthy(env, http, '/api/after')
    }).then(function () {
      var now = Date.now()
      var junk = ['junk', 42, [], {}, { wxhttp: 1 }, { wxhttp: 1, saved: now, expires: null, value: null }, { wxhttp: 1, saved: now, expires: null, value: { token: 42 } }]
      return series(junk.map(function (value) {
        return function () {
          env.wx.setStorageSync('junk:auth', value)
          var authed = client(env.wx, { storage: { namespace: 'junk' }, auth: AUTH })
          return authed.get('/api/j', { cache: { ttl: 60000 } }).then(function () {
            var key = env.wx.getStorageInfoSync().keys.filter(function (k) { return k.indexOf('junk:cache:') === 0 })[0]
            assert(key, 'a cache entry')
            env.wx.setStorageSync(key, value)
            var sent = env.backend.stats.byPath['/api/j']
            return authed.get('/api/j', { cache: { ttl: 60000 } }).then(function (res) {
              assert(res.data.code === 10000 && env.backend.stats.byPath['/api/j'] === sent + 1, 'junk in the cache is a miss')
            })
          })
        }
      }))
    })
  })

  test('misuse: validateStatus, isExpired and the login function throwing; debug with a throwing console.log', function () {
    var env = setup()
    var strict = client(env.wx, { retry: false, validateStatus: function () { throw Object.create(null) } })
    // WeChat has a console; the jsc shell has none: one whose log throws, for this test only.
    var realConsole = globalThis.console
    return storm(N, function (i) { return strict.get('/public/v/' + i) }, fails('http')).then(function () {
      var judging = client(env.wx, { retry: false, storage: { namespace: 'ie' }, auth: { login: AUTH.login, isExpired: function () { throw 'no' } } }) // eslint-disable-line no-throw-literal
      return storm(N, function (i) { return judging.get('/api/e/' + i) }, succeeds)
    }).then(function () {
      var broken = client(env.wx, { retry: false, storage: { namespace: 'fn' }, auth: { login: function () { throw revoked() }, loginTimeout: 10 } })
      return storm(4, function (i) { return broken.get('/api/f/' + i) }, fails('login')).then(function () {
        return healthy(env, broken, '/public/after', { auth: false })
      })
    }).then(function () {
      var lines = 0
      globalThis.console = { log: function () { lines++; throw new Error('console is broken') } }
      var loud = client(env.wx, { debug: true, storage: { namespace: 'dbg' }, auth: AUTH })
      return storm(N, function (i) { return loud.get('/api/d/' + i) }, succeeds).then(function () {
        assert(lines >= N, 'it tried to log: ' + lines)
        globalThis.console = realConsole
        return healthy(env, loud, '/api/after')
      })
    }).then(function () {
      globalThis.console = realConsole
    }, function (e) {
      globalThis.console = realConsole
      throw e
    })
  })
})()
