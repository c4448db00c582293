// The web example (examples/web/) in a real headless Chromium over HTTP, driven through the
// DevTools protocol: the package's browser build loads its wasm by URL, logs in through the
// web platform, and its storage lands in localStorage. Screenshots of the page: build/web-example.png
// (at the end) and build/web-example-offline.png (a list waiting for the network).
'use strict'
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')
const CDP = require('chrome-remote-interface')
const { start } = require('../../examples/web/server.js')

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const FLAGS = require('../webdriver.json')['goog:chromeOptions'].args
const SCREENSHOT = path.join(__dirname, '../../build/web-example.png')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
// Every step is bounded: a browser that stops answering fails the suite, never hangs it.
const bounded = { timeout: 30000 }

let server, browser, client, profile
const errors = []

// Chromium on a free DevTools port; resolves the port once it listens.
function launch() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(CHROMIUM + ' is missing: scripts/setup.sh installs Debian\'s chromium')
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-chromium-'))
  // Its own process group, so that its helpers end with it (see `after`).
  browser = spawn(CHROMIUM, [...FLAGS, '--remote-debugging-port=0', '--user-data-dir=' + profile, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
  return new Promise((resolve, reject) => {
    let output = ''
    browser.stderr.on('data', (data) => {
      output += data
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(output)
      if (m) resolve(Number(m[1]))
    })
    browser.on('exit', (code) => reject(new Error('chromium exited (' + code + '): ' + output)))
    setTimeout(() => reject(new Error('chromium did not start in 30 s: ' + output)), 30000).unref()
  })
}

// The value of `expression` in the page (awaited when it is a promise).
async function page(expression) {
  const r = await client.Runtime.evaluate({ expression, awaitPromise: true, returnByValue: true })
  if (r.exceptionDetails) throw new Error('in the page: ' + (r.exceptionDetails.exception && r.exceptionDetails.exception.description || r.exceptionDetails.text))
  return r.result.value
}

async function until(expression, ms = 5000) {
  const end = Date.now() + ms
  while (!(await page(expression))) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + expression)
    await sleep(20)
  }
}

async function shoot(file) {
  const shot = await client.Page.captureScreenshot({ format: 'png' })
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, Buffer.from(shot.data, 'base64'))
}

before(async () => {
  server = await start()
  client = await CDP({ port: await launch() })
  await Promise.all([client.Page.enable(), client.Runtime.enable(), client.Network.enable()])
  client.Runtime.exceptionThrown(({ exceptionDetails: d }) => errors.push(d.exception && d.exception.description || d.text))
  await client.Emulation.setDeviceMetricsOverride({ width: 900, height: 1150, deviceScaleFactor: 1, mobile: false })
  const loaded = client.Page.loadEventFired()
  await client.Page.navigate({ url: server.url })
  await loaded
  await until('!!window.demo')
  await page('demo.http.ready()')
}, { timeout: 60000 })

// Chromium closes itself; then its process group (the helpers that outlive it) is ended, and
// its profile removed.
after(async () => {
  if (browser && browser.exitCode === null && browser.signalCode === null) {
    const exited = new Promise((resolve) => browser.once('exit', resolve))
    await Promise.race([client ? client.Browser.close().catch(() => {}) : null, sleep(5000)])
    await Promise.race([exited, sleep(5000)])
  }
  if (client) await client.close().catch(() => {})
  if (browser) try { process.kill(-browser.pid, 'SIGKILL') } catch (e) { /* already gone */ }
  if (profile) fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  if (server) await server.close()
})

test('twenty requests at once from a fresh page log in once, through loginCode()', bounded, async () => {
  assert.equal(server.backend.stats.logins, 0)
  const items = await page('demo.loadList()')
  assert.equal(items.length, 20)
  assert.deepEqual(items.map((item) => item.path), Array.from({ length: 20 }, (_, i) => '/api/items/' + (i + 1)))
  assert.ok(items.every((item) => item.userId === 'user-1'))
  assert.equal(server.backend.stats.logins, 1)
  assert.equal(server.backend.stats.byPath['/auth/login'], 1)
  assert.match(await page('demo.http.getToken()'), /^tok-/)
})

test('tokens expired on the backend: one re-login, and every request is replayed', bounded, async () => {
  await page('demo.loadList()')
  const logins = server.backend.stats.logins
  const seen = server.backend.log.length
  await page('demo.expire()')
  const items = await page('demo.loadList()')
  assert.equal(items.length, 20)
  assert.equal(server.backend.stats.logins, logins + 1)
  const answers = server.backend.log.slice(seen).filter((entry) => entry.path.startsWith('/api/items/'))
  const expired = answers.filter((entry) => entry.code === 99997).length
  assert.ok(expired >= 1 && expired <= 20, expired + ' expired answers')
  assert.equal(answers.filter((entry) => entry.status === 200 && entry.code === 10000).length, 20)
})

test('a stream of Server-Sent Events arrives event by event, through fetch\'s body reader', bounded, async () => {
  const events = await page('demo.stream(3)')
  assert.deepEqual(events.map((e) => [e.event, e.id, e.data]), [
    ['message', '1', '中文 1\nline 2 of 1'], ['message', '2', '中文 2\nline 2 of 2'], ['message', '3', '中文 3\nline 2 of 3'], ['done', '3', '[DONE]'],
  ])
  // Flushed 150 ms apart: the first event was there long before the last.
  assert.ok(events[3].ms - events[0].ms >= 300, JSON.stringify(events.map((e) => e.ms)))
})

test('http.storage keeps an entry with expiry in localStorage, gone after its ttl', bounded, async () => {
  const draft = await page('demo.saveDraft(400)')
  assert.equal(draft.text, 'a draft')
  const raw = JSON.parse(await page('localStorage.getItem("wxhttp:draft")'))
  assert.equal(raw.type, 'object')
  assert.equal(raw.data.wxhttp, 1)
  assert.equal(raw.data.value.text, 'a draft')
  assert.equal(raw.data.expires - raw.data.saved, 400)
  await sleep(500)
  assert.equal(await page('demo.readDraft()'), null)
  assert.equal(await page('localStorage.getItem("wxhttp:draft")'), null)
})

// SPEC §12 on the web: navigator.onLine and online/offline events, as DevTools' offline mode
// sets them. The page's list is loaded while offline: it waits, and loads once online again.
test('a request made while offline waits for the network and succeeds once it is back', bounded, async () => {
  const conditions = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 }
  await client.Network.emulateNetworkConditions({ offline: true, ...conditions })
  try {
    await until('navigator.onLine === false')
    await page(`window.offline = { state: 'pending' }
      demo.loadList().then((items) => { offline.state = 'ok ' + items.length }, (e) => { offline.state = 'failed: ' + e.message })
      true`)
    await sleep(1500)
    await shoot(SCREENSHOT.replace('.png', '-offline.png'))
    assert.equal(await page('offline.state'), 'pending', 'settled while offline')
    assert.equal(await page('document.getElementById("status").textContent'), 'waiting for the network…')
  } finally {
    await client.Network.emulateNetworkConditions({ offline: false, ...conditions })
  }
  await until('navigator.onLine === true')
  await until('offline.state !== "pending"', 10000)
  assert.equal(await page('offline.state'), 'ok 20')
})

test('the example page, as a user sees it (build/web-example.png), with no uncaught error', bounded, async () => {
  await page('demo.loadList()')
  await page('demo.stream(3)')
  await page('demo.saveDraft()')
  await shoot(SCREENSHOT)
  assert.ok(fs.statSync(SCREENSHOT).size > 10000)
  assert.match(await page('document.getElementById("status").textContent'), /^20 loaded/)
  assert.deepEqual(errors, [])
})
