'use strict'
// Request and response interceptors: JS functions, so they run in the glue around the core,
// once per logical request (not per retry or replay).

var errors = require('./error.js')
var RequestError = errors.RequestError
var isRequestError = errors.isRequestError
var describe = errors.describe

function Interceptors() {
  this.handlers = []
}
Interceptors.prototype.use = function (onFulfilled, onRejected) {
  this.handlers.push({ onFulfilled: onFulfilled, onRejected: onRejected })
  return this.handlers.length - 1
}
Interceptors.prototype.eject = function (id) {
  if (this.handlers[id]) this.handlers[id] = null
}
// Chains the handlers in the order added. A throw becomes kind `interceptor`, except a
// RequestError passed on unchanged (the usual `err => Promise.reject(err)`).
Interceptors.prototype.run = function (start, config) {
  var chain = start
  var wrap = function (fn) {
    return fn && function (value) {
      try {
        return Promise.resolve(fn(value)).catch(function (e) { throw asInterceptorError(e, config) })
      } catch (e) {
        throw asInterceptorError(e, config)
      }
    }
  }
  this.handlers.forEach(function (h) {
    if (h) chain = chain.then(wrap(h.onFulfilled), wrap(h.onRejected))
  })
  return chain
}

function asInterceptorError(cause, config) {
  if (isRequestError(cause)) return cause
  var text = cause && cause.message ? cause.message : String(cause)
  return RequestError({ kind: 'interceptor', message: 'Interceptor failed (' + text + '): ' + describe(config), cause: cause }, config)
}

module.exports = Interceptors
