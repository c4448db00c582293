// Assembles the two shipped folders from js/ and build/:
//   miniprogram_dist/ — CommonJS for WeChat in one bundled file, wasm as .wasm.br loaded by path (WXWebAssembly)
//   dist/             — Node and bundlers, wasm read from beside the entry; in a browser (the
//                       `browser` condition) fetched by URL: browser.js, and browser.mjs and web.mjs
//                       bundled so that a page can import them without a bundler
// and prints the shipped sizes.
'use strict'
const fs = require('fs')
const path = require('path')
const zlib = require('zlib')

const root = path.join(__dirname, '..')
const read = (file) => fs.readFileSync(path.join(root, file))
const wasm = read('build/wxhttp_bg.wasm')
const brotli = zlib.brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })

const common = ['auth.js', 'avatar.js', 'cache.js', 'driver.js', 'error.js', 'http.js', 'files.js', 'interceptors.js', 'load.js', 'login.js', 'namespace.js', 'sse.js', 'utf8.js',
  'options.js', 'protocol.js', 'storage.js', 'wx.js']
function emit(dir, files) {
  const out = path.join(root, dir)
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(out, name), content)
}
const shared = Object.fromEntries(common.map((f) => [f, read('js/' + f)]))
shared['index.d.ts'] = read('js/index.d.ts')

// A browser's ES modules, each one file (the glue is CommonJS, which a page cannot import).
const esm = (entry) => require('esbuild').buildSync({
  entryPoints: [path.join(root, entry)], bundle: true, format: 'esm', platform: 'browser', target: 'es2020',
  minifyWhitespace: true, minifySyntax: true, write: false, logLevel: 'error',
}).outputFiles[0].contents
emit('dist', {
  ...shared, 'index.js': read('js/node.js'), 'index.mjs': read('js/index.mjs'), 'wxhttp_bg.wasm': wasm,
  'browser.js': read('js/browser.js'), 'browser.mjs': esm('js/browser.mjs'),
  'web.js': read('js/web.js'), 'web.mjs': esm('js/web.mjs'), 'web.d.ts': read('js/web.d.ts'),
})
// The mini-program gets the driver as one file, comments and blanks gone (names kept, so stack
// traces stay readable): under JavaScriptCore without JIT, parsing is most of a cold start, and
// one module costs less to load than fourteen (measured: ~1.5 ms of ~10 ms).
const bundled = require('esbuild').buildSync({
  entryPoints: [path.join(root, 'js/index.js')], bundle: true, format: 'cjs', platform: 'neutral', target: 'es2015',
  minifyWhitespace: true, minifySyntax: true, write: false, logLevel: 'error', mainFields: ['main'],
}).outputFiles[0].contents
const banner = '// wxhttp ' + require(path.join(root, 'package.json')).version + ': the mini-program build (js/ in the repository, bundled).\n'
emit('miniprogram_dist', { 'index.js': Buffer.concat([Buffer.from(banner), Buffer.from(bundled)]), 'index.d.ts': read('js/index.d.ts'), 'wxhttp_bg.wasm.br': brotli })

const js = fs.readFileSync(path.join(root, 'miniprogram_dist/index.js'))
const sizes = (b) => `${b.length} B raw, ${zlib.gzipSync(b, { level: 9 }).length} B gzip, ${zlib.brotliCompressSync(b).length} B brotli`
console.log(`package: wasm ${sizes(wasm)}`)
console.log(`package: js (miniprogram_dist/index.js) ${sizes(js)}`)
