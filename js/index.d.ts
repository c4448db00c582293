// Types of the wxhttp package (SPEC §4).

export type Method = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'TRACE' | 'CONNECT' | Lowercase<'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'TRACE' | 'CONNECT'>

export type ErrorKind = 'network' | 'timeout' | 'http' | 'auth' | 'login' | 'aborted' | 'interceptor' | 'config'

/** The request options wxhttp reads itself (SPEC §4). */
export interface RequestOwnOptions {
  url: string
  method?: Method
  data?: unknown
  params?: Record<string, string | number | boolean | null | undefined | Array<string | number | boolean>>
  header?: Record<string, string>
  /** ms, per attempt */
  timeout?: number
  /** `false` skips auth for this request */
  auth?: boolean
  cache?: { ttl: number }
  dedupe?: boolean
  retry?: false | number | { limit: number }
}

// Where miniprogram-api-typings is installed (an optional peer dependency), the options of
// `wx.request` come from its `WechatMiniprogram.RequestOption`, read through `Wx['request']`:
// the empty `Wx` below merges with its declaration, and stays empty without it. (Merged
// declarations must agree on type parameters: `Wx` has none in any version, while
// `RequestOption` had none in 3.0.0 and has `<T extends string | IAnyObject | ArrayBuffer = …>` in 4.x and 5.x.)
declare global {
  namespace WechatMiniprogram {
    interface Wx {}
  }
}
type WxRequestOption = WechatMiniprogram.Wx extends { request(option: infer O): any } ? O : never

/**
 * Options wxhttp does not read, passed through to `wx.request` untouched (`dataType`,
 * `responseType`, `enableHttp2`, …): typed from `WechatMiniprogram.RequestOption` where
 * miniprogram-api-typings is installed (a misspelled option is then an error), any key otherwise.
 * `success`, `fail` and `complete` are wxhttp's own.
 */
export type PassThroughOptions = [WxRequestOption] extends [never]
  ? Record<string, unknown>
  : Omit<WxRequestOption, keyof RequestOwnOptions | 'success' | 'fail' | 'complete'>

/** The options of `http.request`: wxhttp's own, checked by name, and the pass-through ones. */
export type RequestOptions = RequestOwnOptions & PassThroughOptions

/** The options of `http.delete`, `http.options`, `http.post`, `http.put`, `http.patch`: the URL is their first argument. */
export type ShorthandOptions = Omit<RequestOwnOptions, 'url'> & PassThroughOptions

/** The options of `http.get` and `http.head`: no URL, no `data`. */
export type QueryOptions = Omit<RequestOwnOptions, 'url' | 'data'> & PassThroughOptions

export interface Response<T = any> {
  data: T
  statusCode: number
  header: Record<string, string>
  config: RequestOptions
}

export interface RequestError extends Error {
  name: 'RequestError'
  kind: ErrorKind
  message: string
  errMsg?: string
  statusCode?: number
  response?: Response
  config?: RequestOptions
}

export interface RequestPromise<T> extends Promise<Response<T>> {
  /** Aborts the request (or takes it out of the queue); it rejects with kind `aborted`. */
  abort(): void
}

export interface Interceptors<T> {
  use(onFulfilled?: (value: T) => T | Promise<T>, onRejected?: (error: any) => any): number
  eject(id: number): void
}

export interface HttpOptions {
  baseURL?: string
  header?: Record<string, string>
  timeout?: number
  maxConcurrent?: number
  validateStatus?: (status: number) => boolean
  retry?: false | { limit?: number; methods?: string[]; statuses?: number[]; delay?: number; maxDelay?: number }
  auth?: AuthOptions
  storage?: { namespace?: string }
  /** The `wx` object to use; default: the global `wx`, read only when this is absent. */
  platform?: object
  wasmPath?: string
  /** One `console.log` line per request attempt and per login (never headers, bodies or the token). */
  debug?: boolean
}

export interface LoginResult {
  token: string
  expiresIn?: number
  userId?: string
}

export interface AuthOptions {
  login: { url: string; method?: Method; tokenPath?: string; expiresInPath?: string; userIdPath?: string }
    | ((input: { code: string; previousToken: string | null }) => Promise<LoginResult>)
  header?: string
  scheme?: string
  expiredCodes?: Array<number | string>
  expiredMessages?: string[]
  expiredStatus?: number[]
  isExpired?: (response: Response) => boolean
  maxRelogin?: number
  checkSession?: boolean
  refreshAhead?: number
  origins?: string[]
  onLoginFailed?: (error: RequestError) => void
}

export interface Http {
  request<T = any>(options: RequestOptions): RequestPromise<T>
  get<T = any>(url: string, options?: QueryOptions): RequestPromise<T>
  delete<T = any>(url: string, options?: ShorthandOptions): RequestPromise<T>
  head<T = any>(url: string, options?: QueryOptions): RequestPromise<T>
  options<T = any>(url: string, options?: ShorthandOptions): RequestPromise<T>
  post<T = any>(url: string, data?: unknown, options?: ShorthandOptions): RequestPromise<T>
  put<T = any>(url: string, data?: unknown, options?: ShorthandOptions): RequestPromise<T>
  patch<T = any>(url: string, data?: unknown, options?: ShorthandOptions): RequestPromise<T>
  interceptors: { request: Interceptors<RequestOptions>; response: Interceptors<Response> }
  /** Resolves once the wasm module has loaded. */
  ready(): Promise<void>
  /** Logs in now, or joins the login in flight; rejects with kind `login` (or `config` without `auth`). */
  login(): Promise<void>
  /** Forgets the token (here and in storage) and the cached responses. */
  logout(): Promise<void>
  /** The token requests go out with now, or `null` (also before the module has loaded). */
  getToken(): string | null
  /** Storage with expiry under the client's namespace (default `wxhttp`). */
  storage: Storage
  /**
   * A `wx.login` code that is fresh and never used (SPEC §9): the prefetched one while younger
   * than 4.5 minutes, else a new one. Never the silent login's code. Rejects with kind `login`
   * when `wx.login` fails.
   */
  takeLoginCode(): Promise<string>
  /**
   * Fetches one `wx.login` code for a later `takeLoginCode()` (call it in the binding page's
   * `onShow`). Each `wx.login` may refresh WeChat's session key; the library never calls it
   * on its own for this.
   */
  prefetchLoginCode(): Promise<void>
}

export function createHttp(options?: HttpOptions): Http
export function isRequestError(value: unknown): value is RequestError

/** Storage with expiry (SPEC §8). Failures reject with an `Error` whose `code` is `TooLarge`, `QuotaExceeded`, `NotJson` or `Failed`. */
export interface Storage {
  /** `ttl` in ms; omitted: no expiry. */
  set(key: string, value: unknown, options?: { ttl?: number }): Promise<void>
  /** The value, or `null` when missing, expired or unreadable. */
  get<T = any>(key: string): Promise<T | null>
  has(key: string): Promise<boolean>
  remove(key: string): Promise<void>
  /** This namespace's keys, without the prefix. */
  keys(): Promise<string[]>
  /** Removes this namespace's keys only. */
  clear(): Promise<void>
  /** Removes expired entries; resolves to how many. */
  sweep(): Promise<number>
}

export function createStorage(options?: { namespace?: string; platform?: object; wasmPath?: string }): Storage

export type AvatarState = 'ok' | 'expired' | 'unknown'

/**
 * Whether a WeChat avatar URL still exists (SPEC §9): `'expired'` when WeChat answers with
 * `X-ErrNo: -6101` or `X-Info: notexist:-6101`, `'ok'` for a 2xx without them, `'unknown'`
 * otherwise (network failure, bad URL, …). Never rejects.
 */
export function checkAvatar(url: string, options?: { platform?: object; wasmPath?: string }): Promise<AvatarState>
