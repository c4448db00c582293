// The thin path under JavaScriptCore without JIT: page → glue → Rust core → wx.request → back.
/* global test, assert, emulator, require, wasmPathsSeen */

test('the mini-program globals are missing as on WeChat iOS', function () {
  assert(typeof WebAssembly === 'undefined', 'WebAssembly deleted')
  assert(typeof TextDecoder === 'undefined' && typeof TextEncoder === 'undefined', 'no TextDecoder/TextEncoder')
  assert(typeof queueMicrotask === 'undefined', 'no queueMicrotask')
})

test('a GET through miniprogram_dist reaches the backend and returns its JSON', function () {
  var wxhttp = require('wxhttp')
  var env = emulator()
  var http = wxhttp.createHttp({ baseURL: 'https://api.example.com', platform: env.wx })
  return http.get('/public/hello', { params: { q: '中文 x' } }).then(function (res) {
    assert(res.statusCode === 200, 'status 200')
    assert(res.data.code === 10000, 'backend body: ' + JSON.stringify(res.data))
    assert(res.data.data.query.q === '中文 x', 'unicode query round trip: ' + JSON.stringify(res.data.data.query))
    assert(wasmPathsSeen[0] === '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br', 'loaded by path: ' + wasmPathsSeen[0])
  })
})

test('a 503 rejects with kind http and a config error names the option', function () {
  var wxhttp = require('wxhttp')
  var http = wxhttp.createHttp({ baseURL: 'https://api.example.com', platform: emulator().wx, retry: false })
  return http.get('/status/503').then(function () { throw new Error('resolved') }, function (e) {
    assert(wxhttp.isRequestError(e) && e.kind === 'http' && e.statusCode === 503, 'http error: ' + e.message)
    return http.request({ url: '/x', method: 'FETCH' })
  }).then(function () { throw new Error('resolved') }, function (e) {
    assert(e.kind === 'config' && e.message.indexOf('`method`') >= 0, 'config error: ' + e.message)
  })
})

test('a wasm path that is not in the package rejects with kind config naming the path', function () {
  var wxhttp = require('wxhttp')
  var http = wxhttp.createHttp({ platform: emulator().wx, wasmPath: '/nowhere/x.wasm.br' })
  return http.get('https://api.example.com/public/a').then(function () { throw new Error('resolved') }, function (e) {
    assert(e.kind === 'config' && e.message.indexOf('/nowhere/x.wasm.br') >= 0 && e.message.indexOf('copy-wasm') >= 0, e.message)
  })
})

test('without WXWebAssembly (a base library before 2.14.0) requests reject with kind config saying where to set the minimum', function () {
  var wxhttp = require('wxhttp')
  var env = emulator()
  var saved = globalThis.WXWebAssembly
  delete globalThis.WXWebAssembly
  var http = wxhttp.createHttp({ baseURL: 'https://api.example.com', platform: env.wx })
  function restore() { globalThis.WXWebAssembly = saved }
  return http.get('/public/hello').then(function () { restore(); throw new Error('resolved') }, function (e) {
    restore()
    assert(wxhttp.isRequestError(e) && e.kind === 'config', 'kind config: ' + e.kind)
    assert(e.message.indexOf('base library 2.14.0') >= 0 && e.message.indexOf('基础库最低版本') >= 0, e.message)
    assert(env.wx.__emu.requests === 0, 'nothing sent')
    // With WXWebAssembly back, the same client loads and answers.
    return http.get('/public/hello')
  }).then(function (res) {
    assert(res.data.code === 10000, 'answered after WXWebAssembly appeared')
  })
})
