// flyio ships CommonJS/UMD only: its wx entry is the whole library.
export { default as Fly } from 'flyio/dist/npm/wx'
