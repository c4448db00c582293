'use strict'
// Server-Sent Events over text pushed in pieces: the "event stream interpretation" of the
// WHATWG HTML standard. Lines end at CRLF, LF or CR — a CR that ends one push and an LF that
// starts the next are one line break — and a BOM at the very start of the stream is dropped.
// A blank line dispatches `onEvent({ event, data, id, retry })`: `event` defaults to
// 'message', `data` is the data lines joined with "\n", `id` is the last event ID (it persists
// across events, as the standard says), `retry` the number set by a `retry:` line in this
// block or undefined. A block whose data buffer is empty dispatches nothing.
//
// `onEvent` may throw: every piece of state is updated before the call, so the throw goes to
// the caller of `push` and nothing is lost or seen twice — the text not yet parsed stays
// buffered, and the next `push` (an empty one will do) or `end` carries on from there.

function createParser(onEvent) {
  var pending = ''     // text not yet parsed (a partial line, or lines left by a throw)
  var scanned = 0      // `pending` has no line break before this index
  var crEnded = false  // the last line ended with a CR at the end of a push: skip one LF
  var atStart = true   // no text seen yet: a BOM is still to be dropped
  var data = '', type = '', lastId = '', retry

  function field(line) {
    var colon = line.indexOf(':')
    if (colon === 0) return // a comment
    var name = colon < 0 ? line : line.slice(0, colon)
    var value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1)
    if (name === 'data') data += value + '\n'
    else if (name === 'event') type = value
    else if (name === 'id') { if (value.indexOf('\0') < 0) lastId = value }
    else if (name === 'retry') { if (/^[0-9]+$/.test(value)) retry = parseInt(value, 10) }
  }

  function dispatch() {
    var event = data === '' ? null : { event: type || 'message', data: data.slice(0, -1), id: lastId, retry: retry }
    data = ''; type = ''; retry = undefined
    if (event) onEvent(event)
  }

  function push(text) {
    if (typeof text !== 'string') throw new TypeError('sse: push takes a string')
    if (text === '') { if (pending === '') return } else if (atStart) {
      atStart = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (crEnded && text !== '') {
      crEnded = false
      if (text.charCodeAt(0) === 10) text = text.slice(1)
    }
    // Lines are cut from `buf` at `start`; the next LF and CR are looked up once each and only
    // again when passed, so a push of many lines costs one pass over its text.
    var buf = pending + text, start = 0
    var lf = buf.indexOf('\n', scanned), cr = buf.indexOf('\r', scanned)
    for (;;) {
      if (lf >= 0 && lf < start) lf = buf.indexOf('\n', start)
      if (cr >= 0 && cr < start) cr = buf.indexOf('\r', start)
      var at = lf < 0 ? cr : cr < 0 || lf < cr ? lf : cr
      if (at < 0) break
      var line = buf.slice(start, at)
      start = at + 1
      if (at === cr) {
        if (start === buf.length) crEnded = true
        else if (buf.charCodeAt(start) === 10) start++
      }
      if (line !== '') field(line)
      else {
        pending = buf.slice(start); scanned = 0 // before calling out: onEvent may throw
        dispatch()
      }
    }
    pending = start ? buf.slice(start) : buf
    scanned = pending.length
  }

  return {
    // Parses `text` (a string, for instance from utf8.createDecoder), dispatching complete events.
    push: push,
    // The end of the stream. Complete lines still buffered (after a throwing onEvent) are parsed
    // first; then, as the standard says, an unterminated last line and an event block without its
    // blank line are discarded — never dispatched. The last event ID is kept. (Should onEvent
    // throw here, the throw reaches the caller of end and a second end finishes the job.)
    end: function () {
      push('')
      pending = ''; scanned = 0; crEnded = false
      data = ''; type = ''; retry = undefined
    },
  }
}

module.exports = { createParser: createParser }
