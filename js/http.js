'use strict'
// The promise API of SPEC §4: `createHttp`, its request methods and helpers. A request's life
// here: interceptors (when there are any), options checked into a record, the record handed to
// the driver, the promise settled once by `done`. A plain GET with no interceptors takes the
// direct path: its promise, wx's callbacks, and nothing else.

var P = require('./protocol.js')
var options = require('./options.js')
var errors = require('./error.js')
var authLib = require('./auth.js')
var wxAdapter = require('./wx.js')
var Interceptors = require('./interceptors.js')
var storage = require('./storage.js')
var namespace = require('./namespace.js')
var createDriver = require('./driver.js').createDriver

var RequestError = errors.RequestError
var isRequestError = errors.isRequestError
var F = P.flag
var SHARED = 1 << P.method.GET | 1 << P.method.HEAD

// `this` is the record: settles the caller's promise (direct path).
function done(ok, value) {
  if (ok) this.resolve(value)
  else this.reject(value)
}

function configError(e, config) {
  var mine = false
  try { mine = e instanceof options.ConfigError } catch (revoked) { /* a revoked Proxy was thrown */ }
  var message = mine ? e.message : 'Invalid options: reading them threw (' + errors.text(e) + ')'
  return RequestError({ kind: 'config', message: message }, config)
}

// The promise of a call refused before it had a record (its options threw while read).
function refused(error) {
  var promise = Promise.reject(error)
  promise.abort = function () {}
  return promise
}

function headerKey(header) {
  return Object.keys(header).map(function (k) { return k.toLowerCase() + ':' + header[k] }).sort().join('\n')
}

// `load(wasmPath)` resolves the loaded core; the entries differ only in how they load.
function api(load) {
  function createHttp(given) {
    var problem = null
    var cfg, auth
    var opts = given === undefined ? {} : given
    try {
      if (!options.isPlainObject(opts)) throw new options.ConfigError('', 'Invalid options: createHttp expects an object')
      cfg = options.client(opts)
      auth = authLib.config(opts.auth, cfg)
      cfg.headerKey = headerKey(cfg.header)
    } catch (e) {
      problem = configError(e, undefined)
    }
    var wx = null
    var group = null
    var hidden = false
    var net = { online: true, type: 'unknown' }
    var driver = null
    var starting = null
    var interceptors = { request: new Interceptors(), response: new Interceptors() }

    // The adapter and the app events now (a page hidden before its first request still waits
    // for onAppShow), unless the platform can only be read later.
    function adapter() {
      if (!wx) {
        var platform = opts.platform || wxAdapter.globalWx()
        // L12: a namespace's clients share one login state; one that logs in differently is a
        // config error (`problem` when found here, else its first request's).
        if (auth) group = namespace.join(platform, cfg.namespace, auth)
        wx = wxAdapter.createAdapter(platform)
        wx.appEvents(function (shown) {
          hidden = !shown
          if (driver) driver.app(shown)
        })
        wx.networkEvents(function (online, type) {
          var was = net.online
          net = { online: online, type: type }
          if (driver && was !== online) driver.network(online)
        })
      }
      return wx
    }
    try {
      if (!problem) adapter()
    } catch (e) {
      if (e instanceof options.ConfigError) problem = configError(e, undefined)
      /* else no wx yet: the first request says so */
    }

    function ready() {
      if (!starting) {
        starting = new Promise(function (resolve) {
          if (problem) throw problem
          resolve(load(opts.wasmPath).then(function (engine) {
            driver = createDriver(engine, cfg, auth, adapter(), group)
            if (hidden) driver.app(false)
            if (!net.online) driver.network(false)
            return driver
          }))
        }).catch(function (e) {
          starting = null
          throw isRequestError(e) ? e : RequestError({ kind: e && e.kind || 'config', message: errors.text(e), cause: e }, undefined)
        })
      }
      return starting
    }

    // Checks the record's options and hands it to the driver.
    function submit(rec) {
      if (problem) return rec.done(false, problem)
      try {
        options.request(cfg, rec.config, rec)
      } catch (e) {
        return rec.done(false, configError(e, rec.config))
      }
      var withToken = auth && rec.auth && authLib.allows(auth, rec.url)
      var flags = rec.method | (withToken ? F.AUTH : 0) | (rec.cacheTtl && rec.data === undefined && !rec.api ? F.CACHE : 0) | (rec.noRetry ? F.NO_RETRY : 0) | (rec.offlineFail ? F.OFFLINE_FAIL : 0)
      var share = null
      if (SHARED & 1 << rec.method && rec.dedupe && rec.data === undefined && !rec.extra && !rec.api) {
        share = rec.methodName + ' ' + rec.url + '\n' + (rec.ownHeader ? headerKey(rec.header) : cfg.headerKey) + '\n' + rec.timeout + ' ' + rec.retry + (rec.noRetry ? 'n' : '') + (withToken ? 'a' : '')
      }
      rec.submitted = true
      if (driver) return driver.submit(rec, flags, share)
      ready().then(function (d) { if (!rec.settled) d.submit(rec, flags, share) }, function (e) { if (!rec.settled) rec.done(false, e) })
    }

    function abort(rec) {
      if (rec.settled) return
      if (rec.submitted && driver) return driver.abort(rec)
      rec.settled = true
      rec.done(false, RequestError({ kind: 'aborted', message: 'Request aborted: ' + errors.describe(rec.config) }, rec.config))
    }

    // `api`: 0 wx.request, 1 wx.uploadFile, 2 wx.downloadFile, 3 a stream (SPEC §11).
    function request(config, api) {
      if (typeof config === 'string') config = { url: config }
      // Every field up front: one object shape for every record (cheaper on an interpreter
      // than growing it field by field).
      var rec = {
        config: config, settled: false, submitted: false, done: done, resolve: null, reject: null, id: undefined, seq: 0,
        method: 0, methodName: 'GET', url: '', header: null, ownHeader: false, data: undefined, extra: undefined, timeout: 0,
        retry: -1, noRetry: false, auth: true, dedupe: true, cacheTtl: undefined, key: null, bare: false, offlineFail: false,
        cached: undefined, desc: undefined, cacheKey: undefined, api: api || 0,
        filePath: undefined, name: undefined, formData: undefined, onProgress: null, onChunk: null, onEvent: null, sse: null,
      }
      var promise = new Promise(function (resolve, reject) {
        rec.resolve = resolve
        rec.reject = reject
      })
      promise.abort = function () { abort(rec) }
      if (interceptors.request.count || interceptors.response.count) intercepted(rec)
      else submit(rec)
      return promise
    }

    // The slow path: request interceptors, the request, response interceptors; each phase
    // bounded by the request's timeout, so an interceptor that never settles cannot hang it.
    function intercepted(rec) {
      var config = rec.config
      var ms = cfg ? cfg.timeout : 60000
      // A throwing getter is not thrown from here: options.request reports it, kind config.
      try { if (config && typeof config.timeout === 'number' && config.timeout >= 1) ms = config.timeout } catch (e) { /* below */ }
      var finished = false
      function settle(ok, value) {
        if (finished) return
        finished = true
        if (ok) rec.resolve(value)
        else rec.reject(value)
      }
      // Until the core has the request (aborted early, bad options, no module), no response
      // interceptor runs: they see only what the request itself answered.
      rec.done = function (ok, value) {
        if (rec.id === undefined) return settle(ok, value)
        interceptors.response.run(ok ? Promise.resolve(value) : Promise.reject(value), rec.config, ms).then(
          function (v) { settle(true, v) }, function (e) { settle(false, e) })
      }
      interceptors.request.run(Promise.resolve(config), config, ms).then(function (final) {
        if (rec.settled) return
        // Not the options, unless they are the caller's own (then options.request says what is
        // wrong with them, kind config).
        if (final !== config && (final === null || typeof final !== 'object')) {
          throw RequestError({ kind: 'interceptor', message: 'Interceptor failed (a request interceptor returned ' + options.show(final) + ', not the options): ' + errors.describe(config) }, config)
        }
        rec.config = final
        submit(rec)
      }).catch(function (e) {
        if (rec.settled) return
        rec.settled = true
        // Handlers' failures are RequestErrors already; anything else came from resolving the
        // options themselves (a `then` getter that throws, a revoked Proxy).
        settle(false, isRequestError(e) ? e : configError(e, config))
      })
    }

    // Reading the caller's `opts` may throw (a getter, a Proxy): the call rejects, never throws.
    function shorthand(method) {
      return function (url, opts) {
        var config
        try { config = merge(opts, url, method, undefined) } catch (e) { return refused(configError(e, opts)) }
        return request(config)
      }
    }
    function withData(method) {
      return function (url, data, opts) {
        var config
        try { config = merge(opts, url, method, data) } catch (e) { return refused(configError(e, opts)) }
        return request(config)
      }
    }

    // `http.login()` and the login-code helpers: records without a request.
    function special(run) {
      var rec = { config: undefined, bare: true, settled: false, done: done, resolve: null, reject: null, methodName: '', url: '', timeout: 0, retry: -1 }
      var promise = new Promise(function (resolve, reject) {
        rec.resolve = resolve
        rec.reject = reject
      })
      ready().then(function (d) { run(d, rec) }, function (e) { rec.done(false, e) })
      return promise
    }

    // Uploads, downloads and streams (SPEC §11): requests of another wx API, same pipeline.
    function files(api, method) {
      return function (opts) {
        var config
        try { config = merge(opts, opts && opts.url, method || opts && opts.method || 'GET', opts && opts.data) } catch (e) { return refused(configError(e, opts)) }
        return request(config, api)
      }
    }

    return {
      request: function (config) { return request(config, 0) },
      upload: files(1, 'POST'),
      download: files(2, 'GET'),
      stream: files(3, null),
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
        if (!problem && !auth) return Promise.reject(RequestError({ kind: 'config', message: 'Invalid call `login()`: this client has no `auth` option' }, undefined))
        return special(function (d, rec) { d.submit(rec, F.LOGIN, null) }).then(function () {})
      },
      logout: function () { return ready().then(function (d) { d.logout() }) },
      // SPEC §12: what the driver last heard from wx.getNetworkType / onNetworkStatusChange.
      network: function () { return { online: net.online, type: net.type } },
      getToken: function () { return driver && driver.hasToken() ? driver.session.token : null },
      storage: storage.api(function () { return ready().then(function (d) { return d.store }) }),
      takeLoginCode: function () { return special(function (d, rec) { d.codeTake(rec) }) },
      prefetchLoginCode: function () { return special(function (d, rec) { d.codePrefetch(rec) }).then(function () {}) },
    }
  }

  function createStorage(given) {
    var opts = given || {}
    var store = null
    return storage.api(function () {
      if (store) return Promise.resolve(store)
      return new Promise(function (resolve) {
        var namespace = opts.namespace === undefined ? 'wxhttp' : opts.namespace
        if (typeof namespace !== 'string' || !namespace) throw new Error('wxhttp storage: `namespace` must be a non-empty string')
        var wx = wxAdapter.createAdapter(opts.platform || wxAdapter.globalWx())
        resolve(load(opts.wasmPath).then(function (engine) {
          return store || (store = new storage.Store(wx, namespace, engine.fresh))
        }))
      })
    })
  }

  return { createHttp: createHttp, createStorage: createStorage, isRequestError: isRequestError, checkAvatar: require('./avatar.js').checkAvatar }
}

// A shorthand's options: the caller's, with its url, method and data (when given).
function merge(opts, url, method, data) {
  var out = {}
  if (opts !== undefined && opts !== null && typeof opts === 'object') for (var key in opts) out[key] = opts[key]
  out.url = url
  out.method = method
  if (data !== undefined) out.data = data
  return out
}

module.exports = { api: api, isRequestError: isRequestError }
