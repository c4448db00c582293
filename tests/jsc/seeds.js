// The seed helpers (SPEC §9) under JavaScriptCore without JIT, through miniprogram_dist:
// avatar expiry headers in any case, and login codes that are fresh and never handed out twice.
/* global test, assert, emulator, require */

test('checkAvatar tells ok, expired (either header, any case) and unknown, never rejecting', function () {
  var wxhttp = require('wxhttp')
  var env = emulator()
  var check = function (path) { return wxhttp.checkAvatar('https://thirdwx.qlogo.cn' + path, { platform: env.wx }) }
  return Promise.all([check('/avatar/ok/1'), check('/avatar/expired/2'), check('/avatar/expired-lower/3'), check('/status/500'),
    wxhttp.checkAvatar('not a url', { platform: env.wx })]).then(function (states) {
    assert(states.join() === 'ok,expired,expired,unknown,unknown', 'states: ' + states.join())
  })
})

test('takeLoginCode hands each code out once, and never the silent login\'s', function () {
  var wxhttp = require('wxhttp')
  var env = emulator()
  var http = wxhttp.createHttp({ baseURL: 'https://api.example.com', platform: env.wx, auth: { login: { url: '/auth/login' } } })
  var codes
  return http.get('/api/me').then(function () {
    return http.prefetchLoginCode()
  }).then(function () {
    return Promise.all([http.takeLoginCode(), http.takeLoginCode()])
  }).then(function (taken) {
    codes = taken
    assert(typeof codes[0] === 'string' && codes[0] !== codes[1], 'two different codes: ' + codes.join())
    // Each code is still unused by anyone: the backend accepts each exactly once.
    return Promise.all(codes.map(function (code) {
      return env.backend.handle({ method: 'POST', path: '/auth/login', query: {}, header: {}, body: { code: code, previousToken: null } })
    }))
  }).then(function (answers) {
    assert(answers[0].body.code === 10000 && answers[1].body.code === 10000, 'fresh codes: ' + JSON.stringify(answers.map(function (a) { return a.body })))
    assert(env.backend.stats.logins === 3, 'the silent login plus the two taken codes: ' + env.backend.stats.logins)
  })
})
