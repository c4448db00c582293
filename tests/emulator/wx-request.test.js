'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { call, tick, until, manual, loginToken, startEmulator, createWx, createBackend, createManualClock } = require('./helpers');

// ---- over real loopback HTTP -------------------------------------------------------------

test('http: any status is a success (200, 401, 404, 503)', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  for (const status of [200, 401, 404, 503]) {
    const r = await call(e.wx, { url: e.url + '/status/' + status });
    assert.equal(r.ok, true, 'status ' + status);
    assert.equal(r.res.statusCode, status);
    assert.deepEqual(r.res.data, { code: status });
    assert.equal(r.res.errMsg, 'request:ok');
    assert.deepEqual(r.res.cookies, []);
    assert.equal(typeof r.res.header, 'object');
  }
  e.backend.control.expiryStyle('401');
  const r401 = await call(e.wx, { url: e.url + '/api/me' });
  assert.equal(r401.ok, true);
  assert.equal(r401.res.statusCode, 401);
});

test('http: login, token, business call, expiry body', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const token = await loginToken(e.wx, e.url);
  const ok = await call(e.wx, { url: e.url + '/api/list', data: { page: 2, q: 'a b' }, header: { Authorization: token } });
  assert.deepEqual(ok.res.data.data, { path: '/api/list', method: 'GET', query: { page: '2', q: 'a b' }, userId: 'user-1', n: 1 });
  e.backend.control.expireTokens();
  const exp = await call(e.wx, { url: e.url + '/api/list', header: { Authorization: token } });
  assert.equal(exp.ok, true);
  assert.equal(exp.res.statusCode, 200);
  assert.equal(exp.res.data.code, 99997);
});

test('http: the fail argument is a plain object with errMsg and errno, never an Error', async (t) => {
  const e = await startEmulator();
  const url = e.url;
  await e.close();
  const r = await call(e.wx, { url: url + '/echo' }); // nobody listens any more
  assert.equal(r.ok, false);
  assert.ok(!(r.err instanceof Error));
  assert.equal(Object.getPrototypeOf(r.err), Object.prototype);
  assert.match(r.err.errMsg, /^request:fail /);
  assert.equal(typeof r.err.errno, 'number');
  await tick();
  assert.deepEqual(r.counts, { success: 0, fail: 1, complete: 1 });
  assert.deepEqual(r.order, ['fail', 'complete']);
});

test('http: only loopback hosts are reachable', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const r = await call(e.wx, { url: 'https://api.example.com/api/x' });
  assert.equal(r.ok, false);
  assert.match(r.err.errMsg, /^request:fail /);
});

test('http: data encoding: GET query, POST JSON, form-urlencoded, string body', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const g = await call(e.wx, { url: e.url + '/echo?x=1', data: { a: 1, b: 'c&d', o: { k: 1 } } });
  assert.deepEqual(g.res.data.query, { x: '1', a: '1', b: 'c&d', o: '{"k":1}' });
  assert.equal(g.res.data.body, undefined);
  const p = await call(e.wx, { url: e.url + '/echo', method: 'post', data: { a: [1, 2] } });
  assert.equal(p.res.data.method, 'POST');
  assert.deepEqual(p.res.data.body, { a: [1, 2] });
  const ct = Object.keys(p.res.data.header).find((k) => k.toLowerCase() === 'content-type');
  assert.equal(p.res.data.header[ct], 'application/json');
  const f = await call(e.wx, { url: e.url + '/echo', method: 'PUT', data: { a: 1, b: 'x y' }, header: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.deepEqual(f.res.data.body, { a: '1', b: 'x y' });
  const s = await call(e.wx, { url: e.url + '/echo', method: 'POST', data: 'raw text', header: { 'content-type': 'text/plain' } });
  assert.equal(s.res.data.body, 'raw text');
  const h = await call(e.wx, { url: e.url + '/echo', header: { 'X-Trace': 'abc' } });
  assert.equal(h.res.data.header['X-Trace'], 'abc');
});

test('http: avatar headers keep their casing', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const ok = await call(e.wx, { url: e.url + '/avatar/ok/1', method: 'HEAD' });
  assert.equal(ok.res.statusCode, 200);
  assert.equal(ok.res.header['Content-Type'], 'image/png');
  const ex = await call(e.wx, { url: e.url + '/avatar/expired/1', method: 'HEAD' });
  assert.equal(ex.res.statusCode, 404);
  assert.equal(ex.res.header['X-ErrNo'], '-6101');
  assert.equal(ex.res.header['X-Info'], 'notexist:-6101');
  const lo = await call(e.wx, { url: e.url + '/avatar/expired-lower/1', method: 'GET' });
  assert.equal(lo.res.statusCode, 404);
  assert.equal(lo.res.header['x-info'], 'notexist:-6101');
  assert.ok(!Object.keys(lo.res.header).some((k) => k.toLowerCase() === 'x-errno'));
});

test('http: Retry-After reaches the success result', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const r = await call(e.wx, { url: e.url + '/status/503?retryAfter=2' });
  assert.equal(r.res.statusCode, 503);
  assert.equal(r.res.header['Retry-After'], '2');
});

test('http: timeout with the manual clock -> request:fail timeout, errno 5', async (t) => {
  const clock = createManualClock();
  // The backend's latency runs on the same manual clock, so the server never answers by itself.
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  e.backend.control.setLatency('/public/slow', 60000);
  const p = call(e.wx, { url: e.url + '/public/slow', timeout: 500 });
  await until(() => e.backend.stats.inFlight === 1);
  clock.advance(499);
  await tick();
  assert.equal(e.emu.inFlight, 1);
  clock.advance(1);
  const r = await p;
  assert.equal(r.ok, false);
  assert.deepEqual(r.err, { errMsg: 'request:fail timeout', errno: 5 });
  await tick();
  assert.deepEqual(r.counts, { success: 0, fail: 1, complete: 1 });
  assert.equal(e.emu.inFlight, 0);
  clock.runAll(); // let the backend finish its pending answer
});

test('http: 20 concurrent slow requests are all in flight at once (stats)', async (t) => {
  const clock = createManualClock();
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  e.backend.control.setLatency('/public/slow', 1000);
  const all = [];
  for (let i = 0; i < 20; i++) all.push(call(e.wx, { url: e.url + '/public/slow?i=' + i }));
  assert.equal(e.emu.inFlight, 20);
  assert.equal(e.emu.maxInFlight, 20);
  await until(() => e.backend.stats.inFlight === 20);
  clock.advance(1000);
  const res = await Promise.all(all);
  assert.ok(res.every((r) => r.ok && r.res.statusCode === 200));
  assert.equal(e.backend.stats.maxInFlight, 20);
  assert.equal(e.backend.stats.byPath['/public/slow'], 20);
  assert.equal(e.emu.requests, 20);
  assert.equal(e.emu.requestsByPath['/public/slow'], 20);
  assert.equal(e.emu.inFlight, 0);
  assert.equal(e.emu.maxInFlight, 20);
});

// ---- in process, manual clock (deterministic) --------------------------------------------

test('abort before completion -> request:fail abort, errno 1; complete once; late answer ignored', async () => {
  const { wx, backend, clock, emu } = manual();
  backend.control.setLatency('/public/', 1000);
  const p = call(wx, { url: 'https://api.example.com/public/a' });
  p.task.abort();
  p.task.abort();
  const r = await p;
  assert.deepEqual(r.err, { errMsg: 'request:fail abort', errno: 1 });
  clock.advance(1000);
  await tick();
  assert.deepEqual(r.counts, { success: 0, fail: 1, complete: 1 });
  assert.equal(emu.inFlight, 0);
});

test('abort after completion is a no-op', async () => {
  const { wx } = manual();
  const p = call(wx, { url: 'https://api.example.com/public/a' });
  const r = await p;
  p.task.abort();
  await tick();
  assert.equal(r.ok, true);
  assert.deepEqual(r.counts, { success: 1, fail: 0, complete: 1 });
});

test('callbacks are asynchronous, success before complete', async () => {
  const { wx } = manual();
  let sync = true;
  const p = call(wx, { url: 'https://x.test/public/a', success() { /* replaced by call() */ } });
  const r0 = p.then((r) => { assert.equal(sync, false); return r; });
  sync = false;
  const r = await r0;
  await tick();
  assert.deepEqual(r.order, ['success', 'complete']);
});

test('RequestTask has abort and the header-event no-ops', () => {
  const { wx } = manual();
  const task = wx.request({ url: 'https://x.test/public/a' });
  assert.equal(typeof task.abort, 'function');
  assert.equal(typeof task.onHeadersReceived, 'function');
  assert.equal(typeof task.offHeadersReceived, 'function');
});

test('timeout defaults to 60000 ms', async () => {
  const { wx, backend, clock } = manual();
  backend.control.setLatency(120000);
  const p = call(wx, { url: 'https://x.test/public/a' });
  clock.advance(59999);
  await tick();
  assert.equal(wx.__emu.inFlight, 1);
  clock.advance(1);
  assert.equal((await p).err.errMsg, 'request:fail timeout');
});

test('a response arriving before the timeout cancels the timer', async () => {
  const { wx, backend, clock } = manual();
  backend.control.setLatency(100);
  const p = call(wx, { url: 'https://x.test/public/a', timeout: 200 });
  clock.advance(100);
  const r = await p;
  assert.equal(r.ok, true);
  clock.advance(1000);
  await tick();
  assert.deepEqual(r.counts, { success: 1, fail: 0, complete: 1 });
  assert.equal(clock.pending(), 0);
});

test('dataType: json parses, unparseable stays a string, other dataType gives the raw string', async () => {
  const body = { code: 1, list: [1, 2] };
  const texts = { '/json': JSON.stringify(body), '/html': '<html>oops</html>', '/empty': '' };
  const wx = createWx({ transport: (req) => ({ status: 200, header: { 'Content-Type': 'text/plain' }, body: texts[req.path] }) });
  assert.deepEqual((await call(wx, { url: 'https://x.test/json' })).res.data, body);
  assert.deepEqual((await call(wx, { url: 'https://x.test/json', dataType: 'json' })).res.data, body);
  assert.equal((await call(wx, { url: 'https://x.test/html' })).res.data, '<html>oops</html>');
  assert.equal((await call(wx, { url: 'https://x.test/empty' })).res.data, '');
  assert.equal((await call(wx, { url: 'https://x.test/json', dataType: 'text' })).res.data, texts['/json']);
  assert.equal((await call(wx, { url: 'https://x.test/json', dataType: '其他' })).res.data, texts['/json']);
  const ab = (await call(wx, { url: 'https://x.test/json', responseType: 'arraybuffer' })).res.data;
  assert.ok(ab instanceof ArrayBuffer);
  assert.equal(Buffer.from(ab).toString('utf8'), texts['/json']);
});

test('custom transport: instant answers (sync or promise), rejections become request:fail', async () => {
  let seen = null;
  const wx = createWx({ transport: (req) => { seen = req; return req.path === '/boom' ? Promise.reject(new Error('boom')) : Promise.resolve({ status: 201, header: {}, body: { instant: true } }); } });
  const r = await call(wx, { url: 'https://x.test/a?b=1', method: 'POST', data: { z: 1 }, header: { 'X-A': '1' } });
  assert.equal(r.res.statusCode, 201);
  assert.deepEqual(r.res.data, { instant: true });
  assert.equal(seen.method, 'POST');
  assert.equal(seen.path, '/a');
  assert.deepEqual(seen.query, { b: '1' });
  assert.equal(seen.body, '{"z":1}');
  assert.equal(seen.header['X-A'], '1');
  const f = await call(wx, { url: 'https://x.test/boom' });
  assert.equal(f.ok, false);
  assert.equal(f.err.errMsg, 'request:fail boom');
  assert.ok(!(f.err instanceof Error));
});

test('an invalid url fails with request:fail', async () => {
  const { wx } = manual();
  const r = await call(wx, { url: '/relative/path' });
  assert.equal(r.ok, false);
  assert.match(r.err.errMsg, /^request:fail invalid url/);
});

test('exceptions in callbacks are reported, complete still runs once', async () => {
  const { wx, emu } = manual({ wx: { quiet: true } });
  let completes = 0;
  await new Promise((resolve) => wx.request({
    url: 'https://x.test/public/a',
    success() { throw new Error('page bug'); },
    complete() { completes++; resolve(); },
  }));
  assert.equal(completes, 1);
  assert.equal(emu.callbackErrors.length, 1);
});

test('maxConcurrent (opt-in) fails requests beyond the limit like old base libraries', async () => {
  const { wx, backend, clock } = manual({ wx: { maxConcurrent: 2 } });
  backend.control.setLatency(10);
  const a = call(wx, { url: 'https://x.test/public/a' });
  const b = call(wx, { url: 'https://x.test/public/b' });
  const c = await call(wx, { url: 'https://x.test/public/c' });
  assert.deepEqual(c.err, { errMsg: 'request:fail exceed max task count', errno: 600005 });
  clock.advance(10);
  assert.equal((await a).ok, true);
  assert.equal((await b).ok, true);
});

test('dropConnections fails in-flight requests as network errors', async () => {
  const { wx, backend } = manual();
  backend.control.setLatency(10);
  const p = call(wx, { url: 'https://x.test/public/a' });
  wx.__emu.dropConnections('net::ERR_INTERNET_DISCONNECTED');
  assert.deepEqual((await p).err, { errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED', errno: 600001 });
});

test('emu counters and reset()', async () => {
  const { wx, emu } = manual();
  await call(wx, { url: 'https://x.test/public/a' });
  await call(wx, { url: 'https://x.test/public/a' });
  await call(wx, { url: 'https://x.test/public/b?x=1' });
  assert.equal(emu.requests, 3);
  assert.deepEqual(emu.requestsByPath, { '/public/a': 2, '/public/b': 1 });
  assert.equal(emu.maxInFlight, 1);
  emu.reset();
  assert.equal(emu.requests, 0);
  assert.deepEqual(emu.requestsByPath, {});
  assert.equal(emu.maxInFlight, 0);
});

test('20 concurrent slow in-process requests: emu and backend maxInFlight are 20', async () => {
  const { wx, backend, clock, emu } = manual();
  const token = await loginToken(wx);
  backend.control.setLatency('/api/slow', 5000);
  const all = [];
  for (let i = 0; i < 20; i++) all.push(call(wx, { url: 'https://x.test/api/slow', header: { Authorization: token } }));
  await tick();
  assert.equal(backend.stats.inFlight, 20);
  clock.advance(5000);
  const res = await Promise.all(all);
  assert.deepEqual(res.map((r) => r.res.data.data.n).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(backend.stats.maxInFlight, 20);
  assert.equal(emu.maxInFlight, 20);
});

test('http: hosts maps a realistic host to the loopback backend, keeping the Host header', async (t) => {
  const e = await startEmulator({ hosts: ['api.example.com'] });
  t.after(() => e.close());
  const wx = e.wx;
  const r = await call(wx, { url: 'https://api.example.com/echo?a=1' });
  assert.equal(r.res.statusCode, 200);
  assert.equal(r.res.data.header.Host, 'api.example.com');
  assert.deepEqual(r.res.data.query, { a: '1' });
  const other = await call(wx, { url: 'https://evil.example.com/echo' });
  assert.equal(other.ok, false);
  assert.equal(wx.__emu.requestLog[0].url, 'https://api.example.com/echo?a=1');
});
