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
        counter++;
        return json(200, { code: 10000, data: { path: path, method: method, query: copy(req.query), userId: null, body: copy(req.body), n: counter } });
      }

      if (path.indexOf('/api/') === 0 || path === '/api') {
        var token = tokenFromHeader(req.header);
        var t = lookupToken(token);
        if (!t) return expiredAnswer();
        counter++;
        return json(200, { code: 10000, data: { path: path, method: method, query: copy(req.query), userId: t.userId, body: copy(req.body), n: counter } });
      }

      return json(404, { code: 404, message: 'not found' });
    }

    /**
     * handle({ method, path, query, header, body }) -> Promise<{ status, header, body }>
     * `path` may carry a query string; it is merged into `query`. The answer is computed after
     * the latency has elapsed, so a token expired while a request is in flight counts as expired.
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
        log.push({ method: r.method, path: r.path, token: tokenFromHeader(r.header), status: res.status, code: res.body && typeof res.body === 'object' ? res.body.code : undefined });
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
    return new Promise(function (resolve, reject) {
      var server = http.createServer(function (req, res) {
        var chunks = [];
        req.on('data', function (c) { chunks.push(c); });
        req.on('error', function () {});
        req.on('end', function () {
          var raw = Buffer.concat(chunks).toString('utf8');
          var sp = splitPath(req.url);
          var header = {};
          for (var i = 0; i + 1 < req.rawHeaders.length; i += 2) header[req.rawHeaders[i]] = req.rawHeaders[i + 1];
          var body = raw === '' ? undefined : decodeBody(req.headers['content-type'], raw);
          backend.handle({ method: req.method, path: sp.path, query: sp.query, header: header, body: body }).then(function (out) {
            var h = {};
            var ct = null;
            for (var k in out.header) {
              if (!hasOwn.call(out.header, k)) continue;
              h[k] = out.header[k];
              if (k.toLowerCase() === 'content-type') ct = out.header[k];
            }
            var payload;
            if (typeof out.body === 'string') payload = out.body;
            else if (out.body === undefined) payload = '';
            else { payload = JSON.stringify(out.body); if (!ct) h['Content-Type'] = 'application/json'; }
            if (ct == null && typeof out.body === 'string') h['Content-Type'] = 'text/plain; charset=utf-8';
            var noBody = req.method === 'HEAD' || out.status === 204 || out.status === 304 || (out.status >= 100 && out.status < 200);
            if (!noBody) {
              for (var k2 in h) if (k2.toLowerCase() === 'content-length') delete h[k2];
              h['Content-Length'] = String(Buffer.byteLength(payload));
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
    getHeader: getHeader
  };
});
