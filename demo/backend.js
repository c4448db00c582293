#!/usr/bin/env node
// The reference backend on a fixed loopback port, for examples/miniprogram in WeChat DevTools:
//
//   node demo/backend.js [--port 3000]
//
// Routes (emulator/README.md): POST /auth/login { code, previousToken }, /api/... (needs the
// token), /public/..., /status/<n>, /echo, /avatar/{ok,expired}/<id>. Each request is printed.
//
// It has no HTTP control endpoint on purpose (nothing a page could call to expire everyone's
// session); type commands here instead: `expire`, `stats`, `user <id>`, `help`.
//
// WeChat's real login codes come from wx.login and are checked by code2Session on your server;
// this backend cannot see DevTools' codes, so it accepts any code it has not seen before.
'use strict'
const readline = require('readline')
const { createBackend } = require('../emulator')

const USAGE = 'Usage: node demo/backend.js [--port <port>]   (default port 3000, listens on 127.0.0.1)'

function parsePort(argv) {
  let port = 3000
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-h' || a === '--help') {
      console.log(USAGE)
      process.exit(0)
    }
    const value = a === '--port' || a === '-p' ? argv[++i] : a.startsWith('--port=') ? a.slice(7) : null
    if (value === null) {
      console.error(`backend: unknown argument ${a}\n${USAGE}`)
      process.exit(2)
    }
    port = Number(value)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`backend: --port needs a port number, not ${value}\n${USAGE}`)
      process.exit(2)
    }
  }
  return port
}

async function main() {
  const port = parsePort(process.argv.slice(2))
  const backend = createBackend()

  // DevTools' wx.login codes were not issued by this backend: register any new code on first
  // sight (a code is still single use: a second login with it answers 40029).
  const seen = new Set()
  const handle = backend.handle
  backend.handle = function (req) {
    if (req.path === '/auth/login' && req.body && typeof req.body === 'object' && typeof req.body.code === 'string' && !seen.has(req.body.code)) {
      seen.add(req.body.code)
      req = Object.assign({}, req, { body: Object.assign({}, req.body, { code: backend.issueCode() }) })
    }
    const started = Date.now()
    return handle(req).then((res) => {
      const code = res.body && typeof res.body === 'object' ? res.body.code : undefined
      console.log(`${new Date().toTimeString().slice(0, 8)} ${req.method} ${req.path} → ${res.status}${code !== undefined ? ` code ${code}` : ''} (${Date.now() - started} ms)`)
      return res
    })
  }

  let server
  try {
    server = await backend.listen(port)
  } catch (e) {
    console.error(`backend: cannot listen on 127.0.0.1:${port}: ${e.message}${e.code === 'EADDRINUSE' ? ' (pick another with --port)' : ''}`)
    process.exit(1)
  }
  console.log(`wxhttp reference backend on ${server.url}`)
  console.log('commands: expire (every token expires: the next /api answers are code 99997), stats, user <id>, help; Ctrl-C quits')

  const commands = {
    expire() {
      backend.control.expireTokens()
      console.log('backend: every token issued so far has expired')
    },
    stats() {
      const s = backend.stats
      console.log(`backend: ${s.requests} requests, ${s.logins} logins (${s.loginAttempts} attempts), by path: ${JSON.stringify(s.byPath)}`)
    },
    user(id) {
      if (!id) return console.log('backend: user <id>, e.g. user user-2')
      backend.control.switchUser(id)
      console.log(`backend: logins from now on are user ${id}`)
    },
    help() {
      console.log('commands: expire, stats, user <id>, help')
    },
  }
  const rl = readline.createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    const [name, ...args] = line.trim().split(/\s+/)
    if (!name) return
    if (commands[name]) commands[name](...args)
    else console.log(`backend: unknown command ${name} (expire, stats, user <id>, help)`)
  })
  const stop = () => {
    rl.close()
    server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main()
