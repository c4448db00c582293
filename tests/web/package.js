// The package under test, as tests/js/package.js has it: the one installed from `npm pack`
// (scripts/test.sh sets WXHTTP_PACKAGE), else this repository's build. `resolve(name)` goes
// through the package's `exports`, as a user's `require` does.
'use strict'
const path = require('path')

const root = process.env.WXHTTP_PACKAGE || path.join(__dirname, '../..')
// Installed: found from beside it, in the scratch project's node_modules. The repository: its
// own name resolves to itself (a package's self-reference through its `exports`).
const resolve = (name) => process.env.WXHTTP_PACKAGE ? require.resolve(name, { paths: [root] }) : require.resolve(name)
// Where a script that imports `wxhttp` by name runs.
const project = process.env.WXHTTP_PACKAGE ? path.join(root, '../..') : root

module.exports = { root, resolve, project }
