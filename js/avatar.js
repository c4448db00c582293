'use strict'
// `checkAvatar` (SPEC §9): is a WeChat avatar URL still alive? WeChat answers one that no
// longer exists (the user changed their avatar; the old URL dies CDN node by CDN node) with
// `X-ErrNo: -6101` or `X-Info: notexist:-6101`. A HEAD straight to `wx.request` — no token,
// retry or cache: it is not an API call — then a GET if HEAD failed at the network level or
// was refused (405, 501); 10 s at most each. It never rejects. It is all about headers and
// strings, so it needs no core (and no module load).

var wxAdapter = require('./wx.js')

var TIMEOUT = 10000

function header(res, name) {
  var h = res && res.header
  if (!h || typeof h !== 'object') return undefined
  for (var key in h) if (key.toLowerCase() === name) return String(h[key])
  return undefined
}

// The rule: the markers win whatever the status; else a 2xx is 'ok'.
function classify(res) {
  var errno = header(res, 'x-errno')
  var info = header(res, 'x-info')
  if ((errno !== undefined && errno.trim() === '-6101') || (info !== undefined && info.toLowerCase().indexOf('notexist:-6101') >= 0)) return 'expired'
  return res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : 'unknown'
}

// One request: resolves { state, status } or { failed } / { timedOut }.
function send(wx, method, url) {
  return new Promise(function (resolve) {
    var timer = setTimeout(function () { wx.abort(task); resolve({ timedOut: true }) }, TIMEOUT)
    var task = wx.request({ url: url, method: method, timeout: TIMEOUT }, function (ok, res) {
      if (typeof clearTimeout === 'function') clearTimeout(timer)
      if (ok && res && typeof res.statusCode === 'number') resolve({ state: classify(res), status: res.statusCode })
      else resolve({ failed: true })
    })
  })
}

function checkAvatar(url, options) {
  return new Promise(function (resolve) {
    if (typeof url !== 'string' || !/^https?:\/\/[^/?#\s]+/i.test(url)) return resolve('unknown')
    var wx = wxAdapter.createAdapter((options && options.platform) || wxAdapter.globalWx())
    resolve(send(wx, 'HEAD', url).then(function (head) {
      if (head.timedOut) return 'unknown' // a GET would wait as long again
      if (head.state && head.status !== 405 && head.status !== 501) return head.state
      return send(wx, 'GET', url).then(function (get) { return get.state || 'unknown' })
    }))
  }).catch(function () { return 'unknown' })
}

module.exports = { checkAvatar: checkAvatar }
