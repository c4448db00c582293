'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { call, tick, manual, createWx, createBackend } = require('./helpers');

const MB = 1024 * 1024;
/** A string whose JSON size is exactly n bytes. */
const jsonOfSize = (n) => 'x'.repeat(n - 2);

// ---- login / checkSession -----------------------------------------------------------------

test('wx.login gives a backend code; the code is single use', async () => {
  const { wx, backend, emu } = manual();
  const res = await new Promise((resolve, reject) => wx.login({ success: resolve, fail: reject }));
  assert.equal(res.errMsg, 'login:ok');
  assert.equal(typeof res.code, 'string');
  const send = () => call(wx, { url: 'https://x.test/auth/login', method: 'POST', data: { code: res.code, previousToken: null } });
  assert.equal((await send()).res.data.code, 10000);
  assert.deepEqual((await send()).res.data, { code: 40029, message: 'invalid code' });
  assert.equal(emu.logins, 1);
  assert.equal(emu.loginCalls, 1);
  assert.equal(backend.stats.logins, 1);
});

test('a wx.login code expires after 5 minutes (manual clock)', async () => {
  const { wx, clock } = manual();
  const { code } = await wx.login();
  clock.advance(5 * 60 * 1000);
  const r = await call(wx, { url: 'https://x.test/auth/login', method: 'POST', data: { code } });
  assert.equal(r.res.data.code, 40029);
});

test('failNextLogins(n): wx.login calls fail with a plain login:fail object, complete runs', async () => {
  const { wx, emu } = manual();
  emu.failNextLogins(2);
  for (let i = 0; i < 2; i++) {
    const seen = [];
    const err = await new Promise((resolve) => wx.login({
      success: () => seen.push('success'),
      fail: (e) => { seen.push('fail'); resolve(e); },
      complete: () => seen.push('complete'),
    }));
    await tick();
    assert.ok(!(err instanceof Error));
    assert.match(err.errMsg, /^login:fail/);
    assert.deepEqual(seen, ['fail', 'complete']);
  }
  const ok = await wx.login();
  assert.equal(ok.errMsg, 'login:ok');
  assert.equal(emu.loginCalls, 3);
  assert.equal(emu.logins, 1);
});

test('wx.login without callbacks returns a promise (rejecting on failure)', async () => {
  const { wx, emu } = manual();
  emu.failNextLogins(1);
  await assert.rejects(wx.login(), (e) => /^login:fail/.test(e.errMsg));
  assert.equal((await wx.login()).errMsg, 'login:ok');
  assert.equal(wx.login({ success() {} }), undefined);
});

test('wx.login works without a backend (local codes)', async () => {
  const wx = createWx({ transport: () => ({ status: 200, body: '' }) });
  const a = await wx.login();
  const b = await wx.login();
  assert.notEqual(a.code, b.code);
});

test('loginDelay makes wx.login take time on the injected clock', async () => {
  const { wx, clock } = manual({ wx: { loginDelay: 300 } });
  let got = null;
  wx.login({ success: (r) => { got = r; } });
  await tick();
  assert.equal(got, null);
  clock.advance(300);
  await tick();
  assert.equal(got.errMsg, 'login:ok');
});

test('checkSession succeeds until expireSession(); a later login renews it', async () => {
  const { wx, emu } = manual();
  const check = () => new Promise((resolve) => wx.checkSession({ success: (r) => resolve(r), fail: (e) => resolve(e) }));
  assert.equal((await check()).errMsg, 'checkSession:ok');
  emu.expireSession();
  const f = await check();
  assert.match(f.errMsg, /^checkSession:fail/);
  await wx.login();
  assert.equal((await check()).errMsg, 'checkSession:ok');
  assert.equal(emu.checkSessionCalls, 3);
});

// ---- storage ------------------------------------------------------------------------------

test('storage: missing key reads as empty string; values are deep copies', () => {
  const { wx } = manual();
  assert.equal(wx.getStorageSync('nope'), '');
  const obj = { a: { b: [1, 2] }, s: '中文', f: () => 1, u: undefined };
  wx.setStorageSync('k', obj);
  obj.a.b.push(3);
  const read = wx.getStorageSync('k');
  assert.deepEqual(read, { a: { b: [1, 2] }, s: '中文' });
  read.a.b.push(9);
  assert.deepEqual(wx.getStorageSync('k').a.b, [1, 2]);
  for (const v of ['str', 0, 42.5, true, false, null, [1, 'a'], '']) {
    wx.setStorageSync('v', v);
    assert.deepEqual(wx.getStorageSync('v'), v);
  }
  const d = new Date(1700000000000);
  wx.setStorageSync('d', d);
  const rd = wx.getStorageSync('d');
  assert.ok(rd instanceof Date);
  assert.equal(rd.getTime(), d.getTime());
  assert.notEqual(rd, d);
});

test('storage: remove, clear, info (KB, limit 10240)', () => {
  const { wx, emu } = manual();
  wx.setStorageSync('a', 'x'.repeat(3000));
  wx.setStorageSync('b', 1);
  wx.setStorageSync('a', 'y');
  let info = wx.getStorageInfoSync();
  assert.deepEqual(info.keys, ['a', 'b']);
  assert.equal(info.limitSize, 10240);
  assert.equal(typeof info.currentSize, 'number');
  assert.ok(info.currentSize >= 0 && info.currentSize <= 1);
  wx.setStorageSync('big', jsonOfSize(100 * 1024));
  assert.ok(wx.getStorageInfoSync().currentSize >= 100);
  wx.removeStorageSync('a');
  wx.removeStorageSync('never-there');
  assert.deepEqual(wx.getStorageInfoSync().keys, ['b', 'big']);
  wx.clearStorageSync();
  info = wx.getStorageInfoSync();
  assert.deepEqual(info.keys, []);
  assert.equal(info.currentSize, 0);
  assert.ok(emu.storageWrites >= 6);
});

test('storage: a key over 1 MB throws setStorageSync:fail and keeps the old value', () => {
  const { wx } = manual();
  wx.setStorageSync('k', 'old');
  wx.setStorageSync('exact', jsonOfSize(MB)); // exactly 1 MB of JSON is allowed
  assert.throws(() => wx.setStorageSync('k', jsonOfSize(MB + 1)), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /^setStorageSync:fail/);
    assert.match(e.message, /exceed storage item max length/);
    return true;
  });
  assert.equal(wx.getStorageSync('k'), 'old');
  assert.throws(() => wx.setStorageSync('new', { big: jsonOfSize(MB) }), /exceed storage item max length/);
  assert.equal(wx.getStorageSync('new'), '');
  assert.deepEqual(wx.getStorageInfoSync().keys, ['k', 'exact']);
});

test('storage: more than 10 MB in total throws and keeps the old value', () => {
  const { wx } = manual();
  for (let i = 0; i < 9; i++) wx.setStorageSync('k' + i, jsonOfSize(MB));
  wx.setStorageSync('last', 'old');
  assert.throws(() => wx.setStorageSync('last', jsonOfSize(MB)), (e) => e instanceof Error && /^setStorageSync:fail.*exceed storage max size/.test(e.message));
  assert.equal(wx.getStorageSync('last'), 'old');
  // overwriting an existing key with a value of the same size is fine
  wx.setStorageSync('k0', jsonOfSize(MB));
  // after freeing room it fits
  wx.removeStorageSync('k1');
  wx.setStorageSync('last', jsonOfSize(MB));
  assert.equal(wx.getStorageSync('last').length, MB - 2);
  assert.ok(wx.getStorageInfoSync().currentSize <= 10240);
});

test('storage: custom limits for fast tests', () => {
  const { wx } = manual({ wx: { storageLimits: { itemBytes: 100, totalBytes: 250 } } });
  assert.throws(() => wx.setStorageSync('a', jsonOfSize(101)), /item max length/);
  wx.setStorageSync('a', jsonOfSize(100));
  wx.setStorageSync('b', jsonOfSize(100));
  assert.throws(() => wx.setStorageSync('c', jsonOfSize(100)), /max size/);
});

test('storage: a non-string key throws', () => {
  const { wx } = manual();
  assert.throws(() => wx.setStorageSync(1, 'x'), /^Error: setStorageSync:fail parameter error/);
});

test('storage async API: success / fail / complete and promise form', async () => {
  const { wx } = manual({ wx: { storageLimits: { itemBytes: 10 } } });
  const cb = (fn, opts) => new Promise((resolve) => {
    const seen = [];
    fn(Object.assign({}, opts, {
      success: (r) => { seen.push('success'); resolve({ ok: true, r, seen }); },
      fail: (r) => { seen.push('fail'); resolve({ ok: false, r, seen }); },
      complete: () => seen.push('complete'),
    }));
  });
  const s = await cb(wx.setStorage, { key: 'k', data: { a: 1 } });
  assert.deepEqual(s.r, { errMsg: 'setStorage:ok' });
  const g = await cb(wx.getStorage, { key: 'k' });
  assert.deepEqual(g.r, { data: { a: 1 }, errMsg: 'getStorage:ok' });
  const m = await cb(wx.getStorage, { key: 'missing' });
  assert.equal(m.ok, false);
  assert.equal(m.r.errMsg, 'getStorage:fail data not found');
  const big = await cb(wx.setStorage, { key: 'k', data: 'x'.repeat(20) });
  assert.equal(big.ok, false);
  assert.match(big.r.errMsg, /^setStorage:fail exceed storage item max length/);
  assert.deepEqual(wx.getStorageSync('k'), { a: 1 });
  await tick();
  assert.deepEqual(big.seen, ['fail', 'complete']);
  const info = await wx.getStorageInfo();
  assert.deepEqual(info.keys, ['k']);
  assert.equal(info.errMsg, 'getStorageInfo:ok');
  await wx.removeStorage({ key: 'k' });
  await assert.rejects(wx.getStorage({ key: 'k' }), (e) => e.errMsg === 'getStorage:fail data not found');
  await wx.setStorage({ key: 'z', data: 1 });
  await wx.clearStorage();
  assert.deepEqual(wx.getStorageInfoSync().keys, []);
});

test('storage: injected write failures; sharing storage between launches', () => {
  const { wx, emu } = manual();
  wx.setStorageSync('token', 't1');
  emu.failNextStorageWrites(1);
  assert.throws(() => wx.setStorageSync('token', 't2'), (e) => e instanceof Error && /^setStorageSync:fail/.test(e.message));
  assert.equal(wx.getStorageSync('token'), 't1');
  const relaunched = createWx({ transport: 'inprocess', backend: createBackend(), storage: emu.storage });
  assert.equal(relaunched.getStorageSync('token'), 't1');
});

// ---- app show / hide and the background interrupt -----------------------------------------

test('onAppHide / onAppShow fire on hide() / show(); off removes', () => {
  const { wx, emu } = manual();
  const seen = [];
  const onShow = (r) => seen.push(['show', typeof r]);
  const onHide = () => seen.push(['hide']);
  wx.onAppShow(onShow);
  wx.onAppHide(onHide);
  assert.equal(emu.hidden, false);
  emu.hide();
  assert.equal(emu.hidden, true);
  emu.show();
  assert.equal(emu.hidden, false);
  wx.offAppShow(onShow);
  wx.offAppHide(onHide);
  emu.hide();
  emu.show();
  assert.deepEqual(seen, [['hide'], ['show', 'object']]);
});

test('background for 5 s interrupts in-flight requests (manual timers)', async () => {
  const { wx, backend, clock, emu } = manual();
  backend.control.setLatency(60000);
  const p = call(wx, { url: 'https://x.test/public/a', timeout: 120000 });
  emu.hide();
  clock.advance(4999);
  await tick();
  assert.equal(emu.inFlight, 1);
  clock.advance(1);
  const r = await p;
  assert.equal(r.ok, false);
  assert.equal(r.err.errMsg, 'request:fail interrupted');
  assert.equal(typeof r.err.errno, 'number');
  await tick();
  assert.deepEqual(r.counts, { success: 0, fail: 1, complete: 1 });
  // still in the background: a new request is interrupted as well
  const late = await call(wx, { url: 'https://x.test/public/b' });
  assert.equal(late.err.errMsg, 'request:fail interrupted');
  // back in the foreground, requests work again
  emu.show();
  backend.control.setLatency(0);
  assert.equal((await call(wx, { url: 'https://x.test/public/c' })).ok, true);
});

test('coming back before 5 s: nothing is interrupted', async () => {
  const { wx, backend, clock, emu } = manual();
  backend.control.setLatency(10000);
  const p = call(wx, { url: 'https://x.test/public/a' });
  emu.hide();
  clock.advance(4000);
  emu.show();
  clock.advance(6000);
  const r = await p;
  assert.equal(r.ok, true);
});

test('a request started in the background is interrupted when the 5 s run out', async () => {
  const { wx, backend, clock, emu } = manual();
  backend.control.setLatency(10000);
  emu.hide();
  clock.advance(3000);
  const p = call(wx, { url: 'https://x.test/public/a' });
  clock.advance(2000);
  assert.equal((await p).err.errMsg, 'request:fail interrupted');
});

test('navigateTo is recorded', async () => {
  const { wx, emu } = manual();
  await new Promise((resolve) => wx.navigateTo({ url: '/pages/login/login', success: resolve }));
  assert.deepEqual(emu.navigations, [{ url: '/pages/login/login' }]);
});

test('async storage with a bad key fails with one getStorage:fail prefix', async () => {
  const { wx } = manual();
  await assert.rejects(wx.getStorage({ key: 5 }), (e) => /^getStorage:fail parameter error/.test(e.errMsg));
});
