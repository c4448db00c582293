'use strict'
// axios with a small adapter over wx.request (axios `adapter` option) and axios-auth-refresh.
// axios-auth-refresh acts on rejected responses only, and wx.request (like the backend) answers
// an expired session with HTTP 200 and body code 99997: a response interceptor, registered
// before createAuthRefresh so it runs first, turns such a body into an AxiosError carrying the
// response, and the plugin's documented `shouldRefresh` option matches it.
var axios = require('axios')
var authRefresh = require('axios-auth-refresh')
var common = require('./common.js')
var AxiosError = axios.AxiosError

function wxAdapter(wx) {
  return function (config) {
    return new Promise(function (resolve, reject) {
      var headers = config.headers && typeof config.headers.toJSON === 'function' ? config.headers.toJSON() : config.headers
      wx.request({
        url: axios.getUri(config),
        method: String(config.method || 'get').toUpperCase(),
        header: headers,
        data: config.data,
        timeout: config.timeout || undefined,
        success: function (res) {
          var response = { data: res.data, status: res.statusCode, statusText: '', headers: res.header, config: config, request: null }
          var validate = config.validateStatus
          if (!validate || validate(res.statusCode)) resolve(response)
          else reject(new AxiosError('Request failed with status code ' + res.statusCode, AxiosError.ERR_BAD_RESPONSE, config, null, response))
        },
        fail: function (err) { reject(new AxiosError(err && err.errMsg || 'request:fail', AxiosError.ERR_NETWORK, config, null)) },
      })
    })
  }
}

module.exports = function create(wx, opts) {
  var adapter = wxAdapter(wx)
  var api = axios.create({ baseURL: opts.baseURL, headers: { 'X-Bench': '1' }, adapter: adapter })
  if (opts.auth) {
    var token = null
    var loginApi = axios.create({ baseURL: opts.baseURL, adapter: adapter })
    // README "Request interceptor": read the token each time, so stalled requests use the new one.
    api.interceptors.request.use(function (request) {
      if (token) request.headers.Authorization = token
      return request
    })
    api.interceptors.response.use(function (response) {
      if (common.isExpiredBody(response.data)) {
        return Promise.reject(new AxiosError('token expired (body code 99997)', 'ERR_TOKEN_EXPIRED', response.config, null, response))
      }
      return response
    })
    var refreshAuthLogic = function (failedRequest) {
      return common.wxLoginCode(wx)
        .then(function (code) { return loginApi.post('/auth/login', { code: code, previousToken: token }, { skipAuthRefresh: true }) })
        .then(function (res) {
          token = common.tokenFrom(res.data)
          failedRequest.response.config.headers.Authorization = token
        })
    }
    authRefresh.createAuthRefresh(api, refreshAuthLogic, {
      shouldRefresh: function (error) { return !!error.response && common.isExpiredBody(error.response.data) },
    })
  }
  return {
    get: function (path) { return api.get(path).then(function (res) { return res.data }) },
  }
}
