'use strict'
// §4 Shipped bytes. wxhttp: the .wasm (raw, gzip -9, brotli -q 11; and the .wasm.br the
// package ships) plus its JS glue: the js files of miniprogram_dist/ (no wasm-bindgen glue any
// more), i.e. miniprogram_dist/index.js bundled by esbuild --minify. What a mini-program ships
// is the .wasm.br + that glue. `twiggy top` of the named copy of the core (bench/named.js).
// Peers, two ways (esbuild --bundle --minify, then gzip -9 / brotli -q 11):
//   client: bench/clients/<lib>.js — the CommonJS entry a native mini-program requires
//     (axios + axios-auth-refresh, alova + alova/client, flyio/dist/npm/wx) with the wx adapter
//     and token configuration written here; no tree shaking (as DevTools' "构建 npm");
//   esm: bench/size-entries/<lib>.mjs — only the named imports, tree-shaken as a bundler
//     (Taro, uni-app) would; the adapter code (~1 KB) is not included.
const fs = require('fs')
const path = require('path')
const zlib = require('zlib')
const os = require('os')
const { spawnSync } = require('child_process')
const { ROOT } = require('./lib.js')

const gzip = (b) => zlib.gzipSync(b, { level: 9 }).length
const brotli = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length

function bundle(entry, esm) {
  const esbuild = require('esbuild')
  const r = esbuild.buildSync({
    entryPoints: [entry], bundle: true, minify: true, format: 'iife', platform: 'browser', target: 'es2017',
    define: { 'process.env.NODE_ENV': '"production"' }, write: false, logLevel: 'silent', metafile: true,
    mainFields: esm ? ['module', 'main'] : ['main'], conditions: esm ? ['import'] : [],
  })
  const out = Buffer.from(r.outputFiles[0].contents)
  // Minified bytes per input file, largest first.
  const inputs = Object.values(r.metafile.outputs)[0].inputs
  out.byFile = Object.keys(inputs).map((f) => ({ file: path.basename(f), bytes: inputs[f].bytesInOutput })).sort((a, b) => b.bytes - a.bytes)
  return out
}

function measure() {
  const wasm = fs.readFileSync(path.join(ROOT, 'dist', 'wxhttp_bg.wasm'))
  const shippedBr = path.join(ROOT, 'miniprogram_dist', 'wxhttp_bg.wasm.br')
  const glue = bundle(path.join(ROOT, 'miniprogram_dist', 'index.js'))
  const out = {
    wxhttp: {
      wasm: { raw: wasm.length, gzip: gzip(wasm), brotli: brotli(wasm), shippedBr: fs.existsSync(shippedBr) ? fs.statSync(shippedBr).size : null },
      glue: { min: glue.length, gzip: gzip(glue), brotli: brotli(glue), byFile: glue.byFile },
    },
    peers: {},
  }
  for (const lib of ['alova', 'axios', 'flyio']) {
    const b = bundle(path.join(__dirname, 'clients', lib + '.js'), false)
    const e = bundle(path.join(__dirname, 'size-entries', lib + '.mjs'), true)
    out.peers[lib] = {
      client: { min: b.length, gzip: gzip(b), brotli: brotli(b) },
      esm: { min: e.length, gzip: gzip(e), brotli: brotli(e) },
    }
  }
  return out
}

// The `n` largest items of the named wasm, custom sections (the name section) left out:
// [{ bytes, name }], names without their hash suffix and crate disambiguators.
function twiggyTop(named, n) {
  const local = path.join(os.homedir(), '.cargo', 'bin', 'twiggy')
  const r = spawnSync(fs.existsSync(local) ? local : 'twiggy', ['top', '-n', String(n + 20), '--format', 'json', named], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error('twiggy: ' + (r.error ? r.error.message : (r.stderr || '').trim()))
  return JSON.parse(r.stdout)
    .filter((item) => !/^custom section|subsection$|^\.\.\. and \d+ more|^Σ/.test(item.name))
    .slice(0, n)
    .map((item) => ({ bytes: item.shallow_size, name: item.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '') }))
}

module.exports = { measure, twiggyTop }
if (require.main === module) {
  console.log(JSON.stringify(measure(), null, 1))
  const named = require('./named.js').build()
  for (const row of twiggyTop(named, 15)) console.log(String(row.bytes).padStart(6), row.name)
}
