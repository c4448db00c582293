'use strict'
// What every peer's client needs in the same way: the silent-login exchange of SPEC §6
// (wx.login code → POST /auth/login { code, previousToken } → body.data.token) and the
// body-code expiry test (code 99997, number or string).
function wxLoginCode(wx) {
  return new Promise(function (resolve, reject) {
    wx.login({
      success: function (res) { if (res && res.code) resolve(res.code); else reject(new Error('wx.login: no code')) },
      fail: function (err) { reject(new Error('wx.login failed: ' + (err && err.errMsg))) },
    })
  })
}
function tokenFrom(body) {
  var token = body && body.data && body.data.token
  if (!token) throw new Error('login failed: ' + JSON.stringify(body))
  return token
}
function isExpiredBody(body) {
  return !!body && typeof body === 'object' && Number(body.code) === 99997
}
module.exports = { wxLoginCode: wxLoginCode, tokenFrom: tokenFrom, isExpiredBody: isExpiredBody }
