'use strict';
// wx.request({ enableChunked: true }): onHeadersReceived, onChunkReceived and their off*, the chunked and
// SSE routes — in process with the manual clock, and over real loopback HTTP.
const test = require('node:test');
const assert = require('node:assert/strict');
const { run, only, chunkText, tick, until, manual, loginToken, startEmulator, createManualClock } = require('./helpers');
const { sseFlushes, chunkText: flushText } = require('../../emulator');

const API = 'https://x.test';
const SSE2 = Buffer.concat(sseFlushes(2).map((f) => Buffer.from(f))).toString();

async function inprocess(opts) {
  const env = manual(opts);
  env.auth = { Authorization: await loginToken(env.wx) };
  return env;
}

// ---- in process ------------------------------------------------------------------------------

test('enableChunked: headers, then one chunk (ArrayBuffer) per flush on the clock, then success with empty data', async () => {
  const { wx, backend, clock, auth } = await inprocess();
  backend.control.setLatency('/api/chunked', 50);
  const t0 = clock.now();
  const p = run(wx, 'request', { url: API + '/api/chunked?n=3&size=8&every=100', enableChunked: true, header: auth }, clock);
  await clock.advanceAsync(150);
  assert.equal(only(p.events, 'chunk').length, 2, 'two flushes so far');
  assert.equal(only(p.events, 'success').length, 0);
  await clock.advanceAsync(100);
  const r = await p;
  await tick();
  assert.deepEqual(r.events.map((e) => [e.type, e.at - t0]), [
    ['headers', 50], ['chunk', 50], ['chunk', 150], ['chunk', 250], ['success', 250], ['complete', 250],
  ]);
  const h = r.events[0];
  assert.equal(h.statusCode, 200);
  assert.equal(h.header['Content-Type'], 'text/plain; charset=utf-8');
  assert.deepEqual(h.cookies, []);
  const chunks = only(r.events, 'chunk');
  assert.ok(chunks.every((c) => c.data instanceof ArrayBuffer));
  assert.deepEqual(chunks.map((c) => Buffer.from(c.data).toString()), [flushText(0, 8), flushText(1, 8), flushText(2, 8)]);
  assert.deepEqual(r.res, { data: '', statusCode: 200, header: h.header, cookies: [], errMsg: 'request:ok' });
  assert.equal(clock.pending(), 0);
});

test('enableChunked success data: an empty ArrayBuffer with responseType arraybuffer; the whole body with chunkedSuccessData: "full"', async () => {
  const { wx, clock, auth } = await inprocess();
  const p = run(wx, 'request', { url: API + '/api/chunked?n=2&size=4&every=10', enableChunked: true, responseType: 'arraybuffer', header: auth });
  await clock.advanceAsync(10);
  const r = await p;
  assert.ok(r.res.data instanceof ArrayBuffer);
  assert.equal(r.res.data.byteLength, 0);
  const full = await inprocess({ wx: { chunkedSuccessData: 'full' } });
  const q = run(full.wx, 'request', { url: API + '/api/chunked?n=2&size=4&every=10', enableChunked: true, header: full.auth });
  await full.clock.advanceAsync(10);
  assert.equal((await q).res.data, '0:a\n1:b\n');
});

test('without enableChunked a streamed answer arrives whole at the end of the stream; no chunk events', async () => {
  const { wx, clock, auth } = await inprocess();
  const t0 = clock.now();
  const p = run(wx, 'request', { url: API + '/api/chunked?n=3&size=6&every=100', header: auth }, clock);
  await clock.advanceAsync(300);
  const r = await p;
  assert.equal(r.res.data, flushText(0, 6) + flushText(1, 6) + flushText(2, 6));
  assert.equal(only(r.events, 'chunk').length, 0);
  assert.equal(only(r.events, 'success')[0].at - t0, 200);
  assert.equal(only(r.events, 'headers')[0].at - t0, 0); // headers come first, for every request
  const ab = run(wx, 'request', { url: API + '/api/sse?n=2&every=0', header: auth, responseType: 'arraybuffer' });
  await clock.advanceAsync(0);
  assert.equal(Buffer.from((await ab).res.data).toString(), SSE2);
});

test('a plain answer with enableChunked arrives as one chunk (JSON body as bytes)', async () => {
  const { wx, auth } = await inprocess();
  const r = await run(wx, 'request', { url: API + '/api/me', enableChunked: true, header: auth });
  const chunks = only(r.events, 'chunk');
  assert.equal(chunks.length, 1);
  assert.equal(JSON.parse(chunkText(r.events)).data.path, '/api/me');
  assert.equal(r.res.data, '');
});

test('sse: events with id, event, multi-line data, a comment and retry; one flush ends inside 中; a final done', async () => {
  const { wx, clock, auth } = await inprocess();
  const p = run(wx, 'request', { url: API + '/api/sse?n=2&every=100', enableChunked: true, header: auth }, clock);
  await clock.advanceAsync(400);
  const r = await p;
  const chunks = only(r.events, 'chunk').map((c) => Buffer.from(c.data));
  assert.equal(chunks.length, 5);
  assert.equal(chunks[1][chunks[1].length - 1], 0xe4);
  assert.deepEqual([...chunks[2].subarray(0, 2)], [0xb8, 0xad]);
  assert.notEqual(chunks[1].toString().slice(-1), '中'); // decoding the flush alone breaks the character
  assert.equal(chunkText(r.events), SSE2);
  assert.match(SSE2, /^: wxhttp reference stream\n\nid: 1\nevent: message\nretry: 3000\ndata: 中文 1\ndata: line 2 of 1\n\n/);
  assert.ok(SSE2.endsWith('event: done\ndata: [DONE]\n\n'));
  assert.equal(only(r.events, 'headers')[0].header['Content-Type'], 'text/event-stream; charset=utf-8');
  assert.deepEqual(only(r.events, 'chunk').map((c) => c.at - r.events[0].at), [0, 100, 200, 300, 400]);
});

test('sse with an expired token: the expiry body as the one chunk (code style), status 401 in the headers (401 style)', async () => {
  const { wx, backend } = await inprocess();
  const r = await run(wx, 'request', { url: API + '/api/sse', enableChunked: true, header: { Authorization: 'stale' } });
  assert.equal(only(r.events, 'chunk').length, 1);
  assert.deepEqual(JSON.parse(chunkText(r.events)), { code: 99997, message: 'TOKEN EXPIRED', status: 'ERROR' });
  assert.equal(only(r.events, 'headers')[0].statusCode, 200);
  backend.control.expiryStyle('401');
  const r401 = await run(wx, 'request', { url: API + '/api/sse', enableChunked: true, header: { Authorization: 'stale' } });
  assert.equal(only(r401.events, 'headers')[0].statusCode, 401);
  assert.equal(JSON.parse(chunkText(r401.events)).code, 401);
  assert.equal(r401.res.statusCode, 401);
});

test('offChunkReceived / offHeadersReceived remove one listener or all of them', async () => {
  const { wx, clock, auth } = await inprocess();
  const seen = [];
  const a = () => seen.push('a');
  const b = () => seen.push('b');
  const task = wx.request({ url: API + '/api/chunked?n=3&every=10', enableChunked: true, header: auth });
  task.onChunkReceived(a);
  task.onChunkReceived(b);
  task.onHeadersReceived(() => seen.push('h'));
  task.offHeadersReceived();
  await clock.advanceAsync(0);
  task.offChunkReceived(a);
  await clock.advanceAsync(10);
  task.offChunkReceived();
  await clock.advanceAsync(10);
  assert.deepEqual(seen, ['a', 'b', 'b']);
});

test('abort from a chunk listener, timeout and offline in mid-stream: fail once, no chunk after, timers cleared', async () => {
  const { wx, clock, emu, auth } = await inprocess();
  const a = run(wx, 'request', { url: API + '/api/chunked?n=5&every=100', enableChunked: true, header: auth });
  a.task.onChunkReceived(() => { if (only(a.events, 'chunk').length === 2) a.task.abort(); });
  await clock.advanceAsync(1000);
  const ra = await a;
  assert.deepEqual(ra.err, { errMsg: 'request:fail abort', errno: 1 });
  assert.equal(only(ra.events, 'chunk').length, 2);

  const t = run(wx, 'request', { url: API + '/api/chunked?n=5&every=100', enableChunked: true, header: auth, timeout: 250 });
  await clock.advanceAsync(1000);
  const rt = await t;
  assert.deepEqual(rt.err, { errMsg: 'request:fail timeout', errno: 5 });
  assert.equal(only(rt.events, 'chunk').length, 3); // at 0, 100, 200
  assert.equal(clock.pending(), 0);

  const o = run(wx, 'request', { url: API + '/api/sse?every=100', enableChunked: true, header: auth });
  await clock.advanceAsync(150);
  emu.setNetwork('none');
  await clock.advanceAsync(1000);
  const ro = await o;
  assert.deepEqual(ro.err, { errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED', errno: 600001 });
  assert.equal(only(ro.events, 'chunk').length, 2);
  await tick();
  assert.equal(only(ro.events, 'complete').length, 1);
  assert.equal(emu.inFlight, 0);
});

// ---- over real loopback HTTP -------------------------------------------------------------------

test('http: sse flushes arrive one by one as the server writes them (manual clock on the server)', async (t) => {
  const clock = createManualClock();
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  const token = await loginToken(e.wx, e.url);
  const p = run(e.wx, 'request', { url: e.url + '/api/sse?n=2&every=100', enableChunked: true, header: { Authorization: token } });
  await until(() => only(p.events, 'headers').length === 1);
  const h = only(p.events, 'headers')[0];
  assert.equal(h.statusCode, 200);
  assert.equal(h.header['Content-Type'], 'text/event-stream; charset=utf-8');
  assert.equal(h.header['Transfer-Encoding'], 'chunked');
  const flushes = sseFlushes(2);
  for (let i = 0; i < flushes.length; i++) {
    clock.advance(i === 0 ? 0 : 100);
    await until(() => only(p.events, 'chunk').length === i + 1);
    assert.deepEqual(Buffer.from(only(p.events, 'chunk')[i].data), Buffer.from(flushes[i]));
  }
  const r = await p;
  assert.equal(chunkText(r.events), SSE2);
  assert.equal(r.res.data, '');
  assert.equal(r.res.statusCode, 200);
});

test('http: chunked with real timers: chunks then success; without enableChunked the whole body', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const started = Date.now();
  const r = await run(e.wx, 'request', { url: e.url + '/public/chunked?n=3&size=10&every=20', enableChunked: true });
  assert.ok(Date.now() - started >= 35, 'the flushes are spread in time');
  const want = flushText(0, 10) + flushText(1, 10) + flushText(2, 10);
  assert.equal(chunkText(r.events), want);
  assert.ok(only(r.events, 'chunk').length >= 2);
  assert.ok(r.events.findIndex((x) => x.type === 'chunk') < r.events.findIndex((x) => x.type === 'success'));
  const whole = await run(e.wx, 'request', { url: e.url + '/public/chunked?n=3&size=10&every=5' });
  assert.equal(whole.res.data, want);
  assert.equal(only(whole.events, 'chunk').length, 0);
});

test('http: an expired token on a stream: code style as one chunk, 401 style in the headers', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const r = await run(e.wx, 'request', { url: e.url + '/api/sse', enableChunked: true, header: { Authorization: 'stale' } });
  assert.equal(JSON.parse(chunkText(r.events)).code, 99997);
  e.backend.control.expiryStyle('401');
  const r401 = await run(e.wx, 'request', { url: e.url + '/api/sse', enableChunked: true, header: { Authorization: 'stale' } });
  assert.equal(only(r401.events, 'headers')[0].statusCode, 401);
  assert.equal(r401.res.statusCode, 401);
});

test('http: abort in mid-stream closes the connection; no chunk after', async (t) => {
  const clock = createManualClock();
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  const p = run(e.wx, 'request', { url: e.url + '/public/chunked?n=4&every=100', enableChunked: true });
  await until(() => only(p.events, 'headers').length === 1);
  clock.advance(0);
  await until(() => only(p.events, 'chunk').length === 1);
  p.task.abort();
  const r = await p;
  assert.deepEqual(r.err, { errMsg: 'request:fail abort', errno: 1 });
  clock.advance(1000);
  await tick();
  assert.equal(only(r.events, 'chunk').length, 1);
  assert.equal(e.emu.inFlight, 0);
});
