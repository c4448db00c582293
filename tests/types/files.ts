// Uploads, downloads, streams (SPEC §11) and network awareness (SPEC §12): the documented
// usage type-checks, with and without miniprogram-api-typings; misuse marked @ts-expect-error does not.
import {
  createHttp, isRequestError,
  type DownloadResult, type NetworkState, type RequestError, type Response, type ServerSentEvent, type StreamResult, type UploadOptions,
} from 'wxhttp'

const http = createHttp({ baseURL: 'https://api.example.com', offline: 'wait', auth: { login: { url: '/auth/login' } } })
createHttp({ offline: 'fail' })

interface Uploaded { code: number; data: { url: string } }
async function files() {
  const progress: number[] = []
  const upload = http.upload<Uploaded>({
    url: '/api/avatar', filePath: 'wxfile://tmp_1.jpg', name: 'avatar', formData: { kind: 'avatar', size: 3 },
    header: { 'X-Trace': 't' }, timeout: 30_000, retry: 1, auth: true, offline: 'fail',
    onProgress: (p) => { progress.push(p.progress, p.totalBytesSent, p.totalBytesExpectedToSend) },
  })
  upload.abort()
  const res: Response<Uploaded, UploadOptions> = await upload
  const url: string = res.data.data.url
  const field: string = res.config.name

  const download = http.download({
    url: '/api/files/report.pdf', params: { v: 2 }, header: { Accept: 'application/pdf' }, retry: false,
    onProgress: (p) => { progress.push(p.progress, p.totalBytesWritten, p.totalBytesExpectedToWrite) },
  })
  download.abort()
  const file: DownloadResult = await download
  const path: string | undefined = file.tempFilePath ?? file.filePath
  const saved = await http.download({ url: '/api/files/a.bin', filePath: 'wxfile://usr/a.bin' })
  const status: number = saved.statusCode

  const events: ServerSentEvent[] = []
  const answer = http.stream({
    url: '/api/chat', method: 'POST', data: { prompt: '你好' }, timeout: 120_000,
    onChunk: (text) => { text.toUpperCase() },
    onEvent: (e) => { events.push(e); const d: string = e.data; const n: string = e.event; const id: string = e.id; const r: number | undefined = e.retry; void [d, n, id, r] },
  })
  answer.abort()
  const end: StreamResult = await answer
  const head: Record<string, string> = end.header
  await http.stream({ url: '/api/raw', responseType: 'arraybuffer', onChunk: (bytes) => { bytes.byteLength } })
  await http.stream({ url: '/api/events', sse: true, auth: false, offline: 'fail' })

  const net: NetworkState = http.network()
  const online: boolean = net.online
  const type: string = net.type
  void [url, field, path, status, head, online, type]

  try { await http.get('/a', { offline: 'fail' }) } catch (e) {
    if (isRequestError(e)) {
      const err: RequestError = e
      const offline: true | undefined = err.offline
      if (err.offline && err.kind === 'timeout') { /* waited for the network past its timeout */ }
      void [offline, err.cause]
    }
  }
}
void files

// @ts-expect-error: an upload needs the form field name of the file
http.upload({ url: '/a', filePath: 'wxfile://x' })
// @ts-expect-error: an upload needs a filePath
http.upload({ url: '/a', name: 'file' })
// @ts-expect-error: an upload's progress has totalBytesSent, not totalBytesWritten
http.upload({ url: '/a', filePath: 'f', name: 'f', onProgress: (p) => p.totalBytesWritten })
// @ts-expect-error: a download's progress has totalBytesWritten, not totalBytesSent
http.download({ url: '/a', onProgress: (p) => p.totalBytesSent })
// @ts-expect-error: a download's result has no data
http.download({ url: '/a' }).then((r) => r.data)
// @ts-expect-error: text chunks are strings, not ArrayBuffers
http.stream({ url: '/a', onChunk: (text) => text.byteLength })
// @ts-expect-error: with responseType 'arraybuffer' the chunks are ArrayBuffers
http.stream({ url: '/a', responseType: 'arraybuffer', onChunk: (bytes) => bytes.toUpperCase() })
// @ts-expect-error: an event's data is a string
http.stream({ url: '/a', onEvent: (e) => e.data.byteLength })
// @ts-expect-error: sse is a boolean
http.stream({ url: '/a', sse: 'yes' })
// @ts-expect-error: offline is 'wait' or 'fail'
createHttp({ offline: 'queue' })
// @ts-expect-error: offline is 'wait' or 'fail'
http.get('/a', { offline: true })
// @ts-expect-error: network() is synchronous: no then
http.network().then(() => {})
