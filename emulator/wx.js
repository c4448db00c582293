/*
 * wxhttp `wx` emulator: the parts of the WeChat mini-program `wx` API that a request library
 * touches, with their real shapes and quirks (wx.request succeeds for any HTTP status, fail
 * gets a plain object, 5-second background interrupt, storage limits, single-use login codes).
 *
 * UMD script, ES2017, no Node built-ins outside the 'http' transport (required lazily), no
 * TextEncoder / TextDecoder / queueMicrotask / URL: it loads under JavaScriptCore
 * (`load("emulator/wx.js")` defines the global `WxhttpEmulator`).
 */
(function (root, factory) {
  // The query parser is the backend's (load emulator/backend.js first under jsc).
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./backend.js'));
  else root.WxhttpEmulator = factory(root.WxhttpBackend);
})(this, function (backendModule) {
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;
  var isNode = typeof process === 'object' && process && process.versions && !!process.versions.node &&
    typeof require === 'function';

  var ERRNO = {
    abort: 1,
    timeout: 5,
    network: 600001,
    domain: 600002,
    interrupted: 600003,
    maxTasks: 600005,
    invalidUrl: 600009,
    noFile: 1300002,
    permission: 1300013,
    invalidArg: 1300022
  };

  // ---------------------------------------------------------------- helpers

  function noop() {}

  function report(emu, where, e) {
    emu.callbackErrors.push({ where: where, error: e });
    if (emu.quiet) return;
    var msg = '[wx emulator] exception in ' + where + ' callback: ' + (e && e.stack || e);
    if (typeof console === 'object' && console && console.error) console.error(msg);
    else if (typeof print === 'function') print(msg);
  }

  function later(fn) { Promise.resolve().then(fn); }

  /** UTF-8 byte length of a string, without TextEncoder. */
  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
      } else n += 3;
    }
    return n;
  }

  var utf8Encode = backendModule.utf8Encode;
  var utf8Decode = backendModule.utf8Decode;
  var toBytes = backendModule.toBytes;
  var concatBytes = backendModule.concatBytes;

  /** A fresh ArrayBuffer holding the bytes of body (a string is UTF-8, an object its JSON). */
  function toArrayBuffer(body) {
    if (typeof ArrayBuffer !== 'undefined' && body instanceof ArrayBuffer) return body;
    var u = toBytes(body === undefined ? '' : body);
    return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength);
  }

  function isBytes(x) {
    return !!x && typeof x === 'object' && (x instanceof ArrayBuffer || (x.buffer instanceof ArrayBuffer && typeof x.byteLength === 'number'));
  }

  /** The text of a body given as bytes (a Node Buffer decodes natively). */
  function bytesText(x) {
    if (isNode && typeof Buffer === 'function' && Buffer.isBuffer(x)) return x.toString('utf8');
    return utf8Decode(toBytes(x));
  }

  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  function base64Encode(u) {
    var out = '';
    for (var i = 0; i < u.length; i += 3) {
      var a = u[i], b = i + 1 < u.length ? u[i + 1] : 0, c = i + 2 < u.length ? u[i + 2] : 0;
      out += B64.charAt(a >> 2) + B64.charAt(((a & 3) << 4) | (b >> 4)) +
        (i + 1 < u.length ? B64.charAt(((b & 15) << 2) | (c >> 6)) : '=') + (i + 2 < u.length ? B64.charAt(c & 63) : '=');
    }
    return out;
  }

  function base64Decode(s) {
    s = String(s).replace(/[^A-Za-z0-9+/]/g, '');
    var out = [];
    var bits = 0, acc = 0;
    for (var i = 0; i < s.length; i++) {
      acc = (acc << 6) | B64.indexOf(s.charAt(i));
      bits += 6;
      if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); }
    }
    return toBytes(out);
  }

  /** Bytes -> string in a FileSystemManager encoding. */
  function encodeBytes(u, encoding) {
    var e = String(encoding).toLowerCase();
    var i, out = '';
    if (e === 'utf8' || e === 'utf-8') return utf8Decode(u);
    if (e === 'base64') return base64Encode(u);
    if (e === 'hex') { for (i = 0; i < u.length; i++) out += (u[i] < 16 ? '0' : '') + u[i].toString(16); return out; }
    if (e === 'ucs2' || e === 'ucs-2' || e === 'utf16le' || e === 'utf-16le') {
      for (i = 0; i + 1 < u.length; i += 2) out += String.fromCharCode(u[i] | (u[i + 1] << 8));
      return out;
    }
    if (e === 'ascii') { for (i = 0; i < u.length; i++) out += String.fromCharCode(u[i] & 127); return out; }
    if (e === 'binary' || e === 'latin1') { for (i = 0; i < u.length; i++) out += String.fromCharCode(u[i]); return out; }
    return null;
  }

  /** String in a FileSystemManager encoding -> bytes (null for an unknown encoding). */
  function decodeString(s, encoding) {
    var e = String(encoding || 'utf8').toLowerCase();
    var i, out = [];
    if (e === 'utf8' || e === 'utf-8') return utf8Encode(s);
    if (e === 'base64') return base64Decode(s);
    if (e === 'hex') { for (i = 0; i + 1 < s.length; i += 2) out.push(parseInt(s.substr(i, 2), 16) & 255); return toBytes(out); }
    if (e === 'ucs2' || e === 'ucs-2' || e === 'utf16le' || e === 'utf-16le') {
      for (i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 255, s.charCodeAt(i) >> 8);
      return toBytes(out);
    }
    if (e === 'ascii' || e === 'binary' || e === 'latin1') { for (i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 255); return toBytes(out); }
    return null;
  }

  function getHeader(header, name) {
    if (!header) return undefined;
    var lower = name.toLowerCase();
    for (var k in header) if (hasOwn.call(header, k) && k.toLowerCase() === lower) return header[k];
    return undefined;
  }

  function enc(v) { return encodeURIComponent(v); }

  /** wx's encoding of an object into a query / form string. */
  function encodeForm(obj) {
    var parts = [];
    for (var k in obj) {
      if (!hasOwn.call(obj, k)) continue;
      var v = obj[k];
      if (v === undefined) continue;
      if (v !== null && typeof v === 'object') v = JSON.stringify(v);
      parts.push(enc(k) + '=' + enc(v === null ? '' : String(v)));
    }
    return parts.join('&');
  }

  var parseQuery = backendModule.parseQuery;

  /** Minimal URL parser (no global URL under WeChat / jsc). */
  function parseUrl(url) {
    var m = /^(https?):\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?/i.exec(String(url));
    if (!m) return null;
    var hostport = m[2];
    var at = hostport.lastIndexOf('@');
    if (at >= 0) hostport = hostport.slice(at + 1);
    var host = hostport;
    var port = '';
    var pm = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostport);
    if (pm) { host = pm[1]; port = pm[2] || ''; }
    return {
      protocol: m[1].toLowerCase(),
      host: host.toLowerCase(),
      port: port ? +port : (m[1].toLowerCase() === 'https' ? 443 : 80),
      path: m[3] || '/',
      search: m[4] || '',
      query: parseQuery(m[4] || '')
    };
  }

  function isLoopback(host) {
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  }

  function storedCopy(data) {
    // WeChat keeps native types, Date and whatever JSON.stringify can serialise.
    if (data instanceof Date) return { t: 'date', v: data.getTime() };
    if (data === undefined) return { t: 'undefined' };
    var s = JSON.stringify(data);
    if (s === undefined) return { t: 'undefined' };
    return { t: 'json', v: s };
  }

  function readCopy(entry) {
    if (entry.t === 'date') return new Date(entry.v);
    if (entry.t === 'undefined') return '';
    return JSON.parse(entry.v);
  }

  function entrySize(key, entry) {
    var valueBytes = entry.t === 'json' ? utf8Length(entry.v) : (entry.t === 'date' ? 26 : 0);
    return utf8Length(key) + valueBytes;
  }

  /** Wraps an async wx API: callbacks or (when none is given) a Promise, like newer base libraries. */
  function asyncApi(emu, name, impl) {
    return function (opts) {
      opts = opts || {};
      var usePromise = !opts.success && !opts.fail && !opts.complete;
      var resolveP, rejectP;
      var p = usePromise ? new Promise(function (res, rej) { resolveP = res; rejectP = rej; }) : undefined;
      var done = false;
      function finish(ok, res) {
        if (done) return;
        done = true;
        later(function () {
          if (usePromise) { if (ok) resolveP(res); else rejectP(res); return; }
          var cb = ok ? opts.success : opts.fail;
          if (cb) { try { cb(res); } catch (e) { report(emu, name + (ok ? '.success' : '.fail'), e); } }
          if (opts.complete) { try { opts.complete(res); } catch (e2) { report(emu, name + '.complete', e2); } }
        });
      }
      try {
        impl(opts, function (res) { finish(true, res); }, function (res) { finish(false, res); });
      } catch (e) {
        var m = String(e && e.message || e);
        finish(false, { errMsg: m.indexOf(name + ':fail') === 0 ? m : name + ':fail ' + m });
      }
      return p;
    };
  }

  // ---------------------------------------------------------------- manual clock

  /**
   * createManualClock(start = 0): { now, setTimeout, clearTimeout, advance(ms), advanceAsync(ms),
   * runAll(), pending(), flush() } — deterministic time for tests.
   */
  function createManualClock(start) {
    var t = start || 0;
    var timers = [];
    var nextId = 1;
    var realSetTimeout = typeof setTimeout === 'function' ? setTimeout : null;
    var realSetImmediate = typeof setImmediate === 'function' ? setImmediate : null;
    function due(limit) {
      var best = null;
      for (var i = 0; i < timers.length; i++) {
        var x = timers[i];
        if (x.at <= limit && (!best || x.at < best.at || (x.at === best.at && x.id < best.id))) best = x;
      }
      return best;
    }
    function remove(x) { var i = timers.indexOf(x); if (i >= 0) timers.splice(i, 1); }
    var clock = {
      now: function () { return t; },
      setTimeout: function (fn, ms) {
        var id = nextId++;
        timers.push({ id: id, at: t + Math.max(0, +ms || 0), fn: fn });
        return id;
      },
      clearTimeout: function (id) {
        for (var i = 0; i < timers.length; i++) if (timers[i].id === id) { timers.splice(i, 1); return; }
      },
      /** Moves time forward by ms, running due timers in order (synchronously). */
      advance: function (ms) {
        var limit = t + (ms || 0);
        var x, n = 0;
        while ((x = due(limit))) { remove(x); t = x.at; n++; x.fn(); }
        t = limit;
        return n;
      },
      /** Lets pending promise callbacks run (one macrotask turn). */
      flush: function () {
        return new Promise(function (r) {
          if (realSetImmediate) realSetImmediate(r);
          else if (realSetTimeout) realSetTimeout(r, 0);
          else r();
        });
      },
      /** Like advance, but lets promise callbacks run before and after each timer. */
      advanceAsync: function (ms) {
        var limit = t + (ms || 0);
        function step() {
          return clock.flush().then(function () {
            var x = due(limit);
            if (!x) { t = limit; return clock.flush(); }
            remove(x); t = x.at; x.fn();
            return step();
          });
        }
        return step();
      },
      runAll: function () { var n = 0, x; while ((x = due(Infinity))) { remove(x); t = x.at; n++; x.fn(); } return n; },
      pending: function () { return timers.length; }
    };
    return clock;
  }

  // ---------------------------------------------------------------- transports

  /*
   * A transport is function (req, signal, sink) -> Promise<answer> (or an answer). The answer is
   * { status, header, cookies?, body } (body: string, object, bytes) or, for a streamed answer,
   * { status, header, chunks: [{ at: ms after the answer, bytes: Uint8Array | string }] }, which the
   * emulator plays on its clock. A transport that streams by itself (http) calls sink.headers({ status,
   * header, cookies }), sink.data(bytes) and sink.sent(bytesSoFar) as things happen and resolves with
   * { ..., streamed: true } at the end. signal.onAbort is set by the transport to cancel.
   */

  function inprocessTransport(backend) {
    if (!backend || typeof backend.handle !== 'function') throw new Error('wx emulator: the inprocess transport needs a backend');
    return function (req) {
      var ct = getHeader(req.header, 'content-type');
      var body = req.parts || req.body;
      if (typeof body === 'string') {
        if (body === '') body = undefined;
        else {
          var lc = String(ct || '').toLowerCase();
          if (lc.indexOf('application/x-www-form-urlencoded') >= 0) body = parseQuery(body);
          else if (lc.indexOf('json') >= 0 || lc === '') { try { body = JSON.parse(body); } catch (e) { /* keep string */ } }
        }
      }
      var header = {};
      for (var k in req.header) if (hasOwn.call(req.header, k)) header[k] = req.header[k];
      return backend.handle({ method: req.method, path: req.path, query: req.query, header: header, body: body })
        .then(function (res) {
          if (req.method === 'HEAD') return { status: res.status, header: res.header || {}, body: '' };
          if (Array.isArray(res.chunks)) return { status: res.status, header: res.header || {}, chunks: res.chunks };
          return { status: res.status, header: res.header || {}, body: res.body };
        });
    };
  }

  function httpTransport() {
    return function (req, signal, sink) {
      // eslint-disable-next-line no-undef
      var http = require('http');
      return new Promise(function (resolve, reject) {
        var headers = {};
        for (var k in req.header) if (hasOwn.call(req.header, k)) headers[k] = String(req.header[k]);
        var payload = null;
        if (req.method !== 'GET' && req.method !== 'HEAD' && req.body != null && req.body !== '') {
          if (typeof req.body === 'string') payload = Buffer.from(req.body, 'utf8');
          else if (isBytes(req.body)) { var u = toBytes(req.body); payload = Buffer.from(u.buffer, u.byteOffset, u.byteLength); }
        }
        if (payload) headers['Content-Length'] = String(payload.length);
        if (req.parsed !== req.originalParsed && req.originalParsed && getHeader(headers, 'host') === undefined) {
          var op = req.originalParsed;
          headers.Host = op.host + ((op.protocol === 'https' && op.port === 443) || (op.protocol === 'http' && op.port === 80) ? '' : ':' + op.port);
        }
        var host = req.parsed.host;
        if (host.charAt(0) === '[') host = host.slice(1, -1);
        var r = http.request({
          hostname: host,
          port: req.parsed.port,
          path: req.path + (req.search ? '?' + req.search : ''),
          method: req.method,
          headers: headers
        }, function (res) {
          var header = {};
          var cookies = [];
          for (var i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            var name = res.rawHeaders[i];
            var value = res.rawHeaders[i + 1];
            if (name.toLowerCase() === 'set-cookie') cookies.push(value);
            header[name] = hasOwn.call(header, name) ? header[name] + ',' + value : value;
          }
          if (sink) sink.headers({ status: res.statusCode, header: header, cookies: cookies });
          var chunks = [];
          res.on('data', function (c) { chunks.push(c); if (sink) sink.data(c); });
          res.on('aborted', function () { reject({ code: 'ECONNRESET' }); });
          res.on('error', function (e) { reject(e); });
          res.on('end', function () {
            var buf = Buffer.concat(chunks);
            resolve({
              status: res.statusCode,
              header: header,
              cookies: cookies,
              body: req.responseType === 'arraybuffer' ? buf : buf.toString('utf8'),
              streamed: true
            });
          });
        });
        r.on('error', function (e) { reject(e); });
        signal.onAbort = function () { r.destroy(); };
        if (payload) {
          // Written in pieces so that upload progress follows the socket.
          var pieces = Math.max(1, req.uploadPieces || 1);
          var per = Math.ceil(payload.length / pieces);
          for (var from = 0; from < payload.length; from += per) {
            (function (a, b) {
              r.write(payload.subarray(a, b), function () { if (sink && sink.sent) sink.sent(b); });
            })(from, Math.min(payload.length, from + per));
          }
        }
        r.end();
      });
    };
  }

  function networkReason(e) {
    if (!e) return 'unknown error';
    if (e.errMsg) return String(e.errMsg).replace(/^\w+:fail\s*/, '');
    switch (e.code) {
      case 'ECONNREFUSED': return 'net::ERR_CONNECTION_REFUSED';
      case 'ECONNRESET': return 'net::ERR_CONNECTION_RESET';
      case 'ENOTFOUND': return 'net::ERR_NAME_NOT_RESOLVED';
      case 'ETIMEDOUT': return 'net::ERR_TIMED_OUT';
      default: return e.message || String(e);
    }
  }

  // ---------------------------------------------------------------- createWx

  /**
   * createWx({ backend, transport, now, setTimeout, clearTimeout, storageLimits, storage,
   *            maxConcurrent, loginDelay, backgroundInterruptMs, quiet })
   *   transport: 'http' (default under Node) | 'inprocess' (default elsewhere) |
   *              function (req) -> Promise<{ status, header, body }> | { status, header, body }
   *   storageLimits: { itemBytes = 1 MB, totalBytes = 10 MB }
   *   storage: the `emu.storage` of another emulator, to share it (an app relaunch).
   *   hosts: { 'api.example.com': 'http://127.0.0.1:PORT' } — with the http transport, requests to
   *          these hosts go to the given loopback server (the Host header keeps the original host),
   *          so a client can use a realistic baseURL; other non-loopback hosts still fail.
   *   requestLog: false turns off emu.requestLog (for benchmarks).
   *   maxConcurrent: when > 0, a wx.request / uploadFile / downloadFile beyond that many in flight
   *                  (the three together) fails with '<api>:fail exceed max task count'.
   *   networkType: the initial network ('wifi' default; 'none' is offline); emu.setNetwork(type) changes it.
   *   files: the `emu.files` of another emulator, to share the file system (an app relaunch).
   *   progressSteps: progress events per upload / download (default 4: 25, 50, 75, 100 %).
   *   chunkedSuccessData: 'empty' (default: the success of an enableChunked request carries '' or an
   *                       empty ArrayBuffer, the body came through onChunkReceived) | 'full' (the whole body).
   * Returns the `wx` object; the control surface is `wx.__emu` (also `wx.__emu.wx === wx`).
   */
  function createWx(options) {
    options = options || {};
    var backend = options.backend || null;
    var now = options.now || function () { return Date.now(); };
    var setT = options.setTimeout || function (fn, ms) { return setTimeout(fn, ms); };
    var clearT = options.clearTimeout || function (id) { return clearTimeout(id); };
    var limits = options.storageLimits || {};
    var ITEM_MAX = limits.itemBytes || limits.item || 1024 * 1024;
    var TOTAL_MAX = limits.totalBytes || limits.total || 10 * 1024 * 1024;
    var BG_MS = options.backgroundInterruptMs == null ? 5000 : options.backgroundInterruptMs;
    var maxConcurrent = options.maxConcurrent || 0;
    var loginDelay = options.loginDelay || 0;
    var hosts = null;
    if (options.hosts) {
      hosts = {};
      for (var hk in options.hosts) if (hasOwn.call(options.hosts, hk)) hosts[hk.toLowerCase()] = options.hosts[hk];
    }
    var keepLog = options.requestLog !== false;
    var STEPS = options.progressSteps > 0 ? options.progressSteps | 0 : 4;
    var chunkedFull = options.chunkedSuccessData === 'full';
    var networkType = options.networkType || 'wifi';
    var netListeners = [];

    var transportOpt = options.transport;
    if (transportOpt == null) transportOpt = isNode ? 'http' : 'inprocess';
    var transport;
    var transportName;
    if (typeof transportOpt === 'function') { transport = transportOpt; transportName = 'custom'; }
    else if (transportOpt === 'inprocess') { transport = inprocessTransport(backend); transportName = 'inprocess'; }
    else if (transportOpt === 'http') {
      if (!isNode) throw new Error('wx emulator: the http transport needs Node; use transport: "inprocess"');
      transport = httpTransport(); transportName = 'http';
    } else throw new Error('wx emulator: unknown transport ' + transportOpt);

    var storage = options.storage || { entries: {}, order: [] };
    var files = options.files || {};
    var inflight = [];
    var appShow = [];
    var appHide = [];
    var bgTimer = null;
    var bgExpired = false;
    var failLoginsLeft = 0;
    var failStorageLeft = 0;
    var sessionValid = true;
    var localCodeSeq = 0;

    var emu = {
      transport: transportName,
      backend: backend,
      storage: storage,
      /** The in-memory file system: path -> Uint8Array. */
      files: files,
      hidden: false,
      navigations: [],
      callbackErrors: [],
      quiet: !!options.quiet,
      logins: 0,
      loginCalls: 0,
      checkSessionCalls: 0,
      requests: 0,
      uploads: 0,
      downloads: 0,
      requestsByPath: {},
      requestLog: [],
      inFlight: 0,
      maxInFlight: 0,
      storageWrites: 0,
      reset: function () {
        emu.logins = 0; emu.loginCalls = 0; emu.checkSessionCalls = 0; emu.requests = 0; emu.uploads = 0; emu.downloads = 0;
        emu.requestsByPath = {}; emu.requestLog = []; emu.maxInFlight = emu.inFlight;
        emu.storageWrites = 0; emu.navigations = []; emu.callbackErrors = [];
      },
      failNextLogins: function (n) { failLoginsLeft = n == null ? 1 : n; },
      failNextStorageWrites: function (n) { failStorageLeft = n == null ? 1 : n; },
      expireSession: function () { sessionValid = false; },
      setMaxConcurrent: function (n) { maxConcurrent = n || 0; },
      setLoginDelay: function (ms) { loginDelay = ms || 0; },
      hide: function () {
        if (emu.hidden) return;
        emu.hidden = true;
        bgExpired = false;
        if (BG_MS >= 0) bgTimer = setT(interruptAll, BG_MS);
        fire(appHide, {});
      },
      show: function (res) {
        if (bgTimer != null) { clearT(bgTimer); bgTimer = null; }
        bgExpired = false;
        var was = emu.hidden;
        emu.hidden = false;
        if (was) fire(appShow, res || { path: 'pages/index/index', query: {}, scene: 1001, referrerInfo: {} });
      },
      /** Fails every in-flight request / upload / download as a network error (e.g. 'net::ERR_INTERNET_DISCONNECTED'). */
      dropConnections: function (reason) {
        inflight.slice().forEach(function (r) { r.settleFail(r.api + ':fail ' + (reason || 'net::ERR_CONNECTION_RESET'), ERRNO.network); });
      },
      get pendingRequests() { return inflight.length; },
      /** The current network type ('wifi', '4g', …, 'none'). */
      get networkType() { return networkType; },
      get isConnected() { return networkType !== 'none'; },
      /**
       * setNetwork(type): 'wifi' | '2g' | '3g' | '4g' | '5g' | 'unknown' | 'none'. A change notifies the
       * wx.onNetworkStatusChange listeners; going to 'none' also fails everything in flight with the
       * offline error (listeners first, then the fail callbacks).
       */
      setNetwork: function (type) {
        type = String(type);
        if (type === networkType) return;
        networkType = type;
        var res = { isConnected: type !== 'none', networkType: type };
        netListeners.slice().forEach(function (cb) {
          later(function () { try { cb(res); } catch (e) { report(emu, 'onNetworkStatusChange', e); } });
        });
        if (type === 'none') inflight.slice().forEach(function (r) { r.settleFail(r.api + ':fail ' + OFFLINE, ERRNO.network); });
      },
      /** writeFile(path, data) or writeFile(data) -> path: creates a file (any path, e.g. a chosen image's temp path). */
      writeFile: function (path, data) {
        if (arguments.length < 2) { data = path; path = tempPath(''); }
        files[path] = typeof data === 'string' ? utf8Encode(data) : toBytes(data).slice();
        return path;
      },
      /** readFile(path, encoding?) -> Uint8Array (a string with an encoding), undefined when missing. */
      readFile: function (path, encoding) {
        if (!hasOwn.call(files, path)) return undefined;
        return encoding ? encodeBytes(files[path], encoding) : files[path];
      },
      /** A fresh temporary path 'wxfile://tmp_<n><ext>'. */
      tempPath: function (ext) { return tempPath(ext || ''); }
    };

    var OFFLINE = 'net::ERR_INTERNET_DISCONNECTED';
    var USER_DATA_PATH = 'wxfile://usr';

    var tmpSeq = 0;
    function tempPath(ext) {
      var p;
      do { p = 'wxfile://tmp_' + (++tmpSeq) + ext; } while (hasOwn.call(files, p));
      return p;
    }

    function fire(list, res) {
      list.slice().forEach(function (cb) {
        try { cb(res); } catch (e) { report(emu, 'app event', e); }
      });
    }

    function interruptAll() {
      bgTimer = null;
      if (!emu.hidden) return;
      bgExpired = true;
      inflight.slice().forEach(function (r) { r.settleFail(r.api + ':fail interrupted', ERRNO.interrupted); });
    }

    // -------------------------------------------------------------- network tasks

    function listeners() {
      var list = [];
      return {
        list: list,
        on: function (cb) { if (typeof cb === 'function') list.push(cb); },
        off: function (cb) {
          if (cb === undefined) { list.length = 0; return; }
          var i = list.indexOf(cb);
          if (i >= 0) list.splice(i, 1);
        }
      };
    }

    function emit(set, where, res) {
      if (!set.list.length) return;
      set.list.slice().forEach(function (cb) { try { cb(res); } catch (e) { report(emu, where, e); } });
    }

    /**
     * Runs one network task — wx.request, wx.uploadFile or wx.downloadFile — and returns its task object.
     *   api: 'request' | 'uploadFile' | 'downloadFile'
     *   hooks.prepare(parsed) -> req (the transport request), or throws { errMsg, errno } (a missing file…)
     *   hooks.collect: keep the body's bytes (downloads, chunked requests)
     *   hooks.chunked: deliver the body to onChunkReceived (request with enableChunked)
     *   hooks.success(answer) -> the success object; answer: { status, header, cookies, raw, bytes }
     */
    function runTask(api, opts, hooks) {
      var timeout = opts.timeout == null ? 60000 : opts.timeout;
      var headersL = listeners();
      var chunkL = listeners();
      var progressL = listeners();
      var settled = false;
      var timer = null;
      var timers = [];
      var signal = { onAbort: null };
      var rec = null;
      var task = {
        abort: function () { if (!settled && rec) rec.settleFail(api + ':fail abort', ERRNO.abort); },
        onHeadersReceived: headersL.on,
        offHeadersReceived: headersL.off
      };
      if (api === 'request') { task.onChunkReceived = chunkL.on; task.offChunkReceived = chunkL.off; }
      else { task.onProgressUpdate = progressL.on; task.offProgressUpdate = progressL.off; }

      function callOut(ok, res) {
        var cb = ok ? opts.success : opts.fail;
        if (typeof cb === 'function') { try { cb(res); } catch (e) { report(emu, api + '.' + (ok ? 'success' : 'fail'), e); } }
        if (typeof opts.complete === 'function') { try { opts.complete(res); } catch (e2) { report(emu, api + '.complete', e2); } }
      }

      function failEarly(errMsg, errno) {
        settled = true;
        later(function () { callOut(false, { errMsg: errMsg, errno: errno }); });
        return task;
      }

      function finish() {
        settled = true;
        if (timer != null) { clearT(timer); timer = null; }
        for (var t = 0; t < timers.length; t++) clearT(timers[t]);
        timers.length = 0;
        var i = inflight.indexOf(rec);
        if (i >= 0) { inflight.splice(i, 1); emu.inFlight--; }
      }

      rec = {
        api: api,
        settleFail: function (errMsg, errno) {
          if (settled) return;
          finish();
          if (signal.onAbort) { try { signal.onAbort(); } catch (e) { /* ignore */ } }
          later(function () { callOut(false, { errMsg: errMsg, errno: errno }); });
        },
        settleOk: function (res) {
          if (settled) return;
          finish();
          later(function () { callOut(true, res); });
        }
      };

      // ---- progress: STEPS events per transfer, at 1/STEPS, 2/STEPS, … of the bytes, the last at 100
      function meter(total) {
        var bounds = [];
        for (var i = 1; i <= STEPS; i++) {
          var b = total > 0 ? Math.ceil(total * i / STEPS) : 0;
          if (!bounds.length || b > bounds[bounds.length - 1]) bounds.push(b);
        }
        return { total: total, bounds: bounds, next: 0 };
      }
      function progressEvent(done, total, pct) {
        var ev = api === 'uploadFile'
          ? { progress: pct, totalBytesSent: done, totalBytesExpectedToSend: total }
          : { progress: pct, totalBytesWritten: done, totalBytesExpectedToWrite: total };
        emit(progressL, api + '.onProgressUpdate', ev);
      }
      function progressTo(m, bytes) {
        while (!settled && m.next < m.bounds.length && m.bounds[m.next] <= bytes) {
          var b = m.bounds[m.next++];
          progressEvent(b, m.total, m.total > 0 ? Math.floor(b * 100 / m.total) : 100);
        }
      }

      var parsed = parseUrl(opts.url);
      if (!parsed) return failEarly(api + ':fail invalid url "' + opts.url + '"', ERRNO.invalidUrl);
      var req;
      try { req = hooks.prepare(parsed); } catch (e) {
        return failEarly(e && e.errMsg ? e.errMsg : api + ':fail ' + (e && e.message || e), e && e.errno);
      }
      var path = req.path;

      if (api === 'request') emu.requests++;
      else if (api === 'uploadFile') emu.uploads++;
      else emu.downloads++;
      emu.requestsByPath[path] = (emu.requestsByPath[path] || 0) + 1;
      if (keepLog) {
        var entry = { api: api, method: req.method, url: req.url, path: path, header: req.header, data: req.data };
        if (api === 'uploadFile') { entry.filePath = opts.filePath; entry.name = opts.name; entry.formData = opts.formData; }
        emu.requestLog.push(entry);
        if (emu.requestLog.length > 1000) emu.requestLog.shift();
      }

      if (networkType === 'none') return failEarly(api + ':fail ' + OFFLINE, ERRNO.network);
      if (maxConcurrent > 0 && emu.inFlight >= maxConcurrent) return failEarly(api + ':fail exceed max task count', ERRNO.maxTasks);

      inflight.push(rec);
      emu.inFlight++;
      if (emu.inFlight > emu.maxInFlight) emu.maxInFlight = emu.inFlight;

      if (bgExpired) { rec.settleFail(api + ':fail interrupted', ERRNO.interrupted); return task; }
      if (transportName === 'http' && hosts) {
        var mapped = hosts[parsed.host + ':' + parsed.port] || hosts[parsed.host];
        if (mapped) {
          var target = parseUrl(mapped);
          if (target) req.parsed = target;
        }
      }
      if (transportName === 'http' && !isLoopback(req.parsed.host)) {
        rec.settleFail(api + ':fail url not in domain list', ERRNO.domain);
        return task;
      }
      if (timeout > 0 && timeout !== Infinity) {
        timer = setT(function () { timer = null; rec.settleFail(api + ':fail timeout', ERRNO.timeout); }, timeout);
      }

      // ---- the answer: headers, then the body (at once, in chunks on the clock, or as the socket delivers it)
      var status = 200;
      var hdr = {};
      var cookies = [];
      var gotHeaders = false;
      var pieces = [];
      var received = 0;
      var up = api === 'uploadFile' ? meter(toBytes(req.body).length) : null; // progress while sending
      var down = null;

      function onHeaders(res, plainBody) {
        if (settled || gotHeaders) return;
        gotHeaders = true;
        status = res.status == null ? 200 : res.status;
        hdr = {};
        for (var key in res.header) if (hasOwn.call(res.header, key) && res.header[key] !== undefined) hdr[key] = String(res.header[key]);
        if (plainBody !== null && typeof plainBody === 'object' && !isBytes(plainBody) && getHeader(hdr, 'content-type') === undefined) {
          hdr['Content-Type'] = 'application/json';
        }
        cookies = res.cookies || [];
        if (up) progressTo(up, up.total);
        if (api === 'downloadFile') {
          var cl = parseInt(getHeader(hdr, 'content-length'), 10);
          if (plainBody !== undefined) cl = toBytes(plainBody === null ? '' : plainBody).length;
          down = cl >= 0 ? meter(cl) : null;
        }
        if (headersL.list.length) {
          var copyH = {};
          for (var k2 in hdr) if (hasOwn.call(hdr, k2)) copyH[k2] = hdr[k2];
          emit(headersL, api + '.onHeadersReceived', { header: copyH, statusCode: status, cookies: cookies.slice() });
        }
      }

      function onData(bytes) {
        if (settled) return;
        bytes = toBytes(bytes);
        if (hooks.collect) pieces.push(bytes);
        received += bytes.length;
        if (hooks.chunked) emit(chunkL, 'request.onChunkReceived', { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
        if (api === 'downloadFile') {
          if (down) progressTo(down, received);
          else progressEvent(received, 0, 0);
        }
      }

      function onEnd(raw) {
        if (settled) return;
        if (up) progressTo(up, up.total);
        if (api === 'downloadFile') {
          if (down) progressTo(down, Math.max(received, down.total));
          else progressEvent(received, received, 100);
        }
        if (settled) return;
        var res;
        try {
          res = hooks.success({ status: status, header: hdr, cookies: cookies, raw: raw, bytes: hooks.collect ? concatBytes(pieces) : null });
        } catch (e) {
          rec.settleFail(e && e.errMsg ? e.errMsg : api + ':fail ' + (e && e.message || e), e && e.errno);
          return;
        }
        rec.settleOk(res);
      }

      var sink = {
        headers: function (res) { onHeaders(res); },
        data: function (bytes) { onData(bytes); },
        sent: function (n) { if (up && !settled) progressTo(up, Math.min(n, up.total)); }
      };

      if (up && transportName !== 'http' && up.total > 0) {
        // In process, the bytes go out over the backend's latency for the path (all at once without one).
        var L = backend && typeof backend.latencyFor === 'function' ? backend.latencyFor(path) : 0;
        if (L > 0) {
          up.bounds.slice(0, -1).forEach(function (b, i) {
            timers.push(setT(function () { progressTo(up, b); }, Math.floor(L * (i + 1) / up.bounds.length)));
          });
        }
      }

      var p;
      try { p = Promise.resolve(transport(req, signal, sink)); } catch (e) { p = Promise.reject(e); }
      p.then(function (res) {
        if (settled) return;
        res = res || {};
        if (Array.isArray(res.chunks)) {
          // A streamed answer: headers now, each chunk at its time on the clock, then the end.
          onHeaders(res);
          var list = res.chunks.slice().sort(function (a, b) { return (a.at || 0) - (b.at || 0); });
          var chunkBytes = [];
          var left = list.length;
          if (!left) { onEnd(new Uint8Array(0)); return; }
          list.forEach(function (c) {
            timers.push(setT(function () {
              var b = toBytes(c.bytes);
              chunkBytes.push(b);
              onData(b);
              if (--left === 0) onEnd(concatBytes(chunkBytes));
            }, c.at || 0));
          });
          return;
        }
        if (res.streamed) { onHeaders(res); onEnd(res.body); return; }
        onHeaders(res, res.body === undefined ? null : res.body);
        if (hooks.collect || hooks.chunked) onData(res.body == null ? '' : res.body);
        onEnd(res.body);
      }, function (e) {
        rec.settleFail(api + ':fail ' + networkReason(e), (e && typeof e.errno === 'number' && e.errno > 1000) ? e.errno : ERRNO.network);
      });
      return task;
    }

    function copyHeader(header, contentType) {
      var out = {};
      if (header && typeof header === 'object') {
        for (var k in header) if (hasOwn.call(header, k) && header[k] !== undefined) out[k] = header[k];
      }
      if (contentType !== undefined && getHeader(out, 'content-type') === undefined) out['content-type'] = contentType;
      return out;
    }

    function fullUrl(parsed, search) {
      return parsed.protocol + '://' + parsed.host + (parsed.port === 80 || parsed.port === 443 ? '' : ':' + parsed.port) +
        parsed.path + (search ? '?' + search : '');
    }

    /** The request's body as wx would deliver it to success (dataType / responseType rules). */
    function responseData(raw, dataType, responseType) {
      if (responseType === 'arraybuffer') return toArrayBuffer(raw == null ? '' : raw);
      if (isBytes(raw)) raw = bytesText(raw);
      if (typeof raw === 'string') {
        if (dataType === 'json' && raw !== '') { try { return JSON.parse(raw); } catch (e) { return raw; } }
        return raw;
      }
      if (raw === undefined || raw === null) return '';
      if (dataType === 'json') return JSON.parse(JSON.stringify(raw));
      return JSON.stringify(raw);
    }

    // -------------------------------------------------------------- wx.request

    function request(opts) {
      opts = opts || {};
      var method = String(opts.method || 'GET').toUpperCase();
      var dataType = opts.dataType === undefined ? 'json' : opts.dataType;
      var responseType = opts.responseType || 'text';
      var chunked = !!opts.enableChunked;
      return runTask('request', opts, {
        chunked: chunked,
        collect: false,
        prepare: function (parsed) {
          var header = copyHeader(opts.header, 'application/json');
          // Encode data the way wx does.
          var data = opts.data;
          var search = parsed.search;
          var body;
          if (method === 'GET' || method === 'HEAD') {
            var extra = '';
            if (data != null && typeof data === 'object' && !isBytes(data)) extra = encodeForm(data);
            else if (typeof data === 'string' || typeof data === 'number') extra = String(data);
            if (extra) search = search ? search + '&' + extra : extra;
          } else if (data != null) {
            if (typeof data === 'string') body = data;
            else if (isBytes(data)) body = data;
            else if (typeof data === 'object') {
              var ct = String(getHeader(header, 'content-type') || '').toLowerCase();
              body = ct.indexOf('application/x-www-form-urlencoded') >= 0 ? encodeForm(data) : JSON.stringify(data);
            } else body = String(data);
          }
          return transportRequest(method, parsed, search, header, opts, {
            body: body, data: data, dataType: dataType, responseType: responseType, enableChunked: chunked
          });
        },
        success: function (a) {
          var data;
          if (chunked && !chunkedFull) data = responseType === 'arraybuffer' ? new ArrayBuffer(0) : '';
          else data = responseData(a.raw, dataType, responseType);
          return { data: data, statusCode: a.status, header: a.header, cookies: a.cookies || [], errMsg: 'request:ok' };
        }
      });
    }

    // -------------------------------------------------------------- wx.uploadFile / wx.downloadFile

    var uploadSeq = 0;

    /** What a transport gets for one call: the URL's parts, the header, the timeout, and `extra`. */
    function transportRequest(method, parsed, search, header, opts, extra) {
      var req = {
        method: method, url: fullUrl(parsed, search), parsed: parsed, originalParsed: parsed, path: parsed.path,
        search: search, query: parseQuery(search), header: header, timeout: opts.timeout == null ? 60000 : opts.timeout
      };
      for (var k in extra) req[k] = extra[k];
      return req;
    }

    function uploadFile(opts) {
      opts = opts || {};
      return runTask('uploadFile', opts, {
        prepare: function (parsed) {
          var filePath = opts.filePath;
          if (typeof filePath !== 'string' || !hasOwn.call(files, filePath)) {
            throw { errMsg: 'uploadFile:fail file not found', errno: ERRNO.noFile };
          }
          var fields = {};
          var fd = opts.formData;
          if (fd && typeof fd === 'object') {
            for (var k in fd) {
              if (!hasOwn.call(fd, k) || fd[k] === undefined) continue;
              fields[k] = fd[k] !== null && typeof fd[k] === 'object' ? JSON.stringify(fd[k]) : String(fd[k]);
            }
          }
          var fileName = filePath.slice(Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf(':')) + 1);
          var bytes = files[filePath];
          var part = { field: String(opts.name == null ? '' : opts.name), fileName: fileName, contentType: backendModule.mimeOf(fileName), size: bytes.length, bytes: bytes };
          var boundary = '----WxhttpEmulatorFormBoundary' + (++uploadSeq);
          var body = backendModule.buildMultipart({ boundary: boundary, fields: fields, files: [part] });
          var header = {};
          var h = opts.header;
          if (h && typeof h === 'object') {
            for (var hk in h) if (hasOwn.call(h, hk) && h[hk] !== undefined && hk.toLowerCase() !== 'content-type') header[hk] = h[hk];
          }
          header['Content-Type'] = 'multipart/form-data; boundary=' + boundary;
          return transportRequest('POST', parsed, parsed.search, header, opts, {
            body: body, parts: { fields: fields, files: [part] }, uploadPieces: STEPS, responseType: 'text'
          });
        },
        success: function (a) {
          var raw = a.raw;
          var data = typeof raw === 'string' ? raw : raw == null ? '' : isBytes(raw) ? bytesText(raw) : JSON.stringify(raw);
          return { data: data, statusCode: a.status, header: a.header, cookies: a.cookies || [], errMsg: 'uploadFile:ok' };
        }
      });
    }

    function downloadFile(opts) {
      opts = opts || {};
      var target = opts.filePath;
      return runTask('downloadFile', opts, {
        collect: true,
        prepare: function (parsed) {
          if (target != null && String(target).indexOf(USER_DATA_PATH + '/') !== 0) {
            throw { errMsg: 'downloadFile:fail permission denied, open ' + target, errno: ERRNO.permission };
          }
          return transportRequest('GET', parsed, parsed.search, copyHeader(opts.header), opts, { responseType: 'arraybuffer' });
        },
        success: function (a) {
          var ext = backendModule.extOf(getHeader(a.header, 'content-type'));
          if (!ext) { var m = /(\.[A-Za-z0-9]{1,5})$/.exec(parseUrl(opts.url).path); ext = m ? m[1].toLowerCase() : ''; }
          var out = { statusCode: a.status, header: a.header, errMsg: 'downloadFile:ok' };
          if (target != null) { files[target] = a.bytes; out.filePath = target; }
          else { out.tempFilePath = tempPath(ext); files[out.tempFilePath] = a.bytes; }
          return out;
        }
      });
    }

    // -------------------------------------------------------------- network status

    var getNetworkType = asyncApi(emu, 'getNetworkType', function (o, ok) {
      ok({ networkType: networkType, signalStrength: networkType === 'none' ? 0 : -55, hasSystemProxy: false, errMsg: 'getNetworkType:ok' });
    });

    // -------------------------------------------------------------- file system

    function fsError(api, what, op, path, errno) {
      var e = new Error(api + ':fail ' + what + ', ' + op + ' ' + path);
      e.errMsg = e.message;
      e.errno = errno;
      return e;
    }

    function fsRead(api, filePath, encoding) {
      if (!hasOwn.call(files, filePath)) throw fsError(api, 'no such file or directory', 'open', filePath, ERRNO.noFile);
      var u = files[filePath];
      if (encoding == null || encoding === '') return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength);
      var text = encodeBytes(u, encoding);
      if (text === null) throw fsError(api, 'invalid encoding', 'open', filePath, ERRNO.invalidArg);
      return text;
    }

    function fsWrite(api, filePath, data, encoding) {
      if (String(filePath).indexOf(USER_DATA_PATH + '/') !== 0) throw fsError(api, 'permission denied', 'open', filePath, ERRNO.permission);
      var bytes = typeof data === 'string' ? decodeString(data, encoding) : isBytes(data) ? toBytes(data).slice() : null;
      if (bytes === null) throw fsError(api, typeof data === 'string' ? 'invalid encoding' : 'invalid data', 'open', filePath, ERRNO.invalidArg);
      files[filePath] = bytes;
    }

    function fsAccess(api, p) {
      if (hasOwn.call(files, p)) return;
      var dir = String(p).replace(/\/+$/, '') + '/';
      for (var k in files) if (hasOwn.call(files, k) && k.indexOf(dir) === 0) return; // a directory that holds files
      if (p === USER_DATA_PATH || p === USER_DATA_PATH + '/') return;
      throw fsError(api, 'no such file or directory', 'access', p, ERRNO.noFile);
    }

    function fsUnlink(api, filePath) {
      if (!hasOwn.call(files, filePath)) throw fsError(api, 'no such file or directory', 'unlink', filePath, ERRNO.noFile);
      delete files[filePath];
    }

    function asyncFs(name, fn) {
      return asyncApi(emu, name, function (o, ok, fail) {
        var res;
        try { res = fn(o); } catch (e) { fail({ errMsg: e.errMsg || name + ':fail ' + e.message, errno: e.errno }); return; }
        res = res || {};
        res.errMsg = name + ':ok';
        ok(res);
      });
    }

    var fileSystemManager = {
      readFileSync: function (filePath, encoding) { return fsRead('readFileSync', filePath, encoding); },
      writeFileSync: function (filePath, data, encoding) { fsWrite('writeFileSync', filePath, data, encoding); },
      accessSync: function (p) { fsAccess('accessSync', p); },
      unlinkSync: function (filePath) { fsUnlink('unlinkSync', filePath); },
      statSync: function (p) {
        fsAccess('statSync', p);
        var isFile = hasOwn.call(files, p);
        return { size: isFile ? files[p].length : 0, isFile: function () { return isFile; }, isDirectory: function () { return !isFile; } };
      },
      readFile: asyncFs('readFile', function (o) { return { data: fsRead('readFile', o.filePath, o.encoding) }; }),
      writeFile: asyncFs('writeFile', function (o) { fsWrite('writeFile', o.filePath, o.data, o.encoding); }),
      access: asyncFs('access', function (o) { fsAccess('access', o.path); }),
      unlink: asyncFs('unlink', function (o) { fsUnlink('unlink', o.filePath); }),
      getFileInfo: asyncFs('getFileInfo', function (o) {
        if (!hasOwn.call(files, o.filePath)) throw fsError('getFileInfo', 'no such file or directory', 'open', o.filePath, ERRNO.noFile);
        return { size: files[o.filePath].length };
      })
    };

    // -------------------------------------------------------------- login / session

    var login = asyncApi(emu, 'login', function (opts, ok, fail) {
      emu.loginCalls++;
      function go() {
        if (failLoginsLeft > 0) { failLoginsLeft--; fail({ errMsg: 'login:fail system error', errno: 600000 }); return; }
        var code;
        try { code = backend && backend.issueCode ? backend.issueCode() : 'local-code-' + (++localCodeSeq); }
        catch (e) { fail({ errMsg: 'login:fail ' + (e && e.message || e) }); return; }
        emu.logins++;
        sessionValid = true;
        ok({ code: code, errMsg: 'login:ok' });
      }
      if (loginDelay > 0) {
        var timedOut = false;
        var tt = opts.timeout > 0 ? setT(function () { timedOut = true; fail({ errMsg: 'login:fail timeout' }); }, opts.timeout) : null;
        setT(function () { if (timedOut) return; if (tt != null) clearT(tt); go(); }, loginDelay);
      } else go();
    });

    var checkSession = asyncApi(emu, 'checkSession', function (opts, ok, fail) {
      emu.checkSessionCalls++;
      if (sessionValid) ok({ errMsg: 'checkSession:ok' });
      else fail({ errMsg: 'checkSession:fail session time out' });
    });

    // -------------------------------------------------------------- storage

    function totalSize() {
      var n = 0;
      for (var k in storage.entries) if (hasOwn.call(storage.entries, k)) n += entrySize(k, storage.entries[k]);
      return n;
    }

    function checkKey(api, key) {
      if (typeof key !== 'string') {
        var type = key === null ? 'Null' : key === undefined ? 'Undefined' : (typeof key).charAt(0).toUpperCase() + (typeof key).slice(1);
        throw new Error(api + ':fail parameter error: parameter.key should be String instead of ' + type + ';');
      }
    }

    /** Returns null on success or the errMsg. */
    function doSet(api, key, data) {
      checkKey(api, key);
      if (failStorageLeft > 0) { failStorageLeft--; return api + ':fail storage write error (injected)'; }
      var entry = storedCopy(data);
      var valueBytes = entry.t === 'json' ? utf8Length(entry.v) : 0;
      if (valueBytes > ITEM_MAX) return api + ':fail exceed storage item max length';
      var prev = hasOwn.call(storage.entries, key) ? storage.entries[key] : null;
      var total = totalSize() - (prev ? entrySize(key, prev) : 0) + entrySize(key, entry);
      if (total > TOTAL_MAX) return api + ':fail exceed storage max size 10MB';
      if (!prev) storage.order.push(key);
      storage.entries[key] = entry;
      emu.storageWrites++;
      return null;
    }

    function doGet(key) {
      if (!hasOwn.call(storage.entries, key)) return { found: false };
      return { found: true, value: readCopy(storage.entries[key]) };
    }

    function doRemove(key) {
      if (hasOwn.call(storage.entries, key)) {
        delete storage.entries[key];
        var i = storage.order.indexOf(key);
        if (i >= 0) storage.order.splice(i, 1);
        emu.storageWrites++;
      }
    }

    function doClear() {
      storage.entries = {};
      storage.order = [];
      emu.storageWrites++;
    }

    function info() {
      return { keys: storage.order.slice(), currentSize: Math.ceil(totalSize() / 1024), limitSize: Math.floor(TOTAL_MAX / 1024) };
    }

    // -------------------------------------------------------------- the wx object

    var wx = {
      request: request,
      uploadFile: uploadFile,
      downloadFile: downloadFile,
      getNetworkType: getNetworkType,
      onNetworkStatusChange: function (cb) { if (typeof cb === 'function') netListeners.push(cb); },
      offNetworkStatusChange: function (cb) {
        if (cb === undefined) { netListeners.length = 0; return; }
        var i = netListeners.indexOf(cb); if (i >= 0) netListeners.splice(i, 1);
      },
      getFileSystemManager: function () { return fileSystemManager; },
      env: { USER_DATA_PATH: USER_DATA_PATH },
      login: login,
      checkSession: checkSession,

      setStorageSync: function (key, data) {
        var err = doSet('setStorageSync', key, data);
        if (err) throw new Error(err);
      },
      getStorageSync: function (key) {
        checkKey('getStorageSync', key);
        var r = doGet(key);
        return r.found ? r.value : '';
      },
      removeStorageSync: function (key) { checkKey('removeStorageSync', key); doRemove(key); },
      clearStorageSync: function () { doClear(); },
      getStorageInfoSync: function () { return info(); },

      setStorage: asyncApi(emu, 'setStorage', function (o, ok, fail) {
        var err = doSet('setStorage', o.key, o.data);
        if (err) fail({ errMsg: err }); else ok({ errMsg: 'setStorage:ok' });
      }),
      getStorage: asyncApi(emu, 'getStorage', function (o, ok, fail) {
        checkKey('getStorage', o.key);
        var r = doGet(o.key);
        if (r.found) ok({ data: r.value, errMsg: 'getStorage:ok' });
        else fail({ errMsg: 'getStorage:fail data not found' });
      }),
      removeStorage: asyncApi(emu, 'removeStorage', function (o, ok) {
        checkKey('removeStorage', o.key); doRemove(o.key); ok({ errMsg: 'removeStorage:ok' });
      }),
      clearStorage: asyncApi(emu, 'clearStorage', function (o, ok) { doClear(); ok({ errMsg: 'clearStorage:ok' }); }),
      getStorageInfo: asyncApi(emu, 'getStorageInfo', function (o, ok) {
        var i = info();
        ok({ keys: i.keys, currentSize: i.currentSize, limitSize: i.limitSize, errMsg: 'getStorageInfo:ok' });
      }),

      onAppShow: function (cb) { if (typeof cb === 'function') appShow.push(cb); },
      offAppShow: function (cb) {
        if (cb === undefined) { appShow.length = 0; return; }
        var i = appShow.indexOf(cb); if (i >= 0) appShow.splice(i, 1);
      },
      onAppHide: function (cb) { if (typeof cb === 'function') appHide.push(cb); },
      offAppHide: function (cb) {
        if (cb === undefined) { appHide.length = 0; return; }
        var i = appHide.indexOf(cb); if (i >= 0) appHide.splice(i, 1);
      },

      navigateTo: asyncApi(emu, 'navigateTo', function (o, ok) {
        emu.navigations.push({ url: o.url });
        ok({ errMsg: 'navigateTo:ok' });
      }),

      getSystemInfoSync: function () {
        return { platform: 'devtools', SDKVersion: '3.4.0', version: '8.0.50', system: 'emulator', brand: 'wxhttp', model: 'emulator' };
      },
      canIUse: function () { return true; },
      __emu: emu
    };
    emu.wx = wx;
    return wx;
  }

  return {
    createWx: createWx,
    createManualClock: createManualClock,
    parseUrl: parseUrl,
    utf8Length: utf8Length,
    utf8Encode: utf8Encode,
    utf8Decode: utf8Decode,
    ERRNO: ERRNO
  };
});
