'use strict'
// Loads the core once per wasm path. Under WeChat, `WXWebAssembly.instantiate(path)` takes a
// path inside the code package (`.wasm` or, from base library 2.14.0, `.wasm.br`); elsewhere
// `WebAssembly` takes the bytes `bytes()` gives, or in a browser the module fetched from a URL.
// The module imports nothing: the core calls no JS, so no JS exception can ever unwind through it.

var loaded = {}

// What to do about it: under WeChat (the module named by a path in the code package) where
// 构建 npm puts it; in Node (the bytes read from a file) the file beside the entry; in a browser
// (a URL) where the page's server must serve it.
var BY_PATH = '工具 → 构建 npm puts it at /miniprogram_npm/wxhttp/wxhttp_bg.wasm.br (the default `wasmPath`), or at ' +
  '/<subpackage root>/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br when npm is installed in a subpackage (pass that `wasmPath`). ' +
  'With a framework whose build places assets elsewhere (uni-app, Taro), run `npx wxhttp copy-wasm <mini-program root>` ' +
  'after each build and pass the `wasmPath` it prints.'
var BY_FILE = 'Leave `wasmPath` out to read the wxhttp_bg.wasm beside the package\'s entry, or reinstall wxhttp.'
var BY_URL = 'In a browser, `wasmPath` is the URL of wxhttp_bg.wasm (in the package\'s dist/): serve that file and pass its URL, ' +
  'best with the content type application/wasm.'

function loadError(path, cause, remedy) {
  var why = cause && (cause.message || cause.errMsg) || String(cause)
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
  var source = bytes()
  return source && typeof source.then === 'function' ? source.then(compile) : compile(source)
}

// The bytes, or a fetch Response: compiled while it downloads where the server says
// application/wasm (instantiateStreaming refuses any other type), else read whole first.
function compile(source) {
  if (!source || typeof source.arrayBuffer !== 'function') return WebAssembly.instantiate(source, {})
  if (!source.ok) throw new Error('HTTP status ' + source.status)
  var type = source.headers && source.headers.get('content-type') || ''
  if (typeof WebAssembly.instantiateStreaming === 'function' && /^application\/wasm\b/i.test(type)) return WebAssembly.instantiateStreaming(source, {})
  return source.arrayBuffer().then(function (buffer) { return WebAssembly.instantiate(buffer, {}) })
}

// `path` names the module for WXWebAssembly and for messages; `bytes()` reads it elsewhere
// (the bytes, a promise of them, or a fetch Response).
function load(path, bytes, remedy) {
  if (!loaded[path]) {
    loaded[path] = new Promise(function (resolve) { resolve(instantiate(path, bytes)) }).then(function (result) {
      return engine((result.instance || result).exports)
    }).catch(function (cause) {
      delete loaded[path]
      throw loadError(path, cause, remedy || (bytes ? BY_FILE : BY_PATH))
    })
  }
  return loaded[path]
}

// The browser entries' loader: the module at `url`, fetched (where WXWebAssembly exists, as
// under a framework's mini-program build, the URL is its path in the code package).
function fromUrl(url) {
  if (!url) {
    var error = new Error('wxhttp: no `wasmPath` given. ' + BY_URL)
    error.kind = 'config'
    return Promise.reject(error)
  }
  return load(url, function () {
    if (typeof fetch !== 'function') throw new Error('no fetch here')
    return fetch(url)
  }, BY_URL)
}

module.exports = { load: load, fromUrl: fromUrl }
