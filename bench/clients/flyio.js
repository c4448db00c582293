'use strict'
// flyio's WeChat entry (`flyio/dist/npm/wx`, whose engine calls the global `wx.request`: the
// caller sets `globalThis.wx` first) with the token recipe of its README: a request interceptor
// that, with no token, locks the instance (`fly.lock()`), logs in with a second Fly instance and
// unlocks; and its interceptor docs' expiry recipe: the response interceptor locks itself
// (`this.lock()`), logs in, unlocks and replays `fly.request(response.request)`.
var Fly = require('flyio/dist/npm/wx')
var common = require('./common.js')

module.exports = function create(wx, opts) {
  var fly = new Fly()
  fly.config.baseURL = opts.baseURL
  fly.config.headers = { 'X-Bench': '1' }
  if (opts.auth) {
    var token = null
    var tokenFly = new Fly()
    tokenFly.config.baseURL = opts.baseURL
    var login = function () {
      return common.wxLoginCode(wx)
        .then(function (code) { return tokenFly.post('/auth/login', { code: code, previousToken: token }) })
        .then(function (res) { token = common.tokenFrom(res.data); return token })
    }
    fly.interceptors.request.use(function (request) {
      if (!token) {
        fly.lock()
        return login().then(function (t) {
          request.headers.Authorization = t
          return request
        }).finally(function () { fly.unlock() })
      }
      request.headers.Authorization = token
      return request
    })
    fly.interceptors.response.use(function (response) {
      if (common.isExpiredBody(response.data)) {
        var self = this
        self.lock()
        return login()
          .finally(function () { self.unlock() })
          .then(function () { return fly.request(response.request) })
      }
      return response
    }, function (err) { return Promise.reject(err) })
  }
  return {
    get: function (path) { return fly.get(path).then(function (res) { return res.data }) },
  }
}
