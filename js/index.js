'use strict'
// The mini-program entry (miniprogram_dist/index.js): the wasm comes from a path inside the
// code package, loaded by WXWebAssembly. No Node built-ins, nothing outside this folder.

var loader = require('./load.js')
var http = require('./http.js')

var DEFAULT_WASM_PATH = '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'

module.exports = http.api(function (wasmPath) {
  return loader.load(wasmPath || DEFAULT_WASM_PATH)
})
