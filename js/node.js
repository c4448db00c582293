'use strict'
// The Node and bundler entry (dist/index.js): the wasm bytes are read from beside this file.

var fs = require('fs')
var path = require('path')
var loader = require('./load.js')
var http = require('./http.js')

var WASM_FILE = path.join(__dirname, 'wxhttp_bg.wasm')

module.exports = http.api(function (wasmPath) {
  var file = wasmPath || WASM_FILE
  return loader.load(file, function () { return fs.readFileSync(file) })
})
