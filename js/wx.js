'use strict'
// The only file that names `wx`: turns its callback APIs into the promise-returning adapter
// the Rust core calls (src/wx/platform.rs). wx failures stay plain `{ errMsg, errno }`.

function createAdapter(wx, appEvents) {
  // The app's foreground state, from wx's app events (subscribed once, by the adapter of a
  // client — `appEvents` — if wx has them): `hides` counts onAppHide events, `shown` holds the
  // waiters of the next onAppShow.
  var hidden = false
  var hides = 0
  var shown = []
  if (appEvents && typeof wx.onAppHide === 'function' && typeof wx.onAppShow === 'function') {
    wx.onAppHide(function () {
      if (!hidden) hides++
      hidden = true
    })
    wx.onAppShow(function () {
      hidden = false
      shown.splice(0).forEach(function (resolve) { resolve() })
    })
  }
  return {
    // `headerText` is `name NUL value NUL …`: one string from Rust instead of an object.
    send: function (method, url, headerText, data, extra, timeout) {
      var header = {}
      var parts = headerText.split('\0')
      for (var i = 0; i + 1 < parts.length; i += 2) header[parts[i]] = parts[i + 1]
      var task
      var pending = new Promise(function (resolve, reject) {
        var options = { url: url, method: method, header: header, timeout: timeout, success: resolve, fail: reject }
        if (data !== undefined) options.data = data
        if (extra) for (var key in extra) if (!(key in options)) options[key] = extra[key]
        task = wx.request(options)
      })
      pending.task = task
      return pending
    },
    abort: function (pending) {
      if (pending.task && typeof pending.task.abort === 'function') pending.task.abort()
    },
    now: function () {
      return Date.now()
    },
    sleep: function (ms) {
      var id, done
      var pending = new Promise(function (resolve) {
        done = resolve
        id = setTimeout(resolve, ms)
      })
      pending.id = id
      pending.done = done
      return pending
    },
    // Settles the cancelled timer's promise too, so the Rust side waiting on it is released.
    cancel: function (pending) {
      clearTimeout(pending.id)
      pending.done()
    },
    login: function () {
      return new Promise(function (resolve, reject) {
        wx.login({
          success: function (res) {
            if (res && res.code) resolve(res.code)
            else reject({ errMsg: (res && res.errMsg) || 'login:fail no code' })
          },
          fail: reject,
        })
      })
    },
    checkSession: function () {
      return new Promise(function (resolve) {
        wx.checkSession({ success: function () { resolve(true) }, fail: function () { resolve(false) } })
      })
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
    setStorage: function (key, value) {
      wx.setStorageSync(key, value)
    },
    removeStorage: function (key) {
      try { wx.removeStorageSync(key) } catch (e) { /* nothing to keep */ }
    },
    storageKeys: function () {
      try { return wx.getStorageInfoSync().keys || [] } catch (e) { return [] }
    },
    appState: function () {
      return hides * 2 + (hidden ? 1 : 0)
    },
    // Cancelled through `cancel` like a timer: `done` drops the waiter and settles it.
    appShown: function () {
      var resolve
      var pending = new Promise(function (r) { resolve = r })
      shown.push(resolve)
      pending.done = function () {
        var i = shown.indexOf(resolve)
        if (i >= 0) shown.splice(i, 1)
        resolve()
      }
      return pending
    },
    log: function (line) {
      if (typeof console !== 'undefined' && console.log) console.log(line)
    },
  }
}

// The global `wx`, read only when no platform was injected and only when first needed.
function globalWx() {
  if (typeof wx !== 'undefined') return wx
  throw new Error('wxhttp: no `wx` global here; pass `platform` to createHttp')
}

module.exports = { createAdapter: createAdapter, globalWx: globalWx }
