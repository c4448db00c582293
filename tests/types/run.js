// Type-checks tests/types/*.ts against the installed package's typings with `tsc --strict`,
// twice, as a mini-program project may be set up:
//   - without miniprogram-api-typings: usage.ts and *.plain.ts (pass-through options: any key);
//   - with it (`"types": ["miniprogram-api-typings"]`, lib es2020, as WeChat's TypeScript
//     template): usage.ts and *.wx.ts (pass-through options from WechatMiniprogram.RequestOption).
'use strict'
const fs = require('fs')
const os = require('os')
const path = require('path')
const { spawnSync } = require('child_process')

const pkg = path.resolve(process.argv[2] || path.join(__dirname, '../..'))
const devModules = path.join(__dirname, '../../node_modules')
const tsc = path.join(devModules, 'typescript/bin/tsc')
const typings = path.join(devModules, 'miniprogram-api-typings')
const sources = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts'))
const shared = sources.filter((f) => !/\.(wx|plain)\.ts$/.test(f))

const runs = [
  { name: 'without miniprogram-api-typings', files: shared.concat(sources.filter((f) => f.endsWith('.plain.ts'))), types: [] },
  { name: 'with miniprogram-api-typings', files: shared.concat(sources.filter((f) => f.endsWith('.wx.ts'))), types: ['miniprogram-api-typings'], lib: ['es2020'] },
]
if (!fs.existsSync(path.join(typings, 'package.json'))) {
  console.error(`types: ${typings} is missing (a dev dependency: run npm install)`)
  process.exit(1)
}

let failed = 0
for (const run of runs) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wxhttp-types-'))
  fs.mkdirSync(path.join(work, 'node_modules'))
  fs.symlinkSync(pkg, path.join(work, 'node_modules', 'wxhttp'))
  if (run.types.length) fs.symlinkSync(typings, path.join(work, 'node_modules', 'miniprogram-api-typings'))
  for (const f of run.files) fs.copyFileSync(path.join(__dirname, f), path.join(work, f))
  const compilerOptions = {
    noEmit: true, strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2020', types: run.types,
    ...(run.lib ? { lib: run.lib } : {}),
  }
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: run.files }, null, 2))
  const r = spawnSync(process.execPath, [tsc, '-p', work], { cwd: work, encoding: 'utf8' })
  fs.rmSync(work, { recursive: true, force: true })
  if (r.status === 0) console.log(`ok - ${run.name}: ${run.files.join(', ')}`)
  else {
    failed++
    console.log(`not ok - ${run.name}: ${run.files.join(', ')}`)
    process.stdout.write(r.stdout)
    process.stderr.write(r.stderr)
  }
}
if (failed) {
  console.log(`${runs.length - failed} passed, ${failed} failed`)
  process.exit(1)
}
console.log(`${runs.length} passed, 0 failed`)
