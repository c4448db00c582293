// Compiled with miniprogram-api-typings (`"types": ["miniprogram-api-typings"]`): the options
// passed through to wx.request are its WechatMiniprogram.RequestOption, so a misspelled or
// mistyped one is an error.
import { createHttp, isRequestError, type PassThroughOptions, type RequestOptions } from 'wxhttp'

const http = createHttp({ baseURL: 'https://api.example.com', platform: wx })
http.get('/a', { enableHttp2: true, enableChunked: true, responseType: 'arraybuffer', redirect: 'manual' })
const extra: PassThroughOptions = { dataType: 'json', enableQuic: true }
const options: RequestOptions = { url: '/a', method: 'POST', data: { n: 1 }, ...extra }
http.request(options).then((res) => {
  const raw: WechatMiniprogram.RequestOption = { url: '/a', header: res.header }
  void raw
}, (e) => {
  if (isRequestError(e)) wx.showToast({ title: e.kind, icon: 'none' })
})
// @ts-expect-error: misspelled (enableHttp2)
http.get('/a', { enableHttp3: true })
// @ts-expect-error: misspelled (dataType)
http.delete('/a', { datatype: 'json' })
// @ts-expect-error: responseType is 'text' or 'arraybuffer'
http.post('/a', { n: 1 }, { responseType: 'blob' })
// @ts-expect-error: misspelled (enableCache)
http.request({ url: '/a', enableCaching: true })
// @ts-expect-error: success, fail and complete are wxhttp's own
http.get('/a', { success: () => {} })
// @ts-expect-error: redirect is 'follow' or 'manual'
const wrong: PassThroughOptions = { redirect: 'never' }
void wrong
// Uploads, downloads and streams: what passes through is checked against wx.uploadFile's,
// wx.downloadFile's and wx.request's options.
http.upload({ url: '/a', filePath: 'f', name: 'f', enableHttp2: true })
http.download({ url: '/a', enableQuic: true })
http.stream({ url: '/a', enableHttp2: true, dataType: 'text' })
// @ts-expect-error: misspelled (enableHttp2)
http.upload({ url: '/a', filePath: 'f', name: 'f', enableHttp3: true })
// @ts-expect-error: wx.downloadFile has no responseType
http.download({ url: '/a', responseType: 'arraybuffer' })
// @ts-expect-error: a stream is always chunked
http.stream({ url: '/a', enableChunked: false })
// @ts-expect-error: responseType is 'text' or 'arraybuffer'
http.stream({ url: '/a', responseType: 'blob' })
