'use strict'
// `npm run bench`: wxhttp side by side with alova, axios (+ axios-auth-refresh) and flyio, in
// one run. Prints a Markdown report and writes it to bench/RESULTS.md. Exits non-zero only when
// the bench itself crashes — a missed target is reported, not fatal. See bench/README.md.
const fs = require('fs')
const path = require('path')
const { spawnSync } = require('child_process')
const { ROOT, LIBS, versionOf } = require('./lib.js')

const NODE = process.execPath
const started = Date.now()
const log = (s) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${s}\n`)
const KB = 1024

function build() {
  const built = ['dist/index.js', 'dist/wxhttp_bg.wasm', 'miniprogram_dist/index.js', 'miniprogram_dist/wxhttp_bg.wasm.br']
  if (built.every((f) => fs.existsSync(path.join(ROOT, f)))) return
  log('dist/ is missing: npm run build')
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] })
  if (r.status !== 0) throw new Error('npm run build failed')
}

// Runs `node args…` and returns the JSON lines it printed.
function nodeJson(args, opts = {}) {
  const r = spawnSync(NODE, args, { cwd: ROOT, encoding: 'utf8', timeout: opts.timeout || 120000, env: Object.assign({}, process.env, opts.env) })
  const lines = (r.stdout || '').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  if (!lines.length) return [{ error: ((r.stderr || '').trim().split('\n').slice(-3).join(' | ')) || `exit ${r.status}` }]
  return lines
}

const us = (x) => (x == null || Number.isNaN(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1))
const ms = (x) => (x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(1))
const bytes = (n) => (n == null ? 'n/a' : n.toLocaleString('en-US').replace(/,/g, ' ') + ' B')
const kb = (n) => (n / KB).toFixed(1) + ' KB'
const median = (a) => { const s = a.slice().sort((x, y) => x - y); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN }
// Enough of Rust's legacy symbol mangling to read a name: `_ZN…$LT$a..b$GT$5alloc17h…E`.
const demangle = (n) => n.replace(/^_ZN/, '').replace(/17h[0-9a-f]{16}E$/, '').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\.\./g, '::').replace(/^\d+_?/, '').replace(/(>|[a-z_])(\d+)(?=[a-z_])/g, '$1::')
const table = (head, rows) => ['| ' + head.join(' | ') + ' |', '|' + head.map(() => ' --- |').join(''), ...rows.map((r) => '| ' + r.join(' | ') + ' |')].join('\n')

function main() {
  build()
  const out = []
  const md = (s = '') => out.push(s)
  const versions = {
    wxhttp: require(path.join(ROOT, 'package.json')).version,
    alova: versionOf('alova'), axios: versionOf('axios'), 'axios-auth-refresh': versionOf('axios-auth-refresh'),
    flyio: versionOf('flyio'), esbuild: versionOf('esbuild'),
  }
  const jsc = require('./jsc.js')
  md('# wxhttp benchmarks')
  md()
  md(`Run ${new Date().toISOString()} on Node ${process.version}, ${require('os').cpus().length} CPUs (${require('os').cpus()[0].model.trim()}); JavaScriptCore: \`${jsc.available() ? jsc.JSC + ' --useJIT=false' : 'not found'}\`.`)
  md()
  md('Versions: ' + Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ') + '.')
  md()

  // ---------------------------------------------------------------- §1 races
  log('1/7 login races (loopback HTTP)')
  const races = nodeJson([path.join(__dirname, 'races.js'), ...LIBS], { timeout: 180000 })
  const { LATENCY } = require('./races.js')
  const byRace = {}
  for (const r of races) byRace[r.lib + '/' + r.scenario] = r
  md('## 1. Correctness under the login races')
  md()
  md(`Each library against the wx emulator and the reference backend over loopback HTTP (every answer ${LATENCY} ms late), a fresh backend per scenario. "logins" counts successful POST /auth/login in the episode (target 1, and ✓ only if every caller also got its data); "ok/rejected/pending" are the callers' outcomes (a caller counts as pending after 5 s, 3 s in (d)). (c): one request warms up (login T1), \`/api/slow\` is answered after 400 ms, sent with T1; 50 ms later \`expireTokens()\`; 5 fast requests get "expired", re-login (T2) and replay; the slow one then comes back "expired" — it should replay with T2 without a second login. (d): \`failLogins(1)\` makes the first POST /auth/login answer \`{ code: 50000 }\`; 20 callers at launch.`)
  md()
  const cell = (r, key) => (r && !r.error ? key(r) : 'error')
  // A login count is met only if every caller got its data too.
  const failed = (r) => (r.rejected + r.pending + r.other ? `, ${r.rejected + r.pending + r.other} callers failed` : '')
  const served = (r) => r.rejected + r.pending + r.other === 0
  const scen = [
    ['cold', '(a) 50 cold-start requests', (r) => `${r.logins} login${r.logins === 1 ? '' : 's'}${failed(r)}`, (r) => r.logins === 1 && served(r)],
    ['expiry', '(b) 20 requests after expireTokens()', (r) => `${r.logins} login${r.logins === 1 ? '' : 's'}${failed(r)}`, (r) => r.logins === 1 && served(r)],
    ['generation', '(c) late expired answer (generation)', (r) => `${r.logins} login${r.logins === 1 ? '' : 's'} (${Math.max(0, r.logins - 1)} extra)${failed(r)}`, (r) => r.logins === 1 && served(r)],
    ['failedLogin', '(d) pending 3 s after a failed login', (r) => `${r.pending} pending`, (r) => r.pending === 0],
  ]
  md(table(['scenario', 'target', ...LIBS], scen.map(([key, title, show, pass]) => [
    title, key === 'failedLogin' ? '0 pending' : '1 login',
    ...LIBS.map((lib) => { const r = byRace[lib + '/' + key]; return cell(r, (x) => `${pass(x) ? '✓' : '✗'} ${show(x)}`) }),
  ])))
  md()
  md('Callers\' outcomes (ok / rejected / pending) — a single login is worth little if callers fail:')
  md()
  md(table(['scenario', ...LIBS], scen.map(([key, title]) => [title, ...LIBS.map((lib) => {
    const r = byRace[lib + '/' + key]
    return cell(r, (x) => `${x.ok} / ${x.rejected} / ${x.pending}` + (key === 'failedLogin' ? ` (${x.loginAttempts} login attempts)` : ''))
  })])))
  md()
  md('Runs differ only for alova in (a): if some of the 50 "expired" answers arrive after its refresh has finished, it refreshes again, and one refresh\'s `finally` empties the waiting list of the next without resolving it — callers then stay pending (seen in about one run in four on this machine).')
  md()
  const raceErrors = races.filter((r) => r.error)
  for (const r of raceErrors) md(`- ${r.lib || '?'} ${r.scenario || ''}: crashed: \`${String(r.error).split('\n')[0]}\``)
  md('How each peer is configured (see `bench/clients/`): **alova** — `createServerTokenAuthentication` with `refreshTokenOnSuccess` (isExpired: body code 99997; handler: wx.login → POST /auth/login as a `refreshToken`-role method; `assignToken` sets the header) over a hand-written `requestAdapter` for `wx.request` (`@alova/adapter-uniapp` calls the `uni` global, and there is no `@alova/adapter-taro` on npm); a cold start is "no token → server says expired → refresh". **axios** — an `adapter` over `wx.request` and `axios-auth-refresh`\'s `createAuthRefresh` with `shouldRefresh` on body code 99997; axios-auth-refresh only acts on rejected responses, so a response interceptor registered before it turns an HTTP 200 with code 99997 into an `AxiosError` carrying the response (our adaptation, via its documented hooks). **flyio** — `flyio/dist/npm/wx` with its README recipe (request interceptor: no token → `fly.lock()`, log in with a second Fly, `unlock()`) and its interceptor docs\' expiry recipe (response interceptor: `this.lock()`, log in, `unlock()`, replay `fly.request(response.request)`); flyio has no notion of expiry at all.')
  md()

  // ---------------------------------------------------------------- §2 overhead
  log('2/7 per-request overhead (Node, then jsc)')
  // Rows: every library without auth, then wxhttp with auth on and a live token.
  const targets = ['bare', ...LIBS]
  const rows = [...targets, 'wxhttp+auth']
  const OVER_JSC = { warm: 200, seq: 3000, batches: 300, budgetMs: 2000 }
  const nodeOver = {}
  for (const lib of targets) nodeOver[lib] = nodeJson([path.join(__dirname, 'overhead.js'), lib])[0]
  nodeOver['wxhttp+auth'] = nodeJson([path.join(__dirname, 'overhead.js'), 'wxhttp', 'auth'])[0]
  let jscEnv = null
  const jscOver = {}
  const jscCold = {}
  if (jsc.available()) {
    jscEnv = jsc.prepare()
    for (const lib of targets) jscOver[lib] = jsc.run(jscEnv, lib, 'overhead', OVER_JSC)
    jscOver['wxhttp+auth'] = jsc.run(jscEnv, 'wxhttp', 'overhead', Object.assign({ auth: true }, OVER_JSC))
  }
  // Overhead over bare, µs (NaN when either run failed).
  const over = (res, lib, mode) => (res[lib] && !res[lib].error && res.bare && !res.bare.error ? res[lib][mode].median - res.bare[mode].median : NaN)
  // Whether the auth run logged in once and sent every other request with the token.
  const authCheck = (r) => (!r || r.error ? null : { logins: r.wx.logins, withToken: r.wx.withToken, requests: r.wx.requests, ok: r.wx.logins === 1 && r.wx.withToken === r.wx.requests - 1 })
  const authLine = (r) => { const a = authCheck(r); return a ? `wx.login called ${a.logins} time${a.logins === 1 ? '' : 's'}; ${a.withToken} of ${a.requests} wx.request calls carried the token (all but the login request: ${a.ok ? '✓' : '✗'})` : 'not run' }
  md('## 2. Per-request overhead over a bare `wx.request`')
  md()
  md('A `wx` whose `request` answers at once in process (next microtask, a fresh `{ code: 10000 }` body; POST /auth/login answers `{ code: 10000, data: { token, expiresIn: 7200 } }`); each client has a base URL, one default header and JSON. µs from the call to the resolved data. "seq": one request at a time; "10 in flight": batches of 10 concurrent requests, time per batch / 10. "overhead" = median − the bare promisified `wx.request`\'s median. All libraries run without auth; "wxhttp + auth" is wxhttp with `auth: { login: { url: \'/auth/login\' } }`: it logs in once during warm-up, then every GET goes out with the live token (counted below each table). Node: up to 20 000 sequential requests and 3 000 batches (2.5 s budget per phase) after 3 000 warm-up requests, one process per row; jsc (`--useJIT=false`, no `WebAssembly`/`TextDecoder`, wxhttp from `miniprogram_dist` via a `WXWebAssembly` shim, peers bundled by esbuild into an IIFE): 200 warm-up requests, then up to 3 000 / 300 (2 s budget).')
  md()
  const overRows = (res) => rows.map((lib) => {
    const r = res[lib]
    const name = lib === 'wxhttp+auth' ? 'wxhttp + auth (live token)' : lib
    if (!r || r.error) return [name, 'error: ' + (r && r.error || 'not run'), '', '', '', '', '']
    return [name, us(r.sequential.median), us(r.sequential.p99), lib === 'bare' ? '—' : us(over(res, lib, 'sequential')), us(r.parallel10.median), us(r.parallel10.p99), lib === 'bare' ? '—' : us(over(res, lib, 'parallel10'))]
  })
  const overHead = ['library', 'seq median µs', 'seq p99 µs', 'seq overhead µs', '10 in flight median µs', '10 in flight p99 µs', '10 in flight overhead µs']
  md('### Node ' + process.version)
  md()
  md(table(overHead, overRows(nodeOver)))
  md()
  md('wxhttp + auth: ' + authLine(nodeOver['wxhttp+auth']) + '.')
  md()
  if (nodeOver.flyio && !nodeOver.flyio.error) md('flyio sends every request from a `setTimeout(…, 0)` (its engine wrapper), which Node clamps to 1 ms: its sequential figure is mostly that timer; 10 in flight share it.')
  md()
  md('### JavaScriptCore without JIT')
  md()
  if (jscEnv) {
    md(table(overHead, overRows(jscOver)))
    md()
    md('wxhttp + auth: ' + authLine(jscOver['wxhttp+auth']) + '.')
  } else md(`not measured: no \`jsc\` at ${jsc.JSC} (set JSC=…).`)
  md()

  // ---------------------------------------------------------------- §3 cold start
  log('3/7 cold start')
  const COLD_NODE = 7
  const COLD_JSC = 5
  const coldNode = {}
  for (const lib of targets) {
    const samples = []
    let error = null
    for (let i = 0; i < COLD_NODE; i++) {
      const r = nodeJson([path.join(__dirname, 'coldstart.js'), lib])[0]
      if (r.error) { error = r.error; break }
      samples.push(r.ms)
    }
    coldNode[lib] = error ? { error } : { samples }
  }
  if (jscEnv) {
    for (const lib of targets) {
      const samples = []
      let error = null
      for (let i = 0; i < COLD_JSC; i++) {
        const r = jsc.run(jscEnv, lib, 'coldstart', {})
        if (r.error) { error = r.error; break }
        samples.push(r.ms)
      }
      jscCold[lib] = error ? { error } : { samples }
    }
    jscEnv.cleanup()
  }
  md('## 3. Cold start: from loading the library to the first response')
  md()
  md(`Instant wx as in §2. Node: a fresh \`node\` process per sample (${COLD_NODE} samples), ms from just before \`require\` of the client (which requires the library) to the first resolved response — for wxhttp this includes reading and instantiating the wasm. jsc: a fresh \`jsc --useJIT=false\` per sample (${COLD_JSC} samples), ms from the first line of the bench script (the shell already started) through \`load\` of the bundle / \`require\` of \`miniprogram_dist\` and \`WXWebAssembly.instantiate\` to the first response. Median (min–max).`)
  md()
  const coldCell = (r) => (!r ? 'not run' : r.error ? 'error: ' + r.error : `${ms(median(r.samples))} (${ms(Math.min(...r.samples))}–${ms(Math.max(...r.samples))})`)
  md(table(['library', 'Node ms', 'jsc no-JIT ms'], targets.map((lib) => [lib, coldCell(coldNode[lib]), jscEnv ? coldCell(jscCold[lib]) : 'not measured'])))
  md()

  // ---------------------------------------------------------------- §4 sizes
  log('4/7 shipped bytes (and the named copy of the core: cargo, wasm-opt)')
  const sizes = require('./sizes.js').measure()
  const w = sizes.wxhttp
  const wasmBr = w.wasm.shippedBr != null ? w.wasm.shippedBr : w.wasm.brotli
  const totalBr = wasmBr + w.glue.brotli
  const totalGz = w.wasm.gzip + w.glue.gzip
  const named = require('./named.js')
  let namedFile = null
  let namedError = null
  try { namedFile = named.build() } catch (e) { namedError = String(e && e.message || e) }
  md('## 4. Shipped bytes')
  md()
  md('wxhttp: `dist/wxhttp_bg.wasm` raw, gzip -9 and brotli -q 11, and the `.wasm.br` that `miniprogram_dist/` ships; the JS glue is the js files of `miniprogram_dist/` — `miniprogram_dist/index.js` bundled with `esbuild --bundle --minify` (no wasm-bindgen glue any more). What a mini-program ships = the `.wasm.br` + the glue. Peers: "client" is esbuild `--bundle --minify` of `bench/clients/<lib>.js` — the CommonJS entry a native mini-program requires, with the wx adapter and token setup, no tree shaking (what DevTools\' "构建 npm" gives); "ESM" is only the named imports from the ESM builds, tree-shaken as Taro/uni-app bundlers would (adapter not included). 1 KB = 1024 B.')
  md()
  md(table(['what', 'raw / minified', 'gzip', 'brotli'], [
    ['wxhttp `.wasm`', bytes(w.wasm.raw), bytes(w.wasm.gzip), bytes(w.wasm.brotli) + (w.wasm.shippedBr != null ? ` (shipped \`.wasm.br\`: ${bytes(w.wasm.shippedBr)})` : '')],
    ['wxhttp JS glue (minified)', bytes(w.glue.min), bytes(w.glue.gzip), bytes(w.glue.brotli)],
    ['**wxhttp total** (brotli: `.wasm.br` + glue)', bytes(w.wasm.raw + w.glue.min), bytes(totalGz), `**${bytes(totalBr)} = ${kb(totalBr)}**`],
    ...['alova', 'axios', 'flyio'].flatMap((lib) => {
      const p = sizes.peers[lib]
      const name = { alova: 'alova + alova/client', axios: 'axios + axios-auth-refresh', flyio: 'flyio (wx)' }[lib]
      return [[`${name}, client`, bytes(p.client.min), bytes(p.client.gzip), bytes(p.client.brotli)], [`${name}, ESM tree-shaken`, bytes(p.esm.min), bytes(p.esm.gzip), bytes(p.esm.brotli)]]
    }),
  ]))
  md()
  md('The glue\'s minified bytes by file (esbuild metafile, before compression): ' + w.glue.byFile.map((f) => `${f.file} ${bytes(f.bytes)}`).join(', ') + '.')
  md()
  if (namedFile) {
    md('`twiggy top` of the core with its names: the shipped wasm is stripped, so the bench builds a copy (`CARGO_PROFILE_RELEASE_STRIP=false cargo build --release --lib --target wasm32v1-none --target-dir target/names`, then the build\'s `wasm-opt ' + named.buildLevel() + '` with `-g --strip-dwarf`) whose code and data sections are ' + (named.sameAsShipped(namedFile) ? 'the same size as the shipped module\'s' : '**not** the same size as the shipped module\'s (dist/ is older or newer than src/)') + '; the name section is left out, % of the shipped `.wasm`, hash suffixes removed. 15 largest items:')
    md()
    try {
      md(table(['bytes', '% of .wasm', 'item'], require('./sizes.js').twiggyTop(namedFile, 15).map((r) => [String(r.bytes), (100 * r.bytes / w.wasm.raw).toFixed(1) + ' %', '`' + r.name.replace(/\|/g, '\\|') + '`'])))
    } catch (e) { md('twiggy failed: ' + (e && e.message)) }
  } else md('`twiggy top` not measured: the named copy of the core could not be built (' + namedError + ').')
  md()

  // ---------------------------------------------------------------- §5 memory
  log('5/7 memory (100 000 requests per library)')
  md('## 5. Memory after 100 000 requests')
  md()
  md('Instant wx, 10 requests in flight, no auth, one `node --expose-gc` process per library; after 10 000, 50 000 and 100 000 requests: `process.memoryUsage().heapUsed` after `gc()`, and for wxhttp the wasm linear memory (`memory.buffer.byteLength`, reached through the package\'s own loader: `require(\'dist/load.js\').load(file, bytes)` resolves the engine the client uses, whose `x.memory` is the instance\'s memory).')
  md()
  const mem = {}
  for (const lib of LIBS) mem[lib] = nodeJson(['--expose-gc', path.join(__dirname, 'memory.js'), lib], { timeout: 180000 })[0]
  const memRows = LIBS.map((lib) => {
    const r = mem[lib]
    if (!r || r.error) return [lib, 'error: ' + (r && r.error), '', '', '', '']
    const s = r.samples
    const heap = s.map((x) => kb(x.heapUsed)).join(' → ')
    const wasm = s[0].wasmMemory == null ? '—' : s.map((x) => kb(x.wasmMemory)).join(' → ')
    const dHeap = s[s.length - 1].heapUsed - s[0].heapUsed
    const dWasm = s[0].wasmMemory == null ? 0 : s[s.length - 1].wasmMemory - s[0].wasmMemory
    const grows = dHeap > 512 * KB || dWasm > 0
    return [lib, heap, `${dHeap >= 0 ? '+' : ''}${kb(dHeap)}`, wasm, s[0].wasmMemory == null ? '—' : dWasm ? '+' + kb(dWasm) : '0', grows ? '✗ grows' : '✓ flat']
  })
  md(table(['library', 'JS heap at 10k → 50k → 100k', 'heap 10k→100k', 'wasm memory at 10k → 50k → 100k', 'wasm 10k→100k', 'growth (heap > 512 KB or any wasm)'], memRows))
  md()

  // ---------------------------------------------------------------- §6 calls
  log('6/7 calls across the JS↔wasm boundary, allocations in wasm')
  const calls = nodeJson([path.join(__dirname, 'calls.js')].concat(namedFile ? [namedFile] : []))[0]
  md('## 6. Calls across the JS↔wasm boundary, allocations in wasm')
  md()
  md('Node, instant wx. **Out**: the imports of the shipped modules (`WebAssembly.Module.imports` of `dist/wxhttp_bg.wasm` and of `miniprogram_dist/wxhttp_bg.wasm.br` decompressed) — none means the core cannot call JS at all. **In**: every function of the engine\'s exports wrapped in a counter (the engine reached through `dist/load.js`, its `x` replaced before the client starts), calls per GET over 1 000 GETs after 1 000 GETs of warm-up, a fresh client per row. **Allocations**: the same runs on the named copy of §4 with a counter added by binaryen at the entry of the allocator\'s `alloc` (realloc goes through it), read through an exported global; "during warm-up" shows the counter counts.')
  md()
  if (!calls || calls.error) md('error: ' + (calls && calls.error))
  else {
    const imp = calls.imports
    md(`Imports: \`dist/wxhttp_bg.wasm\` ${JSON.stringify(imp.dist)}, \`miniprogram_dist/wxhttp_bg.wasm.br\` ${JSON.stringify(imp.miniprogram)}. Exports: ${calls.exports.map((e) => '`' + e + '`').join(', ')}.`)
    md()
    const al = calls.allocations
    const scenRows = [['sequential', 'plain GET, sequential'], ['parallel10', 'plain GET, 10 in flight'], ['auth', 'GET with auth on, live token']]
    md(table(['scenario', 'calls into wasm per GET', 'by export, per GET', 'allocations per GET', 'allocations during warm-up', 'wasm memory growth', 'wx'], scenRows.map(([key, title]) => {
      const r = calls.calls[key]
      const a = al && !al.error ? al[key] : null
      return [title, String(r.perGet), Object.entries(r.byExport).map(([k, v]) => `${k} ${v}`).join(', '), a ? String(a.allocsPerGet) : 'not measured', a ? String(a.allocsWarm) : '—', r.memoryGrew ? '+' + bytes(r.memoryGrew) : '0', `${r.wx.requests} requests, ${r.wx.logins} wx.login, ${r.wx.withToken} with token`]
    })))
    md()
    if (al && al.error) md('Allocations not measured: ' + al.error)
    else if (al) md('Counted in: ' + al.counted.map((n) => '`' + demangle(n) + '`').join(', ') + '.')
  }
  md()

  // ---------------------------------------------------------------- §7 a streamed answer
  log('7/7 a streamed answer of 1 000 Server-Sent Events (Node, then jsc)')
  const stream = require('./stream.js')
  for (const line of stream.markdown(stream.measure())) md(line)
  md()

  // ---------------------------------------------------------------- targets
  md('## Targets')
  md()
  md('The issue\'s budgets. A missed budget is reported here, never fails the run.')
  md()
  const tRows = []
  const wx1 = (key) => byRace['wxhttp/' + key]
  for (const [key, title, show, pass] of scen) {
    const r = wx1(key)
    const ok = r && !r.error && pass(r)
    tRows.push([title, key === 'failedLogin' ? '0 pending callers' : '1 login per episode, every caller served', r && !r.error ? show(r) : 'error', ok ? '✓ met' : `✗ missed${r && !r.error ? (key === 'failedLogin' ? ` by ${r.pending} callers` : ` (${r.logins - 1} extra login(s))`) : ''}`])
  }
  // A µs budget (and an optional aim) on an overhead.
  const budget = (title, o, max, aim, extra) => {
    if (Number.isNaN(o)) return tRows.push([title, `≤ ${max} µs` + (aim ? ` (aim ≤ ${aim})` : ''), 'error', '?'])
    const verdict = o <= max ? (aim == null ? '✓ met' : o <= aim ? '✓ met (and the aim)' : `✓ met (aim missed by ${us(o - aim)} µs)`) : `✗ missed by ${(o - max).toFixed(2)} µs (${(o / max).toFixed(2)}× the budget)`
    tRows.push([title, `≤ ${max} µs` + (aim ? ` (aim ≤ ${aim})` : ''), `${us(o)} µs` + (extra || ''), verdict])
  }
  if (jscEnv) {
    budget('jsc no-JIT: GET overhead over bare, sequential', over(jscOver, 'wxhttp', 'sequential'), 20, 10)
    budget('jsc no-JIT: GET overhead over bare, 10 in flight', over(jscOver, 'wxhttp', 'parallel10'), 20, 10)
    const ja = authCheck(jscOver['wxhttp+auth'])
    const live = ja ? (ja.ok ? ' (1 login, token on every GET)' : ` (✗ ${ja.logins} logins, ${ja.withToken}/${ja.requests} with token)`) : ''
    budget('jsc no-JIT: GET overhead with auth and a live token, sequential', over(jscOver, 'wxhttp+auth', 'sequential'), 25, null, live)
    budget('jsc no-JIT: GET overhead with auth and a live token, 10 in flight', over(jscOver, 'wxhttp+auth', 'parallel10'), 25, null, live)
  } else tRows.push(['jsc no-JIT overhead', '≤ 20 µs (auth ≤ 25 µs)', 'not measured (no jsc)', '?'])
  budget('Node: GET overhead over bare, sequential', over(nodeOver, 'wxhttp', 'sequential'), 5)
  budget('Node: GET overhead over bare, 10 in flight', over(nodeOver, 'wxhttp', 'parallel10'), 5)
  const cw = jscCold.wxhttp
  const cf = jscCold.flyio
  if (cw && cf && !cw.error && !cf.error) {
    const a = median(cw.samples)
    const b = median(cf.samples)
    tRows.push(['cold start, jsc no-JIT (median)', `≤ flyio's (${ms(b)} ms)`, `${ms(a)} ms`, a <= b ? '✓ met' : `✗ missed by ${ms(a - b)} ms (${(a / b).toFixed(1)}×)`])
  } else tRows.push(['cold start, jsc no-JIT', '≤ flyio\'s', 'not measured', '?'])
  tRows.push(['shipped bytes (`.wasm.br` + glue minified, brotli)', '≤ 25 KB (aim ≤ 15 KB)', `${kb(totalBr)} (${kb(wasmBr)} + ${kb(w.glue.brotli)})`,
    totalBr <= 25 * KB ? (totalBr <= 15 * KB ? '✓ met (and the aim)' : `✓ met (aim missed by ${kb(totalBr - 15 * KB)})`) : `✗ missed by ${kb(totalBr - 25 * KB)}`])
  if (calls && !calls.error) {
    const noImports = !calls.imports.dist.length && !calls.imports.miniprogram.length
    const perGet = calls.calls.sequential.perGet
    const worst = Math.max(perGet, calls.calls.parallel10.perGet)
    tRows.push(['calls per plain GET', '≤ 4 into wasm, none out (no imports)', `${perGet} in (sequential), ${calls.calls.parallel10.perGet} (10 in flight); imports: ${noImports ? 'none' : JSON.stringify(calls.imports.dist)}`, worst <= 4 && noImports ? '✓ met' : '✗ missed'])
    const al = calls.allocations
    if (al && !al.error) {
      const worstA = Math.max(al.sequential.allocsPerGet, al.parallel10.allocsPerGet, al.auth.allocsPerGet)
      tRows.push(['wasm allocations per request after warm-up', '0', `${al.sequential.allocsPerGet} (sequential), ${al.parallel10.allocsPerGet} (10 in flight), ${al.auth.allocsPerGet} (auth)`, worstA === 0 ? '✓ met' : '✗ missed'])
    } else tRows.push(['wasm allocations per request after warm-up', '0', 'not measured' + (al && al.error ? ': ' + al.error : ''), '?'])
  } else tRows.push(['calls per plain GET', '≤ 4 into wasm, none out', 'error', '?'])
  const m = mem.wxhttp
  if (m && !m.error) {
    const s = m.samples
    const dHeap = s[s.length - 1].heapUsed - s[0].heapUsed
    const dWasm = s[s.length - 1].wasmMemory - s[0].wasmMemory
    tRows.push(['memory over 100 000 requests (10k → 100k)', 'flat (JS heap ≤ 512 KB noise, wasm memory unchanged)', `heap ${dHeap >= 0 ? '+' : ''}${kb(dHeap)}, wasm ${dWasm ? '+' + kb(dWasm) : '+0'}`, dHeap <= 512 * KB && dWasm === 0 ? '✓ met' : '✗ missed'])
  } else tRows.push(['memory over 100 000 requests', 'flat', 'error', '?'])
  md(table(['target', 'wanted', 'wxhttp', 'verdict'], tRows))
  md()
  md(`Bench wall time: ${((Date.now() - started) / 1000).toFixed(0)} s.`)

  const report = out.join('\n') + '\n'
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), report)
  process.stdout.write(report)
}

try {
  main()
} catch (e) {
  console.error(e && e.stack || e)
  process.exit(1)
}
