// Assembles the two shipped folders from js/ and build/:
//   miniprogram_dist/ — CommonJS for WeChat, wasm as .wasm.br loaded by path (WXWebAssembly)
//   dist/             — Node and bundlers, wasm read from beside the entry
// and prints the shipped sizes.
'use strict'
const fs = require('fs')
const path = require('path')
const zlib = require('zlib')

const root = path.join(__dirname, '..')
const read = (file) => fs.readFileSync(path.join(root, file))
const wasm = read('build/wxhttp_bg.wasm')
const brotli = zlib.brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })

const common = ['auth.js', 'avatar.js', 'cache.js', 'driver.js', 'error.js', 'http.js', 'interceptors.js', 'load.js', 'login.js',
  'options.js', 'protocol.js', 'storage.js', 'wx.js']
function emit(dir, files) {
  const out = path.join(root, dir)
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(out, name), content)
}
const shared = Object.fromEntries(common.map((f) => [f, read('js/' + f)]))
shared['index.d.ts'] = read('js/index.d.ts')

emit('miniprogram_dist', { ...shared, 'index.js': read('js/index.js'), 'wxhttp_bg.wasm.br': brotli })
emit('dist', { ...shared, 'index.js': read('js/node.js'), 'index.mjs': read('js/index.mjs'), 'wxhttp_bg.wasm': wasm })

const js = Buffer.concat(common.concat('index.js').map((f) => read('js/' + f)))
const sizes = (b) => `${b.length} B raw, ${zlib.gzipSync(b, { level: 9 }).length} B gzip, ${zlib.brotliCompressSync(b).length} B brotli`
console.log(`package: wasm ${sizes(wasm)}`)
console.log(`package: js (miniprogram_dist, unminified) ${sizes(js)}`)
