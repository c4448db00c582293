// The package's web entries in Node: `wxhttp/web` as CommonJS, ESM and TypeScript; the
// `browser` condition; the browser entries loading the wasm by URL (streamed or not); and the
// whole client over createWebPlatform and real HTTP against the reference backend.
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('child_process')
const fs = require('fs')
const http = require('http')
const os = require('os')
const path = require('path')
const { createBackend } = require('../../emulator/backend.js')
const { root, resolve, project } = require('./package.js')

const wxhttp = require(resolve('wxhttp'))
const web = require(resolve('wxhttp/web'))
const WASM = fs.readFileSync(path.join(root, 'dist/wxhttp_bg.wasm'))

const { fakeStorage } = require('./fakes.js')

// Serves the wasm at /<type>.wasm with that content type (`wasm`: application/wasm).
async function wasmServer() {
  const server = http.createServer((req, res) => {
    const m = /^\/([\w-]+)\.wasm/.exec(req.url)
    if (!m) return res.writeHead(404).end('not found')
    res.writeHead(200, { 'Content-Type': m[1] === 'wasm' ? 'application/wasm' : 'application/' + m[1] }).end(WASM)
  })
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  return { url: 'http://127.0.0.1:' + server.address().port, close: () => new Promise((done) => server.close(done)) }
}

test('wxhttp/web: the same createWebPlatform from require and import', async () => {
  const esm = await import(resolve('wxhttp/web').replace(/\.js$/, '.mjs'))
  assert.equal(typeof web.createWebPlatform, 'function')
  assert.equal(typeof esm.createWebPlatform, 'function')
  assert.equal(typeof esm.default.createWebPlatform, 'function')
  const run = (args) => spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8' })
  const imported = run(['--input-type=module', '-e', "import { createWebPlatform } from 'wxhttp/web'; console.log(typeof createWebPlatform)"])
  assert.equal(imported.stdout.trim(), 'function', imported.stderr)
})

test('the browser condition picks the entries that load by URL, never the one that needs fs', () => {
  const where = (flags, code) => {
    const r = spawnSync(process.execPath, [...flags, '-e', code], { cwd: project, encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    return path.relative(fs.realpathSync(root), fs.realpathSync(r.stdout.trim().replace(/^file:\/\//, '')))
  }
  const required = "console.log(require.resolve('wxhttp'))"
  const imported = "console.log(import.meta.resolve('wxhttp'))"
  assert.equal(where(['-C', 'browser'], required), path.join('dist', 'browser.js'))
  assert.equal(where(['-C', 'browser', '--input-type=module'], imported), path.join('dist', 'browser.mjs'))
  assert.equal(where([], required), path.join('dist', 'index.js'))
  assert.equal(where(['--input-type=module'], imported), path.join('dist', 'index.mjs'))
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  assert.deepEqual(pkg.browser, { './dist/index.js': './dist/browser.js', './dist/index.mjs': './dist/browser.mjs' })
  for (const file of ['browser.js', 'browser.mjs', 'web.js', 'web.mjs', 'web.d.ts', 'wxhttp_bg.wasm']) assert.ok(fs.existsSync(path.join(root, 'dist', file)), file)
  assert.doesNotMatch(fs.readFileSync(path.join(root, 'dist/browser.mjs'), 'utf8'), /require\(["'](fs|path)["']\)/)
})

test('the browser entries load the wasm by URL: streamed as application/wasm, read whole otherwise', async () => {
  const server = await wasmServer()
  const streaming = WebAssembly.instantiateStreaming
  const streamed = []
  WebAssembly.instantiateStreaming = (res, imports) => {
    streamed.push(res.url)
    return streaming(res, imports)
  }
  try {
    const cjs = require(path.join(root, 'dist/browser.js'))
    const esm = await import(path.join(root, 'dist/browser.mjs'))
    const platform = web.createWebPlatform({ loginCode: () => 'code' })
    await cjs.createHttp({ platform, wasmPath: server.url + '/wasm.wasm' }).ready()
    await cjs.createHttp({ platform, wasmPath: server.url + '/octet-stream.wasm' }).ready()
    await esm.createHttp({ platform, wasmPath: server.url + '/wasm.wasm?esm' }).ready()
    assert.deepEqual(streamed, [server.url + '/wasm.wasm', server.url + '/wasm.wasm?esm'])
    const missing = await cjs.createHttp({ platform, wasmPath: server.url + '/nothing' }).ready().catch((e) => e)
    assert.equal(missing.kind, 'config')
    assert.match(missing.message, /could not load its WebAssembly module from "http:\/\/127\.0\.0\.1:\d+\/nothing" \(HTTP status 404\)\. In a browser, `wasmPath` is the URL of wxhttp_bg\.wasm/)
    const none = await cjs.createHttp({ platform }).ready().catch((e) => e)
    assert.equal(none.kind, 'config')
    assert.match(none.message, /no `wasmPath` given/)
  } finally {
    WebAssembly.instantiateStreaming = streaming
    await server.close()
  }
})

test('the client over createWebPlatform and real fetch: one login for twenty, one re-login after expiry, storage with its type', async () => {
  const backend = createBackend()
  const listening = await backend.listen()
  const storage = fakeStorage()
  let codes = 0
  try {
    const client = wxhttp.createHttp({
      baseURL: listening.url,
      platform: web.createWebPlatform({ loginCode: async () => { codes++; return backend.issueCode() }, storage }),
      auth: { login: { url: '/auth/login' } },
    })
    const get20 = () => Promise.all(Array.from({ length: 20 }, (_, i) => client.get('/api/items/' + i)))
    const first = await get20()
    assert.deepEqual(first.map((res) => res.data.data.path), Array.from({ length: 20 }, (_, i) => '/api/items/' + i))
    assert.equal(backend.stats.logins, 1)
    backend.control.expireTokens()
    const again = await get20()
    assert.ok(again.every((res) => res.data.code === 10000))
    assert.equal(backend.stats.logins, 2)
    assert.equal(codes, 2)

    await client.storage.set('draft', { text: '草稿' }, { ttl: 50 })
    assert.deepEqual(await client.storage.get('draft'), { text: '草稿' })
    const raw = JSON.parse(storage.items.get('wxhttp:draft'))
    assert.equal(raw.type, 'object')
    assert.deepEqual(raw.data.value, { text: '草稿' })
    await new Promise((done) => setTimeout(done, 80))
    assert.equal(await client.storage.get('draft'), null)
    assert.equal(storage.items.has('wxhttp:draft'), false)
  } finally {
    await listening.close()
  }
})

test('typings: wxhttp/web under tsc --strict in a web project', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-web-types-'))
  try {
    fs.mkdirSync(path.join(work, 'node_modules'))
    fs.symlinkSync(root, path.join(work, 'node_modules', 'wxhttp'))
    fs.copyFileSync(path.join(__dirname, 'usage.web.ts'), path.join(work, 'usage.web.ts'))
    const compilerOptions = { noEmit: true, strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2020', lib: ['es2020', 'dom'], types: [] }
    fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['usage.web.ts'] }))
    const tsc = path.join(__dirname, '../../node_modules/typescript/bin/tsc')
    const r = spawnSync(process.execPath, [tsc, '-p', work], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stdout + r.stderr)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
