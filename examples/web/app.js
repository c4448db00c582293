// The web example (served by server.js): wxhttp in a plain page, no bundler. Login codes come
// from the example server's POST /dev/code; a real app gets them from its login page or an
// OAuth redirect, and the login exchange (POST /auth/login { code }) is the same.
import { createHttp, isRequestError } from 'wxhttp'
import { createWebPlatform } from 'wxhttp/web'

const $ = (id) => document.getElementById(id)
const log = (line) => { $('log').textContent += new Date().toISOString().slice(11, 23) + '  ' + line + '\n' }

async function loginCode() {
  const res = await fetch('/dev/code', { method: 'POST' })
  const { code } = await res.json()
  log('login code from /dev/code: ' + code)
  return code
}

const http = createHttp({
  baseURL: '/',
  platform: createWebPlatform({ loginCode }),
  auth: { login: { url: '/auth/login' } },
  timeout: 30000,
})

async function refresh() {
  const token = http.getToken()
  $('token').textContent = token ? token.slice(0, 10) + '…' : 'none'
  try {
    $('logins').textContent = (await (await fetch('/dev/stats')).json()).logins
  } catch (e) { /* offline: the count shows again next time */ }
}

function showNetwork() {
  $('net').textContent = navigator.onLine ? 'online' : 'offline'
  $('net').className = 'net ' + (navigator.onLine ? 'online' : 'offline')
  log(navigator.onLine ? 'online' : 'offline: new requests wait for the network')
}

// Twenty requests at once: the first needs a token, so one login runs and all twenty wait for it.
async function loadList() {
  const started = Date.now()
  $('status').textContent = navigator.onLine ? 'loading…' : 'waiting for the network…'
  $('status').className = 'waiting'
  try {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => http.get('/api/items/' + (i + 1))))
    $('list').innerHTML = ''
    for (const res of answers) {
      const li = document.createElement('li')
      li.textContent = res.data.data.path + ' (n ' + res.data.data.n + ', ' + res.data.data.userId + ')'
      $('list').append(li)
    }
    $('status').textContent = '20 loaded in ' + (Date.now() - started) + ' ms'
    $('status').className = 'ok'
    log('GET /api/items/1…20: 20 answers in ' + (Date.now() - started) + ' ms')
    return answers.map((res) => res.data.data)
  } catch (e) {
    $('status').textContent = isRequestError(e) ? e.kind + ': ' + e.message : String(e)
    $('status').className = 'bad'
    log('failed: ' + $('status').textContent)
    throw e
  } finally {
    await refresh()
  }
}

// Server-Sent Events as they arrive: fetch's body read piece by piece (wx's enableChunked and
// onChunkReceived, as createWebPlatform gives them), parsed by http.stream.
async function stream(n = 3) {
  $('events').innerHTML = ''
  const started = Date.now()
  const events = []
  await http.stream({
    url: '/api/sse?n=' + n + '&every=150',
    onEvent(e) {
      events.push({ event: e.event, data: e.data, id: e.id, ms: Date.now() - started })
      const li = document.createElement('li')
      li.textContent = (Date.now() - started) + ' ms  ' + e.event + ': ' + e.data.replace(/\n/g, ' / ')
      $('events').append(li)
    },
  })
  log('stream /api/sse: ' + events.length + ' events over ' + (Date.now() - started) + ' ms')
  return events
}

async function expire() {
  await fetch('/dev/expire', { method: 'POST' })
  log('backend: every token expired (the next requests get 99997, re-login once, replay)')
}

async function saveDraft(ttl = 10000) {
  await http.storage.set('draft', { text: $('draft').value, at: Date.now() }, { ttl })
  log('http.storage.set("draft", …, { ttl: ' + ttl + ' }) → localStorage["wxhttp:draft"]')
  return readDraft()
}

async function readDraft() {
  const draft = await http.storage.get('draft')
  $('stored').textContent = draft ? 'stored: "' + draft.text + '"' : 'nothing stored (or expired)'
  return draft
}

$('load').onclick = () => loadList().catch(() => {})
$('expire').onclick = () => expire()
$('stream').onclick = () => stream().catch((e) => log('stream failed: ' + e.message))
$('save').onclick = () => saveDraft()
$('read').onclick = () => readDraft()
addEventListener('online', showNetwork)
addEventListener('offline', showNetwork)
$('net').textContent = navigator.onLine ? 'online' : 'offline'
$('net').className = 'net ' + $('net').textContent
refresh()
http.ready().then(() => log('wxhttp ready (wasm from /wxhttp/wxhttp_bg.wasm)'), (e) => log('wxhttp failed to load: ' + e.message))

// For the browser test (tests/web/) and the console.
window.demo = { http, loadList, expire, stream, saveDraft, readDraft, refresh }
