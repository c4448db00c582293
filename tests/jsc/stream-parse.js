// The stream parsers (js/utf8.js, js/sse.js) under JavaScriptCore without JIT, where there is
// no TextDecoder: the oracle is hard-coded text. The node suite (tests/js/stream-parse.test.js)
// checks the same against Node's TextDecoder.
/* global test, assert, require */
(function () {
  // The UTF-8 bytes of a string, by the browser's own percent-encoding.
  function bytesOf(s) {
    var binary = unescape(encodeURIComponent(s)), out = new Uint8Array(binary.length)
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  }
  function show(s) { return JSON.stringify(s) + ' ' + s.split('').map(function (c) { return c.charCodeAt(0).toString(16) }).join(',') }
  function pushAll(bytes, cuts) {
    var d = require('wxhttp/js/utf8').createDecoder(), from = 0, outs = []
    cuts.concat(bytes.length).forEach(function (at) { outs.push(d.push(bytes.subarray(from, at))); from = at })
    outs.push(d.end())
    return outs
  }
  // Every 2- and 3-way cut gives `expected` in all, and no push ends inside a character.
  function everySplit(bytes, expected) {
    for (var i = 0; i <= bytes.length; i++) {
      for (var j = i; j <= bytes.length; j++) {
        var outs = pushAll(bytes, [i, j]), text = outs.join('')
        assert(text === expected, 'cut at ' + i + ',' + j + ': ' + show(text) + ' wanted ' + show(expected))
        outs.forEach(function (o) { assert(!/[\ud800-\udbff]$/.test(o), 'a push ends in a high surrogate: ' + show(o)) })
      }
    }
  }

  test('utf8: every 2- and 3-way split of ASCII, 2-, 3- and 4-byte characters', function () {
    var samples = ['a中b', 'é€😀', 'x😀y🎉z', '中文 emoji 😀 ok', '\u0080\u07ff\u0800\uffff\ud800\udc00\udbff\udfff']
    samples.forEach(function (s) { everySplit(bytesOf(s), s) })
    assert(bytesOf('😀').length === 4 && '😀'.charCodeAt(0) === 0xd83d && '😀'.charCodeAt(1) === 0xde00, 'the sample is a pair')
  })

  test('utf8: a 4-byte character in three chunks comes out whole in the push that completes it', function () {
    var outs = pushAll(new Uint8Array([0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62]), [2, 3])
    assert(outs.join('|') === 'a||\ud83d\ude00b|', show(outs.join('|')))
  })

  test('utf8: invalid sequences become U+FFFD per maximal subpart, at every split', function () {
    var R = '\ufffd'
    var cases = [
      [[0x80], R], [[0x41, 0x80, 0x80, 0x42], 'A' + R + R + 'B'],
      [[0xe4, 0xb8], R], [[0xe4, 0xb8, 0x41], R + 'A'], [[0xf0, 0x9f, 0x41, 0x42], R + 'AB'],
      [[0xc0, 0x80], R + R], [[0xe0, 0x80, 0x80], R + R + R], [[0xf0, 0x8f, 0xbf, 0xbf], R + R + R + R],
      [[0xed, 0xa0, 0x80], R + R + R], [[0xed, 0x9f, 0xbf], '\ud7ff'],
      [[0xf4, 0x90, 0x80, 0x80], R + R + R + R], [[0xf4, 0x8f, 0xbf, 0xbf], '\udbff\udfff'], [[0xf5, 0x80], R + R], [[0xfe, 0xff], R + R],
      [[0xe4, 0xb8, 0xf0, 0x9f, 0x98, 0x80, 0xe4], R + '\ud83d\ude00' + R],
      [[0x41, 0xe2, 0x82, 0xe2, 0x82, 0xac, 0xc3, 0xa9, 0xff], 'A' + R + '€é' + R],
    ]
    cases.forEach(function (c) { everySplit(new Uint8Array(c[0]), c[1]) })
  })

  test('utf8: ArrayBuffer, views with byteOffset, long input; a string refused', function () {
    var utf8 = require('wxhttp/js/utf8')
    var all = bytesOf('--中文😀--')
    assert(utf8.decode(all.buffer) === '--中文😀--', 'ArrayBuffer')
    assert(utf8.decode(new Uint8Array(all.buffer, 2, all.length - 4)) === '中文😀', 'byteOffset')
    assert(utf8.decode(new DataView(all.buffer, 2, 3)) === '中', 'DataView')
    var long = new Array(8192).join('a') + new Array(3001).join('😀中é') // pairs straddle the batches
    assert(utf8.decode(bytesOf(long)) === long, 'long input')
    var refused = false
    try { utf8.decode('中') } catch (e) { refused = e instanceof TypeError }
    assert(refused, 'a string is a TypeError')
  })

  test('utf8: seeded fuzz of valid text in random chunks', function () {
    var seed = 7
    function random() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
    var points = [0x41, 0x7f, 0xe9, 0x7ff, 0x4e2d, 0xfffd, 0xffff, 0x1f600, 0x10ffff]
    for (var round = 0; round < 300; round++) {
      var s = ''
      for (var k = Math.floor(random() * 12); k > 0; k--) {
        var cp = points[Math.floor(random() * points.length)]
        s += cp > 0xffff ? String.fromCharCode(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)) : String.fromCharCode(cp)
      }
      var bytes = bytesOf(s), cuts = []
      for (var at = 0; at < bytes.length; at++) if (random() < 0.3) cuts.push(at)
      assert(pushAll(bytes, cuts).join('') === s, 'round ' + round + ': ' + show(s))
    }
  })

  function parse(parts) {
    var events = [], p = require('wxhttp/js/sse').createParser(function (e) { events.push(e) })
    parts.forEach(function (part) { p.push(part) })
    p.end()
    return JSON.stringify(events.map(function (e) { return [e.event, e.data, e.id, e.retry === undefined ? null : e.retry] }))
  }

  test('sse: fields, comments, line breaks, BOM, and every split of a sample stream', function () {
    var stream = '\ufeff: c\r\nevent: delta\r\nid: 42\r\ndata: 你好\r\ndata: 😀\r\n\r\n' +
      'data: second\rretry: 300\r\rdata\n\nfoo\nevent: x\nid: a\0b\n\n:x\ndata:  {"done":true}\n\ndata: cut'
    var expected = JSON.stringify([['delta', '你好\n😀', '42', null], ['message', 'second', '42', 300],
      ['message', '', '42', null], ['message', ' {"done":true}', '42', null]])
    assert(parse([stream]) === expected, 'one push: ' + parse([stream]))
    for (var i = 0; i <= stream.length; i++) {
      for (var j = i; j <= stream.length; j += 5) {
        var got = parse([stream.slice(0, i), stream.slice(i, j), stream.slice(j)])
        assert(got === expected, 'cut at ' + i + ',' + j + ': ' + got)
      }
    }
    assert(parse(['data: a\r', '\n\r', '\n']) === '[["message","a","",null]]', 'CR|LF across pushes')
    assert(parse(['data: a\n\n', '\ufeffdata: b\n\n']) === '[["message","a","",null]]', 'a later BOM is kept')
  })

  test('sse: decoded from bytes cut anywhere, and a throwing onEvent', function () {
    var bytes = bytesOf('event: t\ndata: 中文😀\n\n'), utf8 = require('wxhttp/js/utf8')
    for (var i = 0; i <= bytes.length; i++) {
      var d = utf8.createDecoder()
      var got = parse([d.push(bytes.subarray(0, i)), d.push(bytes.subarray(i)), d.end()])
      assert(got === '[["t","中文😀","",null]]', 'byte cut at ' + i + ': ' + got)
    }
    var seen = [], thrown = null
    var p = require('wxhttp/js/sse').createParser(function (e) { seen.push(e.data); if (e.data === 'boom') throw new Error('boom') })
    try { p.push('data: boom\n\ndata: b\n\n') } catch (e) { thrown = e }
    assert(thrown && thrown.message === 'boom' && seen.join() === 'boom', 'the throw reaches push')
    p.push('')
    assert(seen.join() === 'boom,b', 'the rest on the next push: ' + seen.join())
  })
})()
