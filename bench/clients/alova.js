'use strict'
// alova with a minimal requestAdapter over wx.request (alova's custom-adapter contract:
// (elements, method) → { response, headers, abort }) — @alova/adapter-uniapp calls the `uni`
// global and @alova/adapter-taro does not exist on npm, so neither fits a native mini-program —
// and alova/client's createServerTokenAuthentication: the server decides expiry (body code
// 99997), refreshTokenOnSuccess logs in (wx.login → POST /auth/login) and alova replays.
// Response cache off (cacheFor: null): wxhttp caches nothing unless asked either.
var alova = require('alova')
var client = require('alova/client')
var common = require('./common.js')

function wxRequestAdapter(wx) {
  return function (elements, method) {
    var task
    var pending = new Promise(function (resolve, reject) {
      task = wx.request({
        url: elements.url,
        method: elements.type,
        header: elements.headers,
        data: elements.data,
        timeout: method.config.timeout || undefined,
        success: resolve,
        fail: function (err) { reject(new Error(err && err.errMsg || 'request:fail')) },
      })
    })
    return {
      response: function () { return pending },
      headers: function () { return pending.then(function (res) { return res.header }) },
      abort: function () { if (task) task.abort() },
    }
  }
}

module.exports = function create(wx, opts) {
  var token = null
  var instance
  var auth = opts.auth ? client.createServerTokenAuthentication({
    assignToken: function (method) { if (token) method.config.headers.Authorization = token },
    refreshTokenOnSuccess: {
      isExpired: function (response) { return common.isExpiredBody(response.data) },
      handler: function () {
        return common.wxLoginCode(wx)
          .then(function (code) {
            return instance.Post('/auth/login', { code: code, previousToken: token }, { meta: { authRole: 'refreshToken' } })
          })
          .then(function (body) { token = common.tokenFrom(body) })
      },
    },
  }) : null
  var beforeRequest = function (method) { method.config.headers['X-Bench'] = '1' }
  var responded = function (response) {
    if (response.statusCode >= 400) throw new Error('HTTP ' + response.statusCode)
    return response.data
  }
  instance = alova.createAlova({
    baseURL: opts.baseURL,
    requestAdapter: wxRequestAdapter(wx),
    cacheFor: null,
    beforeRequest: auth ? auth.onAuthRequired(beforeRequest) : beforeRequest,
    responded: auth ? auth.onResponseRefreshToken(responded) : responded,
  })
  return {
    get: function (path) { return instance.Get(path) },
  }
}
