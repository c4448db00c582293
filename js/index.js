'use strict'
// The mini-program entry (miniprogram_dist/index.js): the wasm comes from a path inside the
// code package, loaded by WXWebAssembly. No Node built-ins, nothing outside this folder.

var loader = require('./load.js')
var http = require('./http.js')

// Where 工具 → 构建 npm puts the module (npm in a subpackage: /<root>/miniprogram_npm/…).
var DEFAULT_WASM_PATH = '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'

var OLD_BASE_LIBRARY = 'wxhttp needs WXWebAssembly, which WeChat has (with .wasm.br support) from base library 2.14.0: ' +
  'set 基础库最低版本 in the admin console (设置 → 基本设置 → 基础库最低版本设置).'

// Without WXWebAssembly this entry cannot load the module at all (it has no bytes to give
// `WebAssembly`): under WeChat the base library is too old. Checked on each load, never at
// module load, and without reading the global `wx`.
function missingWXWebAssembly() {
  /* global WXWebAssembly, WebAssembly */
  if (typeof WXWebAssembly !== 'undefined') return null
  var error = new Error(OLD_BASE_LIBRARY + (typeof WebAssembly === 'undefined' ? ''
    : ' Outside WeChat, require the package\'s main entry (dist/), which loads the module with WebAssembly.'))
  error.kind = 'config'
  return error
}

module.exports = http.api(function (wasmPath) {
  var missing = missingWXWebAssembly()
  if (missing) return Promise.reject(missing)
  return loader.load(wasmPath || DEFAULT_WASM_PATH)
})
