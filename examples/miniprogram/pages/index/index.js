// One page, one client. `require('wxhttp')` resolves to miniprogram_npm/wxhttp after
// DevTools' 工具 → 构建 npm, and the wasm module loads from there too (the default `wasmPath`):
// it ships once, nothing to copy.
const wxhttp = require('wxhttp')

const BASE_URL = 'http://127.0.0.1:3000' // node demo/backend.js --port 3000 (in the repository)

// The page counts what it could not see otherwise: wx.login calls and wx.request calls (the
// login request bypasses interceptors). Everything else is the real `wx`.
const counts = { wxLogin: 0, requests: 0, loginRequests: 0 }
const platform = Object.create(wx)
platform.login = function (options) {
  counts.wxLogin++
  return wx.login(options)
}
platform.request = function (options) {
  counts.requests++
  if (/\/auth\/login(\?|$)/.test(options.url)) counts.loginRequests++
  return wx.request(options)
}

const http = wxhttp.createHttp({
  baseURL: BASE_URL,
  platform,
  // wx.login → POST /auth/login { code, previousToken } → { code: 10000, data: { token, expiresIn, userId } }
  auth: {
    login: { url: '/auth/login' },
    onLoginFailed: (err) => wx.showToast({ title: 'login failed: ' + err.kind, icon: 'none' }),
  },
  debug: true, // each request's life in the console (never the token)
})

function describeError(e) {
  if (wxhttp.isRequestError(e)) return e.kind + ': ' + e.message
  return String(e && e.message || e)
}

Page({
  data: {
    loading: true,
    loadError: '',
    busy: false,
    summary: '',
    results: [],
    avatar: [],
  },

  onLoad() {
    http.ready().then(
      () => this.setData({ loading: false }),
      // A module that cannot load (a base library older than 2.14.0, the .wasm.br left out of
      // the code package) rejects with kind `config`, saying what to do.
      (e) => this.setData({ loading: false, loadError: describeError(e) })
    )
  },

  // Ten requests at once: the first tap shares one silent login; after `expire` in the
  // backend's terminal, the next tap shares one re-login and each request replays once.
  tenRequests() {
    if (this.data.busy) return
    const before = Object.assign({}, counts)
    const started = Date.now()
    this.setData({ busy: true, summary: 'sending 10 requests…', results: [] })
    const calls = []
    for (let i = 1; i <= 10; i++) {
      calls.push(http.get('/api/items/' + i).then(
        (res) => res.data && res.data.code === 10000
          ? { ok: true, text: '#' + i + ' ' + res.data.data.path + ' → user ' + res.data.data.userId }
          : { ok: false, text: '#' + i + ' answered ' + JSON.stringify(res.data) },
        (e) => ({ ok: false, text: '#' + i + ' ' + describeError(e) })
      ))
    }
    Promise.all(calls).then((results) => {
      const ok = results.filter((r) => r.ok).length
      const logins = counts.wxLogin - before.wxLogin
      const sent = counts.requests - before.requests - (counts.loginRequests - before.loginRequests)
      const token = typeof http.getToken === 'function' && http.getToken()
      this.setData({
        busy: false,
        results,
        summary: ok + '/10 ok in ' + (Date.now() - started) + ' ms · wx.login ×' + logins +
          ' · /api requests sent ×' + sent + ' (replays ×' + Math.max(0, sent - 10) + ')' +
          ' · token: ' + (token ? 'yes' : 'no'),
      })
    })
  },

  // The reference backend has no HTTP endpoint to expire sessions (a page must not be able to
  // log everyone out): the expiry is triggered from the backend's terminal.
  expireToken() {
    wx.showModal({
      title: 'expire token',
      content: 'In the terminal running `node demo/backend.js`, type `expire` and press Enter. ' +
        'Then tap "10 requests": expect wx.login ×1 and 10 replays, all 10 ok.',
      showCancel: false,
    })
  },

  // WeChat answers an avatar URL that no longer exists with X-ErrNo: -6101.
  checkAvatar() {
    if (typeof wxhttp.checkAvatar !== 'function') {
      this.setData({ avatar: [{ url: '-', result: 'checkAvatar is not in this build of wxhttp' }] })
      return
    }
    const urls = [BASE_URL + '/avatar/ok/1', BASE_URL + '/avatar/expired/1']
    Promise.all(urls.map((url) => Promise.resolve()
      .then(() => wxhttp.checkAvatar(url, { platform }))
      .then((result) => ({ url: url.replace(BASE_URL, ''), result }), (e) => ({ url: url.replace(BASE_URL, ''), result: describeError(e) }))
    )).then((avatar) => this.setData({ avatar }))
  },
})
