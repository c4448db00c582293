// What WeChat gives a mini-program, emulated under `jsc --useJIT=false` (WeChat on iOS:
// JavaScriptCore without JIT): no `WebAssembly` but a `WXWebAssembly` that takes only a path
// inside the code package, no `TextDecoder`, `TextEncoder` or `queueMicrotask`, a working
// `clearTimeout`, and a CommonJS `require`. Loaded before tests/jsc/harness.js and
// bench/jsc/bench.js; `CONFIG` (files, packages) is loaded before it.
/* global CONFIG, readFile */

var realWebAssembly = WebAssembly
delete globalThis.WebAssembly
delete globalThis.TextDecoder
delete globalThis.TextEncoder
delete globalThis.queueMicrotask

// The jsc shell has `setTimeout` but no `clearTimeout`, and it stays alive until every timer
// has fired. WeChat has both: emulate them over real timers armed in slices of at most 50 ms,
// so a cleared 60 s timeout does not keep the process alive.
var realSetTimeout = setTimeout
var timers = {}
var nextTimer = 1
var armed = false
function tick() {
  armed = false
  var now = Date.now()
  var due = Object.keys(timers).map(Number).filter(function (id) { return timers[id].at <= now })
  due.sort(function (a, b) { return timers[a].at - timers[b].at || a - b })
  due.forEach(function (id) {
    var timer = timers[id]
    if (!timer) return
    delete timers[id]
    timer.fn()
  })
  arm()
}
function arm() {
  if (armed) return
  var ids = Object.keys(timers)
  if (!ids.length) return
  var earliest = Math.min.apply(null, ids.map(function (id) { return timers[id].at }))
  armed = true
  realSetTimeout(tick, Math.max(0, Math.min(50, earliest - Date.now())))
}
globalThis.setTimeout = function (fn, ms) {
  var id = nextTimer++
  var args = Array.prototype.slice.call(arguments, 2)
  timers[id] = { at: Date.now() + (ms || 0), fn: function () { fn.apply(null, args) } }
  arm()
  return id
}
globalThis.clearTimeout = function (id) { delete timers[id] }

var wasmPathsSeen = []
globalThis.WXWebAssembly = {
  instantiate: function (path, imports) {
    if (typeof path !== 'string') return Promise.reject(new Error('WXWebAssembly.instantiate: path must be a string'))
    wasmPathsSeen.push(path)
    var file = CONFIG.files[path]
    if (!file) return Promise.reject(new Error('WXWebAssembly.instantiate: no file in the package at ' + path))
    return realWebAssembly.instantiate(readFile(file, 'binary'), imports)
  },
}

// WeChat's module system, for the harness only (the library itself never evaluates code).
var modules = {}
function requireFrom(dir) {
  return function (name) {
    var file = name.charAt(0) === '.' ? dir + '/' + name.replace(/^\.\//, '') : CONFIG.packages[name]
    if (!/\.js$/.test(file)) file += '.js'
    if (!modules[file]) {
      var module = { exports: {} }
      modules[file] = module
      var body = readFile(file)
      var factory = new Function('module', 'exports', 'require', body) // eslint-disable-line no-new-func
      factory(module, module.exports, requireFrom(file.replace(/\/[^/]*$/, '')))
    }
    return modules[file].exports
  }
}
globalThis.require = requireFrom('.')
