// Uploads, downloads and streams (SPEC §11) under JavaScriptCore without JIT, through
// miniprogram_dist: no TextDecoder here, so the stream's text is the library's own decoding.
/* global test, assert, require, WxhttpBackend, WxhttpEmulator */

function filesClient() {
  var backend = WxhttpBackend.createBackend()
  var wx = WxhttpEmulator.createWx({ backend: backend, transport: 'inprocess', quiet: true })
  var http = require('wxhttp').createHttp({ baseURL: 'https://api.example.com', platform: wx, auth: { login: { url: '/auth/login' } } })
  return { backend: backend, emu: wx.__emu, http: http }
}

test('§11: an upload with progress and a JSON body; a download to a temp file', function () {
  var env = filesClient()
  var progress = []
  var filePath = env.emu.writeFile('wxfile://tmp_a.png', 'avatar bytes')
  return env.http.upload({ url: '/api/upload', filePath: filePath, name: 'avatar', onProgress: function (p) { progress.push(p.progress) } }).then(function (res) {
    assert(res.data.code === 10000 && res.data.data.size === 12, 'parsed upload answer: ' + JSON.stringify(res.data))
    assert(progress[progress.length - 1] === 100, 'progress to 100: ' + progress)
    return env.http.download({ url: '/api/files/r.bin?size=100' })
  }).then(function (res) {
    assert(res.statusCode === 200 && env.emu.readFile(res.tempFilePath).length === 100, 'downloaded')
  })
})

test('§11: SSE decoded across a split 中 without TextDecoder; an expired first chunk re-logs in', function () {
  var env = filesClient()
  var events = []
  return env.http.get('/api/warm').then(function () {
    env.backend.control.expireTokens()
    return env.http.stream({ url: '/api/sse?n=3&every=2', onEvent: function (e) { events.push(e) } })
  }).then(function (res) {
    assert(res.statusCode === 200, 'resolved at the end')
    assert(env.backend.stats.logins === 2, 're-logged in once: ' + env.backend.stats.logins)
    assert(events[0].data === '中文 1\nline 2 of 1', 'first event whole: ' + JSON.stringify(events[0]))
    assert(events[events.length - 1].event === 'done', 'done last')
  })
})
