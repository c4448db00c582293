// `npx wxhttp copy-wasm` (SPEC §2), run from the package as installed, then the copied module
// loaded the way WeChat loads it: `WXWebAssembly.instantiate(path)` with a path inside the code
// package, through miniprogram_dist/index.js.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')
const zlib = require('zlib')
const { spawnSync } = require('child_process')
const { root } = require('./package.js')
const { startEmulator } = require('../../emulator')

const BIN = path.join(root, 'bin', 'wxhttp.js')
const PACKAGE_WASM = path.join(root, 'miniprogram_dist', 'wxhttp_bg.wasm.br')

function cli(args, options) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...options })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

// A scratch mini-program: a folder with app.json, removed after the test.
function miniProgram(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-cli-'))
  fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: ['pages/index/index'] }))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

// WeChat's loader: a string path inside the code package (relative to the mini-program root),
// brotli .wasm.br, no bytes, no ArrayBuffer. Returns the paths it was asked for.
function simulateWeChat(t, programRoot) {
  const asked = []
  globalThis.WXWebAssembly = {
    instantiate(wasmPath, imports) {
      asked.push(wasmPath)
      if (typeof wasmPath !== 'string') return Promise.reject(new Error('WXWebAssembly.instantiate: path must be a string'))
      const file = path.join(programRoot, wasmPath.replace(/^\/+/, ''))
      if (!fs.existsSync(file)) return Promise.reject(new Error(`WXWebAssembly.instantiate: no file in the code package at ${wasmPath}`))
      const bytes = /\.br$/.test(file) ? zlib.brotliDecompressSync(fs.readFileSync(file)) : fs.readFileSync(file)
      return WebAssembly.instantiate(bytes, imports)
    },
  }
  t.after(() => { delete globalThis.WXWebAssembly })
  return asked
}

// miniprogram_dist/index.js in a fresh module context (its loader caches per path).
function requireMiniprogramEntry(t) {
  const dir = path.join(fs.realpathSync(root), 'miniprogram_dist') + path.sep
  const clear = () => { for (const key of Object.keys(require.cache)) if (key.startsWith(dir)) delete require.cache[key] }
  clear()
  t.after(clear)
  return require(dir + 'index.js')
}

test('copy-wasm copies the module into <root>/wxhttp and prints its wasmPath', (t) => {
  const dir = miniProgram(t)
  const r = cli(['copy-wasm', dir])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '/wxhttp/wxhttp_bg.wasm.br\n')
  const copied = path.join(dir, 'wxhttp', 'wxhttp_bg.wasm.br')
  assert.ok(fs.readFileSync(copied).equals(fs.readFileSync(PACKAGE_WASM)), 'byte-identical to the package’s module')
  assert.match(r.stderr, /createHttp\(\{ wasmPath: '\/wxhttp\/wxhttp_bg\.wasm\.br'/)
  // Idempotent: a second run (after an upgrade) overwrites in place.
  assert.equal(cli(['copy-wasm', dir]).status, 0)
  assert.deepEqual(fs.readdirSync(path.join(dir, 'wxhttp')), ['wxhttp_bg.wasm.br'])
})

test('copy-wasm notes when 构建 npm already put the module at the default wasmPath', (t) => {
  const dir = miniProgram(t)
  const plain = cli(['copy-wasm', dir])
  assert.equal(plain.status, 0, plain.stderr)
  assert.doesNotMatch(plain.stderr, /note:/)
  fs.cpSync(path.join(root, 'miniprogram_dist'), path.join(dir, 'miniprogram_npm', 'wxhttp'), { recursive: true })
  const r = cli(['copy-wasm', dir])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '/wxhttp/wxhttp_bg.wasm.br\n')
  assert.match(r.stderr, /note: .*miniprogram_npm.wxhttp.wxhttp_bg\.wasm\.br is there too \(构建 npm put it there\).*not needed/)
  assert.match(cli(['--help']).stdout, /Not needed with WeChat DevTools' 工具 → 构建 npm/)
})

test('copy-wasm --to puts it in the folder given, relative to the root, with forward slashes', (t) => {
  const dir = miniProgram(t)
  for (const [args, wasmPath] of [
    [['--to', 'static/wasm'], '/static/wasm/wxhttp_bg.wasm.br'],
    [['--to=assets\\lib'], '/assets/lib/wxhttp_bg.wasm.br'],
    [['--to', path.join(dir, 'abs')], '/abs/wxhttp_bg.wasm.br'],
  ]) {
    const r = cli(['copy-wasm', dir, ...args])
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout, wasmPath + '\n')
    const copied = path.join(dir, ...wasmPath.split('/'))
    assert.ok(fs.readFileSync(copied).equals(fs.readFileSync(PACKAGE_WASM)), `${copied} byte-identical`)
  }
  // Relative root, resolved against the working directory.
  const r = cli(['copy-wasm', '.', '--to', 'rel'], { cwd: dir })
  assert.equal(r.status, 0, r.stderr)
  assert.ok(fs.existsSync(path.join(dir, 'rel', 'wxhttp_bg.wasm.br')))
})

test('copy-wasm refuses a folder without app.json, naming it, and copies nothing', (t) => {
  const dir = miniProgram(t)
  fs.rmSync(path.join(dir, 'app.json'))
  const r = cli(['copy-wasm', dir])
  assert.equal(r.status, 1)
  assert.equal(r.stdout, '')
  assert.ok(r.stderr.includes(`no app.json in ${path.resolve(dir)}`), r.stderr)
  assert.ok(!fs.existsSync(path.join(dir, 'wxhttp')))
  // A DevTools project folder whose miniprogramRoot is elsewhere: the message points there.
  fs.writeFileSync(path.join(dir, 'project.config.json'), JSON.stringify({ miniprogramRoot: 'miniprogram/' }))
  const hinted = cli(['copy-wasm', dir])
  assert.equal(hinted.status, 1)
  assert.match(hinted.stderr, /"miniprogramRoot": "miniprogram\/"/)
  const missing = cli(['copy-wasm', path.join(dir, 'nope')])
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /nope does not exist/)
})

test('bad arguments exit 2 with a clear message and the usage', (t) => {
  const dir = miniProgram(t)
  for (const [args, message] of [
    [[], /missing command/],
    [['copy-wasm'], /missing <mini-program root>/],
    [['copy-wasn', dir], /unknown command "copy-wasn"/],
    [['copy-wasm', dir, '--to'], /--to needs a folder/],
    [['copy-wasm', dir, '--to', '../outside'], /inside the mini-program root/],
    [['copy-wasm', dir, '--to', '/somewhere/else'], /relative to the mini-program root/],
    [['copy-wasm', dir, '--to', '.'], /names the root itself/],
    [['copy-wasm', dir, '--force'], /unknown option --force/],
    [['copy-wasm', dir, 'extra'], /unexpected argument "extra"/],
  ]) {
    const r = cli(args)
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, message, args.join(' '))
  }
  assert.ok(!fs.existsSync(path.join(dir, 'wxhttp')))
  assert.match(cli(['copy-wasm']).stderr, /Usage: wxhttp copy-wasm <mini-program root> \[--to <dir>\]/)
})

test('--help prints the usage and the default folder', () => {
  for (const flag of ['--help', '-h']) {
    const r = cli([flag])
    assert.equal(r.status, 0)
    assert.match(r.stdout, /^Usage: wxhttp copy-wasm <mini-program root> \[--to <dir>\]/)
    assert.match(r.stdout, /default: wxhttp/)
  }
})

test('npm installs the command as node_modules/.bin/wxhttp', { skip: !process.env.WXHTTP_PACKAGE && 'not an installed package' }, (t) => {
  const dir = miniProgram(t)
  const bin = path.join(root, '..', '.bin', process.platform === 'win32' ? 'wxhttp.cmd' : 'wxhttp')
  assert.ok(fs.existsSync(bin), `${bin} exists`)
  const r = spawnSync(bin, ['copy-wasm', dir], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '/wxhttp/wxhttp_bg.wasm.br\n')
})

test('the copied module loads through WXWebAssembly by path and a GET goes through', async (t) => {
  const dir = miniProgram(t)
  const r = cli(['copy-wasm', dir, '--to', 'static/wasm'])
  assert.equal(r.status, 0, r.stderr)
  const wasmPath = r.stdout.trim()
  const asked = simulateWeChat(t, dir)
  const wxhttp = requireMiniprogramEntry(t)
  const emu = await startEmulator()
  t.after(() => emu.close())
  const http = wxhttp.createHttp({ platform: emu.wx, wasmPath, baseURL: emu.url })
  const res = await http.get('/public/hello', { params: { from: 'cli' } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.data.code, 10000)
  assert.deepEqual(res.data.data.query, { from: 'cli' })
  assert.deepEqual(asked, [wasmPath])
  assert.equal(emu.backend.stats.byPath['/public/hello'], 1)
})

test('a wrong wasmPath rejects with kind config naming the path and copy-wasm', async (t) => {
  const dir = miniProgram(t)
  simulateWeChat(t, dir) // nothing copied: the default path is missing too
  const wxhttp = requireMiniprogramEntry(t)
  const emu = await startEmulator()
  t.after(() => emu.close())
  for (const wasmPath of ['/wrong/wxhttp_bg.wasm.br', undefined]) {
    const http = wxhttp.createHttp({ platform: emu.wx, wasmPath, baseURL: emu.url })
    const tried = wasmPath || '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'
    const check = (e) => {
      assert.ok(wxhttp.isRequestError(e), 'a RequestError')
      assert.equal(e.kind, 'config')
      assert.ok(e.message.includes(`"${tried}"`), e.message)
      // Where 构建 npm puts the module (and its subpackage form), and copy-wasm for frameworks;
      // never a folder that may not hold it.
      assert.ok(e.message.includes('构建 npm puts it at /miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'), e.message)
      assert.ok(e.message.includes('/<subpackage root>/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'), e.message)
      assert.ok(e.message.includes('npx wxhttp copy-wasm'), e.message)
      return true
    }
    await assert.rejects(http.ready(), check)
    await assert.rejects(http.get('/public/hello'), check)
  }
  assert.equal(emu.wx.__emu.requests, 0)
})

// examples/miniprogram as a developer runs it: copied, "构建 npm" done as DevTools does it (the
// package's miniprogram_dist/ copied whole to miniprogram_npm/wxhttp/), no other step; its page
// evaluated with WeChat's `Page`, `wx` and `require('wxhttp')`, and its buttons tapped against
// the backend it names (127.0.0.1:3000, mapped onto the emulator's). Checks the wiring, not the
// auth outcome (tests/js of the core do that), and that the module ships once.
test('examples/miniprogram: after 构建 npm the module loads from the default wasmPath, shipped once; its page loads and its buttons answer', async (t) => {
  const example = path.join(__dirname, '..', '..', 'examples', 'miniprogram')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-example-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.cpSync(example, dir, { recursive: true, filter: (src) => !/node_modules|miniprogram_npm/.test(path.relative(example, src)) })
  fs.cpSync(path.join(root, 'miniprogram_dist'), path.join(dir, 'miniprogram_npm', 'wxhttp'), { recursive: true })
  const source = fs.readFileSync(path.join(dir, 'pages', 'index', 'index.js'), 'utf8')
  assert.ok(!/wasmPath\s*:/.test(source), 'the page leaves wasmPath at its default')
  // The code package (node_modules is never uploaded) holds the module once.
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'project.config.json'), 'utf8'))
  const ignored = config.packOptions.ignore.map((rule) => rule.value)
  const modules = []
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const file = rel ? rel + '/' + entry.name : entry.name
      if (ignored.includes(file)) continue
      if (entry.isDirectory()) walk(file)
      else if (/\.wasm(\.br)?$/.test(entry.name)) modules.push(file)
    }
  }
  walk('')
  assert.deepEqual(modules, ['miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'])

  const asked = simulateWeChat(t, dir)
  const wxhttp = requireMiniprogramEntry(t)
  const emu = await startEmulator({ hosts: ['127.0.0.1:3000'], quiet: true })
  t.after(() => emu.close())
  const modals = []
  const wx = Object.assign(Object.create(emu.wx), { showModal: (o) => modals.push(o), showToast() {} })
  let page = null
  const Page = (definition) => {
    page = Object.assign({}, definition, { data: JSON.parse(JSON.stringify(definition.data)) })
    page.setData = (patch) => Object.assign(page.data, patch)
  }
  const logs = []
  const quiet = { log: (...a) => logs.push(a), info: (...a) => logs.push(a), warn: (...a) => logs.push(a), debug: (...a) => logs.push(a), error: (...a) => logs.push(a) }
  const fakeRequire = (name) => {
    if (name === 'wxhttp') return wxhttp
    throw new Error(`the example page requires ${name}`)
  }
  new Function('require', 'module', 'exports', 'wx', 'Page', 'console', source)(fakeRequire, { exports: {} }, {}, wx, Page, quiet) // eslint-disable-line no-new-func
  assert.ok(page, 'the page called Page()')
  const until = async (cond) => { for (let i = 0; i < 500 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 10)) }

  page.onLoad()
  await until(() => !page.data.loading)
  assert.equal(page.data.loadError, '')
  assert.deepEqual(asked, ['/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'])

  page.tenRequests()
  await until(() => !page.data.busy)
  assert.equal(page.data.results.length, 10)
  t.diagnostic(`the page shows: ${page.data.summary}`)
  assert.match(page.data.summary, /^\d+\/10 ok in \d+ ms · wx\.login ×\d+ · \/api requests sent ×\d+/)
  assert.ok(emu.backend.stats.byPath['/api/items/1'] >= 1, 'the requests reached the backend through 127.0.0.1:3000')

  page.expireToken()
  assert.equal(modals.length, 1)
  assert.match(modals[0].content, /type `expire`/)

  page.checkAvatar()
  await until(() => page.data.avatar.length > 0)
  assert.ok(page.data.avatar.length >= 1)
  t.diagnostic(`check avatar: ${page.data.avatar.map((a) => `${a.url} → ${a.result}`).join(', ')}`)
})
