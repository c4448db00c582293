// Storage with expiry and the response cache under JavaScriptCore without JIT (WeChat iOS).
// The library's clock is `Date.now()`: tests move it by replacing `Date.now` for a moment, by
// at most a few seconds (the harness' timers read the same clock), and always restore it.
/* global test, assert, emulator, require */
(function () {
  var BASE = 'https://api.example.com'
  var realNow = Date.now

  // Runs `body(clock)` with Date.now frozen; `clock.advance(ms)` moves it. Restores it after.
  function withClock(body) {
    var now = realNow.call(Date)
    Date.now = function () { return now }
    var clock = { now: function () { return now }, advance: function (ms) { now += ms } }
    var restore = function () { Date.now = realNow }
    return Promise.resolve().then(function () { return body(clock) }).then(
      function (value) { restore(); return value },
      function (error) { restore(); throw error }
    )
  }

  function fails(promise) {
    return promise.then(function () { throw new Error('resolved') }, function (e) { return e })
  }

  test('storage: set/get/has/keys/remove/clear in a namespace, the app\'s keys untouched', function () {
    var wxhttp = require('wxhttp')
    var wx = emulator().wx
    var s = wxhttp.createStorage({ namespace: 'app', platform: wx })
    wx.setStorageSync('own', 'the app\'s')
    return s.set('k', { list: [1, '二', null] }).then(function () {
      return Promise.all([s.get('k'), s.has('k'), s.has('nope'), s.get('nope'), s.keys()])
    }).then(function (r) {
      assert(JSON.stringify(r[0]) === '{"list":[1,"二",null]}', 'round trip: ' + JSON.stringify(r[0]))
      assert(r[1] === true && r[2] === false && r[3] === null, 'has/get missing')
      assert(JSON.stringify(r[4]) === '["k"]', 'keys without prefix: ' + JSON.stringify(r[4]))
      return s.remove('k')
    }).then(function () { return s.get('k') }).then(function (v) {
      assert(v === null, 'removed')
      return s.set('a', 1).then(function () { return s.clear() })
    }).then(function () {
      var keys = wx.getStorageInfoSync().keys
      assert(JSON.stringify(keys) === '["own"]', 'clear left only the app\'s key: ' + JSON.stringify(keys))
    })
  })

  test('storage: the envelope, TTL expiry at the boundary, sweep, and a clock going back', function () {
    var wxhttp = require('wxhttp')
    var wx = emulator().wx
    var s = wxhttp.createStorage({ platform: wx })
    return withClock(function (clock) {
      var t0 = clock.now()
      return Promise.all([s.set('a', 'A', { ttl: 1000 }), s.set('b', 'B', { ttl: 1000 }), s.set('c', 'C')]).then(function () {
        var raw = wx.getStorageSync('wxhttp:a')
        assert(raw.wxhttp === 1 && raw.saved === t0 && raw.expires === t0 + 1000 && raw.value === 'A', 'envelope: ' + JSON.stringify(raw))
        assert(wx.getStorageSync('wxhttp:c').expires === null, 'no ttl: expires null')
        clock.advance(999)
        return s.get('a')
      }).then(function (v) {
        assert(v === 'A', 'live at expires - 1')
        clock.advance(1)
        return s.get('a')
      }).then(function (v) {
        assert(v === null, 'gone at expires')
        assert(wx.getStorageSync('wxhttp:a') === '', 'removed when read')
        return s.sweep()
      }).then(function (n) {
        assert(n === 1, 'sweep removed b: ' + n)
        return s.get('c')
      }).then(function (v) {
        assert(v === 'C', 'no expiry')
        return s.set('d', 'D', { ttl: 1000 })
      }).then(function () {
        clock.advance(-1000)
        return s.get('d')
      }).then(function (v) {
        assert(v === 'D', 'clock back by the TTL: still live')
        clock.advance(-1)
        return s.get('d')
      }).then(function (v) {
        assert(v === null, 'clock back by more than the TTL: expired')
      })
    })
  })

  test('storage: over 1 MB rejects with code TooLarge naming key and size; old value kept; junk reads as null', function () {
    var wxhttp = require('wxhttp')
    var wx = emulator().wx
    var s = wxhttp.createStorage({ platform: wx })
    var big = new Array(1100001).join('x')
    return s.set('k', 'old').then(function () { return fails(s.set('k', big)) }).then(function (e) {
      assert(e instanceof Error && e.code === 'TooLarge', 'TooLarge: ' + e.code)
      assert(e.message.indexOf('"k"') >= 0 && e.message.indexOf('1100068') >= 0, e.message)
      return s.get('k')
    }).then(function (v) {
      assert(v === 'old', 'old value kept')
      wx.setStorageSync('wxhttp:j1', 'junk')
      wx.setStorageSync('wxhttp:j2', { wxhttp: 2, value: 1 })
      wx.setStorageSync('wxhttp:j3', { wxhttp: 1, saved: 'x', expires: null, value: 1 })
      return Promise.all([s.get('j1'), s.get('j2'), s.get('j3'), s.has('j1')])
    }).then(function (r) {
      assert(r[0] === null && r[1] === null && r[2] === null && r[3] === false, 'junk reads as missing: ' + JSON.stringify(r))
      wx.__emu.failNextStorageWrites(1)
      return fails(s.set('k', 'new'))
    }).then(function (e) {
      assert(e.code === 'Failed', 'a refused write: ' + e.code)
      return s.get('k')
    }).then(function (v) {
      assert(v === 'old', 'old value kept after a refused write')
    })
  })

  test('cache: a fresh response is served without a request and expires; a failed write never fails the request', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx })
    var hits = function () { return env.backend.stats.byPath['/public/c'] || 0 }
    return withClock(function (clock) {
      return http.get('/public/c', { cache: { ttl: 1000 } }).then(function (first) {
        return http.get('/public/c', { cache: { ttl: 1000 } }).then(function (second) {
          assert(hits() === 1, 'served from the cache: ' + hits())
          assert(second.data.data.n === first.data.data.n && second.statusCode === 200, 'the same answer')
          clock.advance(1000)
          return http.get('/public/c', { cache: { ttl: 1000 } })
        })
      }).then(function () {
        assert(hits() === 2, 'expired: fetched again')
        env.wx.__emu.failNextStorageWrites(1)
        return http.get('/public/w', { cache: { ttl: 1000 } })
      }).then(function (res) {
        assert(res.statusCode === 200, 'the request resolved though the cache write failed')
        return http.get('/public/w', { cache: { ttl: 1000 } })
      }).then(function () {
        assert(env.backend.stats.byPath['/public/w'] === 2, 'nothing had been cached')
      })
    })
  })

  test('cache: keyed per user; an account switch and logout drop entries', function () {
    var wxhttp = require('wxhttp')
    var env = emulator()
    var http = wxhttp.createHttp({ baseURL: BASE, platform: env.wx, auth: { login: { url: '/auth/login' } } })
    var cacheKeys = function () { return env.wx.getStorageInfoSync().keys.filter(function (k) { return k.indexOf('wxhttp:cache:') === 0 }) }
    return http.login().then(function () {
      return http.get('/api/me', { cache: { ttl: 60000 } })
    }).then(function () {
      return http.get('/api/me', { cache: { ttl: 60000 } })
    }).then(function (res) {
      assert(res.data.data.userId === 'user-1' && env.backend.stats.byPath['/api/me'] === 1, 'cached for user-1')
      assert(/^wxhttp:cache:user-1:[0-9a-f]{16}$/.test(cacheKeys()[0]), 'key: ' + cacheKeys()[0])
      env.backend.control.switchUser('user-2')
      env.backend.control.expireTokens()
      return http.get('/api/other')
    }).then(function (res) {
      assert(res.data.data.userId === 'user-2', 're-logged in as user-2')
      assert(cacheKeys().length === 0, 'user-1 entries dropped: ' + JSON.stringify(cacheKeys()))
      return http.get('/api/me', { cache: { ttl: 60000 } })
    }).then(function (res) {
      assert(res.data.data.userId === 'user-2' && env.backend.stats.byPath['/api/me'] === 2, 'user-2 never sees user-1 data')
      return http.logout()
    }).then(function () {
      assert(cacheKeys().length === 0 && http.getToken() === null, 'logout dropped the cache and the token')
    })
  })
})()
