// The request pipeline under JavaScriptCore without JIT (WeChat iOS): sharing, the concurrency
// limit, retry, timeout, abort and interceptors through the installed miniprogram_dist.
/* global test, assert, until, emulator, require */
(function () {
  var BASE = 'https://api.example.com'


  function settle(promise) {
    return promise.then(function (value) { return { ok: true, value: value } }, function (error) { return { ok: false, error: error } })
  }

  function all(n, make) {
    var list = []
    for (var i = 0; i < n; i++) list.push(make(i))
    return Promise.all(list)
  }

  test('pipeline: identical concurrent GETs share one wx.request; dedupe: false does not', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    env.backend.control.setLatency('/public/shared', 20)
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx })
    return all(10, function () { return http.get('/public/shared') }).then(function (results) {
      assert(env.backend.stats.byPath['/public/shared'] === 1, 'one request, got ' + env.backend.stats.byPath['/public/shared'])
      assert(results[9].data.data.n === results[0].data.data.n, 'the same answer')
      return all(4, function () { return http.get('/public/shared', { dedupe: false }) })
    }).then(function () {
      assert(env.backend.stats.byPath['/public/shared'] === 5, 'dedupe: false, got ' + env.backend.stats.byPath['/public/shared'])
      var callers = [http.get('/public/shared'), http.get('/public/shared'), http.get('/public/shared')]
      return until(function () { return env.wx.__emu.inFlight === 1 }, 'dispatch').then(function () {
        callers[0].abort()
        return Promise.all(callers.map(settle))
      })
    }).then(function (results) {
      assert(!results[0].ok && results[0].error.kind === 'aborted', 'the aborted sharer')
      assert(results[1].ok && results[2].ok, 'the other sharers resolve')
      assert(env.backend.stats.byPath['/public/shared'] === 6, 'still one request for the three')
    })
  })

  test('pipeline: at most maxConcurrent wx.requests in flight (10 by default), FIFO', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    env.backend.control.setLatency('/public/slow', 15)
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx })
    return all(25, function (i) { return http.get('/public/slow/' + i) }).then(function () {
      assert(env.backend.stats.maxInFlight === 10, 'max in flight ' + env.backend.stats.maxInFlight)
      var paths = env.wx.__emu.requestLog.map(function (r) { return r.path })
      for (var i = 0; i < 25; i++) assert(paths[i] === '/public/slow/' + i, 'FIFO at ' + i + ': ' + paths[i])
      var three = wxhttp.createHttp({ baseURL: BASE, platform: env.wx, maxConcurrent: 3 })
      env.backend.control.resetStats()
      return all(9, function (i) { return three.get('/public/slow/x' + i) })
    }).then(function () {
      assert(env.backend.stats.maxInFlight === 3, 'maxConcurrent 3: ' + env.backend.stats.maxInFlight)
      assert(env.wx.__emu.inFlight === 0, 'nothing left in flight')
    })
  })

  test('pipeline: a 503 GET is retried, a POST is not unless retry is explicit; interceptors run once', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    var control = env.backend.control
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx, retry: { limit: 2, delay: 1 } })
    var seen = { request: 0, response: 0 }
    http.interceptors.request.use(function (config) { seen.request++; return config })
    http.interceptors.response.use(function (res) { seen.response++; return res })
    control.failNext('/public/get', 2, 503)
    return http.get('/public/get').then(function (res) {
      assert(res.statusCode === 200, 'resolved after retries')
      assert(env.backend.stats.byPath['/public/get'] === 3, 'three attempts: ' + env.backend.stats.byPath['/public/get'])
      assert(seen.request === 1 && seen.response === 1, 'interceptors once: ' + JSON.stringify(seen))
      control.failNext('/public/post', 1, 503)
      return settle(http.post('/public/post', { a: 1 }))
    }).then(function (result) {
      assert(!result.ok && result.error.kind === 'http' && result.error.statusCode === 503, 'POST rejected')
      assert(env.backend.stats.byPath['/public/post'] === 1, 'POST not retried')
      control.failNext('/public/post2', 1, 503)
      return http.post('/public/post2', { a: 1 }, { retry: { limit: 1 } })
    }).then(function (res) {
      assert(res.statusCode === 200 && env.backend.stats.byPath['/public/post2'] === 2, 'explicit retry allows POST')
    })
  })

  test('pipeline: interceptors in order, async, ejectable; a throwing one rejects only its request', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx })
    var order = []
    http.interceptors.request.use(function (config) { order.push(1); return config })
    var id = http.interceptors.request.use(function (config) { order.push('ejected'); return config })
    http.interceptors.request.use(function (config) {
      return Promise.resolve().then(function () {
        order.push(2)
        if (config.url.indexOf('boom') >= 0) throw new Error('boom')
        return config
      })
    })
    http.interceptors.response.use(function (res) { order.push(3); return res.data })
    http.interceptors.request.eject(id)
    return Promise.all([settle(http.get('/public/boom')), settle(http.get('/public/ok'))]).then(function (results) {
      assert(!results[0].ok && results[0].error.kind === 'interceptor' && /boom/.test(results[0].error.message), 'kind interceptor')
      assert(results[1].ok && results[1].value.code === 10000, 'the other request transformed: ' + JSON.stringify(results[1].value))
      assert(order.indexOf('ejected') < 0, 'ejected interceptor never ran')
      assert(env.backend.stats.byPath['/public/boom'] === undefined, 'the failed request was never sent')
      return http.get('/public/after')
    }).then(function (data) {
      assert(data.code === 10000, 'the client keeps working')
    })
  })

  test('pipeline: timeout and abort reject with their kinds and leave nothing in flight', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    env.backend.control.setLatency('/public/hang', 600)
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx, retry: false, maxConcurrent: 1 })
    return settle(http.get('/public/hang', { timeout: 20 })).then(function (result) {
      assert(!result.ok && result.error.kind === 'timeout', 'kind timeout: ' + (result.error && result.error.kind))
      assert(wxhttp.isRequestError(result.error) && result.error.message.indexOf('GET ' + BASE + '/public/hang') >= 0, result.error.message)
      var running = http.get('/public/hang/2')
      var queued = http.get('/public/queued')
      return until(function () { return env.wx.__emu.inFlight === 1 }, 'dispatch').then(function () {
        queued.abort()
        running.abort()
        return Promise.all([settle(running), settle(queued)])
      })
    }).then(function (results) {
      assert(results[0].error.kind === 'aborted' && results[1].error.kind === 'aborted', 'both aborted')
      assert(env.wx.__emu.requestsByPath['/public/queued'] === undefined, 'the queued one was never sent')
      assert(env.wx.__emu.inFlight === 0, 'the RequestTask was aborted')
    })
  })
})()
