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
    invalidUrl: 600009
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

  function utf8Bytes(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      }
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  }

  function toArrayBuffer(body) {
    if (body && typeof body === 'object' && typeof ArrayBuffer !== 'undefined') {
      if (body instanceof ArrayBuffer) return body;
      if (body.buffer instanceof ArrayBuffer && typeof body.byteLength === 'number') {
        return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
      }
    }
    var s = typeof body === 'string' ? body : (body === undefined ? '' : JSON.stringify(body));
    var bytes = utf8Bytes(s);
    var u = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) u[i] = bytes[i];
    return u.buffer;
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

  function inprocessTransport(backend) {
    if (!backend || typeof backend.handle !== 'function') throw new Error('wx emulator: the inprocess transport needs a backend');
    return function (req) {
      var ct = getHeader(req.header, 'content-type');
      var body = req.body;
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
          var out = { status: res.status, header: res.header || {}, body: res.body };
          if (req.method === 'HEAD') out.body = '';
          return out;
        });
    };
  }

  function httpTransport() {
    return function (req, signal) {
      // eslint-disable-next-line no-undef
      var http = require('http');
      return new Promise(function (resolve, reject) {
        var headers = {};
        for (var k in req.header) if (hasOwn.call(req.header, k)) headers[k] = String(req.header[k]);
        var hasBody = typeof req.body === 'string' && req.body !== '' && req.method !== 'GET' && req.method !== 'HEAD';
        if (hasBody) headers['Content-Length'] = String(Buffer.byteLength(req.body));
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
          var chunks = [];
          res.on('data', function (c) { chunks.push(c); });
          res.on('error', function (e) { reject(e); });
          res.on('end', function () {
            var header = {};
            var cookies = [];
            for (var i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              var name = res.rawHeaders[i];
              var value = res.rawHeaders[i + 1];
              if (name.toLowerCase() === 'set-cookie') cookies.push(value);
              header[name] = hasOwn.call(header, name) ? header[name] + ',' + value : value;
            }
            var buf = Buffer.concat(chunks);
            resolve({
              status: res.statusCode,
              header: header,
              cookies: cookies,
              body: req.responseType === 'arraybuffer' ? buf : buf.toString('utf8')
            });
          });
        });
        r.on('error', function (e) { reject(e); });
        signal.onAbort = function () { r.destroy(); };
        if (hasBody) r.write(req.body);
        r.end();
      });
    };
  }

  function networkReason(e) {
    if (!e) return 'unknown error';
    if (e.errMsg) return String(e.errMsg).replace(/^request:fail\s*/, '');
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
   *   maxConcurrent: when > 0, a wx.request beyond that many in flight fails with
   *                  'request:fail exceed max task count' (old base libraries' behaviour).
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
      hidden: false,
      navigations: [],
      callbackErrors: [],
      quiet: !!options.quiet,
      logins: 0,
      loginCalls: 0,
      checkSessionCalls: 0,
      requests: 0,
      requestsByPath: {},
      requestLog: [],
      inFlight: 0,
      maxInFlight: 0,
      storageWrites: 0,
      reset: function () {
        emu.logins = 0; emu.loginCalls = 0; emu.checkSessionCalls = 0; emu.requests = 0;
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
      /** Fails every in-flight request as a network error (e.g. 'net::ERR_INTERNET_DISCONNECTED'). */
      dropConnections: function (reason) {
        inflight.slice().forEach(function (r) { r.settleFail('request:fail ' + (reason || 'net::ERR_CONNECTION_RESET'), ERRNO.network); });
      },
      get pendingRequests() { return inflight.length; }
    };

    function fire(list, res) {
      list.slice().forEach(function (cb) {
        try { cb(res); } catch (e) { report(emu, 'app event', e); }
      });
    }

    function interruptAll() {
      bgTimer = null;
      if (!emu.hidden) return;
      bgExpired = true;
      inflight.slice().forEach(function (r) { r.settleFail('request:fail interrupted', ERRNO.interrupted); });
    }

    // -------------------------------------------------------------- wx.request

    function request(opts) {
      opts = opts || {};
      var method = String(opts.method || 'GET').toUpperCase();
      var dataType = opts.dataType === undefined ? 'json' : opts.dataType;
      var responseType = opts.responseType || 'text';
      var timeout = opts.timeout == null ? 60000 : opts.timeout;
      var header = {};
      var k;
      if (opts.header && typeof opts.header === 'object') {
        for (k in opts.header) if (hasOwn.call(opts.header, k) && opts.header[k] !== undefined) header[k] = opts.header[k];
      }
      if (getHeader(header, 'content-type') === undefined) header['content-type'] = 'application/json';

      var settled = false;
      var timer = null;
      var signal = { onAbort: null };
      var rec = null;
      var task = {
        abort: function () {
          if (settled) return;
          rec.settleFail('request:fail abort', ERRNO.abort);
        },
        onHeadersReceived: noop,
        offHeadersReceived: noop,
        onChunkReceived: noop,
        offChunkReceived: noop
      };

      function callOut(ok, res) {
        var cb = ok ? opts.success : opts.fail;
        if (typeof cb === 'function') { try { cb(res); } catch (e) { report(emu, 'request.' + (ok ? 'success' : 'fail'), e); } }
        if (typeof opts.complete === 'function') { try { opts.complete(res); } catch (e2) { report(emu, 'request.complete', e2); } }
      }

      function finish() {
        settled = true;
        if (timer != null) { clearT(timer); timer = null; }
        var i = inflight.indexOf(rec);
        if (i >= 0) { inflight.splice(i, 1); emu.inFlight--; }
      }

      rec = {
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

      var parsed = parseUrl(opts.url);
      if (!parsed) {
        settled = true;
        later(function () { callOut(false, { errMsg: 'request:fail invalid url "' + opts.url + '"', errno: ERRNO.invalidUrl }); });
        return task;
      }

      // Encode data the way wx does.
      var data = opts.data;
      var search = parsed.search;
      var body;
      if (method === 'GET' || method === 'HEAD') {
        var extra = '';
        if (data != null && typeof data === 'object' && !(typeof ArrayBuffer !== 'undefined' && data instanceof ArrayBuffer)) extra = encodeForm(data);
        else if (typeof data === 'string' || typeof data === 'number') extra = String(data);
        if (extra) search = search ? search + '&' + extra : extra;
      } else if (data != null) {
        if (typeof data === 'string') body = data;
        else if (typeof ArrayBuffer !== 'undefined' && data instanceof ArrayBuffer) body = data;
        else if (typeof data === 'object') {
          var ct = String(getHeader(header, 'content-type') || '').toLowerCase();
          body = ct.indexOf('application/x-www-form-urlencoded') >= 0 ? encodeForm(data) : JSON.stringify(data);
        } else body = String(data);
      }

      var path = parsed.path;
      var req = {
        method: method,
        url: parsed.protocol + '://' + parsed.host + (parsed.port === 80 || parsed.port === 443 ? '' : ':' + parsed.port) + path + (search ? '?' + search : ''),
        parsed: parsed,
        originalParsed: parsed,
        path: path,
        search: search,
        query: parseQuery(search),
        header: header,
        body: body,
        data: data,
        dataType: dataType,
        responseType: responseType,
        timeout: timeout
      };

      emu.requests++;
      emu.requestsByPath[path] = (emu.requestsByPath[path] || 0) + 1;
      if (keepLog) {
        emu.requestLog.push({ method: method, url: req.url, path: path, header: header, data: data });
        if (emu.requestLog.length > 1000) emu.requestLog.shift();
      }

      if (maxConcurrent > 0 && emu.inFlight >= maxConcurrent) {
        settled = true;
        later(function () { callOut(false, { errMsg: 'request:fail exceed max task count', errno: ERRNO.maxTasks }); });
        return task;
      }

      inflight.push(rec);
      emu.inFlight++;
      if (emu.inFlight > emu.maxInFlight) emu.maxInFlight = emu.inFlight;

      if (bgExpired) { rec.settleFail('request:fail interrupted', ERRNO.interrupted); return task; }
      if (transportName === 'http' && hosts) {
        var mapped = hosts[parsed.host + ':' + parsed.port] || hosts[parsed.host];
        if (mapped) {
          var target = parseUrl(mapped);
          if (target) req.parsed = target;
        }
      }
      if (transportName === 'http' && !isLoopback(req.parsed.host)) {
        rec.settleFail('request:fail url not in domain list', ERRNO.domain);
        return task;
      }
      if (timeout > 0 && timeout !== Infinity) {
        timer = setT(function () { timer = null; rec.settleFail('request:fail timeout', ERRNO.timeout); }, timeout);
      }

      var p;
      try { p = Promise.resolve(transport(req, signal)); } catch (e) { p = Promise.reject(e); }
      p.then(function (res) {
        if (settled) return;
        res = res || {};
        var status = res.status == null ? 200 : res.status;
        var raw = res.body;
        var out;
        if (responseType === 'arraybuffer') out = toArrayBuffer(raw);
        else if (typeof raw === 'string') {
          out = raw;
          if (dataType === 'json' && raw !== '') { try { out = JSON.parse(raw); } catch (e) { out = raw; } }
        } else if (raw === undefined || raw === null) out = '';
        else if (dataType === 'json') out = JSON.parse(JSON.stringify(raw));
        else out = JSON.stringify(raw);
        var hdr = {};
        for (var key in res.header) if (hasOwn.call(res.header, key)) hdr[key] = String(res.header[key]);
        if (res.body !== null && typeof res.body === 'object' && getHeader(hdr, 'content-type') === undefined &&
            !(typeof ArrayBuffer !== 'undefined' && res.body instanceof ArrayBuffer)) {
          hdr['Content-Type'] = 'application/json';
        }
        rec.settleOk({ data: out, statusCode: status, header: hdr, cookies: res.cookies || [], errMsg: 'request:ok' });
      }, function (e) {
        rec.settleFail('request:fail ' + networkReason(e), (e && typeof e.errno === 'number' && e.errno > 1000) ? e.errno : ERRNO.network);
      });
      return task;
    }

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
    ERRNO: ERRNO
  };
});
