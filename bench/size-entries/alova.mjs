// What a bundler user (Taro, uni-app) imports for the same features; tree-shaken by esbuild.
export { createAlova } from 'alova'
export { createServerTokenAuthentication } from 'alova/client'
