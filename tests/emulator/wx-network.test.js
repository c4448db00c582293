'use strict';
// wx.getNetworkType, wx.onNetworkStatusChange / offNetworkStatusChange, emu.setNetwork and what WeChat
// does offline; the one concurrency limit shared by request, uploadFile and downloadFile; the background
// interrupt and dropConnections for uploads and downloads.
const test = require('node:test');
const assert = require('node:assert/strict');
const { run, only, tick, until, manual, loginToken, startEmulator, createManualClock } = require('./helpers');

const API = 'https://x.test';
const OFFLINE = (api) => ({ errMsg: api + ':fail net::ERR_INTERNET_DISCONNECTED', errno: 600001 });

test('getNetworkType: wifi by default, the createWx networkType option, callback and promise forms', async () => {
  const { wx } = manual();
  const res = await new Promise((resolve) => wx.getNetworkType({ success: resolve }));
  assert.equal(res.networkType, 'wifi');
  assert.equal(res.errMsg, 'getNetworkType:ok');
  assert.equal(res.hasSystemProxy, false);
  assert.equal(typeof res.signalStrength, 'number');
  const other = manual({ wx: { networkType: '4g' } });
  assert.equal((await other.wx.getNetworkType()).networkType, '4g');
  other.emu.setNetwork('none');
  assert.equal((await other.wx.getNetworkType()).networkType, 'none');
  assert.equal(other.emu.isConnected, false);
});

test('onNetworkStatusChange: { isConnected, networkType } on each change (asynchronously), none for the same type; off', async () => {
  const { wx, emu } = manual();
  const seen = [];
  const a = (r) => seen.push(['a', r]);
  const b = (r) => seen.push(['b', r]);
  wx.onNetworkStatusChange(a);
  wx.onNetworkStatusChange(b);
  emu.setNetwork('4g');
  assert.equal(seen.length, 0, 'listeners run after the call returns');
  await tick();
  assert.deepEqual(seen, [['a', { isConnected: true, networkType: '4g' }], ['b', { isConnected: true, networkType: '4g' }]]);
  emu.setNetwork('4g');
  await tick();
  assert.equal(seen.length, 2);
  wx.offNetworkStatusChange(a);
  emu.setNetwork('none');
  await tick();
  assert.deepEqual(seen[2], ['b', { isConnected: false, networkType: 'none' }]);
  wx.offNetworkStatusChange();
  emu.setNetwork('wifi');
  await tick();
  assert.equal(seen.length, 3);
});

test('offline: request, uploadFile and downloadFile fail at once like WeChat (errMsg, errno); nothing reaches the backend', async () => {
  const { wx, emu, backend } = manual();
  const filePath = emu.writeFile('x');
  emu.setNetwork('none');
  const before = backend.stats.requests;
  const r = await run(wx, 'request', { url: API + '/public/a' });
  const u = await run(wx, 'uploadFile', { url: API + '/public/upload', filePath, name: 'f' });
  const d = await run(wx, 'downloadFile', { url: API + '/public/files/a.png' });
  assert.deepEqual(r.err, OFFLINE('request'));
  assert.deepEqual(u.err, OFFLINE('uploadFile'));
  assert.deepEqual(d.err, OFFLINE('downloadFile'));
  for (const x of [r, u, d]) {
    assert.equal(Object.getPrototypeOf(x.err), Object.prototype);
    await tick();
    assert.deepEqual(x.events.map((e) => e.type), ['fail', 'complete']);
  }
  assert.equal(backend.stats.requests, before);
  assert.equal(emu.inFlight, 0);
  emu.setNetwork('wifi');
  assert.equal((await run(wx, 'request', { url: API + '/public/a' })).res.statusCode, 200);
});

test('setNetwork("none") with calls in flight fails them all with the offline error; listeners hear it first', async () => {
  const { wx, emu, backend, clock } = manual();
  const token = await loginToken(wx);
  backend.control.setLatency(1000);
  const order = [];
  wx.onNetworkStatusChange((r) => order.push('status:' + r.networkType));
  const filePath = emu.writeFile('y'.repeat(400));
  const r = run(wx, 'request', { url: API + '/api/slow', header: { Authorization: token } });
  const u = run(wx, 'uploadFile', { url: API + '/api/upload', filePath, name: 'f', header: { Authorization: token } });
  const d = run(wx, 'downloadFile', { url: API + '/api/files/a.png', header: { Authorization: token } });
  for (const [name, p] of [['request', r], ['uploadFile', u], ['downloadFile', d]]) p.then(() => order.push('fail:' + name));
  await clock.advanceAsync(500);
  assert.deepEqual(only(u.events, 'progress').map((e) => e.progress), [25, 50]);
  emu.setNetwork('none');
  assert.equal(emu.inFlight, 0);
  assert.deepEqual((await r).err, OFFLINE('request'));
  assert.deepEqual((await u).err, OFFLINE('uploadFile'));
  assert.deepEqual((await d).err, OFFLINE('downloadFile'));
  assert.deepEqual(order, ['status:none', 'fail:request', 'fail:uploadFile', 'fail:downloadFile']);
  await clock.advanceAsync(2000);
  assert.deepEqual(only((await u).events, 'progress').map((e) => e.progress), [25, 50], 'nothing after the failure');
});

test('maxConcurrent is one limit for request, uploadFile and downloadFile together', async () => {
  const { wx, emu, backend, clock } = manual({ wx: { maxConcurrent: 2 } });
  backend.control.setLatency(100);
  const filePath = emu.writeFile('z');
  const a = run(wx, 'request', { url: API + '/public/a' });
  const u = run(wx, 'uploadFile', { url: API + '/public/upload', filePath, name: 'f' });
  const d = await run(wx, 'downloadFile', { url: API + '/public/files/a.png' });
  assert.deepEqual(d.err, { errMsg: 'downloadFile:fail exceed max task count', errno: 600005 });
  const r = await run(wx, 'request', { url: API + '/public/b' });
  assert.deepEqual(r.err, { errMsg: 'request:fail exceed max task count', errno: 600005 });
  const u2 = await run(wx, 'uploadFile', { url: API + '/public/upload', filePath, name: 'f' });
  assert.deepEqual(u2.err, { errMsg: 'uploadFile:fail exceed max task count', errno: 600005 });
  assert.equal(emu.inFlight, 2);
  await clock.advanceAsync(100);
  assert.equal((await a).ok, true);
  assert.equal((await u).ok, true);
  const d2 = run(wx, 'downloadFile', { url: API + '/public/files/a.png' });
  await clock.advanceAsync(100);
  assert.equal((await d2).ok, true);
  assert.equal(emu.maxInFlight, 2);
  assert.equal(emu.requests, 2);
  assert.equal(emu.uploads, 2);
  assert.equal(emu.downloads, 2);
});

test('5 s in the background interrupts uploads and downloads; dropConnections fails them as network errors', async () => {
  const { wx, emu, backend, clock } = manual();
  backend.control.setLatency(60000);
  const filePath = emu.writeFile('w');
  const u = run(wx, 'uploadFile', { url: API + '/public/upload', filePath, name: 'f' });
  const d = run(wx, 'downloadFile', { url: API + '/public/files/a.png' });
  emu.hide();
  clock.advance(5000);
  assert.deepEqual((await u).err, { errMsg: 'uploadFile:fail interrupted', errno: 600003 });
  assert.deepEqual((await d).err, { errMsg: 'downloadFile:fail interrupted', errno: 600003 });
  emu.show();
  const d2 = run(wx, 'downloadFile', { url: API + '/public/files/a.png' });
  emu.dropConnections('net::ERR_CONNECTION_RESET');
  assert.deepEqual((await d2).err, { errMsg: 'downloadFile:fail net::ERR_CONNECTION_RESET', errno: 600001 });
});

test('http: offline fails new calls without a connection, and in-flight ones (the socket is closed)', async (t) => {
  const clock = createManualClock();
  const e = await startEmulator({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  t.after(() => e.close());
  e.backend.control.setLatency('/public/slow', 10000);
  const changes = [];
  e.wx.onNetworkStatusChange((r) => changes.push(r));
  const slow = run(e.wx, 'request', { url: e.url + '/public/slow' });
  await until(() => e.backend.stats.inFlight === 1);
  e.emu.setNetwork('none');
  assert.deepEqual((await slow).err, OFFLINE('request'));
  const before = e.backend.stats.requests;
  const filePath = e.emu.writeFile('v');
  assert.deepEqual((await run(e.wx, 'uploadFile', { url: e.url + '/public/upload', filePath, name: 'f' })).err, OFFLINE('uploadFile'));
  assert.deepEqual((await run(e.wx, 'downloadFile', { url: e.url + '/public/files/a' })).err, OFFLINE('downloadFile'));
  assert.equal(e.backend.stats.requests, before);
  assert.deepEqual(changes, [{ isConnected: false, networkType: 'none' }]);
  e.emu.setNetwork('wifi');
  clock.runAll();
  const ok = await run(e.wx, 'request', { url: e.url + '/public/a' });
  assert.equal(ok.res.statusCode, 200);
  assert.deepEqual(changes[1], { isConnected: true, networkType: 'wifi' });
});
