'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createBackend, createManualClock, tick } = require('./helpers');

function setup(opts) {
  const clock = createManualClock(1000000);
  const backend = createBackend(Object.assign({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, opts));
  const h = (method, path, body, header) => backend.handle({ method, path, body, header: header || {} });
  const login = async (code, previousToken) => (await h('POST', '/auth/login', { code, previousToken })).body;
  const api = async (token, path = '/api/x', method = 'GET', body) => h(method, path, body, token ? { Authorization: token } : {});
  return { clock, backend, h, login, api };
}

test('login: a code gives a fresh token, expiresIn and userId', async () => {
  const { backend, login } = setup();
  const a = await login(backend.issueCode());
  const b = await login(backend.issueCode());
  assert.equal(a.code, 10000);
  assert.equal(typeof a.data.token, 'string');
  assert.equal(a.data.expiresIn, 7200);
  assert.equal(a.data.userId, 'user-1');
  assert.notEqual(a.data.token, b.data.token);
  assert.equal(backend.stats.logins, 2);
  assert.equal(backend.stats.loginAttempts, 2);
});

test('login: codes are single use', async () => {
  const { backend, login } = setup();
  const code = backend.issueCode();
  assert.equal((await login(code)).code, 10000);
  assert.deepEqual(await login(code), { code: 40029, message: 'invalid code' });
  assert.deepEqual(await login('made-up'), { code: 40029, message: 'invalid code' });
  assert.deepEqual(await login(undefined), { code: 40029, message: 'invalid code' });
  assert.equal(backend.stats.logins, 1);
  assert.equal(backend.stats.loginAttempts, 4);
});

test('login: codes live 5 minutes (manual clock)', async () => {
  const { backend, login, clock } = setup();
  const young = backend.issueCode();
  const old = backend.issueCode();
  clock.advance(5 * 60 * 1000 - 1);
  assert.equal((await login(young)).code, 10000);
  clock.advance(1);
  assert.equal((await login(old)).code, 40029);
});

test('login: answers HTTP 200 even for an invalid code', async () => {
  const { h } = setup();
  const r = await h('POST', '/auth/login', { code: 'nope' });
  assert.equal(r.status, 200);
  assert.equal(r.body.code, 40029);
});

test('login: previousToken is revoked', async () => {
  const { backend, login, api } = setup();
  const t1 = (await login(backend.issueCode())).data.token;
  assert.equal((await api(t1)).body.code, 10000);
  const t2 = (await login(backend.issueCode(), t1)).data.token;
  assert.equal((await api(t1)).body.code, 99997);
  assert.equal((await api(t2)).body.code, 10000);
});

test('login: failLogins(n) fails the next n logins with 50000', async () => {
  const { backend, login } = setup();
  backend.control.failLogins(2);
  const code = backend.issueCode();
  assert.deepEqual(await login(code), { code: 50000, message: 'login failed' });
  assert.deepEqual(await login(code), { code: 50000, message: 'login failed' });
  assert.equal((await login(code)).code, 10000);
  assert.equal(backend.stats.logins, 1);
  assert.equal(backend.stats.loginAttempts, 3);
});

test('login: the body may be a JSON string', async () => {
  const { backend, h } = setup();
  const r = await h('POST', '/auth/login', JSON.stringify({ code: backend.issueCode() }));
  assert.equal(r.body.code, 10000);
});

test('switchUser: codes issued after it belong to the new user', async () => {
  const { backend, login, api } = setup();
  const t1 = (await login(backend.issueCode())).data;
  backend.control.switchUser('user-2');
  const t2 = (await login(backend.issueCode())).data;
  assert.equal(t1.userId, 'user-1');
  assert.equal(t2.userId, 'user-2');
  assert.equal((await api(t2.token)).body.data.userId, 'user-2');
  assert.equal((await login(backend.issueCode('user-9'))).data.userId, 'user-9');
});

test('api: with a token answers path, method, query, userId, body and a counter', async () => {
  const { backend, login, h } = setup();
  const token = (await login(backend.issueCode())).data.token;
  const r1 = await h('POST', '/api/orders?page=2', { item: 1 }, { authorization: token });
  assert.equal(r1.status, 200);
  assert.deepEqual(r1.body, { code: 10000, data: { path: '/api/orders', method: 'POST', query: { page: '2' }, userId: 'user-1', body: { item: 1 }, n: 1 } });
  const r2 = await h('delete', '/api/orders/1', undefined, { Authorization: 'Bearer ' + token });
  assert.equal(r2.body.data.method, 'DELETE');
  assert.equal(r2.body.data.n, 2);
});

test('api: token header name is configurable', async () => {
  const { backend, login, h } = setup({ authHeader: 'X-Token' });
  const token = (await login(backend.issueCode())).data.token;
  assert.equal((await h('GET', '/api/a', undefined, { Authorization: token })).body.code, 99997);
  assert.equal((await h('GET', '/api/a', undefined, { 'x-token': token })).body.code, 10000);
});

test('api: missing, unknown and expired tokens get the expiry answer', async () => {
  const { backend, login, api, clock } = setup({ expiresIn: 60 });
  const expired = { code: 99997, message: 'TOKEN EXPIRED', status: 'ERROR' };
  assert.deepEqual((await api(null)).body, expired);
  assert.deepEqual((await api('unknown')).body, expired);
  const token = (await login(backend.issueCode())).data.token;
  assert.equal((await api(token)).body.code, 10000);
  clock.advance(59999);
  assert.equal((await api(token)).body.code, 10000);
  clock.advance(1);
  const r = await api(token);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, expired);
});

test('expireTokens: every current token becomes invalid, new logins work', async () => {
  const { backend, login, api } = setup();
  const a = (await login(backend.issueCode())).data.token;
  const b = (await login(backend.issueCode())).data.token;
  backend.control.expireTokens();
  assert.equal((await api(a)).body.code, 99997);
  assert.equal((await api(b)).body.code, 99997);
  const c = (await login(backend.issueCode())).data.token;
  assert.equal((await api(c)).body.code, 10000);
});

test('expiryStyle: code, string, message, 401', async () => {
  const { backend, api } = setup();
  const got = {};
  for (const s of ['code', 'string', 'message', '401']) {
    backend.control.expiryStyle(s);
    got[s] = await api('bad');
  }
  assert.equal(got.code.status, 200);
  assert.equal(got.code.body.code, 99997);
  assert.equal(got.string.status, 200);
  assert.equal(got.string.body.code, '99997');
  assert.equal(typeof got.string.body.code, 'string');
  assert.equal(got.string.body.message, 'TOKEN EXPIRED');
  assert.deepEqual(got.message.body, { code: 10001, message: 'NO_LOGIN_SESSION' });
  assert.equal(got.message.status, 200);
  assert.equal(got['401'].status, 401);
  assert.ok(got['401'].body && typeof got['401'].body === 'object');
  assert.throws(() => backend.control.expiryStyle('nope'), /unknown style/);
});

test('public paths need no token', async () => {
  const { h } = setup();
  const r = await h('GET', '/public/config?v=1');
  assert.equal(r.body.code, 10000);
  assert.equal(r.body.data.path, '/public/config');
  assert.deepEqual(r.body.data.query, { v: '1' });
});

test('status/<n> answers that status, with Retry-After on demand', async () => {
  const { h } = setup();
  const a = await h('GET', '/status/503');
  assert.equal(a.status, 503);
  assert.deepEqual(a.body, { code: 503 });
  assert.equal(a.header['Retry-After'], undefined);
  const b = await h('GET', '/status/429?retryAfter=2');
  assert.equal(b.status, 429);
  assert.equal(b.header['Retry-After'], '2');
});

test('echo answers the request', async () => {
  const { backend } = setup();
  const r = await backend.handle({ method: 'PUT', path: '/echo', query: { a: '1' }, header: { 'X-A': 'b' }, body: { z: [1] } });
  assert.deepEqual(r.body, { method: 'PUT', path: '/echo', query: { a: '1' }, header: { 'X-A': 'b' }, body: { z: [1] } });
  assert.equal(r.header['Content-Type'], 'application/json');
});

test('unknown paths are 404', async () => {
  const { h } = setup();
  assert.equal((await h('GET', '/nope')).status, 404);
});

test('failNext(prefix, n, status) fails the next n matching requests', async () => {
  const { backend, h } = setup();
  backend.control.failNext('/public/', 2);
  backend.control.failNext('/status/', 1, 500);
  assert.equal((await h('GET', '/public/a')).status, 503);
  assert.equal((await h('GET', '/echo')).status, 200);
  assert.equal((await h('GET', '/public/b')).status, 503);
  assert.equal((await h('GET', '/public/c')).status, 200);
  assert.equal((await h('GET', '/status/200')).status, 500);
  assert.equal((await h('GET', '/status/200')).status, 200);
});

test('avatars: ok, expired (X-ErrNo / X-Info), expired-lower (x-info only)', async () => {
  const { h } = setup();
  const ok = await h('GET', '/avatar/ok/42');
  assert.equal(ok.status, 200);
  assert.equal(ok.header['Content-Type'], 'image/png');
  const head = await h('HEAD', '/avatar/ok/42');
  assert.equal(head.status, 200);
  const ex = await h('HEAD', '/avatar/expired/42');
  assert.equal(ex.status, 404);
  assert.equal(ex.header['X-ErrNo'], '-6101');
  assert.equal(ex.header['X-Info'], 'notexist:-6101');
  const lo = await h('GET', '/avatar/expired-lower/42');
  assert.equal(lo.status, 404);
  assert.equal(lo.header['x-info'], 'notexist:-6101');
  assert.equal(lo.header['x-errno'], undefined);
  assert.equal(lo.header['X-ErrNo'], undefined);
  assert.equal(lo.header['X-Info'], undefined);
});

test('latency and stats: 20 concurrent slow requests are all in flight at once', async () => {
  const { backend, h, clock } = setup();
  backend.control.setLatency('/public/slow', 1000);
  const fast = await h('GET', '/public/fast'); // other prefixes keep no latency
  assert.equal(fast.status, 200);
  const all = [];
  for (let i = 0; i < 20; i++) all.push(h('GET', '/public/slow'));
  assert.equal(backend.stats.inFlight, 20);
  clock.advance(999);
  await tick();
  assert.equal(backend.stats.inFlight, 20);
  clock.advance(1);
  const res = await Promise.all(all);
  assert.equal(res.length, 20);
  assert.equal(backend.stats.inFlight, 0);
  assert.equal(backend.stats.maxInFlight, 20);
  assert.equal(backend.stats.requests, 21);
  assert.equal(backend.stats.byPath['/public/slow'], 20);
  assert.equal(backend.stats.byPath['/public/fast'], 1);
  backend.control.resetStats();
  assert.equal(backend.stats.requests, 0);
  assert.equal(backend.stats.maxInFlight, 0);
});

test('setLatency(ms) applies to every path; the answer reflects token state at the end', async () => {
  const { backend, login, api, clock } = setup();
  const token = (await login(backend.issueCode())).data.token;
  backend.control.setLatency(100);
  const p = api(token);
  backend.control.expireTokens(); // expires while the request is in flight
  clock.advance(100);
  assert.equal((await p).body.code, 99997);
});

test('listen: serves handle over real HTTP with JSON', async (t) => {
  const backend = createBackend();
  const srv = await backend.listen(0);
  t.after(() => srv.close());
  assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const send = (method, path, body, headers = {}) => new Promise((resolve, reject) => {
    const req = http.request(srv.url + path, { method, headers }, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { s += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, raw: res.rawHeaders, text: s }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(typeof body === 'string' ? body : JSON.stringify(body)); else req.end();
  });
  const l = await send('POST', '/auth/login', { code: backend.issueCode(), previousToken: null }, { 'content-type': 'application/json' });
  assert.equal(l.status, 200);
  assert.match(l.headers['content-type'], /^application\/json/);
  const token = JSON.parse(l.text).data.token;
  const a = await send('POST', '/api/x?q=1', { a: 1 }, { 'content-type': 'application/json', Authorization: token });
  assert.deepEqual(JSON.parse(a.text).data, { path: '/api/x', method: 'POST', query: { q: '1' }, userId: 'user-1', body: { a: 1 }, n: 1 });
  const f = await send('POST', '/echo', 'a=1&b=x%20y', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.deepEqual(JSON.parse(f.text).body, { a: '1', b: 'x y' });
  const s = await send('GET', '/status/503?retryAfter=2');
  assert.equal(s.status, 503);
  assert.equal(s.headers['retry-after'], '2');
  const av = await send('HEAD', '/avatar/expired/1');
  assert.equal(av.status, 404);
  assert.ok(av.raw.includes('X-ErrNo'), 'header name casing kept on the wire');
  assert.equal(av.headers['x-errno'], '-6101');
  const st = await send('GET', '/status/204');
  assert.equal(st.status, 204);
  assert.equal(st.text, '');
});

test('setLatency: prefix rules survive a later default', async () => {
  const { backend, h, clock } = setup();
  backend.control.setLatency('/public/slow', 1000);
  backend.control.setLatency(10);
  let done = false;
  const p = h('GET', '/public/slow').then((r) => { done = true; return r; });
  const fast = h('GET', '/public/fast');
  clock.advance(10);
  assert.equal((await fast).status, 200);
  assert.equal(done, false);
  clock.advance(990);
  assert.equal((await p).status, 200);
});
