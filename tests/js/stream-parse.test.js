// The stream parsers behind `http.stream` (SPEC §11), on their own: js/utf8.js decodes UTF-8
// across chunk boundaries with Node's TextDecoder as the oracle (every 2- and 3-way split,
// invalid sequences, a seeded fuzz), and js/sse.js parses Server-Sent Events the same whatever
// way the text is cut. tests/jsc/stream-parse.js runs the core of these under JavaScriptCore.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { createDecoder, decode } = require('../../js/utf8.js')
const { createParser } = require('../../js/sse.js')

// ------------------------------------------------------------------------------ helpers

// mulberry32: a tiny deterministic PRNG, so a fuzz failure reproduces.
function prng(seed) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Cuts `bytes` at `cuts` and returns what each push gave, then what end gave: ours and the oracle's.
function pieces(bytes, cuts) {
  const parts = []
  let from = 0
  for (const at of cuts.concat(bytes.length)) { parts.push(bytes.subarray(from, at)); from = at }
  return parts
}
function ours(parts) {
  const d = createDecoder()
  return parts.map((p) => d.push(p)).concat(d.end())
}
function oracle(parts) {
  const d = new TextDecoder('utf-8')
  return parts.map((p) => d.decode(p, { stream: true })).concat(d.decode())
}
function sameAsOracle(bytes, cuts) {
  const parts = pieces(bytes, cuts)
  assert.deepEqual(ours(parts), oracle(parts), 'bytes ' + Buffer.from(bytes).toString('hex') + ' cut at ' + cuts)
}
function everySplit(bytes) {
  for (let i = 0; i <= bytes.length; i++) {
    sameAsOracle(bytes, [i])
    for (let j = i; j <= bytes.length; j++) sameAsOracle(bytes, [i, j])
  }
}

const VALID = ['a中b', 'é€😀', 'x😀y🎉z', '中文 emoji 😀 ok', 'ĀĀ€\u07ff\u0800\uffff𐀀\u{10ffff}']
const INVALID = [
  [0x80], [0xbf, 0x41], [0x41, 0x80, 0x80, 0x42], // lone continuations
  [0xe4, 0xb8], [0xe4, 0xb8, 0x41], [0xf0, 0x9f, 0x98], [0xf0, 0x9f, 0x41, 0x42], [0xc3], // truncated
  [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], // overlong
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], // surrogates in UTF-8
  [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80], [0xf7, 0xbf, 0xbf, 0xbf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xff], // past U+10FFFF
  [0xe4, 0xb8, 0xf0, 0x9f, 0x98, 0x80, 0xe4], [0x41, 0xe2, 0x82, 0xe2, 0x82, 0xac, 0xc3, 0xa9, 0xff], // mixed
]

// ------------------------------------------------------------------------------ utf8

test('utf8: every 2- and 3-way split of ASCII, 2-, 3- and 4-byte characters matches TextDecoder', () => {
  for (const s of VALID) {
    const bytes = new Uint8Array(Buffer.from(s, 'utf8'))
    everySplit(bytes)
    assert.equal(decode(bytes), s)
  }
})

test('utf8: a 4-byte character in three chunks comes out whole in the push that completes it', () => {
  const d = createDecoder()
  assert.deepEqual([[0x61, 0xf0], [0x9f], [0x98, 0x80, 0x62]].map((c) => d.push(new Uint8Array(c))), ['a', '', '😀b'])
  assert.equal(d.end(), '')
})

test('utf8: invalid sequences become U+FFFD per maximal subpart, at every split', () => {
  for (const seq of INVALID) everySplit(new Uint8Array(seq))
  assert.equal(decode(new Uint8Array([0xf0, 0x9f, 0x41])), '\ufffdA')
  assert.equal(decode(new Uint8Array([0xed, 0xa0, 0x80])), '\ufffd\ufffd\ufffd')
  assert.equal(decode(new Uint8Array([0xe4, 0xb8])), '\ufffd')
})

test('utf8: end flushes an incomplete tail as one U+FFFD and leaves a fresh decoder', () => {
  const d = createDecoder()
  assert.equal(d.push(new Uint8Array([0x41, 0xf0, 0x9f, 0x98])), 'A')
  assert.equal(d.end(), '\ufffd')
  assert.equal(d.push(new Uint8Array([0x80, 0xc3])), '\ufffd')
  assert.equal(d.push(new Uint8Array([0xa9])), 'é')
  assert.equal(d.end(), '')
})

test('utf8: takes an ArrayBuffer, a Uint8Array, a view with byteOffset, a Buffer; refuses a string', () => {
  const all = Buffer.from('--中文😀--', 'utf8')
  const buffer = new Uint8Array(all).buffer
  assert.equal(decode(buffer), '--中文😀--')
  assert.equal(decode(new Uint8Array(buffer, 2, all.length - 4)), '中文😀')
  assert.equal(decode(new DataView(buffer, 2, 3)), '中')
  assert.equal(decode(all.subarray(5, 12)), '文😀')
  assert.equal(decode(new ArrayBuffer(0)), '')
  assert.throws(() => decode('中'), TypeError)
})

test('utf8: long input across the internal batches, with characters straddling them', () => {
  for (const pad of [8190, 8191, 8192, 8193]) {
    const s = 'a'.repeat(pad) + '😀中é'.repeat(5000) + 'z'
    const bytes = new Uint8Array(Buffer.from(s, 'utf8'))
    assert.equal(decode(bytes), s)
    sameAsOracle(bytes, [pad + 1, 20000, 20002])
  }
})

test('utf8: seeded fuzz, random bytes and random chunking, matches TextDecoder', () => {
  const random = prng(20240611)
  const alphabet = [[0x41], [0x0a], [0xc3, 0xa9], [0xe4, 0xb8, 0xad], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0x9f, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf], Array.from('a run of ASCII longer than 32 bytes, ok', (c) => c.charCodeAt(0))]
  for (let round = 0; round < 3000; round++) {
    const bytes = []
    const length = Math.floor(random() * 30)
    for (let i = 0; i < length; i++) {
      if (random() < 0.6) bytes.push(...alphabet[Math.floor(random() * alphabet.length)])
      else bytes.push(Math.floor(random() * 256))
    }
    const cuts = []
    for (let at = 0; at < bytes.length; at++) if (random() < 0.3) cuts.push(at)
    sameAsOracle(new Uint8Array(bytes), cuts)
  }
})

// ------------------------------------------------------------------------------ sse

function parse(parts) {
  const events = []
  const p = createParser((e) => events.push(e))
  for (const part of parts) p.push(part)
  p.end()
  return events
}
const message = (data, extra) => Object.assign({ event: 'message', data, id: '', retry: undefined }, extra)

test('sse: multi-line data, comments, event, id, retry, a field with no colon, one space stripped', () => {
  const stream = ': hello\ndata: first\ndata:second\ndata:  third\n\n' +
    'event: add\nid: 1\nretry: 2500\ndata\n\n' +
    'data: {"a":1}\n\n' +
    'foo: bar\nevent\ndata: x: y\nretry: 12a\nretry:\nid\n\n'
  assert.deepEqual(parse([stream]), [
    message('first\nsecond\n third'),
    message('', { event: 'add', id: '1', retry: 2500 }),
    message('{"a":1}', { id: '1' }), // the last event ID persists; retry is per block
    message('x: y', { id: '' }), // `id` with no value clears it; bad retries ignored
  ])
})

test('sse: no data, no event (and its type is reset); an id with NUL ignored; unknown fields ignored', () => {
  assert.deepEqual(parse(['event: a\nid: 5\nretry: 1\n\ndata: b\n\nid: x\0y\ndata: c\n\nDATA: d\n\n']), [
    message('b', { id: '5' }),
    message('c', { id: '5' }),
  ])
})

test('sse: CRLF, CR and LF line breaks, and a CR|LF split across pushes is one break', () => {
  const expected = [message('a\nb'), message('c', { event: 'e' })]
  for (const nl of ['\n', '\r', '\r\n']) {
    assert.deepEqual(parse([['data: a', 'data: b', '', 'event: e', 'data: c', '', ''].join(nl)]), expected, JSON.stringify(nl))
  }
  assert.deepEqual(parse(['data: a\r', '\ndata: b\r', '\n\r', '\nevent: e\r', '\ndata: c\r', '\n', '\r\n']), expected)
  assert.deepEqual(parse(['event: e\r', '\rdata: c\n\n']), [message('c')]) // CR then CR: two breaks, the type reset
  // A CR at the end of a push ends the line at once: the event is not held for the next push.
  const events = []
  const p = createParser((e) => events.push(e))
  p.push('data: now\r\r')
  assert.deepEqual(events, [message('now')])
  p.push('\ndata: next\n\n') // the LF after the CR is skipped: no extra blank line, nothing else
  assert.deepEqual(events, [message('now'), message('next')])
})

test('sse: a BOM is dropped only at the very start of the stream', () => {
  assert.deepEqual(parse(['\ufeffdata: a\n\n']), [message('a')])
  assert.deepEqual(parse(['', '\ufeff', 'data: a\n\n']), [message('a')])
  assert.deepEqual(parse(['data: a\n\n', '\ufeffdata: b\n\n']), [message('a')]) // `\ufeffdata` is an unknown field
  assert.deepEqual(parse(['\ufeff\ufeffdata: a\n\n']), [])
})

test('sse: end discards an unterminated block and an unterminated line', () => {
  assert.deepEqual(parse(['data: a\n\ndata: b\n']), [message('a')])
  assert.deepEqual(parse(['data: a\n\ndata: b']), [message('a')])
  assert.deepEqual(parse(['data: a']), [])
})

test('sse: every split point of a sample stream gives the events of one push', () => {
  const stream = '\ufeff: c\r\nevent: delta\r\nid: 42\r\ndata: 你好\r\ndata: 😀\r\n\r\n' +
    'data: second\rretry: 300\r\rdata\n\n:x\ndata: {"done":true}\n\n'
  const expected = parse([stream])
  assert.deepEqual(expected, [
    message('你好\n😀', { event: 'delta', id: '42' }),
    message('second', { id: '42', retry: 300 }),
    message('', { id: '42' }),
    message('{"done":true}', { id: '42' }),
  ])
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(parse([stream.slice(0, i), stream.slice(i)]), expected, 'cut at ' + i)
    for (let j = i; j <= stream.length; j += 3) {
      assert.deepEqual(parse([stream.slice(0, i), stream.slice(i, j), stream.slice(j)]), expected, 'cut at ' + i + ', ' + j)
    }
  }
  // The same through the decoder: the stream's bytes cut anywhere, even inside a character.
  const bytes = new Uint8Array(Buffer.from(stream, 'utf8'))
  for (let i = 0; i <= bytes.length; i++) {
    const d = createDecoder()
    assert.deepEqual(parse([d.push(bytes.subarray(0, i)), d.push(bytes.subarray(i)), d.end()]), expected, 'byte cut at ' + i)
  }
})

test('sse: a throwing onEvent propagates to push; the rest is parsed on the next push, once', () => {
  const seen = []
  const p = createParser((e) => {
    seen.push(e.data)
    if (e.data === 'boom') throw new Error('from onEvent')
  })
  assert.throws(() => p.push('data: a\n\ndata: boom\n\ndata: b\n\ndata: c\r'), /from onEvent/)
  assert.deepEqual(seen, ['a', 'boom'])
  p.push('') // resumes the lines left after the throw
  assert.deepEqual(seen, ['a', 'boom', 'b'])
  p.push('\n\n') // `data: c` ended with CR at the end of the first push: this LF is skipped
  assert.deepEqual(seen, ['a', 'boom', 'b', 'c'])
  // A throw on an event whose blank line ends the push, then end: nothing lost or seen twice.
  const q = []
  const r = createParser((e) => { q.push(e.data); if (q.length === 1) throw new Error('once') })
  assert.throws(() => r.push('data: 1\n\ndata: 2\n\ndata: 3\n'), /once/)
  r.end()
  assert.deepEqual(q, ['1', '2'])
  assert.throws(() => r.push(null), TypeError)
})
