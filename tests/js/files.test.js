// Uploads, downloads and streams (SPEC §11), end to end on the emulator: the same pipeline as
// requests (token, expiry and replay, the shared limit, abort), progress never after the
// promise settled, an upload's JSON body, text decoded across chunks, Server-Sent Events.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const wxhttp = require('./package.js')
const { createBackend, createWx } = require('../../emulator')

const BASE = 'https://api.example.com'
const AUTH = { login: { url: '/auth/login' } }

function setup({ client = {}, wx = {}, backend = {} } = {}) {
  const b = createBackend(backend)
  const w = createWx({ backend: b, transport: 'inprocess', quiet: true, ...wx })
  const http = wxhttp.createHttp({ baseURL: BASE, platform: w, auth: AUTH, ...client })
  return { backend: b, wx: w, emu: w.__emu, http }
}

test('§11 upload: token, JSON body, progress up to 100 and never after; expiry re-uploads the same file once', async () => {
  const env = setup()
  const filePath = env.emu.writeFile('wxfile://tmp_avatar.png', 'not really a png')
  const progress = []
  const res = await env.http.upload({ url: '/api/upload', filePath, name: 'avatar', formData: { kind: 'avatar' }, onProgress: (p) => progress.push(p.progress) })
  assert.equal(res.statusCode, 200)
  assert.equal(res.data.code, 10000, 'parsed JSON')
  assert.deepEqual([res.data.data.name, res.data.data.size, res.data.data.formData.kind], ['avatar', 16, 'avatar'])
  assert.ok(progress.length >= 1 && progress[progress.length - 1] === 100, JSON.stringify(progress))
  const after = progress.length
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(progress.length, after, 'no progress after the promise settled')
  env.backend.control.expireTokens()
  const again = await env.http.upload({ url: '/api/upload', filePath, name: 'avatar' })
  assert.equal(again.data.code, 10000)
  assert.equal(env.emu.uploads, 3, 'the expired upload was sent again once, with the same file')
  assert.equal(env.backend.stats.logins, 2)
})

test('§11 upload: not retried by default; a missing file rejects with kind network', async () => {
  const env = setup({ client: { auth: undefined } })
  env.backend.control.failNext('/public/upload', 1, 503)
  const filePath = env.emu.writeFile('data')
  const e = await env.http.upload({ url: '/public/upload', filePath, name: 'f' }).catch((x) => x)
  assert.equal(e.kind, 'http')
  assert.equal(e.statusCode, 503)
  assert.equal(env.emu.uploads, 1)
  const missing = await env.http.upload({ url: '/public/upload', filePath: 'wxfile://nope', name: 'f' }).catch((x) => x)
  assert.equal(missing.kind, 'network')
  assert.match(missing.errMsg, /uploadFile:fail/)
  const bad = await env.http.upload({ url: '/public/upload', name: 'f' }).catch((x) => x)
  assert.equal(bad.kind, 'config')
  assert.match(bad.message, /`filePath`/)
})

test('§11 download: file, progress, expiry by status (401 style), abort', async () => {
  const env = setup({ backend: { expiryStyle: '401' } })
  const seen = []
  const res = await env.http.download({ url: '/api/files/report.pdf?size=4096', onProgress: (p) => seen.push(p.totalBytesWritten) })
  assert.equal(res.statusCode, 200)
  assert.match(res.tempFilePath, /^wxfile:\/\/tmp_/)
  assert.equal(env.emu.readFile(res.tempFilePath).length, 4096)
  assert.equal(seen[seen.length - 1], 4096)
  env.backend.control.expireTokens()
  const again = await env.http.download({ url: '/api/files/b.bin?size=10' })
  assert.equal(again.statusCode, 200)
  assert.equal(env.backend.stats.logins, 2, 'a 401 re-logged in and the download replayed')
  env.backend.control.setLatency(1000)
  const p = env.http.download({ url: '/api/files/slow.bin?size=10' })
  setTimeout(() => p.abort(), 5)
  const aborted = await p.catch((x) => x)
  assert.equal(aborted.kind, 'aborted')
})

test('§11 stream: SSE events parsed, a 中 split across flushes arrives whole; resolves at the end', async () => {
  const env = setup()
  const events = []
  const chunks = []
  const res = await env.http.stream({ url: '/api/sse?n=3&every=5', onChunk: (t) => chunks.push(t), onEvent: (e) => events.push(e) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(events.slice(0, 3).map((e) => e.data), ['中文 1\nline 2 of 1', '中文 2\nline 2 of 2', '中文 3\nline 2 of 3'])
  assert.equal(events[0].retry, 3000)
  assert.deepEqual(events.map((e) => e.id).slice(0, 3), ['1', '2', '3'])
  assert.equal(events[events.length - 1].event, 'done')
  assert.ok(chunks.length >= 3, 'delivered as it came')
  assert.ok(!chunks.join('').includes('\ufffd'), 'no broken character')
})

test('§11 stream: an expired body before the first chunk re-logs in and replays; never after a chunk', async () => {
  const env = setup()
  await env.http.get('/api/warm')
  env.backend.control.expireTokens()
  const chunks = []
  const res = await env.http.stream({ url: '/api/chunked?n=3&size=8&every=5', onChunk: (t) => chunks.push(t) })
  assert.equal(res.statusCode, 200)
  assert.equal(env.backend.stats.logins, 2)
  assert.ok(!chunks.join('').includes('99997'), 'the expired body never reached the app')
  assert.ok(chunks.join('').startsWith('0:'))
  // Cut after the first chunk: rejected, never sent again.
  const got = []
  const p = env.http.stream({ url: '/api/chunked?n=5&size=8&every=20', retry: 3, onChunk: (t) => { got.push(t); if (got.length === 1) env.emu.dropConnections() } })
  const e = await p.catch((x) => x)
  assert.equal(e.kind, 'network')
  assert.equal(env.emu.requestsByPath['/api/chunked'], 3, 'two for the replayed one, one for this')
})

test('§11 stream: a 401 at the headers re-logs in before any chunk; raw ArrayBuffers; no onChunkReceived → one chunk', async () => {
  const env = setup({ backend: { expiryStyle: '401' } })
  await env.http.get('/api/warm')
  env.backend.control.expireTokens()
  const raw = []
  const res = await env.http.stream({ url: '/api/chunked?n=2&size=8&every=5', responseType: 'arraybuffer', onChunk: (b) => raw.push(b) })
  assert.equal(res.statusCode, 200)
  assert.equal(env.backend.stats.logins, 2)
  assert.ok(raw.length >= 1 && raw.every((b) => b instanceof ArrayBuffer))
  // A host without onChunkReceived: the whole body arrives as one chunk at the end.
  const plain = createWx({ backend: env.backend, transport: 'inprocess', quiet: true, chunkedSuccessData: 'full' })
  const request = plain.request
  plain.request = (o) => { const task = request(o); delete task.onChunkReceived; return task }
  const http = wxhttp.createHttp({ baseURL: BASE, platform: plain })
  const texts = []
  await http.stream({ url: '/public/chunked?n=3&size=8&every=5', onChunk: (t) => texts.push(t) })
  assert.equal(texts.length, 1)
  assert.ok(texts[0].startsWith('0:') && texts[0].includes('2:'))
})

test('§11: uploads, downloads and streams share maxConcurrent with requests', async () => {
  const env = setup({ client: { maxConcurrent: 2, auth: undefined } })
  env.backend.control.setLatency(20)
  const filePath = env.emu.writeFile('x')
  const all = [
    env.http.get('/public/a'), env.http.upload({ url: '/public/upload', filePath, name: 'f' }),
    env.http.download({ url: '/public/files/a.bin?size=8' }), env.http.stream({ url: '/public/chunked?n=2&size=4&every=1' }),
  ]
  await Promise.all(all)
  assert.equal(env.emu.maxInFlight, 2)
})

test('§11 misuse: a wx that throws, answers twice or answers null, and app callbacks that throw: each call settles once', async () => {
  const env = setup({ client: { auth: undefined, retry: false } })
  const filePath = env.emu.writeFile('x')
  const plain = { uploadFile: env.wx.uploadFile, request: env.wx.request, downloadFile: env.wx.downloadFile }
  const cases = [
    ['throws', (o) => { throw new Error('boom') }],
    ['answers twice', (o) => { o.success({ statusCode: 200, data: '{}' }); o.success({ statusCode: 500, data: '' }); o.fail({ errMsg: 'x' }); return { abort() {} } }],
    ['answers null', (o) => { o.success(null); return {} }],
    ['hostile result', (o) => { o.success({ get statusCode() { throw new Error('getter') } }); return {} }],
  ]
  for (const [name, fake] of cases) {
    env.wx.uploadFile = fake
    env.wx.downloadFile = fake
    env.wx.request = fake
    const results = await Promise.allSettled([
      env.http.upload({ url: '/public/upload', filePath, name: 'f' }),
      env.http.download({ url: '/public/files/a.bin' }),
      env.http.stream({ url: '/public/chunked' }),
    ])
    for (const r of results) {
      if (name === 'answers twice') assert.equal(r.status, 'fulfilled', `${name}: the first answer wins`)
      else assert.equal(r.reason && r.reason.kind, 'network', `${name}: ${r.reason && r.reason.message}`)
    }
  }
  Object.assign(env.wx, plain)
  const thrower = () => { throw new Error('app bug') }
  const up = await env.http.upload({ url: '/public/upload', filePath, name: 'f', onProgress: thrower })
  assert.equal(up.statusCode, 200)
  const st = await env.http.stream({ url: '/public/sse?n=2&every=1', onChunk: thrower, onEvent: thrower })
  assert.equal(st.statusCode, 200, 'a throwing onChunk / onEvent changes nothing')
  assert.equal(env.emu.inFlight, 0)
  assert.equal((await env.http.get('/public/after')).statusCode, 200)
})

test('§11 stream: an answer validateStatus refuses is no stream: nothing delivered, the body in e.response; uploads drop a JSON content-type', async () => {
  const env = setup({ client: { auth: undefined, retry: false, header: { 'content-type': 'application/json' } } })
  const chunks = []
  const e = await env.http.stream({ url: '/status/500', onChunk: (t) => chunks.push(t) }).catch((x) => x)
  assert.equal(e.kind, 'http')
  assert.equal(e.statusCode, 500)
  assert.deepEqual(chunks, [], 'the error body never reached onChunk')
  assert.equal(typeof e.response.data, 'object', 'parsed: ' + JSON.stringify(e.response.data))
  const filePath = env.emu.writeFile('x')
  const sent = []
  const upload = env.wx.uploadFile
  env.wx.uploadFile = (o) => { sent.push(o.header); return upload(o) }
  await env.http.upload({ url: '/public/upload', filePath, name: 'f' })
  assert.deepEqual(Object.keys(sent[0]).map((k) => k.toLowerCase()), [], 'no content-type for wx.uploadFile to clash with')
})
