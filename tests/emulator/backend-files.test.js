'use strict';
// The reference backend's file and stream routes (upload, files, chunked, sse) and its byte helpers.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createBackend, createManualClock, until } = require('./helpers');
const {
  utf8Encode, utf8Decode, buildMultipart, parseMultipart, fileBytes, chunkText, sseFlushes,
} = require('../../emulator');

function setup(opts) {
  const clock = createManualClock(1000000);
  const backend = createBackend(Object.assign({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, opts));
  const h = (method, path, body, header) => backend.handle({ method, path, body, header: header || {} });
  const token = async () => (await h('POST', '/auth/login', { code: backend.issueCode() })).body.data.token;
  return { clock, backend, h, token };
}

const bytes = (s) => Buffer.from(s, 'utf8');

// ---- helpers ------------------------------------------------------------------------------

test('utf8Encode / utf8Decode agree with Node on text, surrogate pairs and malformed bytes', () => {
  for (const s of ['', 'abc', '中文', 'é', '😀 ok', 'a\u0000b', '\u{10FFFF}']) {
    assert.deepEqual(Buffer.from(utf8Encode(s)), bytes(s), s);
    assert.equal(utf8Decode(utf8Encode(s)), s);
  }
  for (const bad of [[0xe4, 0xb8], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe4, 0x41], [0xf4, 0x90, 0x80, 0x80]]) {
    assert.equal(utf8Decode(new Uint8Array(bad)), Buffer.from(bad).toString('utf8'), JSON.stringify(bad));
  }
  assert.equal(Buffer.from(utf8Encode('\ud800x')).toString(), '\ufffdx'); // a lone surrogate
});

test('buildMultipart / parseMultipart round trip: fields, unicode, binary bytes with CRLF and dashes', () => {
  const binary = new Uint8Array(512).map((_, i) => i & 255);
  binary.set(bytes('\r\n--a\r\n-b--'), 100); // dashes and CRLF, but not the delimiter itself
  const body = buildMultipart({
    boundary: 'b', fields: { a: '1', msg: '中文 ok', empty: '' },
    files: [{ field: 'file', fileName: 'x.bin', contentType: 'application/octet-stream', bytes: binary }],
  });
  const text = Buffer.from(body).toString('latin1');
  assert.match(text, /^--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n/);
  assert.match(text, /Content-Disposition: form-data; name="file"; filename="x.bin"\r\nContent-Type: application\/octet-stream\r\n\r\n/);
  assert.ok(text.endsWith('\r\n--b--\r\n'));
  const parts = parseMultipart(body, 'b');
  assert.deepEqual(parts.fields, { a: '1', msg: '中文 ok', empty: '' });
  assert.equal(parts.files.length, 1);
  assert.equal(parts.files[0].field, 'file');
  assert.equal(parts.files[0].fileName, 'x.bin');
  assert.equal(parts.files[0].size, 512);
  assert.deepEqual(Buffer.from(parts.files[0].bytes), Buffer.from(binary));
});

test('fileBytes, chunkText and sseFlushes are deterministic', () => {
  assert.deepEqual(fileBytes('a.png', 5), fileBytes('a.png', 5));
  assert.notDeepEqual(fileBytes('a.png', 5), fileBytes('b.png', 5));
  assert.equal(fileBytes('a', 300).length, 300);
  assert.equal(chunkText(2, 8), '2:cccccc'.slice(0, 7) + '\n');
  assert.equal(Buffer.byteLength(chunkText(12, 16)), 16);
  const f = sseFlushes(2);
  assert.equal(f.length, 5); // comment, event 1 in two halves, event 2, done
  assert.equal(f[1][f[1].length - 1], 0xe4); // the first byte of 中 ends a flush…
  assert.deepEqual([...f[2].slice(0, 2)], [0xb8, 0xad]); // …the next starts with the rest
  assert.equal(Buffer.concat(f.map((x) => Buffer.from(x))).toString(),
    ': wxhttp reference stream\n\n' +
    'id: 1\nevent: message\nretry: 3000\ndata: 中文 1\ndata: line 2 of 1\n\n' +
    'id: 2\nevent: message\ndata: 中文 2\ndata: line 2 of 2\n\n' +
    'event: done\ndata: [DONE]\n\n');
});

// ---- routes, in process ----------------------------------------------------------------------

test('upload: parts (in process) or raw multipart bytes; answers name, size, fileName, formData, userId', async () => {
  const { backend, h, token } = setup();
  const t = await token();
  const parts = { fields: { a: '1' }, files: [{ field: 'photo', fileName: 'p.png', contentType: 'image/png', size: 3, bytes: new Uint8Array([1, 2, 3]) }] };
  const r = await h('POST', '/api/upload', parts, { Authorization: t });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { code: 10000, data: { name: 'photo', size: 3, fileName: 'p.png', contentType: 'image/png', formData: { a: '1' }, userId: 'user-1' } });
  const raw = buildMultipart({ boundary: 'zz', fields: { k: 'v' }, files: [{ field: 'f', fileName: 'a.txt', contentType: 'text/plain', bytes: utf8Encode('hi') }] });
  const r2 = await h('POST', '/public/upload', raw, { 'Content-Type': 'multipart/form-data; boundary=zz' });
  assert.deepEqual(r2.body.data, { name: 'f', size: 2, fileName: 'a.txt', contentType: 'text/plain', formData: { k: 'v' }, userId: null });
  assert.equal(backend.uploads.length, 2);
  assert.deepEqual([...backend.uploads[0].bytes], [1, 2, 3]);
  assert.equal((await h('POST', '/public/upload', { x: 1 })).status, 400);
  assert.equal(backend.stats.byPath['/api/upload'], 1);
  assert.equal(backend.stats.byPath['/public/upload'], 2);
});

test('upload, files, chunked and sse under /api need a token: the expiry answer in every style', async () => {
  const { backend, h } = setup();
  for (const path of ['/api/upload', '/api/files/a.png', '/api/chunked', '/api/sse']) {
    const r = await h('GET', path, undefined, { Authorization: 'nope' });
    assert.equal(r.status, 200, path);
    assert.equal(r.body.code, 99997, path);
    assert.equal(r.chunks, undefined);
  }
  backend.control.expiryStyle('401');
  assert.equal((await h('GET', '/api/sse')).status, 401);
});

test('files: deterministic bytes of ?size=, content type from the name, optional streaming', async () => {
  const { h, token } = setup();
  const t = await token();
  const r = await h('GET', '/api/files/photo.png?size=100', undefined, { Authorization: t });
  assert.equal(r.status, 200);
  assert.equal(r.header['Content-Type'], 'image/png');
  assert.equal(r.header['Content-Length'], '100');
  assert.deepEqual(r.body, fileBytes('photo.png', 100));
  const d = await h('GET', '/public/files/data.bin');
  assert.equal(d.header['Content-Type'], 'application/octet-stream');
  assert.equal(d.body.length, 1024);
  const s = await h('GET', '/public/files/a.txt?size=10&chunks=3&every=50');
  assert.deepEqual(s.chunks.map((c) => c.at), [0, 50, 100]);
  assert.deepEqual(s.chunks.map((c) => c.bytes.length), [4, 4, 2]);
  assert.deepEqual(Buffer.concat(s.chunks.map((c) => Buffer.from(c.bytes))), Buffer.from(fileBytes('a.txt', 10)));
});

test('chunked and sse: flushes with their times after the answer', async () => {
  const { h, token } = setup();
  const t = await token();
  const c = await h('GET', '/api/chunked?n=3&size=8&every=100', undefined, { Authorization: t });
  assert.equal(c.header['Content-Type'], 'text/plain; charset=utf-8');
  assert.deepEqual(c.chunks.map((x) => [x.at, Buffer.from(x.bytes).toString()]), [[0, '0:aaaaa\n'], [100, '1:bbbbb\n'], [200, '2:ccccc\n']]);
  const s = await h('GET', '/api/sse?n=1&every=10', undefined, { Authorization: t });
  assert.equal(s.header['Content-Type'], 'text/event-stream; charset=utf-8');
  assert.deepEqual(s.chunks.map((x) => x.at), [0, 10, 20, 30]);
  assert.deepEqual(s.chunks.map((x) => Buffer.from(x.bytes)), sseFlushes(1).map((x) => Buffer.from(x)));
});

test('latencyFor tells the latency that applies to a path', () => {
  const { backend } = setup({ latency: 5 });
  backend.control.setLatency('/api/upload', 300);
  assert.equal(backend.latencyFor('/api/upload?x=1'), 300);
  assert.equal(backend.latencyFor('/api/other'), 5);
});

// ---- over real HTTP ----------------------------------------------------------------------------

/** A raw GET that records the headers and every 'data' event. */
function rawGet(url, header) {
  const seen = { status: 0, headers: null, data: [], ended: false };
  const done = new Promise((resolve, reject) => {
    http.get(url, { headers: header || {} }, (res) => {
      seen.status = res.statusCode;
      seen.headers = res.headers;
      res.on('data', (c) => seen.data.push(c));
      res.on('end', () => { seen.ended = true; resolve(seen); });
    }).on('error', reject);
  });
  seen.done = done;
  return seen;
}

test('listen: a streamed answer sends headers at once, then each flush at its time on the clock (chunked encoding)', async (t) => {
  const { backend, clock } = setup();
  const server = await backend.listen(0);
  t.after(() => server.close());
  const seen = rawGet(server.url + '/public/sse?n=1&every=100');
  await until(() => seen.headers !== null);
  assert.equal(seen.status, 200);
  assert.equal(seen.headers['transfer-encoding'], 'chunked');
  assert.equal(seen.headers['content-type'], 'text/event-stream; charset=utf-8');
  clock.advance(0);
  await until(() => seen.data.length === 1);
  const flushes = sseFlushes(1);
  for (let i = 1; i < flushes.length; i++) {
    clock.advance(99);
    await new Promise((r) => setImmediate(r));
    assert.equal(seen.data.length, i, 'nothing before its time');
    clock.advance(1);
    await until(() => seen.data.length === i + 1);
  }
  await seen.done;
  assert.deepEqual(seen.data.map((d) => Buffer.from(d)), flushes.map((f) => Buffer.from(f)));
});

test('listen: files keep their Content-Length and bytes; multipart uploads are parsed', async (t) => {
  const { backend } = setup();
  const server = await backend.listen(0);
  t.after(() => server.close());
  const seen = await rawGet(server.url + '/public/files/a.png?size=70000').done;
  assert.equal(seen.headers['content-length'], '70000');
  assert.equal(seen.headers['content-type'], 'image/png');
  assert.deepEqual(Buffer.concat(seen.data), Buffer.from(fileBytes('a.png', 70000)));
  const body = Buffer.from(buildMultipart({ boundary: 'XyZ', fields: { n: '中' }, files: [{ field: 'f', fileName: 'b.bin', bytes: new Uint8Array([0, 13, 10, 45, 45, 255]) }] }));
  const answer = await new Promise((resolve, reject) => {
    const r = http.request(server.url + '/public/upload', { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ', 'Content-Length': body.length } }, (res) => {
      const c = [];
      res.on('data', (d) => c.push(d));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(c).toString())));
    });
    r.on('error', reject);
    r.end(body);
  });
  assert.deepEqual(answer.data, { name: 'f', size: 6, fileName: 'b.bin', contentType: 'application/octet-stream', formData: { n: '中' }, userId: null });
  assert.deepEqual([...backend.uploads[0].bytes], [0, 13, 10, 45, 45, 255]);
});
