'use strict'
// Incremental UTF-8 decoding for hosts without `TextDecoder` (WeChat, JavaScriptCore on iOS).
// The decoder of the WHATWG Encoding standard, byte by byte, with no tables: a character split
// across chunks comes out whole in the push that completes it, and each maximal subpart of an
// invalid sequence becomes one U+FFFD — the same text as `new TextDecoder('utf-8')` with
// `{ stream: true }` and a final flush. Code units are gathered in a numeric array and turned
// into a string by `String.fromCharCode.apply` in batches (no per-character concatenation).

var BATCH = 8192 // bytes per fromCharCode call: at most 2 code units a byte, well under arg limits

function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  if (Object.prototype.toString.call(chunk) === '[object ArrayBuffer]') return new Uint8Array(chunk)
  throw new TypeError('utf8: a chunk must be an ArrayBuffer or a Uint8Array')
}

function createDecoder() {
  // The standard's state: the code point so far, bytes still needed and seen, and the bounds
  // of the next continuation byte (narrowed after E0, ED, F0, F4 to refuse overlongs,
  // surrogates and code points past U+10FFFF).
  var cp = 0, needed = 0, seen = 0, lower = 0x80, upper = 0xbf

  function run(bytes, flush) {
    var text = '', length = bytes.length, i = 0, b = 0
    while (i < length) {
      var out = [], n = 0, stop = i + BATCH < length ? i + BATCH : length
      for (; i < stop; i++) {
        b = bytes[i]
        if (needed === 0) {
          if (b < 0x80) {
            // A run of ASCII: found first, then a short one copied, a long one turned into a
            // string natively (under jsc without JIT: 1.5x faster on ASCII, a bit on mixed text).
            var from = i
            while (++i < stop && bytes[i] < 0x80) {}
            if (i - from < 24) while (from < i) out[n++] = bytes[from++]
            else {
              if (n) { text += String.fromCharCode.apply(null, out); out = []; n = 0 }
              text += String.fromCharCode.apply(null, bytes.subarray(from, i))
            }
            i--
          } else if (b >= 0xc2 && b <= 0xdf) { needed = 1; cp = b & 0x1f }
          else if (b >= 0xe0 && b <= 0xef) {
            if (b === 0xe0) lower = 0xa0
            else if (b === 0xed) upper = 0x9f
            needed = 2; cp = b & 0xf
          } else if (b >= 0xf0 && b <= 0xf4) {
            if (b === 0xf0) lower = 0x90
            else if (b === 0xf4) upper = 0x8f
            needed = 3; cp = b & 0x7
          } else out[n++] = 0xfffd
        } else if (b < lower || b > upper) {
          // The sequence so far is one maximal subpart: replace it, then read `b` afresh.
          cp = needed = seen = 0; lower = 0x80; upper = 0xbf
          out[n++] = 0xfffd
          i--
        } else {
          lower = 0x80; upper = 0xbf
          cp = (cp << 6) | (b & 0x3f)
          if (++seen === needed) {
            if (cp > 0xffff) {
              cp -= 0x10000
              out[n++] = 0xd800 | (cp >> 10)
              out[n++] = 0xdc00 | (cp & 0x3ff)
            } else out[n++] = cp
            cp = needed = seen = 0
          }
        }
      }
      if (n) text += String.fromCharCode.apply(null, out)
    }
    if (flush && needed) {
      cp = needed = seen = 0; lower = 0x80; upper = 0xbf
      text += '\ufffd'
    }
    return text
  }

  return {
    // Decodes `chunk` (ArrayBuffer or any ArrayBuffer view, byteOffset respected); an incomplete
    // character at its end is kept for the next push.
    push: function (chunk) { return run(toBytes(chunk), false) },
    // The end of the input: an incomplete character left over becomes one U+FFFD. The decoder
    // is then fresh again.
    end: function () { return run([], true) },
  }
}

// One-shot decoding of a whole buffer.
function decode(bytes) {
  var decoder = createDecoder()
  return decoder.push(bytes) + decoder.end()
}

module.exports = { createDecoder: createDecoder, decode: decode }
