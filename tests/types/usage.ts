// Compiled with `tsc --noEmit --strict` against the installed package's typings: the
// documented usage must type-check, and misuse marked @ts-expect-error must not.
import { createHttp, createStorage, checkAvatar, isRequestError, type Response, type RequestError } from 'wxhttp'

const http = createHttp({ baseURL: 'https://api.example.com', timeout: 5000, retry: { limit: 1 }, auth: { login: { url: '/auth/login' } } })
interface User { id: string }
const pending = http.get<User>('/me', { params: { q: 'x', tags: ['a', 'b'] }, dataType: 'json' })
pending.abort()
pending.then((res: Response<User>) => res.data.id.toUpperCase())
http.post('/items', { name: 'x' }, { retry: 2 })
const id: number = http.interceptors.request.use((config) => ({ ...config, header: { ...config.header, 'X-A': '1' } }))
http.interceptors.request.eject(id)
http.request({ url: '/x', method: 'post', cache: { ttl: 1000 }, auth: false, dedupe: false })
try { /* */ } catch (e) {
  if (isRequestError(e)) {
    const err: RequestError = e
    const kind: 'network' | 'timeout' | 'http' | 'auth' | 'login' | 'aborted' | 'interceptor' | 'config' = err.kind
    void kind
  }
}
createHttp({ auth: { login: async ({ code, previousToken }) => ({ token: code + (previousToken ?? ''), expiresIn: 7200 }) } })
createHttp({ auth: { login: { url: '/auth/login' }, loginTimeout: 10_000, refreshAhead: 60_000 } })
createHttp({ retry: true })
createHttp({ retry: false })
http.get('/a', { retry: true })
// @ts-expect-error: loginTimeout is a number of ms
createHttp({ auth: { login: { url: '/auth/login' }, loginTimeout: '10s' } })
// @ts-expect-error: retry is a boolean or a policy object
createHttp({ retry: 2 })
async function more() {
  await http.login()
  await http.logout()
  const token: string | null = http.getToken()
  await http.storage.set('draft', { title: 'x' }, { ttl: 60_000 })
  const draft = await http.storage.get<{ title: string }>('draft')
  const title: string | undefined = draft?.title
  const removed: number = await createStorage({ namespace: 'prefs' }).sweep()
  const state: 'ok' | 'expired' | 'unknown' = await checkAvatar('https://thirdwx.qlogo.cn/a')
  const code: string = await http.takeLoginCode()
  void [token, title, removed, state, code]
  // @ts-expect-error: ttl is a number of ms
  await http.storage.set('k', 1, { ttl: '1d' })
}
void more
// @ts-expect-error: unknown method
http.request({ url: '/x', method: 'FETCH' })
// @ts-expect-error: timeout is a number
createHttp({ timeout: '5s' })

// The shorthands check wxhttp's own options by name (the pass-through ones do not swallow them),
// with or without miniprogram-api-typings; known wx.request options pass through either way.
http.get('/a', { timeout: 5000, dataType: 'json', responseType: 'text', enableHttp2: true })
http.post('/a', { n: 1 }, { header: { 'X-A': '1' }, enableCache: true })
http.interceptors.request.use((config) => ({ ...config, timeout: 1000, dataType: 'text' }))
// @ts-expect-error: timeout is a number of ms
http.get('/a', { timeout: 'soon' })
// @ts-expect-error: retry is false, a number or { limit }
http.delete('/a', { retry: 'twice' })
// @ts-expect-error: dedupe is a boolean
http.head('/a', { dedupe: 'no' })
// @ts-expect-error: auth is a boolean
http.options('/a', { auth: 'off' })
// Header values may be numbers and booleans (sent as text); null and undefined are left out.
http.post('/a', { n: 1 }, { header: { 'X-Count': 1, 'X-Debug': true, 'X-None': null } })
createHttp({ header: { 'X-App-Version': '1.4.0', 'X-Build': 140 } })
// @ts-expect-error: header values are strings, numbers or booleans
http.post('/a', { n: 1 }, { header: { 'X-A': { v: 1 } } })
// @ts-expect-error: cache.ttl is a number of ms
http.put('/a', { n: 1 }, { cache: { ttl: '1m' } })
// @ts-expect-error: params values are strings, numbers, booleans or arrays of them
http.patch('/a', { n: 1 }, { params: { q: {} } })
// @ts-expect-error: timeout is a number of ms
http.request({ url: '/a', timeout: 'soon' })
// @ts-expect-error: method is an HTTP method
http.get('/a', { method: 'FETCH' })
