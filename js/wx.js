'use strict'
// The only file that names `wx`: every call into it inside `try`, every callback called at
// most once. A `wx` that misbehaves (throws, calls back twice, calls `success(null)`, returns
// no task) becomes an ordinary failure here, before anything reaches the core.

function errMsgOf(value, fallback) {
  try {
    if (value && typeof value.errMsg === 'string') return value.errMsg
    if (value && typeof value.message === 'string') return fallback + ' ' + value.message
  } catch (e) { /* a hostile object: the fallback */ }
  return fallback
}

// `done(ok, value)` runs once, whatever wx does; a throwing callback never reaches wx.
function once(done) {
  var called = false
  return function (ok, value) {
    if (called) return
    called = true
    done(ok, value)
  }
}

function createAdapter(wx) {
  function call(name, options, done, fail) {
    var finish = once(done)
    options.success = function (res) { finish(true, res) }
    options.fail = function (err) { finish(false, errMsgOf(err, fail)) }
    try {
      if (typeof wx[name] !== 'function') return finish(false, fail + ' wx.' + name + ' is missing')
      return wx[name](options)
    } catch (e) {
      finish(false, errMsgOf(e, fail))
    }
  }
  return {
    // wx.request; `done(true, res)` or `done(false, errMsg)`. Returns the task (or nothing).
    request: function (options, done) { return call('request', options, done, 'request:fail') },
    // The hot path's wx.request: `options` carries its own success/fail (the driver guards
    // them against a second call); a throw becomes `fail`.
    send: function (options) {
      try {
        return wx.request(options)
      } catch (e) {
        options.fail({ errMsg: errMsgOf(e, 'request:fail') })
      }
    },
    // wx.uploadFile, wx.downloadFile, a chunked wx.request: like `send`, for API `name`.
    task: function (name, options) {
      try {
        if (typeof wx[name] !== 'function') return options.fail({ errMsg: name + ':fail wx.' + name + ' is missing' })
        return wx[name](options)
      } catch (e) {
        options.fail({ errMsg: errMsgOf(e, name + ':fail') })
      }
    },
    // wx.login; `done(true, code)` only for a non-empty string code.
    login: function (done) {
      call('login', {}, function (ok, res) {
        var code = ok && res && res.code
        if (typeof code === 'string' && code) done(true, code)
        else done(false, ok ? errMsgOf(res, 'login:fail no code') : res)
      }, 'login:fail')
    },
    checkSession: function (done) { call('checkSession', {}, function (ok) { done(ok) }, 'checkSession:fail') },
    abort: function (task) {
      try { if (task && typeof task.abort === 'function') task.abort() } catch (e) { /* the call is over for us anyway */ }
    },
    // A missing key reads as '' in wx; the library stores only objects, so '' is "missing".
    getStorage: function (key) {
      try {
        var value = wx.getStorageSync(key)
        return value === '' ? undefined : value
      } catch (e) {
        return undefined
      }
    },
    // undefined when written, else wx's errMsg.
    setStorage: function (key, value) {
      try {
        wx.setStorageSync(key, value)
        return undefined
      } catch (e) {
        return errMsgOf(e, 'setStorageSync:fail')
      }
    },
    removeStorage: function (key) {
      try { wx.removeStorageSync(key) } catch (e) { /* nothing to keep */ }
    },
    storageKeys: function () {
      try {
        var keys = wx.getStorageInfoSync().keys
        return Array.isArray(keys) ? keys : []
      } catch (e) {
        return []
      }
    },
    // Calls `listener(online, type)` with wx.getNetworkType's answer, then on each
    // wx.onNetworkStatusChange, where the host has them (SPEC §12). A change that arrives
    // first makes the (older) getNetworkType answer moot.
    networkEvents: function (listener) {
      var changed = false
      function report(res) {
        var type = res && typeof res.networkType === 'string' ? res.networkType : 'unknown'
        listener(!(res && res.isConnected === false) && type !== 'none', type)
      }
      try {
        if (typeof wx.onNetworkStatusChange === 'function') {
          wx.onNetworkStatusChange(function (res) {
            changed = true
            try { report(res) } catch (e) { /* a hostile result: no change */ }
          })
        }
      } catch (e) { /* a host without network events: always online */ }
      if (typeof wx.getNetworkType === 'function') {
        call('getNetworkType', {}, function (ok, res) {
          if (ok && !changed) try { report(res) } catch (e) { /* as above */ }
        }, 'getNetworkType:fail')
      }
    },
    // Calls `listener(shown)` on wx.onAppShow / wx.onAppHide, where the host has them.
    appEvents: function (listener) {
      try {
        if (typeof wx.onAppHide === 'function') wx.onAppHide(function () { listener(false) })
        if (typeof wx.onAppShow === 'function') wx.onAppShow(function () { listener(true) })
      } catch (e) { /* a host without app events: never hidden */ }
    },
  }
}

// The global `wx`, read only when no platform was injected and only when first needed.
function globalWx() {
  if (typeof wx !== 'undefined') return wx
  throw new Error('wxhttp: no `wx` global here; pass `platform` to createHttp')
}

module.exports = { createAdapter: createAdapter, globalWx: globalWx, errMsgOf: errMsgOf }
