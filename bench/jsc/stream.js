// A streamed answer of N Server-Sent Events (the reference backend's /sse stream: a comment, N
// `message` events of two data lines with Chinese text, the first cut inside the 3 bytes of 中,
// then `event: done`), delivered by the wx emulator in process to `onChunkReceived` one flush at
// a time, as fast as the code reading it can take them. Two readers:
//   wxhttp — `http.stream({ url, onEvent })`: each ArrayBuffer decoded as UTF-8 across chunk
//            boundaries, parsed as an event stream, each event handed to `onEvent`;
//   bare   — `wx.request({ enableChunked: true })` whose `onChunkReceived` only counts the chunks
//            (the emulator's own cost of delivering them, subtracted to get wxhttp's).
// A sample is one whole stream, from the call to the resolved promise, divided by N: µs per event.
//
// Engine-neutral ES5. Under `jsc --useJIT=false` (after tests/jsc/wechat.js, `CONFIG` from
// bench/stream.js) it loads the emulator, requires `wxhttp` (miniprogram_dist) and prints
// `RESULT <json>`; on Node, bench/stream.js requires it and calls `run(env, done)`.
/* global CONFIG, load, print, preciseTime, quit, WxhttpBackend, WxhttpEmulator */

// env: { wxhttp, createWx, sseFlushes, now (seconds), events, warm, samples, budget (seconds) }
function runStreamBench(env, done) {
  var N = env.events
  var flushes = env.sseFlushes(N)
  var HEADER = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' }
  // The whole stream in one burst, a microtask after wx.request returned (its task's listeners
  // are attached by then), each flush through the emulator's onChunkReceived.
  function transport(req, signal, sink) {
    return Promise.resolve().then(function () {
      sink.headers({ status: 200, header: HEADER, cookies: [] })
      for (var i = 0; i < flushes.length; i++) sink.data(flushes[i])
      return { status: 200, header: HEADER, streamed: true, body: '' }
    })
  }
  var wx = env.createWx({ transport: transport, quiet: true })
  var http = env.wxhttp.createHttp({ baseURL: 'https://api.example.com', platform: wx })
  var URL = 'https://api.example.com/api/sse?n=' + N

  function wxhttpStream() {
    var events = 0
    var last = null
    return http.stream({ url: '/api/sse', params: { n: N }, onEvent: function (e) { events++; last = e } }).then(function (res) {
      if (res.statusCode !== 200 || events !== N + 1 || !last || last.data !== '[DONE]') {
        throw new Error('wxhttp: unexpected stream: ' + events + ' events, last ' + JSON.stringify(last))
      }
    })
  }
  function bareStream() {
    return new Promise(function (resolve, reject) {
      var chunks = 0
      var task = wx.request({
        url: URL, enableChunked: true, dataType: 'text',
        success: function (res) {
          if (res.statusCode !== 200 || chunks !== flushes.length) reject(new Error('bare: ' + chunks + ' chunks of ' + flushes.length))
          else resolve()
        },
        fail: function (err) { reject(new Error('bare: ' + err.errMsg)) },
      })
      task.onChunkReceived(function () { chunks++ })
    })
  }

  var result = { events: N, flushes: flushes.length, bytes: flushes.reduce(function (n, f) { return n + f.length }, 0) }
  var runs = { bare: bareStream, wxhttp: wxhttpStream }
  var samples = { bare: [], wxhttp: [] }
  function timed(name) {
    var t = env.now()
    return runs[name]().then(function () { samples[name].push((env.now() - t) * 1e6 / N) })
  }
  function warm(i) {
    if (i >= env.warm) return Promise.resolve()
    return runs.bare().then(runs.wxhttp).then(function () { return warm(i + 1) })
  }
  // One sample of each in turn, so that a busy spell on a shared machine hits both alike.
  function sample(end) {
    var n = samples.wxhttp.length
    if (n >= env.samples || (n >= 3 && env.now() > end)) return Promise.resolve()
    return timed('bare').then(function () { return timed('wxhttp') }).then(function () { return sample(end) })
  }
  function summary(list) {
    var s = list.slice().sort(function (a, b) { return a - b })
    return { median: s[Math.floor((s.length - 1) / 2)], min: s[0], max: s[s.length - 1], n: s.length }
  }
  return warm(0).then(function () { return sample(env.now() + env.budget) }).then(function () {
    result.bare = summary(samples.bare)
    result.wxhttp = summary(samples.wxhttp)
    result.overhead = result.wxhttp.median - result.bare.median
    done(null, result)
  }, function (e) { done(e) })
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { run: runStreamBench }
} else {
  load(CONFIG.emulator + '/backend.js')
  load(CONFIG.emulator + '/wx.js')
  try {
    runStreamBench({
      wxhttp: require('wxhttp'), createWx: WxhttpEmulator.createWx, sseFlushes: WxhttpBackend.sseFlushes,
      now: preciseTime, events: CONFIG.events, warm: CONFIG.warm, samples: CONFIG.samples, budget: CONFIG.budgetMs / 1000,
    }, function (e, result) {
      // The shell stays alive until every timer has fired (the client's 60 s wake-up): leave.
      print(e ? 'ERROR ' + (e && e.stack ? e + '\n' + e.stack : e) : 'RESULT ' + JSON.stringify(result))
      quit()
    })
  } catch (e) {
    print('ERROR ' + (e && e.stack ? e + '\n' + e.stack : e))
    quit()
  }
}
