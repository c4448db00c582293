'use strict'
// Loads the core once per wasm path. Under WeChat, `WXWebAssembly.instantiate(path)` takes a
// path inside the code package (`.wasm` or, from base library 2.14.0, `.wasm.br`); elsewhere
// `WebAssembly` takes the bytes `bytes()` gives. The module imports nothing: the core calls no
// JS, so no JS exception can ever unwind through it.

var loaded = {}

// What to do about it: under WeChat (the module named by a path in the code package) where
// 构建 npm puts it, else (Node, bundlers: the bytes read from a file) the file beside the entry.
function loadError(path, cause, byPath) {
  var why = cause && (cause.message || cause.errMsg) || String(cause)
  var remedy = byPath
    ? '工具 → 构建 npm puts it at /miniprogram_npm/wxhttp/wxhttp_bg.wasm.br (the default `wasmPath`), or at ' +
      '/<subpackage root>/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br when npm is installed in a subpackage (pass that `wasmPath`). ' +
      'With a framework whose build places assets elsewhere (uni-app, Taro), run `npx wxhttp copy-wasm <mini-program root>` ' +
      'after each build and pass the `wasmPath` it prints.'
    : 'Leave `wasmPath` out to read the wxhttp_bg.wasm beside the package\'s entry, or reinstall wxhttp.'
  var error = new Error('wxhttp: could not load its WebAssembly module from "' + path + '" (' + why + '). ' + remedy)
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
      throw loadError(path, cause, !bytes)
    })
  }
  return loaded[path]
}

module.exports = { load: load }
