// The test harness under `jsc --useJIT=false`, after tests/jsc/wechat.js has set up the
// WeChat environment: loads the emulator and the suites named in `CONFIG`, runs their tests one
// after another and prints `N passed, N failed`. `CONFIG` comes from tests/jsc/run.js.
/* global CONFIG, load, print */

load(CONFIG.emulator + '/backend.js')
load(CONFIG.emulator + '/wx.js')

var tests = []
function test(name, fn) { tests.push({ name: name, fn: fn }) }
function assert(condition, message) { if (!condition) throw new Error('assertion failed: ' + message) }

// Waits for a condition over timer turns (jsc has no setImmediate); fails after ~5 s.
function until(condition, what) {
  var start = Date.now()
  function check() {
    if (condition()) return Promise.resolve()
    if (Date.now() - start > 5000) return Promise.reject(new Error('timed out waiting for ' + what))
    return new Promise(function (resolve) { setTimeout(resolve, 0) }).then(check)
  }
  return check()
}

function emulator() {
  var backend = WxhttpBackend.createBackend()
  var wx = WxhttpEmulator.createWx({ backend: backend, transport: 'inprocess' })
  return { backend: backend, wx: wx }
}

for (var i = 0; i < CONFIG.suites.length; i++) load(CONFIG.suites[i])

var passed = 0, failed = 0
function next(index) {
  if (index === tests.length) {
    print(passed + ' passed, ' + failed + ' failed')
    return
  }
  var t = tests[index]
  var done = false
  function finish(error) {
    if (done) return
    done = true
    if (error) { failed++; print('not ok ' + (index + 1) + ' - ' + t.name + ': ' + error + '\n' + (error && error.stack || '')) }
    else { passed++; print('ok ' + (index + 1) + ' - ' + t.name) }
    next(index + 1)
  }
  var timer = setTimeout(function () { finish(new Error('timed out after 10 s')) }, 10000)
  Promise.resolve().then(t.fn).then(function () { clearTimeout(timer); finish() }, function (e) { clearTimeout(timer); finish(e) })
}
next(0)
