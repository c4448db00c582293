/*
 * wxhttp reference backend: a fake WeChat code2Session authority plus a business server
 * with token auth, failure injection, latency and stats.
 *
 * UMD script, ES2017, no Node built-ins in the logic: it loads under JavaScriptCore
 * (`load("emulator/backend.js")` defines the global `WxhttpBackend`). Only `listen()` needs
 * Node and requires `http` lazily.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.WxhttpBackend = factory();
})(this, function () {
  'use strict';

  var hasOwn = Object.prototype.hasOwnProperty;

  // ---------------------------------------------------------------- helpers (engine-neutral)

  function decodeComponent(s) {
    s = String(s).replace(/\+/g, ' ');
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }

  /** 'a=1&b=2' (with or without leading '?') -> { a: '1', b: '2' }; a repeated key gives a list. */
  function parseQuery(qs) {
    var out = {};
    if (!qs) return out;
    if (qs.charAt(0) === '?') qs = qs.slice(1);
    if (!qs) return out;
    var parts = qs.split('&');
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      var eq = parts[i].indexOf('=');
      var k = eq < 0 ? parts[i] : parts[i].slice(0, eq);
      var v = eq < 0 ? '' : parts[i].slice(eq + 1);
      k = decodeComponent(k);
      v = decodeComponent(v);
      // A repeated key (`tags=a&tags=b`) reads as a list, as most servers do.
      if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
      else if (Array.isArray(out[k])) out[k].push(v);
      else out[k] = [out[k], v];
    }
    return out;
  }

  /** Splits '/a/b?x=1' into { path: '/a/b', query: { x: '1' } }. */
  function splitPath(p) {
    p = p == null ? '/' : String(p);
    var h = p.indexOf('#');
    if (h >= 0) p = p.slice(0, h);
    var q = p.indexOf('?');
    if (q < 0) return { path: p || '/', query: {} };
    return { path: p.slice(0, q) || '/', query: parseQuery(p.slice(q + 1)) };
  }

  /** Case-insensitive header lookup. */
  function getHeader(header, name) {
    if (!header) return undefined;
    var lower = String(name).toLowerCase();
    for (var k in header) {
      if (hasOwn.call(header, k) && k.toLowerCase() === lower) return header[k];
    }
    return undefined;
  }

  /** Decodes a raw request body the way the HTTP server does: JSON, form, or the string as is. */
  function decodeBody(contentType, raw) {
    if (raw == null || raw === '') return raw === '' ? '' : undefined;
    if (typeof raw !== 'string') return raw;
    var ct = String(contentType || '').toLowerCase();
    if (ct.indexOf('application/x-www-form-urlencoded') >= 0) return parseQuery(raw);
    if (ct.indexOf('json') >= 0 || ct === '') {
      try { return JSON.parse(raw); } catch (e) { return raw; }
    }
    return raw;
  }

  function copy(v) {
    if (v === undefined) return undefined;
    try { return JSON.parse(JSON.stringify(v)); } catch (e) { return v; }
  }

  function randomId() {
    return Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 6);
  }

  // ---------------------------------------------------------------- bytes (engine-neutral: no Buffer / TextEncoder)

  /** UTF-8 bytes of a string (lone surrogates become U+FFFD). */
  function utf8Encode(s) {
    s = String(s);
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
        else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    var u = new Uint8Array(out.length);
    for (var j = 0; j < out.length; j++) u[j] = out[j];
    return u;
  }

  /**
   * A string of UTF-8 bytes (Uint8Array, ArrayBuffer or array). Malformed input becomes U+FFFD per maximal
   * subpart, as TextDecoder does (WHATWG Encoding).
   */
  function utf8Decode(bytes) {
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    var out = '';
    var parts = [];
    var i = 0;
    var n = bytes.length;
    while (i < n) {
      var b = bytes[i++];
      var cp;
      if (b < 0x80) cp = b;
      else {
        var need = 0, lo = 0x80, hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
        else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
        else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
        if (!need) cp = 0xfffd;
        while (need > 0) {
          var c = i < n ? bytes[i] : -1;
          if (c < lo || c > hi) { cp = 0xfffd; break; } // the offending byte is read again
          cp = (cp << 6) | (c & 63);
          i++; need--; lo = 0x80; hi = 0xbf;
        }
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else out += String.fromCharCode(cp);
      if (out.length > 8192) { parts.push(out); out = ''; }
    }
    parts.push(out);
    return parts.join('');
  }

  /** Uint8Array view of a string (UTF-8), ArrayBuffer, typed array (a Node Buffer too) or array of bytes. */
  function toBytes(x) {
    if (x == null) return new Uint8Array(0);
    if (typeof x === 'string') return utf8Encode(x);
    if (x instanceof Uint8Array) return x;
    if (x instanceof ArrayBuffer) return new Uint8Array(x);
    if (x.buffer instanceof ArrayBuffer && typeof x.byteLength === 'number') return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    if (Array.isArray(x)) { var u = new Uint8Array(x.length); for (var i = 0; i < x.length; i++) u[i] = x[i]; return u; }
    return utf8Encode(JSON.stringify(x));
  }

  function concatBytes(list) {
    var len = 0;
    var i;
    for (i = 0; i < list.length; i++) len += list[i].length;
    var out = new Uint8Array(len);
    var at = 0;
    for (i = 0; i < list.length; i++) { out.set(list[i], at); at += list[i].length; }
    return out;
  }

  function indexOfBytes(hay, needle, from) {
    var n = needle.length;
    var last = hay.length - n;
    outer: for (var i = from || 0; i <= last; i++) {
      for (var j = 0; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  var MIME = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', txt: 'text/plain',
    json: 'application/json', pdf: 'application/pdf', mp3: 'audio/mpeg', mp4: 'video/mp4', html: 'text/html', csv: 'text/csv' };

  /** Content type guessed from a file name's extension ('application/octet-stream' when unknown). */
  function mimeOf(name) {
    var m = /\.([A-Za-z0-9]+)$/.exec(String(name || ''));
    var ext = m ? m[1].toLowerCase() : '';
    return hasOwn.call(MIME, ext) ? MIME[ext] : 'application/octet-stream';
  }

  /** The extension (with the dot) for a content type, '' when unknown. */
  function extOf(contentType) {
    var ct = String(contentType || '').toLowerCase().split(';')[0].trim();
    for (var ext in MIME) if (hasOwn.call(MIME, ext) && MIME[ext] === ct && ext !== 'jpeg') return '.' + ext;
    return '';
  }

  /**
   * multipart/form-data body: buildMultipart({ boundary, fields: { k: v }, files: [{ field, fileName, contentType, bytes }] })
   * -> Uint8Array. Fields come first, then the files, like wx.uploadFile.
   */
  function buildMultipart(o) {
    var b = o.boundary;
    var list = [];
    var k;
    var fields = o.fields || {};
    for (k in fields) {
      if (!hasOwn.call(fields, k)) continue;
      list.push(utf8Encode('--' + b + '\r\nContent-Disposition: form-data; name="' + k + '"\r\n\r\n' + fields[k] + '\r\n'));
    }
    var files = o.files || [];
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      list.push(utf8Encode('--' + b + '\r\nContent-Disposition: form-data; name="' + f.field + '"; filename="' + f.fileName +
        '"\r\nContent-Type: ' + (f.contentType || 'application/octet-stream') + '\r\n\r\n'));
      list.push(toBytes(f.bytes));
      list.push(utf8Encode('\r\n'));
    }
    list.push(utf8Encode('--' + b + '--\r\n'));
    return concatBytes(list);
  }

  /** The boundary of a 'multipart/form-data; boundary=…' content type, or null. */
  function multipartBoundary(contentType) {
    var m = /^\s*multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(String(contentType || ''));
    return m ? (m[1] || m[2]) : null;
  }

  /**
   * Parses a multipart/form-data body -> { fields: { name: string }, files: [{ field, fileName, contentType, size, bytes }] }.
   * Parts with a filename are files; the others are fields (UTF-8 text).
   */
  function parseMultipart(body, boundary) {
    var bytes = toBytes(body);
    var out = { fields: {}, files: [] };
    var delim = utf8Encode('--' + boundary);
    var crlfDelim = utf8Encode('\r\n--' + boundary);
    var sep = utf8Encode('\r\n\r\n');
    var pos = indexOfBytes(bytes, delim, 0);
    if (pos < 0) return out;
    pos += delim.length;
    while (pos + 1 < bytes.length) {
      if (bytes[pos] === 45 && bytes[pos + 1] === 45) break; // '--': the end
      if (bytes[pos] === 13 && bytes[pos + 1] === 10) pos += 2;
      var hEnd = indexOfBytes(bytes, sep, pos);
      if (hEnd < 0) break;
      var head = utf8Decode(bytes.subarray(pos, hEnd));
      var start = hEnd + 4;
      var end = indexOfBytes(bytes, crlfDelim, start);
      if (end < 0) break;
      var content = bytes.slice(start, end);
      var disp = /content-disposition:[^\r\n]*/i.exec(head);
      var name = disp && /\bname="([^"]*)"/i.exec(disp[0]);
      var fileName = disp && /\bfilename="([^"]*)"/i.exec(disp[0]);
      var ctm = /content-type:\s*([^\r\n]*)/i.exec(head);
      if (fileName) {
        out.files.push({ field: name ? name[1] : '', fileName: fileName[1], contentType: ctm ? ctm[1].trim() : 'application/octet-stream', size: content.length, bytes: content });
      } else if (name) {
        out.fields[name[1]] = utf8Decode(content);
      }
      pos = end + crlfDelim.length;
    }
    return out;
  }

  /** The deterministic content of /files/<name>?size=n: byte i is (i * 7 + seed(name)) & 255. */
  function fileBytes(name, size) {
    var seed = 0;
    name = String(name || '');
    for (var i = 0; i < name.length; i++) seed = (seed * 31 + name.charCodeAt(i)) & 255;
    var u = new Uint8Array(Math.max(0, size | 0));
    for (var j = 0; j < u.length; j++) u[j] = (j * 7 + seed) & 255;
    return u;
  }

  /** Text of flush i of /chunked: 'i:' then a letter, exactly `size` bytes, ending in '\n' (size >= 3). */
  function chunkText(i, size) {
    var head = i + ':';
    var letter = String.fromCharCode(97 + (i % 26));
    var s = head;
    while (s.length < size - 1) s += letter;
    return (s + '\n').slice(0, Math.max(1, size));
  }

  /**
   * The flushes of /sse?n=: a comment, then n `message` events (id, multi-line data with Chinese text; the first
   * carries `retry: 3000` and is cut in the middle of the 3-byte '中'), then `event: done`. Returns Uint8Array[].
   */
  function sseFlushes(n) {
    var flushes = [utf8Encode(': wxhttp reference stream\n\n')];
    for (var i = 1; i <= n; i++) {
      var ev = 'id: ' + i + '\nevent: message\n' + (i === 1 ? 'retry: 3000\n' : '') + 'data: 中文 ' + i + '\ndata: line 2 of ' + i + '\n\n';
      var b = utf8Encode(ev);
      if (i === 1) {
        var cut = indexOfBytes(b, utf8Encode('中'), 0) + 1; // after the first of its three bytes
        flushes.push(b.slice(0, cut), b.slice(cut));
      } else flushes.push(b);
    }
    flushes.push(utf8Encode('event: done\ndata: [DONE]\n\n'));
    return flushes;
  }

  function json(status, body, header) {
    var h = { 'Content-Type': 'application/json' };
    if (header) for (var k in header) if (hasOwn.call(header, k)) h[k] = header[k];
    return { status: status, header: h, body: body };
  }

  // ---------------------------------------------------------------- backend

  var EXPIRY_STYLES = ['code', 'string', 'message', '401'];

  /**
   * createBackend(options?)
   *   options.now()            clock in ms (default Date.now)
   *   options.setTimeout/clearTimeout  timers used for latency (default the global ones)
   *   options.expiresIn        token lifetime in seconds (default 7200)
   *   options.authHeader       header carrying the token (default 'Authorization'); a
   *                            'Bearer ' / 'Token ' style scheme in front of the token is accepted
   *   options.codeTtl          login code lifetime in ms (default 5 min)
   *   options.user             initial WeChat user (default 'user-1')
   *   options.latency          default latency in ms for every path (default 0)
   *   options.expiryStyle      initial expiry style (default 'code')
   */
  function createBackend(options) {
    options = options || {};
    var now = options.now || function () { return Date.now(); };
    var setT = options.setTimeout || function (fn, ms) { return setTimeout(fn, ms); };
    var clearT = options.clearTimeout || function (id) { return clearTimeout(id); };
    var expiresIn = options.expiresIn == null ? 7200 : options.expiresIn;
    var authHeader = options.authHeader || 'Authorization';
    var codeTtl = options.codeTtl == null ? 5 * 60 * 1000 : options.codeTtl;

    var seq = 0;
    var codes = {};        // code -> { user, issuedAt, used }
    var tokens = {};       // token -> { userId, expiresAt, revoked }
    var currentUser = options.user || 'user-1';
    var style = options.expiryStyle || 'code';
    var defaultLatency = options.latency || 0;
    var latencyRules = [];  // { prefix, ms }
    var failRules = [];     // { prefix, n, status }
    var failLoginsLeft = 0;
    var counter = 0;

    var stats = { logins: 0, loginAttempts: 0, requests: 0, byPath: {}, inFlight: 0, maxInFlight: 0 };
    var uploads = [];       // last 100 uploads received, { field, fileName, contentType, size, bytes, fields, userId }
    var log = [];           // last requests, { method, path, userId, token, status }
    var LOG_MAX = 1000;

    function latencyFor(path) {
      var best = null;
      for (var i = 0; i < latencyRules.length; i++) {
        var r = latencyRules[i];
        if (path.indexOf(r.prefix) === 0 && (!best || r.prefix.length > best.prefix.length)) best = r;
      }
      return best ? best.ms : defaultLatency;
    }

    function delay(ms) {
      if (!(ms > 0)) return Promise.resolve();
      return new Promise(function (resolve) { setT(resolve, ms); });
    }

    function issueCode(user) {
      seq++;
      var code = 'code-' + seq + '-' + randomId();
      codes[code] = { user: user || currentUser, issuedAt: now(), used: false };
      return code;
    }

    function issueToken(userId) {
      seq++;
      var token = 'tok-' + seq + '-' + randomId();
      tokens[token] = { userId: userId, expiresAt: now() + expiresIn * 1000, revoked: false };
      return token;
    }

    function tokenFromHeader(header) {
      var v = getHeader(header, authHeader);
      if (v == null) return null;
      v = String(v).trim();
      var m = /^(?:bearer|token)\s+(.+)$/i.exec(v);
      return m ? m[1] : v;
    }

    function lookupToken(token) {
      if (!token || !hasOwn.call(tokens, token)) return null;
      var t = tokens[token];
      if (t.revoked || now() >= t.expiresAt) return null;
      return t;
    }

    function expiredAnswer() {
      switch (style) {
        case 'string': return json(200, { code: '99997', date: now(), message: 'TOKEN EXPIRED', status: 'ERROR' });
        case 'message': return json(200, { code: 10001, message: 'NO_LOGIN_SESSION' });
        case '401': return json(401, { code: 401, message: 'UNAUTHORIZED' });
        default: return json(200, { code: 99997, message: 'TOKEN EXPIRED', status: 'ERROR' });
      }
    }

    function handleLogin(req) {
      stats.loginAttempts++;
      var body = req.body;
      if (typeof body === 'string') body = decodeBody('application/json', body);
      if (!body || typeof body !== 'object') body = {};
      if (failLoginsLeft > 0) {
        failLoginsLeft--;
        return json(200, { code: 50000, message: 'login failed' });
      }
      var code = body.code;
      var entry = typeof code === 'string' && hasOwn.call(codes, code) ? codes[code] : null;
      if (!entry || entry.used || now() - entry.issuedAt >= codeTtl) {
        return json(200, { code: 40029, message: 'invalid code' });
      }
      entry.used = true;
      if (body.previousToken && hasOwn.call(tokens, body.previousToken)) {
        tokens[body.previousToken].revoked = true;
      }
      var token = issueToken(entry.user);
      stats.logins++;
      return json(200, { code: 10000, data: { token: token, expiresIn: expiresIn, userId: entry.user } });
    }

    function avatar(req, path) {
      var m = /^\/avatar\/(ok|expired|expired-lower)\/[^/]+$/.exec(path);
      if (!m) return json(404, { code: 404, message: 'not found' });
      var head = req.method === 'HEAD';
      if (m[1] === 'ok') return { status: 200, header: { 'Content-Type': 'image/png', 'Content-Length': head ? '8' : undefined }, body: head ? '' : 'PNGDATA!' };
      if (m[1] === 'expired') {
        return { status: 404, header: { 'Content-Type': 'text/plain', 'X-ErrNo': '-6101', 'X-Info': 'notexist:-6101' }, body: '' };
      }
      return { status: 404, header: { 'content-type': 'text/plain', 'x-info': 'notexist:-6101' }, body: '' };
    }

    function intParam(q, name, dflt, max) {
      var v = q && q[name] != null && q[name] !== '' ? parseInt(q[name], 10) : dflt;
      if (!(v >= 0)) v = dflt;
      return max != null && v > max ? max : v;
    }

    /** The upload / files / chunked / sse routes under /api and /public (`rest` is the path after the prefix). */
    function files(req, rest, userId) {
      var q = req.query || {};
      if (rest === '/upload') {
        var parts = uploadParts(req);
        if (!parts || !parts.files.length) return json(400, { code: 400, message: 'multipart/form-data with a file expected' });
        var f = parts.files[0];
        uploads.push({ field: f.field, fileName: f.fileName, contentType: f.contentType, size: f.size, bytes: f.bytes, fields: parts.fields, userId: userId });
        if (uploads.length > 100) uploads.shift();
        return json(200, { code: 10000, data: { name: f.field, size: f.size, fileName: f.fileName, contentType: f.contentType, formData: copy(parts.fields), userId: userId } });
      }
      var fm = /^\/files\/([^/]+)$/.exec(rest);
      if (fm) {
        var name = decodeComponent(fm[1]);
        var size = intParam(q, 'size', 1024, 64 * 1024 * 1024);
        var bytes = fileBytes(name, size);
        var h = { 'Content-Type': mimeOf(name), 'Content-Length': String(size) };
        var nChunks = intParam(q, 'chunks', 1, 1000);
        var every = intParam(q, 'every', 0);
        if (nChunks <= 1 && every === 0) return { status: 200, header: h, body: bytes };
        var chunks = [];
        var per = Math.ceil(size / Math.max(1, nChunks));
        for (var c = 0; c < Math.max(1, nChunks); c++) chunks.push({ at: c * every, bytes: bytes.slice(c * per, Math.min(size, (c + 1) * per)) });
        return { status: 200, header: h, chunks: chunks };
      }
      if (rest === '/chunked') {
        var n = intParam(q, 'n', 3, 10000);
        var csize = Math.max(3, intParam(q, 'size', 16, 1024 * 1024));
        var cevery = intParam(q, 'every', 100);
        var list = [];
        for (var i = 0; i < n; i++) list.push({ at: i * cevery, bytes: utf8Encode(chunkText(i, csize)) });
        return { status: 200, header: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }, chunks: list };
      }
      if (rest === '/sse') {
        var flushes = sseFlushes(Math.max(1, intParam(q, 'n', 3, 10000)));
        var severy = intParam(q, 'every', 100);
        var sl = [];
        for (var j = 0; j < flushes.length; j++) sl.push({ at: j * severy, bytes: flushes[j] });
        return { status: 200, header: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' }, chunks: sl };
      }
      return null;
    }

    /** The parts of an upload: the body as parsed parts ({ fields, files }) or raw multipart bytes. */
    function uploadParts(req) {
      var body = req.body;
      if (body && typeof body === 'object' && Array.isArray(body.files)) return body;
      var boundary = multipartBoundary(getHeader(req.header, 'content-type'));
      if (!boundary || body == null) return null;
      return parseMultipart(body, boundary);
    }

    function route(req) {
      var path = req.path;
      var method = req.method;

      for (var i = 0; i < failRules.length; i++) {
        var r = failRules[i];
        if (r.n > 0 && path.indexOf(r.prefix) === 0) {
          r.n--;
          if (r.n === 0) failRules.splice(i, 1);
          return json(r.status, { code: r.status, message: 'injected failure' });
        }
      }

      if (path === '/auth/login') return handleLogin(req);

      if (path === '/echo' || path.indexOf('/echo/') === 0) {
        return json(200, { method: method, path: path, query: copy(req.query), header: copy(req.header), body: copy(req.body) });
      }

      var sm = /^\/status\/(\d{3})$/.exec(path);
      if (sm) {
        var st = +sm[1];
        var extra = {};
        if (req.query && req.query.retryAfter != null) extra['Retry-After'] = String(req.query.retryAfter);
        return json(st, { code: st }, extra);
      }

      if (path.indexOf('/avatar/') === 0) return avatar(req, path);

      if (path.indexOf('/public/') === 0 || path === '/public') {
        var pub = files(req, path.slice('/public'.length), null);
        if (pub) return pub;
        counter++;
        return json(200, { code: 10000, data: { path: path, method: method, query: copy(req.query), userId: null, body: copy(req.body), n: counter } });
      }

      if (path.indexOf('/api/') === 0 || path === '/api') {
        var token = tokenFromHeader(req.header);
        var t = lookupToken(token);
        if (!t) return expiredAnswer();
        var special = files(req, path.slice('/api'.length), t.userId);
        if (special) return special;
        counter++;
        return json(200, { code: 10000, data: { path: path, method: method, query: copy(req.query), userId: t.userId, body: copy(req.body), n: counter } });
      }

      return json(404, { code: 404, message: 'not found' });
    }

    /**
     * handle({ method, path, query, header, body }) -> Promise<{ status, header, body }>
     *                                               or Promise<{ status, header, chunks: [{ at, bytes }] }>
     * `path` may carry a query string; it is merged into `query`. The answer is computed after
     * the latency has elapsed, so a token expired while a request is in flight counts as expired.
     * A streamed answer (files with ?every=, /chunked, /sse) lists its flushes: `at` is ms after the
     * answer, `bytes` a Uint8Array (or a string, UTF-8); the in-process wx plays them on its clock, listen()
     * writes each at its time on the backend's clock. `body` may be a Uint8Array (files). An upload's body
     * is { fields: { name: string }, files: [{ field, fileName, contentType, size, bytes }] } (what the
     * in-process wx passes) or raw multipart/form-data bytes with their Content-Type (parsed here).
     */
    function handle(req) {
      req = req || {};
      var sp = splitPath(req.path);
      var query = {};
      var k;
      for (k in sp.query) if (hasOwn.call(sp.query, k)) query[k] = sp.query[k];
      if (req.query) for (k in req.query) if (hasOwn.call(req.query, k)) query[k] = req.query[k];
      var r = {
        method: String(req.method || 'GET').toUpperCase(),
        path: sp.path,
        query: query,
        header: req.header || {},
        body: req.body
      };
      stats.requests++;
      stats.byPath[r.path] = (stats.byPath[r.path] || 0) + 1;
      stats.inFlight++;
      if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
      return delay(latencyFor(r.path)).then(function () {
        var res;
        try { res = route(r); } catch (e) { res = json(500, { code: 500, message: String(e && e.message || e) }); }
        stats.inFlight--;
        var h = {};
        for (var key in res.header) if (hasOwn.call(res.header, key) && res.header[key] !== undefined) h[key] = res.header[key];
        res.header = h;
        log.push({ method: r.method, path: r.path, token: tokenFromHeader(r.header), status: res.status, code: res.body && typeof res.body === 'object' && !(res.body instanceof Uint8Array) ? res.body.code : undefined });
        if (log.length > LOG_MAX) log.shift();
        return res;
      });
    }

    var control = {
      /** Every token issued so far becomes invalid. */
      expireTokens: function () {
        for (var t in tokens) if (hasOwn.call(tokens, t)) tokens[t].revoked = true;
      },
      /** setLatency(ms): default for every path; setLatency(pathPrefix, ms): that prefix (longest wins). */
      setLatency: function (a, b) {
        if (typeof a === 'string') {
          for (var i = 0; i < latencyRules.length; i++) {
            if (latencyRules[i].prefix === a) { latencyRules[i].ms = b; return; }
          }
          latencyRules.push({ prefix: a, ms: b });
        } else {
          defaultLatency = a || 0;
        }
      },
      /** The next n requests whose path starts with pathPrefix answer HTTP `status` (default 503). */
      failNext: function (prefix, n, status) {
        failRules.push({ prefix: prefix, n: n == null ? 1 : n, status: status || 503 });
      },
      /** The WeChat user behind codes issued from now on. */
      switchUser: function (id) { currentUser = id; },
      /** The next n logins answer { code: 50000 }. */
      failLogins: function (n) { failLoginsLeft = n == null ? 1 : n; },
      /** 'code' | 'string' | 'message' | '401' */
      expiryStyle: function (s) {
        s = String(s);
        if (EXPIRY_STYLES.indexOf(s) < 0) throw new Error('expiryStyle: unknown style ' + s + ' (use ' + EXPIRY_STYLES.join(', ') + ')');
        style = s;
      },
      /** Seconds of lifetime given to tokens issued from now on. */
      setExpiresIn: function (s) { expiresIn = s; },
      /** Resets stats counters (tokens and codes are kept). */
      resetStats: function () {
        stats.logins = 0; stats.loginAttempts = 0; stats.requests = 0; stats.byPath = {};
        stats.maxInFlight = stats.inFlight;
        log.length = 0;
      }
    };

    var backend = {
      handle: handle,
      issueCode: issueCode,
      control: control,
      stats: stats,
      log: log,
      uploads: uploads,
      /** The latency that applies to a path (the longest matching setLatency prefix, else the default). */
      latencyFor: function (path) { return latencyFor(splitPath(path).path); },
      timers: { setTimeout: setT, clearTimeout: clearT },
      get currentUser() { return currentUser; },
      /** The user a token belongs to, or null when unknown, revoked or expired. */
      tokenUser: function (token) { var t = lookupToken(token); return t ? t.userId : null; },
      isTokenValid: function (token) { return !!lookupToken(token); },
      authHeader: authHeader,
      listen: function (port) { return listen(backend, port); }
    };
    return backend;
  }

  // ---------------------------------------------------------------- Node HTTP server

  function listen(backend, port) {
    // eslint-disable-next-line no-undef
    var http = require('http');
    var setT = backend.timers.setTimeout;
    var clearT = backend.timers.clearTimeout;
    return new Promise(function (resolve, reject) {
      var server = http.createServer(function (req, res) {
        var chunks = [];
        req.on('data', function (c) { chunks.push(c); });
        req.on('error', function () {});
        req.on('end', function () {
          var buf = Buffer.concat(chunks);
          var sp = splitPath(req.url);
          var header = {};
          for (var i = 0; i + 1 < req.rawHeaders.length; i += 2) header[req.rawHeaders[i]] = req.rawHeaders[i + 1];
          var body;
          var boundary = multipartBoundary(req.headers['content-type']);
          if (buf.length === 0) body = undefined;
          else if (boundary) body = parseMultipart(new Uint8Array(buf.buffer, buf.byteOffset, buf.length), boundary);
          else body = decodeBody(req.headers['content-type'], buf.toString('utf8'));
          backend.handle({ method: req.method, path: sp.path, query: sp.query, header: header, body: body }).then(function (out) {
            var h = {};
            var ct = null;
            for (var k in out.header) {
              if (!hasOwn.call(out.header, k)) continue;
              h[k] = out.header[k];
              if (k.toLowerCase() === 'content-type') ct = out.header[k];
            }
            var noBody = req.method === 'HEAD' || out.status === 204 || out.status === 304 || (out.status >= 100 && out.status < 200);
            if (Array.isArray(out.chunks)) {
              // A streamed answer: headers now, each chunk flushed at its time (chunked transfer encoding
              // unless the handler gave a Content-Length).
              for (var kh in h) if (hasOwn.call(h, kh)) h[kh] = String(h[kh]);
              res.writeHead(out.status, h);
              if (noBody) { res.end(); return; }
              res.flushHeaders();
              var timers = [];
              var left = out.chunks.length;
              if (!left) { res.end(); return; }
              res.on('close', function () { timers.forEach(function (id) { clearT(id); }); });
              out.chunks.slice().sort(function (a, b) { return (a.at || 0) - (b.at || 0); }).forEach(function (c) {
                timers.push(setT(function () {
                  if (res.destroyed || res.writableEnded) return;
                  var b = toBytes(c.bytes);
                  res.write(Buffer.from(b.buffer, b.byteOffset, b.length));
                  if (--left === 0) res.end();
                }, c.at || 0));
              });
              return;
            }
            var payload;
            if (typeof out.body === 'string') payload = Buffer.from(out.body, 'utf8');
            else if (out.body === undefined) payload = Buffer.alloc(0);
            else if (out.body instanceof Uint8Array || out.body instanceof ArrayBuffer) {
              var ub = toBytes(out.body);
              payload = Buffer.from(ub.buffer, ub.byteOffset, ub.length);
              if (!ct) h['Content-Type'] = 'application/octet-stream';
            } else { payload = Buffer.from(JSON.stringify(out.body), 'utf8'); if (!ct) h['Content-Type'] = 'application/json'; }
            if (ct == null && typeof out.body === 'string') h['Content-Type'] = 'text/plain; charset=utf-8';
            if (!noBody) {
              for (var k2 in h) if (k2.toLowerCase() === 'content-length') delete h[k2];
              h['Content-Length'] = String(payload.length);
            }
            for (var k3 in h) if (hasOwn.call(h, k3)) h[k3] = String(h[k3]);
            res.writeHead(out.status, h);
            res.end(noBody ? undefined : payload);
          }, function (e) {
            res.writeHead(500, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ code: 500, message: String(e && e.message || e) }));
          });
        });
      });
      server.on('error', reject);
      server.listen(port || 0, '127.0.0.1', function () {
        var addr = server.address();
        resolve({
          url: 'http://127.0.0.1:' + addr.port,
          port: addr.port,
          server: server,
          close: function () {
            return new Promise(function (done) {
              server.close(function () { done(); });
              if (server.closeAllConnections) server.closeAllConnections();
            });
          }
        });
      });
    });
  }

  return {
    createBackend: createBackend,
    parseQuery: parseQuery,
    splitPath: splitPath,
    decodeBody: decodeBody,
    getHeader: getHeader,
    utf8Encode: utf8Encode,
    utf8Decode: utf8Decode,
    toBytes: toBytes,
    concatBytes: concatBytes,
    buildMultipart: buildMultipart,
    parseMultipart: parseMultipart,
    multipartBoundary: multipartBoundary,
    mimeOf: mimeOf,
    extOf: extOf,
    fileBytes: fileBytes,
    chunkText: chunkText,
    sseFlushes: sseFlushes
  };
});
