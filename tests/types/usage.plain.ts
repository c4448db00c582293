// Compiled without miniprogram-api-typings: any option wxhttp does not know passes through to
// wx.request, typed `unknown`; wxhttp's own options are still checked (usage.ts).
import { createHttp, type PassThroughOptions, type RequestOptions } from 'wxhttp'

const http = createHttp({ baseURL: 'https://api.example.com' })
http.get('/a', { enableHttp3: true, somethingNew: { x: 1 } })
http.post('/a', { n: 1 }, { responseType: 'blob', timeout: 1000 })
http.request({ url: '/a', anything: 1 })
const extra: PassThroughOptions = { whatever: 1 }
const options: RequestOptions = { url: '/a', dataType: 'json', redirect: 'manual', ...extra }
void options
// Uploads, downloads and streams pass unknown options through too.
http.upload({ url: '/a', filePath: 'f', name: 'f', enableHttp3: true })
http.download({ url: '/a', somethingNew: 1 })
http.stream({ url: '/a', dataType: 'text', enableHttp2: true })
