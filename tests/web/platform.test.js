// createWebPlatform (js/web.js) in Node, with a fake fetch, localStorage, document, window and
// navigator: wx's contracts for each call wx.js makes. Then the package over it and real HTTP.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { createWebPlatform } = require(require('./package.js').resolve('wxhttp/web'))

// A fetch that answers `answer(url, init)` (a Response or a promise of one), recording each call.
function fakeFetch(answer) {
  const calls = []
  const fetch = (url, init) => {
    calls.push({ url, init })
    return Promise.resolve(answer(url, init))
  }
  fetch.calls = calls
  return fetch
}

// A fetch that never answers, and rejects as fetch does when its signal aborts.
function hangingFetch() {
  const fetch = (url, init) => new Promise((resolve, reject) => {
    fetch.signal = init.signal
    init.signal.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')))
  })
  return fetch
}

const { fakeStorage } = require('./fakes.js')

// Runs wx.request and resolves { ok, res, task, completes }.
function request(wx, options) {
  return new Promise((resolve) => {
    let completes = 0
    const task = wx.request({
      ...options,
      success: (res) => setTimeout(() => resolve({ ok: true, res, task, completes })),
      fail: (res) => setTimeout(() => resolve({ ok: false, res, task, completes })),
      complete: () => { completes++ },
    })
  })
}

const platform = (more) => createWebPlatform({ loginCode: () => 'c', storage: fakeStorage(), ...more })
const json = (body, init) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json', 'X-Trace': 'a' }, ...init })

test('loginCode is required', () => {
  assert.throws(() => createWebPlatform({}), TypeError)
  assert.throws(() => createWebPlatform(), /loginCode/)
})

test('request: any status succeeds with the JSON body, the status and lower-case headers', async () => {
  const fetch = fakeFetch(() => json({ code: 1 }, { status: 500 }))
  const { ok, res, completes } = await request(platform({ fetch }), { url: 'https://a.test/x', header: { 'X-One': '1', Gone: undefined } })
  assert.equal(ok, true)
  assert.deepEqual(res, { data: { code: 1 }, statusCode: 500, header: { 'content-type': 'application/json', 'x-trace': 'a' }, errMsg: 'request:ok' })
  assert.equal(completes, 1)
  assert.equal(fetch.calls[0].init.method, 'GET')
  assert.deepEqual(fetch.calls[0].init.headers, { 'x-one': '1' })
})

test('request: GET and HEAD put data in the query, as wx does; no content type without a body', async () => {
  const fetch = fakeFetch(() => new Response(''))
  const wx = platform({ fetch })
  await request(wx, { url: 'https://a.test/x?a=1', data: { q: '茶 叶', o: { n: 1 }, skip: undefined, none: null } })
  await request(wx, { url: 'https://a.test/y', method: 'head', data: 'raw=1' })
  assert.equal(fetch.calls[0].url, 'https://a.test/x?a=1&q=%E8%8C%B6%20%E5%8F%B6&o=%7B%22n%22%3A1%7D&none=')
  assert.equal(fetch.calls[1].url, 'https://a.test/y?raw=1')
  assert.equal(fetch.calls[1].init.method, 'HEAD')
  for (const call of fetch.calls) {
    assert.equal(call.init.body, undefined)
    assert.equal(call.init.headers['content-type'], undefined)
  }
})

test('request: other methods send objects as JSON (or a form), strings and bytes as they are', async () => {
  const fetch = fakeFetch(() => new Response(''))
  const wx = platform({ fetch })
  const bytes = new Uint8Array([1, 2]).buffer
  await request(wx, { url: 'https://a.test/', method: 'POST', data: { a: 1 } })
  await request(wx, { url: 'https://a.test/', method: 'PUT', data: { a: 1, b: 'x y' }, header: { 'Content-Type': 'application/x-www-form-urlencoded' } })
  await request(wx, { url: 'https://a.test/', method: 'POST', data: 'text', header: { 'content-type': 'text/plain' } })
  await request(wx, { url: 'https://a.test/', method: 'POST', data: bytes })
  const sent = fetch.calls.map((c) => [c.init.body, c.init.headers['content-type']])
  assert.deepEqual(sent.slice(0, 3), [['{"a":1}', 'application/json'], ['a=1&b=x%20y', 'application/x-www-form-urlencoded'], ['text', 'text/plain']])
  assert.equal(sent[3][0], bytes)
})

test('request: dataType and responseType as wx has them', async () => {
  const wx = platform({ fetch: fakeFetch(() => new Response('{"a":1}')) })
  assert.deepEqual((await request(wx, { url: 'https://a.test/' })).res.data, { a: 1 })
  assert.equal((await request(wx, { url: 'https://a.test/', dataType: 'text' })).res.data, '{"a":1}')
  const buffer = (await request(wx, { url: 'https://a.test/', responseType: 'arraybuffer' })).res.data
  assert.ok(buffer instanceof ArrayBuffer)
  assert.equal(Buffer.from(buffer).toString(), '{"a":1}')
  const text = platform({ fetch: fakeFetch(() => new Response('not json')) })
  assert.equal((await request(text, { url: 'https://a.test/' })).res.data, 'not json')
  const empty = platform({ fetch: fakeFetch(() => new Response(null, { status: 204 })) })
  assert.equal((await request(empty, { url: 'https://a.test/' })).res.data, '')
})

test('request: timeout, abort and network failures fail once, with wx\'s errMsg', async () => {
  const slow = hangingFetch()
  const timedOut = await request(platform({ fetch: slow }), { url: 'https://a.test/', timeout: 20 })
  assert.deepEqual([timedOut.ok, timedOut.res, timedOut.completes], [false, { errMsg: 'request:fail timeout' }, 1])
  assert.equal(slow.signal.aborted, true)

  const wx = platform({ fetch: hangingFetch() })
  const aborted = await new Promise((resolve) => {
    const calls = []
    const task = wx.request({ url: 'https://a.test/', success: () => calls.push('success'), fail: (res) => calls.push(res.errMsg) })
    task.abort()
    task.abort()
    setTimeout(() => resolve(calls), 10)
  })
  assert.deepEqual(aborted, ['request:fail abort'])

  const down = platform({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) })
  assert.deepEqual((await request(down, { url: 'https://a.test/' })).res, { errMsg: 'request:fail Failed to fetch' })
  const throws = platform({ fetch: () => { throw new TypeError('Invalid URL') } })
  assert.deepEqual((await request(throws, { url: 'nope' })).res, { errMsg: 'request:fail Invalid URL' })
})

test('request: enableChunked gives the headers, then each piece of the body as an ArrayBuffer, then success', async () => {
  const pieces = ['data: a\n\n', 'data: b', '\n\n']
  const body = new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(new TextEncoder().encode(p))
      controller.close()
    },
  })
  const wx = platform({ fetch: fakeFetch(() => new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })) })
  const events = []
  const done = new Promise((resolve) => {
    const task = wx.request({ url: 'https://a.test/s', enableChunked: true, success: resolve, fail: resolve })
    task.onHeadersReceived((res) => events.push(['headers', res.statusCode, res.header['content-type']]))
    task.onChunkReceived((res) => events.push(['chunk', res.data instanceof ArrayBuffer, Buffer.from(res.data).toString()]))
  })
  const res = await done
  assert.deepEqual(events, [['headers', 200, 'text/event-stream'], ...pieces.map((p) => ['chunk', true, p])])
  assert.equal(res.errMsg, 'request:ok')
  assert.equal(res.data, '')
})

test('request: a chunk listener taken off mid-body hears no more', async () => {
  const body = new ReadableStream({
    pull(controller) {
      controller.enqueue(new Uint8Array([1]))
      if (++this.n === 3) controller.close()
    },
    n: 0,
  })
  const wx = platform({ fetch: fakeFetch(() => new Response(body)) })
  let heard = 0
  const res = await new Promise((resolve) => {
    const task = wx.request({ url: 'https://a.test/s', enableChunked: true, responseType: 'arraybuffer', success: resolve, fail: resolve })
    const listener = () => { if (++heard === 1) task.offChunkReceived(listener) }
    task.onChunkReceived(listener)
  })
  assert.equal(heard, 1)
  assert.equal(res.errMsg, 'request:ok')
  assert.ok(res.data instanceof ArrayBuffer)
  assert.equal(res.data.byteLength, 0)
})

test('login: the code loginCode() gives, or wx\'s failure; checkSession always succeeds', async () => {
  const login = (loginCode) => new Promise((resolve) => createWebPlatform({ loginCode }).login({ success: resolve, fail: resolve }))
  assert.deepEqual(await login(() => 'abc'), { code: 'abc', errMsg: 'login:ok' })
  assert.deepEqual(await login(async () => 'xyz'), { code: 'xyz', errMsg: 'login:ok' })
  assert.deepEqual(await login(() => Promise.reject(new Error('closed the login page'))), { errMsg: 'login:fail closed the login page' })
  assert.deepEqual(await login(() => { throw new Error('no') }), { errMsg: 'login:fail no' })
  assert.match((await login(() => '')).errMsg, /^login:fail/)
  assert.deepEqual(await new Promise((resolve) => platform().checkSession({ success: resolve })), { errMsg: 'checkSession:ok' })
})

test('storage: values round-trip through localStorage with their type; a missing key reads as \'\'', () => {
  const storage = fakeStorage()
  const wx = createWebPlatform({ loginCode: () => 'c', storage })
  const values = [{ a: [1, { b: null }] }, 'text', '{"type":"number","data":1}', 0, false, null, [1, 2]]
  values.forEach((v, i) => wx.setStorageSync('k' + i, v))
  values.forEach((v, i) => assert.deepEqual(wx.getStorageSync('k' + i), v))
  assert.deepEqual(JSON.parse(storage.items.get('k0')), { type: 'object', data: values[0] })
  assert.equal(wx.getStorageSync('missing'), '')
  storage.setItem('foreign', '{"written":"by someone else"}')
  assert.equal(wx.getStorageSync('foreign'), '{"written":"by someone else"}')
  wx.removeStorageSync('k1')
  assert.equal(wx.getStorageSync('k1'), '')
  assert.deepEqual(wx.getStorageInfoSync().keys.sort(), ['foreign', 'k0', 'k2', 'k3', 'k4', 'k5', 'k6'])
})

test('storage: a full localStorage fails with the browser\'s message, the old value kept', () => {
  const wx = createWebPlatform({ loginCode: () => 'c', storage: fakeStorage(100) })
  wx.setStorageSync('k', { v: 1 })
  assert.throws(() => wx.setStorageSync('k', { v: 'x'.repeat(200) }), (e) => {
    assert.equal(e.errMsg, e.message)
    assert.match(e.errMsg, /^setStorageSync:fail Failed to execute 'setItem' on 'Storage': .* exceeded the quota\.$/)
    return true
  })
  assert.deepEqual(wx.getStorageSync('k'), { v: 1 })
})

test('storage: without localStorage (or where reading it throws), in memory', () => {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'localStorage')
  Object.defineProperty(globalThis, 'localStorage', { configurable: true, get() { throw new DOMException('denied', 'SecurityError') } })
  try {
    const wx = createWebPlatform({ loginCode: () => 'c' })
    wx.setStorageSync('a', { n: 1 })
    assert.deepEqual(wx.getStorageSync('a'), { n: 1 })
    assert.deepEqual(wx.getStorageInfoSync().keys, ['a'])
  } finally {
    if (had) Object.defineProperty(globalThis, 'localStorage', had)
    else delete globalThis.localStorage
  }
})

// Installs a fake document, window and navigator for `fn`.
async function withPage(fn) {
  const document = new EventTarget()
  document.visibilityState = 'visible'
  const window = new EventTarget()
  const navigator = { onLine: true }
  const saved = ['document', 'window', 'navigator'].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)])
  for (const [k, v] of Object.entries({ document, window, navigator })) Object.defineProperty(globalThis, k, { configurable: true, writable: true, value: v })
  try {
    await fn({ document, window, navigator })
  } finally {
    for (const [k, d] of saved) if (d) Object.defineProperty(globalThis, k, d); else delete globalThis[k]
  }
}

test('onAppShow / onAppHide follow document.visibilitychange', () => withPage(({ document }) => {
  const wx = platform()
  const seen = []
  wx.onAppHide(() => seen.push('hide'))
  wx.onAppShow(() => seen.push('show'))
  for (const state of ['hidden', 'visible', 'hidden']) {
    document.visibilityState = state
    document.dispatchEvent(new Event('visibilitychange'))
  }
  assert.deepEqual(seen, ['hide', 'show', 'hide'])
}))

test('network: getNetworkType from navigator.onLine, changes from online/offline events', () => withPage(async ({ window, navigator }) => {
  const wx = platform()
  const type = () => new Promise((resolve) => wx.getNetworkType({ success: (res) => resolve(res.networkType) }))
  assert.equal(await type(), 'unknown')
  navigator.connection = { type: 'wifi' }
  assert.equal(await type(), 'wifi')
  navigator.onLine = false
  assert.equal(await type(), 'none')
  const seen = []
  const listener = (res) => seen.push(res)
  wx.onNetworkStatusChange(listener)
  window.dispatchEvent(new Event('online'))
  window.dispatchEvent(new Event('offline'))
  wx.offNetworkStatusChange(listener)
  window.dispatchEvent(new Event('online'))
  assert.deepEqual(seen, [{ isConnected: true, networkType: 'wifi' }, { isConnected: false, networkType: 'none' }])
}))
