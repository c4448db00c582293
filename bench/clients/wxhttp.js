'use strict'
// wxhttp as its README configures it. `wxhttp` is the package's module object (dist/ on Node,
// miniprogram_dist/ under jsc), passed in so one file serves both.
module.exports = function create(wx, opts, wxhttp) {
  var http = wxhttp.createHttp({
    baseURL: opts.baseURL,
    platform: wx,
    header: { 'X-Bench': '1' },
    auth: opts.auth ? { login: { url: '/auth/login' } } : undefined,
    wasmPath: opts.wasmPath,
  })
  return {
    http: http,
    get: function (path) { return http.get(path).then(function (res) { return res.data }) },
  }
}
