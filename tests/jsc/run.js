// Runs the JavaScriptCore suites against an installed miniprogram_dist:
//   node tests/jsc/run.js <node_modules/wxhttp>
// WeChat decompresses `.wasm.br` itself; here it is decompressed beside the harness so the
// WXWebAssembly shim can hand jsc the bytes for the path the library asked for.
'use strict'
const fs = require('fs')
const os = require('os')
const path = require('path')
const zlib = require('zlib')
const { spawnSync } = require('child_process')

const pkg = path.resolve(process.argv[2] || path.join(__dirname, '../..'))
const dist = path.join(pkg, 'miniprogram_dist')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-jsc-'))
const wasm = path.join(work, 'wxhttp_bg.wasm')
fs.writeFileSync(wasm, zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, 'wxhttp_bg.wasm.br'))))
const suites = fs.readdirSync(__dirname).filter((f) => !['harness.js', 'run.js', 'wechat.js'].includes(f) && f.endsWith('.js')).map((f) => path.join(__dirname, f))
const config = {
  files: { '/miniprogram_npm/wxhttp/wxhttp_bg.wasm.br': wasm },
  // The stream parsers are plain modules of the repository's js/ (tests/jsc/stream-parse.js).
  packages: {
    wxhttp: path.join(dist, 'index.js'),
    'wxhttp/js/utf8': path.join(__dirname, '../../js/utf8.js'),
    'wxhttp/js/sse': path.join(__dirname, '../../js/sse.js'),
  },
  emulator: path.join(__dirname, '../../emulator'),
  suites,
}
fs.writeFileSync(path.join(work, 'config.js'), 'var CONFIG = ' + JSON.stringify(config) + '\n')
const jsc = process.env.JSC || '/usr/bin/jsc'
const run = spawnSync(jsc, ['--useJIT=false', path.join(work, 'config.js'), path.join(__dirname, 'wechat.js'), path.join(__dirname, 'harness.js')], { encoding: 'utf8', timeout: 300000 })
process.stdout.write(run.stdout || '')
process.stderr.write(run.stderr || '')
const summary = /^(\d+) passed, (\d+) failed$/m.exec(run.stdout || '')
fs.rmSync(work, { recursive: true, force: true })
if (run.status !== 0 || !summary || Number(summary[2]) > 0 || Number(summary[1]) === 0) {
  console.error(`jsc: failed (exit ${run.status}${run.error ? ', ' + run.error.message : ''})`)
  process.exit(1)
}
