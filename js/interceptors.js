'use strict'
// Request and response interceptors: JS functions, so they run in the glue around the core,
// once per logical request (not per retry or replay). Whatever one throws — an Error, a string,
// `Object.create(null)`, an object whose `toString` throws — the request rejects with kind
// `interceptor`; one that never settles is cut off after `ms`.

var errors = require('./error.js')
var RequestError = errors.RequestError

function Interceptors() {
  this.handlers = []
  this.count = 0
}
Interceptors.prototype.use = function (onFulfilled, onRejected) {
  this.handlers.push({ onFulfilled: onFulfilled, onRejected: onRejected })
  this.count++
  return this.handlers.length - 1
}
Interceptors.prototype.eject = function (id) {
  if (this.handlers[id]) {
    this.handlers[id] = null
    this.count--
  }
}

function asInterceptorError(cause, config) {
  if (errors.isRequestError(cause)) return cause
  return RequestError({ kind: 'interceptor', message: 'Interceptor failed (' + errors.text(cause) + '): ' + errors.describe(config), cause: cause }, config)
}

// Chains the handlers in the order added. A throw becomes kind `interceptor`, except a
// RequestError passed on unchanged (the usual `err => Promise.reject(err)`).
Interceptors.prototype.run = function (start, config, ms) {
  if (!this.count) return start
  var chain = start
  var wrap = function (fn) {
    return typeof fn === 'function' ? function (value) {
      try {
        return Promise.resolve(fn(value)).catch(function (e) { throw asInterceptorError(e, config) })
      } catch (e) {
        throw asInterceptorError(e, config)
      }
    } : undefined
  }
  this.handlers.forEach(function (h) {
    if (h) chain = chain.then(wrap(h.onFulfilled), wrap(h.onRejected))
  })
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(RequestError({ kind: 'interceptor', message: 'Interceptor failed (it did not settle within ' + ms + 'ms): ' + errors.describe(config) }, config))
    }, ms)
    var stop = function () { if (typeof clearTimeout === 'function') clearTimeout(timer) }
    chain.then(function (v) { stop(); resolve(v) }, function (e) { stop(); reject(e) })
  })
}

module.exports = Interceptors
