// Types of the wxhttp package (SPEC §4, §11, §12).

export type Method = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'TRACE' | 'CONNECT' | Lowercase<'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'TRACE' | 'CONNECT'>

export type ErrorKind = 'network' | 'timeout' | 'http' | 'auth' | 'login' | 'aborted' | 'interceptor' | 'config'

/** Header values: strings, numbers or booleans (sent as text); `null` and `undefined` are left out. */
export type Header = Record<string, string | number | boolean | null | undefined>

/** Query parameters: an array repeats the key; `null` and `undefined` are left out. */
export type Params = Record<string, string | number | boolean | null | undefined | Array<string | number | boolean>>

/**
 * While the device is offline (SPEC §12): `'wait'` (the default) holds the request until the
 * network is back, for at most its `timeout`; `'fail'` rejects it at once with kind `network`
 * and `offline: true`.
 */
export type OfflineMode = 'wait' | 'fail'

/**
 * A request's `retry`: `false` one attempt; `true` the client's policy; a number or `{ limit }`
 * that many retries, for any method (POST and uploads included).
 */
export type RequestRetry = boolean | number | { limit: number }

/** The request options wxhttp reads itself (SPEC §4). */
export interface RequestOwnOptions {
  url: string
  method?: Method
  data?: unknown
  params?: Params
  header?: Header
  /** ms, per attempt */
  timeout?: number
  /** `false` skips auth for this request */
  auth?: boolean
  cache?: { ttl: number }
  dedupe?: boolean
  retry?: RequestRetry
  offline?: OfflineMode
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
type WxUploadFileOption = WechatMiniprogram.Wx extends { uploadFile(option: infer O): any } ? O : never
type WxDownloadFileOption = WechatMiniprogram.Wx extends { downloadFile(option: infer O): any } ? O : never
/** `O` without wxhttp's own keys `K` and wx's callbacks; any key when miniprogram-api-typings is absent. */
type Rest<O, K extends PropertyKey> = [O] extends [never] ? Record<string, unknown> : Omit<O, K | 'success' | 'fail' | 'complete'>

/**
 * Options wxhttp does not read, passed through to `wx.request` untouched (`dataType`,
 * `responseType`, `enableHttp2`, …): typed from `WechatMiniprogram.RequestOption` where
 * miniprogram-api-typings is installed (a misspelled option is then an error), any key otherwise.
 * `success`, `fail` and `complete` are wxhttp's own.
 */
export type PassThroughOptions = Rest<WxRequestOption, keyof RequestOwnOptions>

/** The options of `http.request`: wxhttp's own, checked by name, and the pass-through ones. */
export type RequestOptions = RequestOwnOptions & PassThroughOptions

/** The options of `http.delete`, `http.options`, `http.post`, `http.put`, `http.patch`: the URL is their first argument. */
export type ShorthandOptions = Omit<RequestOwnOptions, 'url'> & PassThroughOptions

/** The options of `http.get` and `http.head`: no URL, no `data`. */
export type QueryOptions = Omit<RequestOwnOptions, 'url' | 'data'> & PassThroughOptions

/** `C`: the options the call was made with (after the request interceptors). */
export interface Response<T = any, C = RequestOptions> {
  data: T
  statusCode: number
  header: Record<string, string>
  config: C
}

export interface RequestError extends Error {
  name: 'RequestError'
  kind: ErrorKind
  message: string
  errMsg?: string
  statusCode?: number
  response?: Response
  config?: RequestOptions
  /** Kind `interceptor`: what the interceptor threw. */
  cause?: unknown
  /**
   * The device was offline (SPEC §12): kind `network` (`offline: 'fail'`, or a non-idempotent
   * request cut by the network going away), or kind `timeout` after waiting for the network.
   */
  offline?: true
}

/** A promise with `.abort()`: the call is aborted (or taken out of the queue) and rejects with kind `aborted`. */
export interface AbortablePromise<T> extends Promise<T> {
  abort(): void
}

export interface RequestPromise<T, C = RequestOptions> extends AbortablePromise<Response<T, C>> {}

// ---------------------------------------------------------------- uploads, downloads, streams (SPEC §11)

/** The options uploads, downloads and streams read like any request's. */
export interface TransferOwnOptions {
  url: string
  params?: Params
  header?: Header
  /** ms, per attempt (a stream's covers the whole stream) */
  timeout?: number
  auth?: boolean
  retry?: RequestRetry
  offline?: OfflineMode
}

/** `wx.uploadFile`'s `onProgressUpdate`. */
export interface UploadProgress {
  /** 0–100 */
  progress: number
  totalBytesSent: number
  totalBytesExpectedToSend: number
}

/** `wx.downloadFile`'s `onProgressUpdate`. */
export interface DownloadProgress {
  /** 0–100 */
  progress: number
  totalBytesWritten: number
  /** 0 when the server sent no Content-Length */
  totalBytesExpectedToWrite: number
}

export interface UploadOwnOptions extends TransferOwnOptions {
  /** The local file, e.g. a `tempFilePath` from `wx.chooseMedia`. */
  filePath: string
  /** The form field name of the file. */
  name: string
  /** Other form fields (wx sends them as text). */
  formData?: Record<string, unknown>
  /** Never called after the promise settled. */
  onProgress?: (progress: UploadProgress) => void
}

/**
 * The options of `http.upload`: sent with `wx.uploadFile` (always POST). Not retried unless
 * `retry` says so. Options wxhttp does not read pass through to `wx.uploadFile`.
 */
export type UploadOptions = UploadOwnOptions & Rest<WxUploadFileOption, keyof UploadOwnOptions>

export interface DownloadOwnOptions extends TransferOwnOptions {
  /** Where to save the file (under `wx.env.USER_DATA_PATH`); omitted: a temporary file. */
  filePath?: string
  /** Never called after the promise settled. */
  onProgress?: (progress: DownloadProgress) => void
}

/** The options of `http.download`: sent with `wx.downloadFile`, retried like a GET. */
export type DownloadOptions = DownloadOwnOptions & Rest<WxDownloadFileOption, keyof DownloadOwnOptions>

/** What `http.download` resolves with: wx gives `tempFilePath` or, when `filePath` was given, `filePath`. */
export interface DownloadResult {
  tempFilePath?: string
  filePath?: string
  statusCode: number
  header: Record<string, string>
  config: DownloadOptions
}

/** One Server-Sent Event. */
export interface ServerSentEvent {
  /** `'message'` unless the block named another */
  event: string
  /** the block's `data:` lines joined with `\n` */
  data: string
  /** the last event ID seen in the stream (`''` before any) */
  id: string
  /** set by a `retry:` line in this block */
  retry?: number
}

export interface StreamOwnOptions extends TransferOwnOptions {
  method?: Method
  data?: unknown
  /** Parse Server-Sent Events even when the response is not `text/event-stream`. */
  sse?: boolean
  /** Each Server-Sent Event as it arrives (a `text/event-stream` answer, or `sse: true`). */
  onEvent?: (event: ServerSentEvent) => void
}

/** Text chunks (UTF-8 decoded across chunk boundaries), or with `responseType: 'arraybuffer'` the bytes as they came. */
export type StreamChunks =
  | { responseType?: 'text'; onChunk?: (text: string) => void }
  | { responseType: 'arraybuffer'; onChunk?: (chunk: ArrayBuffer) => void }

/**
 * The options of `http.stream`: a `wx.request` with `enableChunked` (base library 2.20.1).
 * Other `wx.request` options pass through.
 */
export type StreamOptions = StreamOwnOptions & StreamChunks & Rest<WxRequestOption, keyof StreamOwnOptions | 'responseType' | 'enableChunked'>

/** What `http.stream` resolves with once the stream has ended (the body went to `onChunk` / `onEvent`). */
export interface StreamResult {
  statusCode: number
  header: Record<string, string>
  config: StreamOptions
}

/** `http.network()`: what `wx.getNetworkType` and `wx.onNetworkStatusChange` last said. */
export interface NetworkState {
  online: boolean
  /** `'unknown'` until wx has answered */
  type: 'wifi' | '2g' | '3g' | '4g' | '5g' | 'unknown' | 'none' | (string & {})
}

export interface Interceptors<T> {
  use(onFulfilled?: (value: T) => T | Promise<T>, onRejected?: (error: any) => any): number
  eject(id: number): void
}

export interface HttpOptions {
  baseURL?: string
  header?: Header
  timeout?: number
  maxConcurrent?: number
  validateStatus?: (status: number) => boolean
  /** `false`: no retries unless a request asks; `true`: the defaults. */
  retry?: boolean | { limit?: number; methods?: string[]; statuses?: number[]; delay?: number; maxDelay?: number }
  auth?: AuthOptions
  /** Clients on one namespace share one login state (L12): they must log in the same way. */
  storage?: { namespace?: string }
  /** While the device is offline: wait for the network (default) or fail at once (SPEC §12). */
  offline?: OfflineMode
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
  /**
   * The login endpoint, or a function. Clients on one storage namespace share one login state
   * (L12): another client there with a different `login` (functions compare by source text) is
   * a config error.
   */
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
  /** ms for the whole exchange (`wx.checkSession`, `wx.login`, the login request); default 15000 (L11). */
  loginTimeout?: number
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
  /**
   * Upload `filePath` with `wx.uploadFile` (SPEC §11); `res.data` is parsed when it is JSON
   * (wx hands a string). Counts against `maxConcurrent`.
   */
  upload<T = any>(options: UploadOptions): RequestPromise<T, UploadOptions>
  /** Download with `wx.downloadFile` (SPEC §11). Counts against `maxConcurrent`. */
  download(options: DownloadOptions): AbortablePromise<DownloadResult>
  /**
   * A streamed response (SPEC §11, base library 2.20.1): chunks to `onChunk`, Server-Sent Events
   * to `onEvent`, as they arrive; resolves when the stream ends. Replayed after a re-login only
   * while no chunk has reached the app; never retried after one.
   */
  stream(options: StreamOptions): AbortablePromise<StreamResult>
  /** Whether the device is online, as wx last said (SPEC §12). */
  network(): NetworkState
  /**
   * Interceptors run for uploads, downloads and streams too: a request interceptor gets their
   * options, a response interceptor their result (`DownloadResult`, `StreamResult`).
   */
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
