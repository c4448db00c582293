// Types of `wxhttp/web` (SPEC §13). No DOM types are needed: the ones below are structural, so a
// project without `lib: ["dom"]` type-checks too.

/** A Web Storage: `localStorage` (the default), `sessionStorage`, or anything with their methods. */
export interface WebStorage {
  readonly length: number
  key(index: number): string | null
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export interface WebPlatformOptions {
  /** The credential the login exchange posts as `code` (from an OAuth redirect, a QR scan, a login page…). */
  loginCode(): string | PromiseLike<string>
  /** Default: `localStorage` (in memory where it is missing or blocked). */
  storage?: WebStorage
  /** Default: the global `fetch`. */
  fetch?: (url: string, init?: any) => Promise<any>
}

/** The `wx`-shaped object to pass as `createHttp({ platform })`. */
export interface WebPlatform {
  request(options: Record<string, any>): {
    abort(): void
    onHeadersReceived(listener: (res: { header: Record<string, string>; statusCode: number }) => void): void
    offHeadersReceived(listener?: (res: { header: Record<string, string>; statusCode: number }) => void): void
    onChunkReceived(listener: (res: { data: ArrayBuffer }) => void): void
    offChunkReceived(listener?: (res: { data: ArrayBuffer }) => void): void
  }
  login(options: { success?(res: { code: string; errMsg: string }): void; fail?(err: { errMsg: string }): void }): void
  checkSession(options: { success?(res: { errMsg: string }): void }): void
  getStorageSync(key: string): any
  setStorageSync(key: string, value: any): void
  removeStorageSync(key: string): void
  getStorageInfoSync(): { keys: string[]; currentSize: number; limitSize: number }
  onAppShow(listener: (res: object) => void): void
  onAppHide(listener: (res: object) => void): void
  getNetworkType(options: { success?(res: { networkType: 'none' | 'wifi' | 'unknown'; errMsg: string }): void }): void
  onNetworkStatusChange(listener: (res: { isConnected: boolean; networkType: 'none' | 'wifi' | 'unknown' }) => void): void
  offNetworkStatusChange(listener?: (res: { isConnected: boolean; networkType: 'none' | 'wifi' | 'unknown' }) => void): void
}

export function createWebPlatform(options: WebPlatformOptions): WebPlatform
