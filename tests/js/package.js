// The package under test: the one installed from `npm pack` (scripts/test.sh sets
// WXHTTP_PACKAGE), else the local build.
'use strict'
const path = require('path')

const root = process.env.WXHTTP_PACKAGE || path.join(__dirname, '../..')
module.exports = require(root)
module.exports.root = root
