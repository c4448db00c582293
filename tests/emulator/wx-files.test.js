'use strict';
// wx.uploadFile, wx.downloadFile, their progress events, and the in-memory file system — in process
// with the manual clock, and over real loopback HTTP.
const test = require('node:test');
const assert = require('node:assert/strict');
const { run, only, tick, until, manual, loginToken, startEmulator, createManualClock } = require('./helpers');
const { fileBytes } = require('../../emulator');

const API = 'https://x.test';
const strip = (events) => events.map(({ type, at, progress }) => (progress === undefined ? { type, at } : { type, at, progress }));

async function inprocess(opts) {
  const env = manual(opts);
  env.token = await loginToken(env.wx);
  env.auth = { Authorization: env.token };
  return env;
}

// ---- uploads, in process ------------------------------------------------------------------

test('uploadFile: multipart parts reach the backend; success has the body as a string, the status and header', async () => {
  const { wx, emu, backend, auth } = await inprocess();
  const filePath = emu.writeFile('wxfile://tmp_photo.png', new Uint8Array([137, 80, 78, 71, 0, 255]));
  const r = await run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'avatar', formData: { a: 1, tags: ['x'] }, header: { ...auth, 'content-type': 'text/plain' } });
  assert.equal(r.ok, true);
  assert.equal(typeof r.res.data, 'string');
  assert.deepEqual(JSON.parse(r.res.data), { code: 10000, data: { name: 'avatar', size: 6, fileName: 'tmp_photo.png', contentType: 'image/png', formData: { a: '1', tags: '["x"]' }, userId: 'user-1' } });
  assert.equal(r.res.statusCode, 200);
  assert.equal(r.res.errMsg, 'uploadFile:ok');
  assert.equal(r.res.header['Content-Type'], 'application/json');
  assert.deepEqual([...backend.uploads[0].bytes], [137, 80, 78, 71, 0, 255]);
  const log = emu.requestLog[emu.requestLog.length - 1];
  assert.equal(log.api, 'uploadFile');
  assert.equal(log.method, 'POST');
  assert.match(log.header['Content-Type'], /^multipart\/form-data; boundary=/); // wx sets it, the caller's is dropped
  assert.equal(Object.keys(log.header).filter((k) => k.toLowerCase() === 'content-type').length, 1);
  assert.equal(emu.uploads, 1);
  assert.equal(emu.requestsByPath['/api/upload'], 1);
  assert.equal(backend.stats.byPath['/api/upload'], 1);
  await tick();
  assert.deepEqual(only(r.events, 'complete').length, 1);
});

test('uploadFile progress: four events spread over the latency, the last at 100 before the headers and success', async () => {
  const { wx, emu, backend, clock, auth } = await inprocess();
  backend.control.setLatency('/api/upload', 400);
  const filePath = emu.writeFile('hello 中文');
  const t0 = clock.now();
  const p = run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'f', header: auth }, clock);
  await clock.advanceAsync(400);
  const r = await p;
  await tick();
  assert.deepEqual(strip(r.events).map((e) => ({ ...e, at: e.at - t0 })), [
    { type: 'progress', at: 100, progress: 25 },
    { type: 'progress', at: 200, progress: 50 },
    { type: 'progress', at: 300, progress: 75 },
    { type: 'progress', at: 400, progress: 100 },
    { type: 'headers', at: 400 },
    { type: 'success', at: 400 },
    { type: 'complete', at: 400 },
  ]);
  const prog = only(r.events, 'progress');
  const total = prog[0].totalBytesExpectedToSend;
  assert.ok(total > Buffer.byteLength('hello 中文')); // the whole multipart body
  assert.deepEqual(prog.map((e) => e.totalBytesSent), [total / 4, total / 2, (3 * total) / 4, total].map(Math.ceil));
  assert.ok(prog.every((e) => e.totalBytesExpectedToSend === total && !('totalBytesWritten' in e)));
  assert.equal(only(r.events, 'headers')[0].statusCode, 200);
});

test('uploadFile fails like wx: missing file, abort, timeout; no progress after the failure', async () => {
  const { wx, emu, backend, clock, auth } = await inprocess();
  const missing = await run(wx, 'uploadFile', { url: API + '/api/upload', filePath: 'wxfile://tmp_nope.png', name: 'f', header: auth });
  assert.deepEqual(missing.err, { errMsg: 'uploadFile:fail file not found', errno: 1300002 });
  assert.equal(backend.stats.byPath['/api/upload'], undefined);

  backend.control.setLatency('/api/upload', 400);
  const filePath = emu.writeFile('x'.repeat(100));
  const a = run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'f', header: auth }, clock);
  a.task.onProgressUpdate((e) => { if (e.progress === 50) a.task.abort(); });
  await clock.advanceAsync(1000);
  const ra = await a;
  assert.deepEqual(ra.err, { errMsg: 'uploadFile:fail abort', errno: 1 });
  assert.deepEqual(only(ra.events, 'progress').map((e) => e.progress), [25, 50]);
  assert.equal(emu.inFlight, 0);

  const t = run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'f', header: auth, timeout: 250 }, clock);
  await clock.advanceAsync(1000);
  const rt = await t;
  assert.deepEqual(rt.err, { errMsg: 'uploadFile:fail timeout', errno: 5 });
  assert.deepEqual(only(rt.events, 'progress').map((e) => e.progress), [25, 50]);
  await tick();
  assert.deepEqual(rt.events.slice(-2).map((e) => e.type), ['fail', 'complete']);
});

test('uploadFile with an expired token: the expiry body (code style) or status 401 (401 style), as a success', async () => {
  const { wx, emu, backend } = await inprocess();
  const filePath = emu.writeFile('data');
  const r = await run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'f', header: { Authorization: 'stale' } });
  assert.equal(r.res.statusCode, 200);
  assert.equal(JSON.parse(r.res.data).code, 99997);
  backend.control.expiryStyle('401');
  const r401 = await run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'f', header: { Authorization: 'stale' } });
  assert.equal(r401.ok, true);
  assert.equal(r401.res.statusCode, 401);
  assert.equal(only(r401.events, 'headers')[0].statusCode, 401);
});

// ---- downloads, in process ----------------------------------------------------------------

test('downloadFile: the bytes land in a temp file wxfile://tmp_<n>.<ext>; progress 25..100 before success', async () => {
  const { wx, emu, auth } = await inprocess();
  const r = await run(wx, 'downloadFile', { url: API + '/api/files/photo.png?size=1000', header: auth });
  assert.equal(r.ok, true);
  assert.match(r.res.tempFilePath, /^wxfile:\/\/tmp_\d+\.png$/);
  assert.equal('filePath' in r.res, false);
  assert.equal(r.res.statusCode, 200);
  assert.equal(r.res.errMsg, 'downloadFile:ok');
  assert.equal(r.res.header['Content-Type'], 'image/png');
  assert.deepEqual(Buffer.from(emu.files[r.res.tempFilePath]), Buffer.from(fileBytes('photo.png', 1000)));
  const ab = wx.getFileSystemManager().readFileSync(r.res.tempFilePath);
  assert.ok(ab instanceof ArrayBuffer);
  assert.equal(ab.byteLength, 1000);
  assert.deepEqual(only(r.events, 'progress').map((e) => [e.progress, e.totalBytesWritten, e.totalBytesExpectedToWrite]),
    [[25, 250, 1000], [50, 500, 1000], [75, 750, 1000], [100, 1000, 1000]]);
  assert.deepEqual(r.events.map((e) => e.type).slice(0, 6), ['headers', 'progress', 'progress', 'progress', 'progress', 'success']);
  const second = await run(wx, 'downloadFile', { url: API + '/public/files/photo.png', header: auth });
  assert.notEqual(second.res.tempFilePath, r.res.tempFilePath);
  assert.equal(emu.downloads, 2);
});

test('downloadFile streamed by the backend (?chunks=&every=): progress follows the bytes on the clock', async () => {
  const { wx, backend, clock, auth } = await inprocess();
  backend.control.setLatency('/api/files', 100);
  const t0 = clock.now();
  const p = run(wx, 'downloadFile', { url: API + '/api/files/a.bin?size=400&chunks=4&every=50', header: auth }, clock);
  await clock.advanceAsync(100);
  assert.deepEqual(only(p.events, 'progress').map((e) => e.progress), [25]);
  await clock.advanceAsync(200);
  const r = await p;
  assert.deepEqual(only(r.events, 'progress').map((e) => [e.at - t0, e.progress]), [[100, 25], [150, 50], [200, 75], [250, 100]]);
  assert.equal(only(r.events, 'success')[0].at - t0, 250);
});

test('downloadFile with filePath (under wx.env.USER_DATA_PATH); any status is a success; failures', async () => {
  const { wx, emu, backend, clock, auth } = await inprocess();
  assert.equal(wx.env.USER_DATA_PATH, 'wxfile://usr');
  const r = await run(wx, 'downloadFile', { url: API + '/api/files/doc.pdf?size=10', header: auth, filePath: 'wxfile://usr/doc.pdf' });
  assert.equal(r.res.filePath, 'wxfile://usr/doc.pdf');
  assert.equal('tempFilePath' in r.res, false);
  assert.equal(emu.files['wxfile://usr/doc.pdf'].length, 10);
  const bad = await run(wx, 'downloadFile', { url: API + '/api/files/doc.pdf', header: auth, filePath: 'wxfile://tmp_x' });
  assert.deepEqual(bad.err, { errMsg: 'downloadFile:fail permission denied, open wxfile://tmp_x', errno: 1300013 });

  backend.control.expiryStyle('401');
  const expired = await run(wx, 'downloadFile', { url: API + '/api/files/doc.pdf', header: { Authorization: 'stale' } });
  assert.equal(expired.ok, true);
  assert.equal(expired.res.statusCode, 401);
  assert.equal(JSON.parse(emu.readFile(expired.res.tempFilePath, 'utf8')).code, 401); // what the server sent

  backend.control.setLatency('/api/files', 1000);
  const a = run(wx, 'downloadFile', { url: API + '/api/files/doc.pdf', header: auth });
  a.task.abort();
  assert.deepEqual((await a).err, { errMsg: 'downloadFile:fail abort', errno: 1 });
  const t = run(wx, 'downloadFile', { url: API + '/api/files/doc.pdf', header: auth, timeout: 500 });
  clock.advance(500);
  assert.deepEqual((await t).err, { errMsg: 'downloadFile:fail timeout', errno: 5 });
  assert.deepEqual(only((await t).events, 'progress'), []);
  const inv = await run(wx, 'downloadFile', { url: 'not a url' });
  assert.match(inv.err.errMsg, /^downloadFile:fail invalid url/);
});

// ---- file system ---------------------------------------------------------------------------

test('getFileSystemManager: readFileSync encodings, writeFileSync under USER_DATA_PATH, accessSync, unlinkSync, errors', async () => {
  const { wx, emu } = manual();
  const fs = wx.getFileSystemManager();
  assert.equal(wx.getFileSystemManager(), fs);
  fs.writeFileSync('wxfile://usr/a.txt', '中文 ok');
  assert.equal(fs.readFileSync('wxfile://usr/a.txt', 'utf8'), '中文 ok');
  assert.equal(fs.readFileSync('wxfile://usr/a.txt', 'utf-8'), '中文 ok');
  assert.equal(fs.readFileSync('wxfile://usr/a.txt', 'base64'), Buffer.from('中文 ok').toString('base64'));
  assert.equal(fs.readFileSync('wxfile://usr/a.txt', 'hex'), Buffer.from('中文 ok').toString('hex'));
  assert.deepEqual(Buffer.from(fs.readFileSync('wxfile://usr/a.txt')), Buffer.from('中文 ok'));
  fs.writeFileSync('wxfile://usr/b.bin', new Uint8Array([1, 2, 250]).buffer);
  assert.equal(fs.readFileSync('wxfile://usr/b.bin', 'latin1'), '\x01\x02\xfa');
  fs.writeFileSync('wxfile://usr/c.bin', Buffer.from([9, 8]).toString('base64'), 'base64');
  assert.deepEqual([...emu.files['wxfile://usr/c.bin']], [9, 8]);
  fs.accessSync('wxfile://usr/a.txt');
  fs.accessSync('wxfile://usr');
  assert.deepEqual(fs.statSync('wxfile://usr/a.txt').size, Buffer.byteLength('中文 ok'));

  const err = (fn) => { try { fn(); } catch (e) { return e; } return null; };
  const e1 = err(() => fs.readFileSync('wxfile://usr/none.txt', 'utf8'));
  assert.ok(e1 instanceof Error);
  assert.equal(e1.message, 'readFileSync:fail no such file or directory, open wxfile://usr/none.txt');
  assert.equal(e1.errno, 1300002);
  assert.equal(err(() => fs.accessSync('wxfile://usr/none.txt')).message, 'accessSync:fail no such file or directory, access wxfile://usr/none.txt');
  assert.equal(err(() => fs.writeFileSync('wxfile://tmp_1', 'x')).message, 'writeFileSync:fail permission denied, open wxfile://tmp_1');
  fs.unlinkSync('wxfile://usr/a.txt');
  assert.equal(emu.readFile('wxfile://usr/a.txt'), undefined);
  assert.match(err(() => fs.unlinkSync('wxfile://usr/a.txt')).message, /^unlinkSync:fail no such file/);

  const read = await fs.readFile({ filePath: 'wxfile://usr/b.bin', encoding: 'hex' });
  assert.deepEqual(read, { data: '0102fa', errMsg: 'readFile:ok' });
  await assert.rejects(fs.readFile({ filePath: 'wxfile://usr/zzz' }), (e) => e.errMsg === 'readFile:fail no such file or directory, open wxfile://usr/zzz' && e.errno === 1300002);
  assert.deepEqual(await fs.getFileInfo({ filePath: 'wxfile://usr/b.bin' }), { size: 3, errMsg: 'getFileInfo:ok' });
  await new Promise((resolve) => fs.writeFile({ filePath: 'wxfile://usr/d.txt', data: 'd', success: resolve }));
  assert.equal(emu.readFile('wxfile://usr/d.txt', 'utf8'), 'd');
});

test('emu.writeFile(data) makes a temp file; files: otherEmu.files shares the file system', () => {
  const { emu } = manual();
  const p = emu.writeFile('abc');
  assert.match(p, /^wxfile:\/\/tmp_\d+$/);
  assert.equal(emu.readFile(p, 'utf8'), 'abc');
  const again = manual({ wx: { files: emu.files } });
  assert.equal(again.wx.getFileSystemManager().readFileSync(p, 'utf8'), 'abc');
  assert.notEqual(again.emu.writeFile('x'), p); // a fresh temp path never overwrites a kept file
});

// ---- over real loopback HTTP --------------------------------------------------------------

test('http: uploadFile sends a real multipart body (binary bytes intact); progress follows the socket', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const token = await loginToken(e.wx, e.url);
  const content = new Uint8Array(3000).map((_, i) => (i * 13) & 255);
  content.set(Buffer.from('\r\n--'), 10);
  const filePath = e.emu.writeFile('wxfile://tmp_clip.mp4', content);
  const r = await run(e.wx, 'uploadFile', { url: e.url + '/api/upload', filePath, name: 'video', formData: { title: '标题' }, header: { Authorization: token } });
  assert.equal(r.ok, true, JSON.stringify(r.err));
  assert.equal(typeof r.res.data, 'string');
  assert.deepEqual(JSON.parse(r.res.data).data, { name: 'video', size: 3000, fileName: 'tmp_clip.mp4', contentType: 'video/mp4', formData: { title: '标题' }, userId: 'user-1' });
  assert.deepEqual(Buffer.from(e.backend.uploads[0].bytes), Buffer.from(content));
  const prog = only(r.events, 'progress');
  assert.deepEqual(prog.map((x) => x.progress), [25, 50, 75, 100]);
  assert.equal(prog[3].totalBytesSent, prog[3].totalBytesExpectedToSend);
  assert.ok(r.events.findIndex((x) => x.type === 'progress' && x.progress === 100) < r.events.findIndex((x) => x.type === 'success'));
  assert.equal(only(r.events, 'headers')[0].statusCode, 200);
});

test('http: uploadFile failures: missing file, unreachable host, expired token is a success', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const filePath = e.emu.writeFile('x');
  assert.deepEqual((await run(e.wx, 'uploadFile', { url: e.url + '/api/upload', filePath: 'wxfile://nope', name: 'f' })).err,
    { errMsg: 'uploadFile:fail file not found', errno: 1300002 });
  assert.equal((await run(e.wx, 'uploadFile', { url: 'https://api.example.com/upload', filePath, name: 'f' })).err.errMsg, 'uploadFile:fail url not in domain list');
  const expired = await run(e.wx, 'uploadFile', { url: e.url + '/api/upload', filePath, name: 'f', header: { Authorization: 'stale' } });
  assert.equal(JSON.parse(expired.res.data).code, 99997);
});

test('http: downloadFile writes the real bytes (64 KB), to a temp file or filePath', async (t) => {
  const e = await startEmulator();
  t.after(() => e.close());
  const token = await loginToken(e.wx, e.url);
  const r = await run(e.wx, 'downloadFile', { url: e.url + '/api/files/big.bin?size=65536', header: { Authorization: token } });
  assert.equal(r.ok, true, JSON.stringify(r.err));
  assert.match(r.res.tempFilePath, /^wxfile:\/\/tmp_\d+\.bin$/); // octet-stream: the extension comes from the URL
  assert.equal(r.res.header['Content-Length'], '65536');
  assert.deepEqual(Buffer.from(e.emu.files[r.res.tempFilePath]), Buffer.from(fileBytes('big.bin', 65536)));
  assert.deepEqual(only(r.events, 'progress').map((x) => x.progress), [25, 50, 75, 100]);
  const f = await run(e.wx, 'downloadFile', { url: e.url + '/public/files/a.png?size=5', filePath: 'wxfile://usr/a.png' });
  assert.equal(f.res.filePath, 'wxfile://usr/a.png');
  assert.deepEqual(Buffer.from(e.wx.getFileSystemManager().readFileSync('wxfile://usr/a.png')), Buffer.from(fileBytes('a.png', 5)));
});

test('http: a streamed download reports progress as each flush arrives (manual clock on the server)', async (t) => {
  const clock = createManualClock();
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  const p = run(e.wx, 'downloadFile', { url: e.url + '/public/files/v.mp4?size=4000&chunks=4&every=100' });
  const progress = () => only(p.events, 'progress').map((x) => x.progress);
  await until(() => only(p.events, 'headers').length === 1);
  clock.advance(0);
  await until(() => progress().length === 1);
  for (const n of [2, 3, 4]) {
    clock.advance(100);
    await until(() => progress().length === n);
  }
  const r = await p;
  assert.deepEqual(progress(), [25, 50, 75, 100]);
  assert.equal(r.res.statusCode, 200);
  assert.deepEqual(Buffer.from(e.emu.files[r.res.tempFilePath]), Buffer.from(fileBytes('v.mp4', 4000)));
});

test('http: abort and timeout of a download in flight', async (t) => {
  const clock = createManualClock();
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  e.backend.control.setLatency('/public/files', 10000);
  const a = run(e.wx, 'downloadFile', { url: e.url + '/public/files/x.png' });
  await until(() => e.backend.stats.inFlight === 1);
  a.task.abort();
  assert.deepEqual((await a).err, { errMsg: 'downloadFile:fail abort', errno: 1 });
  const to = run(e.wx, 'downloadFile', { url: e.url + '/public/files/x.png', timeout: 300 });
  await until(() => e.backend.stats.inFlight === 2);
  clock.advance(300);
  assert.deepEqual((await to).err, { errMsg: 'downloadFile:fail timeout', errno: 5 });
  clock.runAll();
  assert.equal(e.emu.inFlight, 0);
});
