#!/usr/bin/env node
// The wxhttp command line (SPEC §2). Plain Node, no dependencies.
//
//   npx wxhttp copy-wasm <mini-program root> [--to <dir>]
//
// Copies the package's wxhttp_bg.wasm.br into the mini-program's code package, at
// <root>/<dir>/wxhttp_bg.wasm.br (default dir: `wxhttp`), and prints the `wasmPath` to pass
// to createHttp: `/<dir>/wxhttp_bg.wasm.br`. Exit codes: 0 done, 1 failed, 2 bad arguments.
'use strict'
const fs = require('fs')
const path = require('path')

const WASM_NAME = 'wxhttp_bg.wasm.br'
const DEFAULT_DIR = 'wxhttp'
// The .wasm.br of the package this file belongs to.
const PACKAGE_WASM = path.join(__dirname, '..', 'miniprogram_dist', WASM_NAME)

const USAGE = `Usage: wxhttp copy-wasm <mini-program root> [--to <dir>]

Copies wxhttp's WebAssembly module (${WASM_NAME}) into your mini-program's code
package and prints the \`wasmPath\` to pass to createHttp.

  <mini-program root>  the folder that holds app.json (with DevTools: the project's
                       "miniprogramRoot"; with uni-app/Taro: the built mp-weixin
                       folder, again after each clean build)
  --to <dir>           folder under the root to copy into, relative to the root
                       (default: ${DEFAULT_DIR}, i.e. <root>/${DEFAULT_DIR}/${WASM_NAME})
  -h, --help           show this help

Example:
  $ npx wxhttp copy-wasm .
  /${DEFAULT_DIR}/${WASM_NAME}

  const http = createHttp({ wasmPath: '/${DEFAULT_DIR}/${WASM_NAME}', ... })

Run it again after each upgrade of wxhttp (the module must match the package's glue).
Not needed with WeChat DevTools' 工具 → 构建 npm: the module is then already at
/miniprogram_npm/wxhttp/${WASM_NAME}, the default wasmPath (in a subpackage:
/<subpackage root>/miniprogram_npm/wxhttp/${WASM_NAME}); a copy would ship it twice.
Exit status: 0 copied, 1 failed, 2 bad arguments.`

class UsageError extends Error {}
class Failure extends Error {}

function parse(argv) {
  const args = { command: null, root: null, to: null, help: false }
  const rest = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-h' || a === '--help' || a === 'help') args.help = true
    else if (a === '--to' || a.startsWith('--to=')) {
      const value = a === '--to' ? argv[++i] : a.slice('--to='.length)
      if (value === undefined || value === '' || (a === '--to' && value.startsWith('-'))) {
        throw new UsageError('--to needs a folder name, e.g. --to static/wasm')
      }
      if (args.to !== null) throw new UsageError('--to given twice')
      args.to = value
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`)
    else rest.push(a)
  }
  if (args.help) return args
  if (rest.length === 0) throw new UsageError('missing command (the only one is copy-wasm)')
  args.command = rest.shift()
  if (args.command !== 'copy-wasm') throw new UsageError(`unknown command "${args.command}" (the only one is copy-wasm)`)
  if (rest.length === 0) throw new UsageError('copy-wasm: missing <mini-program root>, the folder that holds app.json (e.g. `.`)')
  args.root = rest.shift()
  if (rest.length > 0) throw new UsageError(`copy-wasm: unexpected argument "${rest[0]}"`)
  return args
}

// The --to folder as path segments: relative to the root (an absolute path is accepted only
// when it lies inside the root), no `..`.
function targetDir(to, root) {
  let raw = to === null ? DEFAULT_DIR : to
  if (path.isAbsolute(raw)) {
    const relative = path.relative(root, path.resolve(raw))
    if (relative === '..' || relative.startsWith('..' + path.sep) || path.isAbsolute(relative)) {
      throw new UsageError(`--to is a folder relative to the mini-program root (e.g. --to static/wasm); "${raw}" is outside ${root}`)
    }
    raw = relative
  }
  const segments = raw.split(/[\\/]+/).filter((s) => s !== '' && s !== '.')
  if (segments.some((s) => s === '..')) throw new UsageError(`--to must stay inside the mini-program root: "${raw}"`)
  if (segments.length === 0) throw new UsageError(`--to "${to}" names the root itself; give a folder under it, e.g. --to ${DEFAULT_DIR}`)
  return segments
}

function copyWasm(args, out, err) {
  const root = path.resolve(args.root)
  const segments = targetDir(args.to, root)
  if (!fs.existsSync(root)) throw new Failure(`copy-wasm: ${root} does not exist (pass the folder that holds app.json)`)
  if (!fs.statSync(root).isDirectory()) throw new Failure(`copy-wasm: ${root} is not a folder (pass the folder that holds app.json)`)
  const appJson = path.join(root, 'app.json')
  if (!fs.existsSync(appJson)) {
    let hint = ' Pass the mini-program root: the folder that holds app.json.'
    const project = readProjectConfig(root)
    if (project && project.miniprogramRoot && path.resolve(root, project.miniprogramRoot) !== root) {
      hint = ` Its project.config.json sets "miniprogramRoot": "${project.miniprogramRoot}": ` +
        `try \`npx wxhttp copy-wasm ${path.join(args.root, project.miniprogramRoot)}\`.`
    }
    throw new Failure(`copy-wasm: no app.json in ${root}, so it is not a mini-program root.${hint}`)
  }
  if (!fs.existsSync(PACKAGE_WASM)) {
    throw new Failure(`copy-wasm: the package has no ${WASM_NAME} at ${PACKAGE_WASM} (a broken install? reinstall wxhttp)`)
  }
  const dir = path.join(root, ...segments)
  const dest = path.join(dir, WASM_NAME)
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.copyFileSync(PACKAGE_WASM, dest)
  } catch (e) {
    throw new Failure(`copy-wasm: could not copy to ${dest}: ${e.message}`)
  }
  const wasmPath = '/' + segments.join('/') + '/' + WASM_NAME
  const size = fs.statSync(dest).size
  err.write(`wxhttp: copied ${WASM_NAME} (${(size / 1024).toFixed(1)} KB) to ${dest}\n`)
  err.write(`wxhttp: pass it to createHttp: createHttp({ wasmPath: '${wasmPath}', ... })\n`)
  if (fs.existsSync(path.join(root, 'miniprogram_npm', 'wxhttp', WASM_NAME))) {
    err.write(`wxhttp: note: ${path.join(root, 'miniprogram_npm', 'wxhttp', WASM_NAME)} is there too (构建 npm put it there): ` +
      'without `wasmPath` wxhttp loads that one, and this copy is not needed (with both, the code package holds the module twice)\n')
  }
  out.write(wasmPath + '\n')
  return wasmPath
}

function readProjectConfig(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'project.config.json'), 'utf8'))
  } catch (e) {
    return null
  }
}

function main(argv, out, err) {
  let args
  try {
    args = parse(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    err.write(`wxhttp: ${e.message}\n\n${USAGE}\n`)
    return 2
  }
  if (args.help) {
    out.write(USAGE + '\n')
    return 0
  }
  try {
    copyWasm(args, out, err)
    return 0
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`wxhttp: ${e.message}\n\nRun \`wxhttp --help\` for usage.\n`)
      return 2
    }
    if (e instanceof Failure) {
      err.write(`wxhttp: ${e.message}\n`)
      return 1
    }
    throw e
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.stdout, process.stderr)
}

module.exports = { main, DEFAULT_DIR, WASM_NAME }
