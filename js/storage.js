'use strict'
// Promise-returning storage over a `Store` of the core, usable before the module has loaded.
// Failures reject with an `Error` whose `code` is TooLarge, QuotaExceeded, NotJson or Failed.
function storageApi(store) {
  function call(method, key, value, ttl) {
    return store().then(function (s) {
      if (key !== undefined && (typeof key !== 'string' || !key)) {
        throw new Error('wxhttp storage: the key must be a non-empty string, got ' + JSON.stringify(key))
      }
      try {
        return s[method](key, value, ttl)
      } catch (fields) {
        var error = new Error(fields.message)
        error.code = fields.code
        throw error
      }
    })
  }
  var nothing = function () {}
  return {
    set: function (key, value, options) {
      var ttl = options && options.ttl
      if (ttl !== undefined && (typeof ttl !== 'number' || ttl !== ttl)) return Promise.reject(new Error('wxhttp storage: `ttl` must be a number of ms'))
      if (key === undefined) key = null
      return call('set', key, value, ttl).then(nothing)
    },
    get: function (key) { return call('get', key === undefined ? null : key) },
    has: function (key) { return call('has', key === undefined ? null : key) },
    remove: function (key) { return call('remove', key === undefined ? null : key).then(nothing) },
    keys: function () { return call('keys') },
    clear: function () { return call('clear').then(nothing) },
    sweep: function () { return call('sweep') },
  }
}

module.exports = storageApi
