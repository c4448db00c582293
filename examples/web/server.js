'use strict'
// The web example's server: `node examples/web/server.js [port]` prints the URL to open.
// It serves the page (this folder), the package's dist/ under /wxhttp/, and forwards /auth/login,
// /api/… and /public/… to the reference backend (emulator/backend.js), plus dev routes a
// real app does not have: POST /dev/code (a login code, as your login page or OAuth redirect
// would give) and POST /dev/expire (every token expires now), and GET /dev/stats.
const fs = require('fs')
const http = require('http')
const path = require('path')
const { createBackend, splitPath } = require('../../emulator/backend.js')

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.ts': 'text/plain', '.json': 'application/json' }
// The package as a user gets it when WXHTTP_PACKAGE names it (scripts/test.sh), else this repository's build.
const DIST = path.join(process.env.WXHTTP_PACKAGE || path.join(__dirname, '../..'), 'dist')

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
  res.end(body)
}

// A file under `dir` named by the URL path `rest`, never outside it.
function serveFile(res, dir, rest) {
  const file = path.join(dir, path.normalize('/' + rest))
  fs.readFile(file, (err, body) => {
    if (err) return send(res, 404, 'text/plain', 'not found')
    const type = TYPES[path.extname(file)] || 'application/octet-stream'
    send(res, 200, type === 'application/wasm' ? type : type + '; charset=utf-8', body)
  })
}

// Forwards the request to the backend's own server as it is, and its answer back as it comes
// (streamed answers, /api/sse and /api/chunked, flush by flush).
function forward(target, req, res) {
  const out = http.request(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers)
    answer.pipe(res)
  })
  out.on('error', () => send(res, 502, 'text/plain', 'backend unreachable'))
  req.pipe(out)
}

function route(backend, target, req, res) {
  const p = splitPath(req.url).path
  const json = (value) => send(res, 200, 'application/json', JSON.stringify(value))
  if (req.method === 'POST' && p === '/dev/code') return json({ code: backend.issueCode() })
  if (req.method === 'POST' && p === '/dev/expire') {
    backend.control.expireTokens()
    return json({ expired: true })
  }
  if (p === '/dev/stats') return json(backend.stats)
  if (p === '/auth/login' || /^\/(api|public)(\/|$)/.test(p)) return forward(target, req, res)
  if (p.startsWith('/wxhttp/')) return serveFile(res, DIST, p.slice('/wxhttp/'.length))
  if (req.method === 'GET' && (p === '/' || /^\/[\w-]+\.(html|js)$/.test(p)) && p !== '/server.js') return serveFile(res, __dirname, p === '/' ? 'index.html' : p)
  send(res, 404, 'text/plain', 'not found')
}

// Resolves `{ url, backend, close() }`; `backend` is the reference backend (its `stats`, `control`),
// listening on a port of its own that this server forwards to.
async function start({ port = 0, backend = createBackend() } = {}) {
  const inner = await backend.listen()
  const server = http.createServer((req, res) => route(backend, inner.url, req, res))
  await new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return {
    url: 'http://127.0.0.1:' + server.address().port + '/',
    backend,
    close: async () => {
      await new Promise((done) => { server.close(done); server.closeAllConnections() })
      await inner.close()
    },
  }
}

module.exports = { start }

if (require.main === module) {
  start({ port: Number(process.argv[2] || process.env.PORT || 8080) }).then(({ url }) => {
    console.log('wxhttp web example: open ' + url + ' (serving ' + DIST + '; run `npm run build` first if it is missing)')
  })
}
