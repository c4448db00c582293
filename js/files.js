'use strict'
// Uploads, downloads and streams (SPEC §11): a call in a concurrency slot like wx.request's,
// through wx.uploadFile, wx.downloadFile or wx.request with `enableChunked`. The core decides
// as for any request (slot, token, expiry, retry, replay; a stream that delivered a chunk is
// never sent again); here are the bytes and text: progress, an upload's JSON body, chunks
// decoded across their boundaries, Server-Sent Events. The app's callbacks run inside `try`:
// one that throws changes nothing here, and none runs after the call is over.

var utf8 = require('./utf8.js')
var sse = require('./sse.js')
var authLib = require('./auth.js')

var UPLOAD = 1
var DOWNLOAD = 2
var STREAM = 3
var APIS = [null, 'uploadFile', 'downloadFile', 'request']

// Sends `rec`'s call. `options`: url, method, header, timeout, data and pass-through options;
// `report(ok, res)`: the call's one answer; `commit()`: a stream's first chunk reached the app.
function send(d, rec, call, options, report, commit) {
  var api = rec.api
  var stream = null
  if (api === STREAM) stream = streamer(d, rec, call, options, report, commit)
  else {
    delete options.method
    delete options.data
    if (rec.filePath) options.filePath = rec.filePath
    if (api === UPLOAD) {
      // wx.uploadFile writes its own multipart content type; the client's JSON one would break it.
      var header = {}
      for (var key in options.header) if (key.toLowerCase() !== 'content-type') header[key] = options.header[key]
      options.header = header
      options.name = rec.name
      if (rec.formData) options.formData = rec.formData
    }
  }
  // A result that is no object goes to the driver as it is, which fails the call.
  options.success = guard(call, report, function (res) {
    if (api === UPLOAD) return report(true, parsed(res))
    if (!stream || !res || typeof res !== 'object') return report(true, res)
    var answer = stream.end(res)
    if (answer) report(true, answer)
  })
  options.fail = function (err) { report(false, err) }
  var task = d.wx.task(APIS[api], options)
  if (rec.onProgress) {
    on(task, 'onProgressUpdate', function (progress) {
      if (call.over || rec.settled) return
      try { rec.onProgress(progress) } catch (e) { /* the app's callback: nothing to undo */ }
    })
  }
  if (stream) stream.listen(task)
  return task
}

// What a settled call resolves with: an upload's response, a download's files, a stream's head.
function value(rec, res) {
  if (rec.api === DOWNLOAD) {
    return { tempFilePath: res.tempFilePath, filePath: res.filePath, statusCode: res.statusCode, header: res.header, config: rec.config }
  }
  if (rec.api === STREAM) return { statusCode: res.statusCode, header: res.header, config: rec.config }
  return { data: res.data, statusCode: res.statusCode, header: res.header, config: rec.config }
}

// wx hands an upload's body as a string: JSON when it is JSON, so expiry reads it like any body.
function parsed(res) {
  if (!res || typeof res.data !== 'string') return res
  return { data: body(res.data), statusCode: res.statusCode, header: res.header, errMsg: res.errMsg }
}

// `fn` as a wx callback: nothing once the call is over, and a throw (a hostile result's getter,
// a chunk that is no ArrayBuffer) fails the call instead of reaching wx.
function guard(call, report, fn) {
  return function (res) {
    if (call.over) return
    try {
      fn(res)
    } catch (e) {
      if (call.over) return
      try { if (call.task && typeof call.task.abort === 'function') call.task.abort() } catch (again) { /* over for us anyway */ }
      report(false, { errMsg: 'request:fail the answer could not be read (' + (e && e.message) + ')' })
    }
  }
}

// A refused answer's body for the error: JSON when it is JSON.
function body(text) {
  if (!/^\s*[[{]/.test(text)) return text
  try { return JSON.parse(text) } catch (e) { return text }
}

function on(task, name, listener) {
  try { if (task && typeof task[name] === 'function') task[name](listener) } catch (e) { /* a task without it */ }
}

// One stream's chunks: text decoded across chunk boundaries (or the ArrayBuffers as they
// are), events parsed when the answer is an event stream. Before the first chunk reaches the
// app, a 401 at the headers or an expired body ends the call as an expired answer (re-login
// and replay); after it, the stream is committed. An answer whose status `validateStatus`
// refuses is no stream: its body is kept for the error (`e.response.data`), never delivered.
function streamer(d, rec, call, options, report, commit) {
  var raw = options.responseType === 'arraybuffer'
  var decoder = raw ? null : utf8.createDecoder()
  var events = null
  var head = { statusCode: 0, header: undefined }
  var started = false
  var chunked = false
  var refused = null
  options.enableChunked = true
  if (!('dataType' in options)) options.dataType = 'text'

  function deliver(chunk) {
    if (raw ? !chunk || !chunk.byteLength : chunk === '') return
    if (rec.onChunk) try { rec.onChunk(chunk) } catch (e) { /* the app's callback */ }
    if (events) events.push(raw ? utf8.decode(chunk) : chunk)
  }

  // The first chunk, before the app sees it: an expired answer instead, when it says so.
  function expired(chunk) {
    if (!call.auth) return false
    var data = body(raw ? utf8.decode(chunk) : chunk)
    if (data === null || typeof data !== 'object') return false
    var res = { statusCode: head.statusCode || 200, header: head.header, data: data }
    if (!authLib.expired(d.auth, res, rec.config)) return false
    d.wx.abort(call.task)
    report(true, res)
    return true
  }

  function take(chunk) {
    if (refused) return void refused.push(raw ? utf8.decode(chunk) : chunk)
    if (!started) {
      if (expired(chunk)) return
      started = true
      commit()
    }
    deliver(chunk)
  }

  return {
    listen: function (task) {
      on(task, 'onHeadersReceived', guard(call, report, function (res) {
        head = { statusCode: res.statusCode, header: res.header }
        if (!started && !d.validate(res.statusCode)) refused = []
        var type = res.header && (res.header['content-type'] || res.header['Content-Type'])
        if (rec.sse || (rec.sse === null && /text\/event-stream/i.test(String(type || '')))) {
          events = events || sse.createParser(function (event) {
            if (rec.onEvent) try { rec.onEvent(event) } catch (e) { /* the app's callback */ }
          })
        }
        // The status alone (`isExpired` sees no body yet).
        var answer = { statusCode: res.statusCode, header: res.header, data: undefined }
        if (call.auth && !started && authLib.expired(d.auth, answer, rec.config)) {
          d.wx.abort(call.task)
          report(true, answer)
        }
      }))
      on(task, 'onChunkReceived', guard(call, report, function (res) {
        chunked = true
        take(raw ? res.data : decoder.push(res.data))
      }))
    },
    // The call's success: what is left, then the answer (none when it ended as expired).
    end: function (res) {
      if (!chunked && res && res.data !== undefined && res.data !== null) {
        // A host without onChunkReceived: the whole body, as one chunk, now.
        var whole = res.data
        take(raw || typeof whole === 'string' ? whole : typeof whole.byteLength === 'number' ? decoder.push(whole) : JSON.stringify(whole))
        if (call.over) return null
      }
      if (refused) return { statusCode: res.statusCode, header: head.header || res.header, data: body(refused.join('') + (decoder ? decoder.end() : '')) }
      if (decoder) deliver(decoder.end())
      if (events) events.end()
      return { statusCode: res.statusCode, header: head.header || res.header, data: undefined }
    },
  }
}

module.exports = { send: send, value: value }
