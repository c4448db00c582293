// `import { createWebPlatform } from 'wxhttp/web'` (dist/web.mjs, bundled by scripts/package.js
// into one self-contained file, so a page can import it without a bundler).
import web from './web.js'

export const createWebPlatform = web.createWebPlatform
export default web
