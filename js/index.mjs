// ESM entry for bundlers and Node's `import`: the CommonJS build re-exported.
import wxhttp from './index.js'

export const createHttp = wxhttp.createHttp
export const isRequestError = wxhttp.isRequestError
export const createStorage = wxhttp.createStorage
export const checkAvatar = wxhttp.checkAvatar
export default wxhttp
