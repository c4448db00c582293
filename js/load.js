'use strict'
// Loads the wasm module once per wasm path. Under WeChat, `WXWebAssembly.instantiate(path)`
// takes a path inside the code package (`.wasm` or `.wasm.br`); elsewhere `WebAssembly` takes
// bytes from `source`. The generated glue runs inside `bindgen(...)` with local `WebAssembly`,
// `TextDecoder` and `TextEncoder`, so it never touches missing globals and needs no edits.

var text = require('./text.js')
var bindgen = require('./wxhttp_bg.js')

var loaded = {}

function engine() {
  if (typeof WXWebAssembly !== 'undefined') {
    return {
      instantiate: function (path, imports) { return WXWebAssembly.instantiate(path, imports) },
      Instance: function Instance() {},
      Module: function Module() {},
    }
  }
  if (typeof WebAssembly !== 'undefined') return WebAssembly
  return null
}

function loadError(path, cause) {
  var error = new Error(
    'wxhttp: could not load its WebAssembly module from "' + path + '" (' + (cause && (cause.message || cause.errMsg) || cause) + '). ' +
    'Run `npx wxhttp copy-wasm <mini-program root>` after "构建 npm" and pass the `wasmPath` it prints, ' +
    'or copy wxhttp_bg.wasm.br from miniprogram_npm/wxhttp/ to a folder of your code package yourself.'
  )
  error.kind = 'config'
  return error
}

// `path` names the module for WXWebAssembly and for messages; `bytes()` gives it elsewhere.
function load(path, bytes) {
  if (!loaded[path]) {
    loaded[path] = new Promise(function (resolve) {
      var wasmEngine = engine()
      if (!wasmEngine) throw new Error('neither WXWebAssembly nor WebAssembly exists here')
      var glue = bindgen(
        wasmEngine,
        typeof TextDecoder !== 'undefined' ? TextDecoder : text.TextDecoder,
        typeof TextEncoder !== 'undefined' ? TextEncoder : text.TextEncoder
      )
      var source = typeof WXWebAssembly !== 'undefined' || !bytes ? path : bytes()
      resolve(glue({ module_or_path: Promise.resolve(source) }).then(function () { return glue }))
    }).catch(function (cause) {
      delete loaded[path]
      throw loadError(path, cause)
    })
  }
  return loaded[path]
}

module.exports = { load: load }
