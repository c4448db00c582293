// `npm run demo`: a mini-program's first minutes, told against the reference backend over real
// loopback HTTP and the wx emulator, through the package (`dist/`). Each step prints what it
// expected and what it saw; any mismatch makes the script exit 1, so it doubles as a smoke test.
'use strict'
const wxhttp = require('..')
const { startEmulator } = require('../emulator')

const STEP_TIMEOUT = 8000 // ms; a step that has not settled by then fails (nothing may hang)
const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
const OK = paint(32, '✓')
const BAD = paint(31, '✗')
const SKIP = paint(33, '–')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)
      timer.unref()
    }),
  ]).finally(() => clearTimeout(timer))
}

// Settles every promise, and tells them apart as a mini-program would look at them.
async function settleAll(promises) {
  const results = await Promise.allSettled(promises)
  const ok = results.filter((r) => r.status === 'fulfilled' && r.value && r.value.data && r.value.data.code === 10000)
  const other = results.length - ok.length
  const kinds = {}
  for (const r of results) {
    let kind = null
    if (r.status === 'rejected') kind = 'rejected: ' + (r.reason && r.reason.kind || (r.reason && r.reason.message) || r.reason)
    else if (!(r.value && r.value.data && r.value.data.code === 10000)) kind = 'resolved with code ' + (r.value && r.value.data && r.value.data.code)
    if (kind) kinds[kind] = (kinds[kind] || 0) + 1
  }
  return { ok: ok.length, other, kinds, values: ok.map((r) => r.value) }
}

function describeKinds(kinds) {
  const parts = Object.entries(kinds).map(([k, n]) => `${n} ${k}`)
  return parts.length ? ` (${parts.join(', ')})` : ''
}

async function main() {
  // The backend's latency timers are unref'd: an aborted request's pending answer never keeps
  // the process alive after the server has closed.
  const emu = await startEmulator({
    backendOptions: {
      setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); if (t.unref) t.unref(); return t },
      clearTimeout: (t) => clearTimeout(t),
    },
  })
  const { backend, url } = emu
  const wx = emu.wx
  const rows = []
  let failed = 0

  console.log(`wxhttp demo — reference backend on ${url}, the wx emulator in front of it,`)
  console.log('the client created by `require(\'wxhttp\')` exactly as a page would (dist/ on Node).\n')

  const http = wxhttp.createHttp({
    baseURL: url,
    platform: wx,
    auth: { login: { url: '/auth/login' } },
  })

  // One step: runs `body(check)`, where check(label, expected, seen, pass?) prints one line.
  async function step(n, title, body) {
    const before = { requests: backend.stats.requests, logins: backend.stats.logins, api: apiRequests() }
    const started = Date.now()
    console.log(paint(1, `[${n}] ${title}`))
    let stepFailed = false
    let skipped = false
    const row = { step: `${n}. ${title.split(':')[0]}`, logical: 0 }
    const check = (label, expected, seen, pass = expected === seen) => {
      console.log(`    ${pass ? OK : BAD} ${label}: expected ${expected}, seen ${seen}`)
      if (!pass) stepFailed = true
    }
    const note = (line) => console.log(`    ${line}`)
    const skip = (why) => { skipped = true; console.log(`    ${SKIP} skipped: ${why}`) }
    try {
      await withTimeout(body({ check, note, skip, row }), STEP_TIMEOUT, `step ${n}`)
    } catch (e) {
      console.log(`    ${BAD} ${e && e.stack || e}`)
      stepFailed = true
    }
    const api = apiRequests() - before.api
    row.requests = backend.stats.requests - before.requests
    row.logins = backend.stats.logins - before.logins
    row.replays = row.logical ? Math.max(0, api - row.logical) : 0
    row.ms = Date.now() - started
    row.result = stepFailed ? 'FAIL' : skipped ? 'skipped' : 'ok'
    if (stepFailed) failed++
    console.log(`    ${paint(2, `${row.requests} HTTP requests, ${row.logins} logins, ${row.replays} replays, ${row.ms} ms`)}\n`)
    rows.push(row)
  }

  function apiRequests() {
    let n = 0
    for (const [p, count] of Object.entries(backend.stats.byPath)) if (p.startsWith('/api/')) n += count
    return n
  }

  try {
    await step(1, 'launch: 20 concurrent /api requests share one silent login', async ({ check, note, row }) => {
      note('onLaunch and three pages each fire their requests at once; nobody has a token yet.')
      const logins = backend.stats.logins
      const wxLogins = wx.__emu.loginCalls
      const pages = ['profile', 'feed', 'cart', 'messages']
      const calls = []
      for (let i = 0; i < 20; i++) calls.push(http.get(`/api/${pages[i % 4]}/${i}`))
      row.logical = 20
      const r = await settleAll(calls)
      check('requests answered with data', 20, r.ok, r.ok === 20)
      if (r.other) note(`other outcomes:${describeKinds(r.kinds)}`)
      check('wx.login calls', 1, wx.__emu.loginCalls - wxLogins)
      check('logins at /auth/login', 1, backend.stats.logins - logins)
      check('every answer is for user-1', true, r.values.length === 20 && r.values.every((v) => v.data.data.userId === 'user-1'))
      const token = typeof http.getToken === 'function' ? http.getToken() : undefined
      check('http.getToken() holds the session', 'a token', token ? 'a token' : String(token), !!token)
    })

    await step(2, 'token expiry: the server drops every session; the next burst re-logs in once', async ({ check, note, row }) => {
      backend.control.expireTokens()
      note('backend.control.expireTokens(): the next answers are { code: 99997, message: "TOKEN EXPIRED" } with HTTP 200.')
      const logins = backend.stats.logins
      const apiBefore = apiRequests()
      const calls = []
      for (let i = 0; i < 10; i++) calls.push(http.get(`/api/orders/${i}`))
      row.logical = 10
      const r = await settleAll(calls)
      const sent = apiRequests() - apiBefore
      check('requests answered with data', 10, r.ok, r.ok === 10)
      if (r.other) note(`other outcomes:${describeKinds(r.kinds)}`)
      check('re-logins', 1, backend.stats.logins - logins)
      check('replays (expired answers sent again with the new token, once each)', 10, sent - 10, sent > 10 && sent <= 20)
      const token = typeof http.getToken === 'function' ? http.getToken() : undefined
      check('the new token is valid on the server', true, !!token && backend.isTokenValid(token))
    })

    await step(3, 'storage with expiry: a draft kept for 1 s, a profile kept for good', async ({ check, note, skip }) => {
      const storage = http.storage || (typeof wxhttp.createStorage === 'function' && wxhttp.createStorage({ namespace: 'wxhttp', platform: wx }))
      if (!storage) return skip('neither http.storage nor createStorage exists in this build (SPEC §8)')
      if (!http.storage) note('http.storage is missing; using createStorage({ namespace: "wxhttp" }) instead.')
      const draft = { title: '周末去爬山', body: '带上水和防晒' }
      await storage.set('draft', draft, { ttl: 1000 })
      await storage.set('profile', { nickName: '小程序用户' })
      check('get("draft") right away', JSON.stringify(draft), JSON.stringify(await storage.get('draft')))
      check('stored under the namespace in wx storage', 'wxhttp:draft', wx.getStorageInfoSync().keys.filter((k) => k === 'wxhttp:draft')[0] || 'nothing')
      note('waiting 1.1 s (wx.setStorageSync has no expiry of its own)…')
      await sleep(1100)
      check('get("draft") after its ttl', null, await storage.get('draft'))
      check('get("profile") (no ttl)', '小程序用户', ((await storage.get('profile')) || {}).nickName)
      check('the expired entry is gone from wx storage', false, wx.getStorageInfoSync().keys.includes('wxhttp:draft'))
      await storage.remove('profile')
    })

    await step(4, 'the basics: public GETs, a 503, an abort', async ({ check, note, row }) => {
      const r = await settleAll([1, 2, 3].map((i) => http.get(`/public/news/${i}`, { params: { page: i } })))
      check('public GETs answered', 3, r.ok, r.ok === 3)
      if (r.other) note(`other outcomes:${describeKinds(r.kinds)}`)
      let error = null
      try {
        await http.get('/status/503', { retry: false })
      } catch (e) {
        error = e
      }
      check('GET /status/503 rejects with', 'kind http, statusCode 503',
        error ? `kind ${error.kind}, statusCode ${error.statusCode}` : 'a resolved promise',
        !!error && wxhttp.isRequestError(error) && error.kind === 'http' && error.statusCode === 503)
      if (error) note(`message: ${error.message.replace(url, '<backend>')}`)
      backend.control.setLatency('/public/slow', 5000)
      const slow = http.get('/public/slow')
      slow.catch(() => {}) // observed below; never an unhandled rejection, whatever happens
      await http.ready()
      for (let i = 0; i < 200 && wx.__emu.inFlight === 0; i++) await sleep(5) // until dispatched
      slow.abort()
      let aborted = null
      try {
        await slow
      } catch (e) {
        aborted = e
      }
      check('an aborted request rejects with', 'kind aborted', aborted ? `kind ${aborted.kind}` : 'a resolved promise', !!aborted && aborted.kind === 'aborted')
      check('wx.request tasks left in flight', 0, wx.__emu.inFlight)
      row.logical = 0
    })

    await step(5, 'avatar upload: the chosen image to /api/upload, with progress', async ({ check, note, row }) => {
      // What wx.chooseMedia hands a page: a temporary file path (here a 300 KB "image").
      const size = 300 * 1024
      const filePath = wx.__emu.writeFile('wxfile://tmp_avatar.jpg', new Uint8Array(size).map((_, i) => (i * 7) & 255))
      note(`wx.chooseMedia gave ${filePath}; http.upload sends it with wx.uploadFile and the token.`)
      const seen = []
      const res = await http.upload({
        url: '/api/upload', filePath, name: 'avatar', formData: { purpose: 'avatar' },
        onProgress: (p) => {
          seen.push(p.progress)
          note(`  progress ${String(p.progress).padStart(3)} %  (${Math.round(p.totalBytesSent / 1024)} of ${Math.round(p.totalBytesExpectedToSend / 1024)} KB)`)
        },
      })
      row.logical = 1
      check('progress reached', 100, seen[seen.length - 1])
      check('res.data parsed from the JSON wx hands as a string', 'code 10000', `code ${res.data && res.data.code}`, !!res.data && res.data.code === 10000)
      const got = backend.uploads[backend.uploads.length - 1] || {}
      check('the server received', `${size} bytes as "avatar" for user-1`, `${got.size} bytes as "${got.field}" for ${got.userId}`,
        got.size === size && got.field === 'avatar' && got.userId === 'user-1')
    })

    await step(6, 'streamed answer: an AI chat reply over Server-Sent Events, shown as it arrives', async ({ check, note, row }) => {
      note('http.stream: wx.request with enableChunked; each event goes to onEvent the moment its bytes arrive.')
      const started = Date.now()
      const events = []
      const res = await http.stream({
        url: '/api/sse', params: { n: 5, every: 100 },
        onEvent: (e) => {
          events.push({ e, at: Date.now() - started })
          note(`  +${String(Date.now() - started).padStart(4)} ms  ${e.event.padEnd(7)} ${JSON.stringify(e.data)}`)
        },
      })
      const ended = Date.now() - started
      row.logical = 2 // this answer and the one aborted below
      check('resolved when the stream ended', 'status 200', `status ${res.statusCode}`, res.statusCode === 200)
      check('events (5 messages, then done)', 6, events.length)
      check('the first event, its 中 split between two chunks', '中文 1\\nline 2 of 1', events[0] && JSON.stringify(events[0].e.data).slice(1, -1))
      const first = events[0] ? events[0].at : ended
      check('the first event shown before the answer ended', `≥ 300 ms earlier`, `${ended - first} ms earlier`, ended - first >= 300)
      note('The page unloads after the second event of another answer: onUnload() { answer.abort() }')
      const more = []
      const answer = http.stream({
        url: '/api/sse', params: { n: 5, every: 100 },
        onEvent: (e) => { more.push(e); if (more.length === 2) answer.abort() },
      })
      const error = await answer.catch((e) => e)
      await sleep(250)
      check('the aborted answer rejects with', 'kind aborted', error && error.kind ? `kind ${error.kind}` : 'a resolved promise', !!error && error.kind === 'aborted')
      check('events after the abort', 0, more.length - 2)
      check('wx.request tasks left in flight', 0, wx.__emu.inFlight)
    })
  } finally {
    await emu.close()
  }

  printTable(rows)
  const total = rows.reduce((t, r) => ({ requests: t.requests + r.requests, logins: t.logins + r.logins, replays: t.replays + r.replays, ms: t.ms + r.ms }), { requests: 0, logins: 0, replays: 0, ms: 0 })
  console.log(`\n${total.requests} HTTP requests, ${total.logins} logins, ${total.replays} replays in ${total.ms} ms.`)
  if (failed) console.log(paint(31, `demo: ${failed} step(s) did not go as the SPEC says (see ${BAD} above).`))
  else console.log(paint(32, 'demo: every step went as the SPEC says.'))
  return failed ? 1 : 0
}

function printTable(rows) {
  const head = ['step', 'requests', 'logins', 'replays', 'time', 'result']
  const body = rows.map((r) => [r.step, String(r.requests), String(r.logins), String(r.replays), `${r.ms} ms`, r.result])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  console.log(paint(1, line(head)))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
}

main().then(
  (code) => {
    process.exitCode = code
    // Nothing may keep the process alive once the server has closed.
    setTimeout(() => {
      console.error('demo: something still holds the event loop 2 s after the end (a timer or socket left open)')
      process.exit(1)
    }, 2000).unref()
  },
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
