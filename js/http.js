'use strict'
// The promise API of SPEC §4 around the Rust core: option splitting, interceptors (JS
// functions, so they run here, once per logical request, around the whole core stack),
// abort before the core is reached, and `RequestError`s. Everything else is the core's.

var wxAdapter = require('./wx.js')
var errors = require('./error.js')
var Interceptors = require('./interceptors.js')
var storageApi = require('./storage.js')
var RequestError = errors.RequestError
var isRequestError = errors.isRequestError
var toResponse = errors.toResponse
var describe = errors.describe

// Options the core reads; every other key passes through to wx.request untouched.
var KNOWN = { url: 1, method: 1, data: 1, params: 1, header: 1, timeout: 1, auth: 1, cache: 1, dedupe: 1, retry: 1 }

function extraOptions(config) {
  var extra
  for (var key in config) {
    if (!KNOWN[key] && Object.prototype.hasOwnProperty.call(config, key)) {
      extra = extra || {}
      extra[key] = config[key]
    }
  }
  return extra
}

// The options the core reads, with the JS callbacks of `auth` wrapped so the core hands and
// receives plain values: the response of `isExpired` gets the usual shape, errors become
// RequestErrors.
function coreOptions(options) {
  var auth = options.auth
  if (!auth || typeof auth !== 'object') return options
  var out = merge(options, {})
  var wrapped = merge(auth, {})
  if (typeof auth.isExpired === 'function') {
    wrapped.isExpired = function (raw) { return auth.isExpired(toResponse(raw, undefined)) }
  }
  if (typeof auth.onLoginFailed === 'function') {
    wrapped.onLoginFailed = function (fields) { auth.onLoginFailed(RequestError(fields, undefined)) }
  }
  out.auth = wrapped
  return out
}

// `load(wasmPath)` resolves the wasm-bindgen exports; entries differ only in how they load.
function api(load) {
  function createHttp(options) {
    options = options || {}
    var core = null
    var store = null
    var starting = null
    var seq = 0
    var interceptors = { request: new Interceptors(), response: new Interceptors() }

    // Loads the module and builds the core client once; a failed load is tried again later.
    function ready() {
      if (!starting) {
        starting = Promise.resolve().then(function () {
          if (typeof options !== 'object') throw { kind: 'config', message: 'Invalid options: createHttp expects an object' }
          var platform = options.platform || wxAdapter.globalWx()
          return load(options.wasmPath).then(function (glue) {
            core = new glue.Http(coreOptions(options), wxAdapter.createAdapter(platform, true))
          })
        }).catch(function (e) {
          starting = null
          throw isRequestError(e) ? e : RequestError({ kind: e && e.kind || 'config', message: e && e.message || String(e), cause: e }, undefined)
        })
      }
      return starting
    }

    function request(config) {
      if (typeof config === 'string') config = { url: config }
      var id = ++seq
      var settled = false
      var inCore = false
      var resolvePromise, rejectPromise
      var promise = new Promise(function (resolve, reject) {
        resolvePromise = resolve
        rejectPromise = reject
      })
      function settle(ok, value) {
        if (settled) return
        settled = true
        if (ok) resolvePromise(value)
        else rejectPromise(value)
      }
      promise.abort = function () {
        if (settled) return
        if (inCore) return core.abort(id) // the core rejects with kind `aborted`
        settle(false, RequestError({ kind: 'aborted', message: 'Request aborted: ' + describe(config) }, config))
      }
      var start = config && typeof config === 'object' ? Promise.resolve(config)
        : Promise.reject(RequestError({ kind: 'config', message: 'Invalid options: expected an object with `url`' }, config))
      interceptors.request.run(start, config)
        .then(function (final) {
          config = final
          return ready()
        })
        .then(function () {
          if (settled) return undefined
          inCore = true
          return core.request(config, extraOptions(config), id).then(
            function (raw) { return toResponse(raw, config) },
            function (fields) { throw RequestError(fields, config) }
          )
        })
        .then(function (response) {
          if (settled) return undefined
          return interceptors.response.run(Promise.resolve(response), config)
        }, function (error) {
          if (settled || !inCore) throw error
          return interceptors.response.run(Promise.reject(error), config)
        })
        .then(function (response) { settle(true, response) }, function (error) { settle(false, error) })
      return promise
    }

    function shorthand(method) {
      return function (url, options) {
        return request(merge(options, { url: url, method: method }))
      }
    }
    function withData(method) {
      return function (url, data, options) {
        return request(merge(options, { url: url, method: method, data: data }))
      }
    }

    return {
      request: request,
      get: shorthand('GET'),
      delete: shorthand('DELETE'),
      head: shorthand('HEAD'),
      options: shorthand('OPTIONS'),
      post: withData('POST'),
      put: withData('PUT'),
      patch: withData('PATCH'),
      interceptors: interceptors,
      ready: function () { return ready().then(function () {}) },
      login: function () {
        return ready().then(function () { return core.login() }).catch(function (e) {
          throw isRequestError(e) ? e : RequestError(e, undefined)
        })
      },
      logout: function () {
        return ready().then(function () { core.logout() })
      },
      getToken: function () {
        return core ? core.getToken() || null : null
      },
      storage: storageApi(function () {
        return ready().then(function () { return store || (store = core.storage()) })
      }),
      takeLoginCode: function () {
        return ready().then(function () { return core.takeLoginCode() }).catch(asRequestError)
      },
      prefetchLoginCode: function () {
        return ready().then(function () { return core.prefetchLoginCode() }).then(function () {}, asRequestError)
      },
    }
  }

  // SPEC §9: 'ok' | 'expired' | 'unknown', never a rejection (no wx, no module, bad url…).
  function checkAvatar(url, options) {
    return Promise.resolve().then(function () {
      options = options || {}
      var platform = options.platform || wxAdapter.globalWx()
      return load(options.wasmPath).then(function (glue) {
        return glue.checkAvatar(url, wxAdapter.createAdapter(platform))
      })
    }).then(function (state) { return state || 'unknown' }, function () { return 'unknown' })
  }

  function createStorage(options) {
    options = options || {}
    var store = null
    return storageApi(function () {
      if (store) return Promise.resolve(store)
      return Promise.resolve().then(function () {
        var namespace = options.namespace === undefined ? 'wxhttp' : options.namespace
        if (typeof namespace !== 'string' || !namespace) throw new Error('wxhttp storage: `namespace` must be a non-empty string')
        var platform = options.platform || wxAdapter.globalWx()
        return load(options.wasmPath).then(function (glue) {
          return store || (store = new glue.Store(namespace, wxAdapter.createAdapter(platform)))
        })
      })
    })
  }

  return { createHttp: createHttp, createStorage: createStorage, checkAvatar: checkAvatar, isRequestError: isRequestError }
}

function asRequestError(e) {
  throw isRequestError(e) ? e : RequestError(e, undefined)
}

function merge(options, fields) {
  var out = {}
  var key
  if (options && typeof options === 'object') for (key in options) out[key] = options[key]
  for (key in fields) if (fields[key] !== undefined || key === 'url') out[key] = fields[key]
  return out
}

module.exports = { api: api, isRequestError: isRequestError }
