'use strict'
// The browser entry for CommonJS bundlers (dist/browser.js, through package.json's `browser`):
// no `fs`; the module is fetched from the URL `wasmPath`, which this entry cannot guess, so it
// is required. The ES module build (browser.mjs) defaults it to the file beside itself.

var loader = require('./load.js')
var http = require('./http.js')

module.exports = http.api(loader.fromUrl)
