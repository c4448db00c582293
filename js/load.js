'use strict'
// Loads the core once per wasm path. Under WeChat, `WXWebAssembly.instantiate(path)` takes a
// path inside the code package (`.wasm` or, from base library 2.14.0, `.wasm.br`); elsewhere
// `WebAssembly` takes the bytes `bytes()` gives. The module imports nothing: the core calls no
// JS, so no JS exception can ever unwind through it.

var loaded = {}

function loadError(path, cause) {
  var why = cause && (cause.message || cause.errMsg) || String(cause)
  var error = new Error(
    'wxhttp: could not load its WebAssembly module from "' + path + '" (' + why + '). ' +
    'Run `npx wxhttp copy-wasm <mini-program root>` after "构建 npm" and pass the `wasmPath` it prints, ' +
    'or copy wxhttp_bg.wasm.br from miniprogram_npm/wxhttp/ to a folder of your code package yourself.'
  )
  error.kind = 'config'
  return error
}

// The loaded core: its exports and the four numbers of the last command (`args()`).
function engine(exports) {
  var memory = exports.memory
  var at = exports.wx_args()
  var view = new Float64Array(memory.buffer, at, 4)
  return {
    x: exports,
    // The view is made again after the memory grew (its old buffer is then detached).
    args: function () {
      if (view.buffer !== memory.buffer) view = new Float64Array(memory.buffer, at, 4)
      return view
    },
    fresh: function (saved, expires, now) { return exports.wx_fresh(saved, expires, now) === 1 },
  }
}

function instantiate(path, bytes) {
  /* global WXWebAssembly */
  if (typeof WXWebAssembly !== 'undefined') return WXWebAssembly.instantiate(path, {})
  if (typeof WebAssembly === 'undefined') throw new Error('neither WXWebAssembly nor WebAssembly exists here')
  if (!bytes) throw new Error('no way to read the module here')
  return WebAssembly.instantiate(bytes(), {})
}

// `path` names the module for WXWebAssembly and for messages; `bytes()` reads it elsewhere.
function load(path, bytes) {
  if (!loaded[path]) {
    loaded[path] = new Promise(function (resolve) { resolve(instantiate(path, bytes)) }).then(function (result) {
      return engine((result.instance || result).exports)
    }).catch(function (cause) {
      delete loaded[path]
      throw loadError(path, cause)
    })
  }
  return loaded[path]
}

module.exports = { load: load }
