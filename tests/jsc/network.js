// Network awareness (SPEC §12) under JavaScriptCore without JIT, through miniprogram_dist.
/* global test, assert, until, require, WxhttpBackend, WxhttpEmulator */

function offlineClient(options) {
  var backend = WxhttpBackend.createBackend()
  var wx = WxhttpEmulator.createWx({ backend: backend, transport: 'inprocess', quiet: true, networkType: 'none' })
  var config = { baseURL: 'https://api.example.com', platform: wx }
  for (var key in options || {}) config[key] = options[key]
  return { wx: wx, emu: wx.__emu, http: require('wxhttp').createHttp(config) }
}

test('§12: offline, a GET waits and goes when the network is back; no login meanwhile', function () {
  var env = offlineClient({ auth: { login: { url: '/auth/login' } } })
  var done = false
  return env.http.ready().then(function () {
    return until(function () { return env.http.network().type === 'none' }, 'getNetworkType answered')
  }).then(function () {
    var p = env.http.get('/api/a').then(function (res) { done = true; return res })
    return until(function () { return env.emu.loginCalls > 0 || done }, 'nothing').then(function () { throw new Error('went out offline') }, function () {
      env.emu.setNetwork('wifi')
      return p
    })
  }).then(function (res) {
    assert(res.data.code === 10000, 'answered after reconnect')
    assert(env.emu.loginCalls === 1, 'one login, after reconnect')
  })
})

test("§12: offline: 'fail' rejects at once with kind network and offline: true", function () {
  var env = offlineClient({ offline: 'fail' })
  return env.http.ready().then(function () {
    return until(function () { return !env.http.network().online }, 'getNetworkType answered')
  }).then(function () {
    return env.http.get('/public/a').then(function () { throw new Error('resolved offline') }, function (e) {
      assert(e.kind === 'network' && e.offline === true, 'kind network, offline: ' + e.kind + ' ' + e.offline)
      assert(env.emu.requests === 0, 'no wx.request')
    })
  })
})
