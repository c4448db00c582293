// The README's quick start, run as written: the code blocks it marks `<!-- quickstart: FILE -->`
// become the files of a scratch mini-program, 工具 → 构建 npm is done as DevTools does it (the
// package's miniprogram_dist/ copied whole to miniprogram_npm/wxhttp/), and the page runs the
// way WeChat runs it: each file wrapped with `require`, `module`, `exports`, `wx`, `Page`, a
// `WXWebAssembly` that loads a path inside the code package, and no other step. `wx` is the
// emulator's, with api.example.com mapped onto the reference backend over loopback.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')
const zlib = require('zlib')
const { root } = require('./package.js')
const { startEmulator } = require('../../emulator')

const README = path.join(__dirname, '..', '..', 'README.md')
const DEFAULT_WASM_PATH = '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'

// The marked blocks of the README's quick start: [{ file, source }].
function quickStart(markdown) {
  const start = markdown.indexOf('\n## Quick start in a mini-program\n')
  assert.ok(start >= 0, 'README has a "Quick start in a mini-program" section')
  const end = markdown.indexOf('\n## ', start + 1)
  const section = markdown.slice(start, end < 0 ? undefined : end)
  const blocks = []
  for (const m of section.matchAll(/<!-- quickstart: (\S+) -->\n```js\n([\s\S]*?)\n```/g)) blocks.push({ file: m[1], source: m[2] + '\n' })
  return blocks
}

// A scratch mini-program holding the quick start's files, after 构建 npm.
function scratch(t) {
  const blocks = quickStart(fs.readFileSync(README, 'utf8'))
  assert.deepEqual(blocks.map((b) => b.file).sort(), ['pages/index/index.js', 'utils/http.js'], 'the quick start marks its two files')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-quickstart-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: ['pages/index/index'] }))
  for (const { file, source } of blocks) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), source)
  }
  fs.cpSync(path.join(root, 'miniprogram_dist'), path.join(dir, 'miniprogram_npm', 'wxhttp'), { recursive: true })
  return dir
}

// WeChat's loader: a string path inside the code package, brotli .wasm.br. Records the paths.
function wxWebAssembly(dir, asked) {
  return {
    instantiate(wasmPath, imports) {
      asked.push(wasmPath)
      const file = path.join(dir, String(wasmPath).replace(/^\/+/, ''))
      if (typeof wasmPath !== 'string' || !fs.existsSync(file)) return Promise.reject(new Error(`WXWebAssembly.instantiate: no file in the code package at ${wasmPath}`))
      return WebAssembly.instantiate(zlib.brotliDecompressSync(fs.readFileSync(file)), imports)
    },
  }
}

// WeChat's module system: every file runs once, wrapped, with the given globals as parameters
// (so nothing leaks into Node's globals); `require('wxhttp')` is what 构建 npm made.
function miniProgram(dir, globals) {
  const modules = new Map()
  const names = Object.keys(globals)
  function load(file) {
    if (modules.has(file)) return modules.get(file).exports
    if (!fs.existsSync(file)) throw new Error(`module '${path.relative(dir, file)}' is not defined`)
    const module = { exports: {} }
    modules.set(file, module)
    const factory = new Function('require', 'module', 'exports', ...names, fs.readFileSync(file, 'utf8')) // eslint-disable-line no-new-func
    factory(requireFrom(path.dirname(file)), module, module.exports, ...names.map((n) => globals[n]))
    return module.exports
  }
  function requireFrom(from) {
    return (name) => {
      let file
      if (name.startsWith('/')) file = path.join(dir, name)
      else if (name.startsWith('.')) file = path.join(from, name)
      else file = path.join(dir, 'miniprogram_npm', name, 'index')
      return load(file.endsWith('.js') ? file : file + '.js')
    }
  }
  return (file) => load(path.join(dir, file))
}

// Page(): keeps the definition; `open()` makes an instance as WeChat does and calls onLoad.
function pages() {
  const definitions = []
  return {
    Page: (definition) => { definitions.push(definition) },
    definitions,
    async open(query) {
      assert.equal(definitions.length, 1, 'the page file called Page() once')
      const definition = definitions[0]
      const page = Object.assign({}, definition, { data: JSON.parse(JSON.stringify(definition.data || {})) })
      page.setData = (patch) => Object.assign(page.data, patch)
      try {
        await page.onLoad(query || {})
      } catch (e) {
        assert.fail(`the quick start's onLoad threw: ${e && e.stack || e}`)
      }
      return page
    },
  }
}

async function emulator(t) {
  const emu = await startEmulator({ hosts: ['api.example.com'], quiet: true })
  t.after(() => emu.close())
  const toasts = []
  const wx = Object.assign(Object.create(emu.wx), { showToast: (o) => toasts.push(o) })
  return { emu, wx, toasts }
}

test('the README quick start runs as written after 构建 npm: a GET after one silent login, and a failure caught', async (t) => {
  const dir = scratch(t)
  const { emu, wx, toasts } = await emulator(t)
  const asked = []
  const app = pages()
  const run = miniProgram(dir, { wx, Page: app.Page, WXWebAssembly: wxWebAssembly(dir, asked) })
  run('pages/index/index.js')

  const page = await app.open()
  assert.deepEqual(toasts, [], 'no error toast')
  assert.equal(page.data.profile.path, '/api/profile')
  assert.equal(page.data.profile.userId, 'user-1')
  assert.equal(emu.backend.stats.logins, 1, 'one silent login')
  assert.equal(emu.backend.stats.byPath['/api/profile'], 1)
  assert.deepEqual(asked, [DEFAULT_WASM_PATH], 'the module loads from where 构建 npm put it: no copy, no wasmPath')

  // The catch branch, as written: a failed request shows its kind, and nothing throws.
  emu.backend.control.failNext('/api/profile', 1, 404)
  const failed = await app.open()
  assert.equal(failed.data.profile, undefined)
  assert.deepEqual(toasts, [{ title: 'http', icon: 'none' }])
  assert.equal(emu.backend.stats.logins, 1, 'no second login')
})

test('on a base library without WXWebAssembly, the quick start rejects with kind config naming 2.14.0 and where to set it', async (t) => {
  const dir = scratch(t)
  // iOS (no WebAssembly either) and an old Android (WebAssembly but no WXWebAssembly).
  for (const WebAssemblyGlobal of [undefined, WebAssembly]) {
    const { emu, wx, toasts } = await emulator(t)
    const app = pages()
    const run = miniProgram(dir, { wx, Page: app.Page, WXWebAssembly: undefined, WebAssembly: WebAssemblyGlobal })
    run('pages/index/index.js')
    const page = await app.open()
    assert.equal(page.data.profile, undefined)
    assert.deepEqual(toasts, [{ title: 'config', icon: 'none' }])
    const http = run('utils/http.js')
    await assert.rejects(http.ready(), (e) => {
      assert.equal(e.name, 'RequestError')
      assert.equal(e.kind, 'config')
      assert.match(e.message, /^wxhttp needs WXWebAssembly, which WeChat has \(with \.wasm\.br support\) from base library 2\.14\.0: set 基础库最低版本 in the admin console \(设置 → 基本设置/)
      return true
    })
    assert.equal(emu.wx.__emu.requests, 0, 'nothing reached wx.request')
    assert.equal(emu.wx.__emu.loginCalls, 0, 'nor wx.login')
  }
})

test('in a subpackage, the module loads from <subpackage root>/miniprogram_npm with that wasmPath', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-subpackage-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.cpSync(path.join(root, 'miniprogram_dist'), path.join(dir, 'packageA', 'miniprogram_npm', 'wxhttp'), { recursive: true })
  const { emu, wx } = await emulator(t)
  const asked = []
  const run = miniProgram(dir, { wx, WXWebAssembly: wxWebAssembly(dir, asked) })
  const wxhttp = run('packageA/miniprogram_npm/wxhttp/index.js')
  const wasmPath = '/packageA/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'
  const http = wxhttp.createHttp({ baseURL: 'https://api.example.com', wasmPath })
  assert.equal((await http.get('/public/hello')).data.code, 10000)
  assert.deepEqual(asked, [wasmPath])
  assert.equal(emu.backend.stats.byPath['/public/hello'], 1)

  // Left at the default, the load error names both places 构建 npm uses, and copy-wasm.
  const lost = wxhttp.createHttp({ baseURL: 'https://api.example.com' })
  await assert.rejects(lost.get('/public/hello'), (e) => {
    assert.equal(e.kind, 'config')
    assert.ok(e.message.includes(`from "${DEFAULT_WASM_PATH}"`), e.message)
    assert.ok(e.message.includes('/<subpackage root>/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br'), e.message)
    assert.ok(e.message.includes('npx wxhttp copy-wasm'), e.message)
    return true
  })
})
