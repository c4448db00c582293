'use strict'
// UTF-8 TextEncoder/TextDecoder for engines without them (WeChat's JavaScriptCore and V8
// both lack them). Only what the wasm-bindgen glue uses: `encode`, `encodeInto`, `decode`.
// ASCII runs go through String.fromCharCode in chunks: on iOS without JIT that is the cost
// that matters.

function TextEncoder() {}
TextEncoder.prototype.encode = function (text) {
  text = text === undefined ? '' : String(text)
  var out = new Uint8Array(text.length * 3)
  return out.subarray(0, this.encodeInto(text, out).written)
}
TextEncoder.prototype.encodeInto = function (text, out) {
  var read = 0, written = 0, length = text.length, capacity = out.length
  while (read < length) {
    var code = text.charCodeAt(read)
    var size = code < 0x80 ? 1 : code < 0x800 ? 2 : 3
    if (code >= 0xd800 && code <= 0xdbff && read + 1 < length) {
      var low = text.charCodeAt(read + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
        size = 4
      }
    }
    if (size === 3 && code >= 0xd800 && code <= 0xdfff) code = 0xfffd // a lone surrogate, as TextEncoder does
    if (written + size > capacity) break
    if (size === 1) {
      out[written++] = code
    } else if (size === 2) {
      out[written++] = 0xc0 | (code >> 6)
      out[written++] = 0x80 | (code & 63)
    } else if (size === 3) {
      out[written++] = 0xe0 | (code >> 12)
      out[written++] = 0x80 | ((code >> 6) & 63)
      out[written++] = 0x80 | (code & 63)
    } else {
      out[written++] = 0xf0 | (code >> 18)
      out[written++] = 0x80 | ((code >> 12) & 63)
      out[written++] = 0x80 | ((code >> 6) & 63)
      out[written++] = 0x80 | (code & 63)
      read++
    }
    read++
  }
  return { read: read, written: written }
}

function TextDecoder() {}
TextDecoder.prototype.decode = function (bytes) {
  if (!bytes) return ''
  var parts = [], units = [], i = 0, end = bytes.length
  while (i < end) {
    var start = i
    while (i < end && i - start < 4096 && bytes[i] < 0x80) i++
    if (i > start) parts.push(String.fromCharCode.apply(null, bytes.subarray(start, i)))
    while (i < end && bytes[i] >= 0x80) {
      var byte = bytes[i++], code = 0xfffd, need = 0
      if (byte >= 0xf0) { code = byte & 7; need = 3 } else if (byte >= 0xe0) { code = byte & 15; need = 2 } else if (byte >= 0xc0) { code = byte & 31; need = 1 }
      while (need-- > 0 && i < end) code = (code << 6) | (bytes[i++] & 63)
      if (code > 0xffff) {
        code -= 0x10000
        units.push(0xd800 + (code >> 10), 0xdc00 + (code & 1023))
      } else {
        units.push(code)
      }
    }
    if (units.length) {
      parts.push(String.fromCharCode.apply(null, units))
      units.length = 0
    }
  }
  return parts.join('')
}

module.exports = { TextEncoder: TextEncoder, TextDecoder: TextDecoder }
