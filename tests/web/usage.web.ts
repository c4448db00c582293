// `wxhttp/web` as a TypeScript web project uses it (tests/web/entries.test.js compiles it with
// tsc --strict, lib dom).
import { createHttp } from 'wxhttp'
import { createWebPlatform, type WebPlatform } from 'wxhttp/web'

const platform: WebPlatform = createWebPlatform({
  loginCode: async () => new URLSearchParams(location.search).get('code') ?? '',
  storage: sessionStorage,
  fetch: window.fetch.bind(window),
})
createWebPlatform({ loginCode: () => 'code' })

const http = createHttp({
  baseURL: location.origin,
  wasmPath: '/assets/wxhttp_bg.wasm',
  platform,
  auth: { login: { url: '/auth/login' } },
})

export async function profile(): Promise<string> {
  const res = await http.get<{ data: { name: string } }>('/api/profile')
  return res.data.data.name
}

// @ts-expect-error loginCode is required
createWebPlatform({})
// @ts-expect-error storage must be a Web Storage
createWebPlatform({ loginCode: () => 'c', storage: {} })
