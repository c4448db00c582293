'use strict'
// The baseline: wx.request promisified by hand, with the same features as the clients
// (base URL, one default header, JSON). No auth.
module.exports = function create(wx, opts) {
  var baseURL = opts.baseURL
  return {
    get: function (path) {
      return new Promise(function (resolve, reject) {
        wx.request({
          url: baseURL + path,
          method: 'GET',
          header: { 'X-Bench': '1', 'content-type': 'application/json' },
          success: function (res) { resolve(res.data) },
          fail: reject,
        })
      })
    },
  }
}
