// The browser's ES module entry (dist/browser.mjs, one self-contained file: scripts/package.js
// bundles it, so a page can import it without a bundler). `wasmPath` defaults to the
// wxhttp_bg.wasm beside this file, a URL bundlers also recognise and emit as an asset.
import loader from './load.js'
import http from './http.js'

const wxhttp = http.api(function (wasmPath) {
  return loader.fromUrl(wasmPath || new URL('./wxhttp_bg.wasm', import.meta.url).href)
})

export const createHttp = wxhttp.createHttp
export const isRequestError = wxhttp.isRequestError
export const createStorage = wxhttp.createStorage
export const checkAvatar = wxhttp.checkAvatar
export default wxhttp
