'use strict';
// emulator/wx.js and emulator/backend.js must run under JavaScriptCore without JIT, without
// require, TextEncoder/TextDecoder or queueMicrotask (WeChat iOS). Skipped when jsc is absent.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');
const JSC = ['/usr/bin/jsc', '/usr/local/bin/jsc'].find((p) => fs.existsSync(p)) || null;

const script = `
load(${JSON.stringify(path.join(root, 'emulator/backend.js'))});
load(${JSON.stringify(path.join(root, 'emulator/wx.js'))});
var out = [];
function check(name, cond) { out.push((cond ? 'ok ' : 'FAIL ') + name); }
check('no TextEncoder', typeof TextEncoder === 'undefined');
check('no queueMicrotask', typeof queueMicrotask === 'undefined');
check('no require', typeof require === 'undefined');
check('globals', typeof WxhttpBackend.createBackend === 'function' && typeof WxhttpEmulator.createWx === 'function');
var clock = WxhttpEmulator.createManualClock(0);
var backend = WxhttpBackend.createBackend({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
var wx = WxhttpEmulator.createWx({ backend: backend, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
check('default transport is inprocess', wx.__emu.transport === 'inprocess');
wx.setStorageSync('k', { a: '中文' });
check('storage', wx.getStorageSync('k').a === '中文' && wx.getStorageSync('x') === '');
try { wx.setStorageSync('big', new Array(1024 * 1024).join('x')); check('1MB throws', false); }
catch (e) { check('1MB throws', /^setStorageSync:fail exceed storage item max length/.test(e.message)); }
wx.login({ success: function (r) {
  wx.request({ url: 'https://api.example.com/auth/login', method: 'POST', data: { code: r.code, previousToken: null }, success: function (res) {
    var token = res.data.data.token;
    wx.request({ url: 'https://api.example.com/api/list', data: { page: 2 }, header: { Authorization: token }, success: function (res2) {
      check('api', res2.statusCode === 200 && res2.data.data.userId === 'user-1' && res2.data.data.query.page === '2');
      backend.control.setLatency(1000);
      var t = wx.request({ url: 'https://api.example.com/status/503', timeout: 500, fail: function (e) {
        check('timeout', e.errMsg === 'request:fail timeout' && e.errno === 5 && !(e instanceof Error));
        wx.request({ url: 'https://api.example.com/status/503', success: function (r3) {
          check('503 is success', r3.statusCode === 503 && r3.data.code === 503);
          print(out.join('\\n'));
          print('DONE');
        } });
        clock.advance(1000);
      } });
      clock.advance(500);
    } });
  } });
} });
`;

test('emulator/backend.js and emulator/wx.js run under JavaScriptCore without JIT', { skip: JSC ? false : 'jsc not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxemu-jsc-'));
  const file = path.join(dir, 'run.js');
  fs.writeFileSync(file, script);
  try {
    const stdout = execFileSync(JSC, ['--useJIT=false', file], { encoding: 'utf8', timeout: 60000 });
    const lines = stdout.trim().split('\n');
    assert.equal(lines[lines.length - 1], 'DONE', stdout);
    const failed = lines.filter((l) => l.startsWith('FAIL'));
    assert.deepEqual(failed, []);
    assert.ok(lines.filter((l) => l.startsWith('ok ')).length >= 9, stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('emulator scripts use no syntax or globals forbidden under WeChat', () => {
  for (const f of ['emulator/wx.js', 'emulator/backend.js']) {
    const src = fs.readFileSync(path.join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const bad of [/\bTextEncoder\b/, /\bTextDecoder\b/, /\bqueueMicrotask\b/, /\bfetch\(/, /\bnew URL\b/, /\beval\(/, /new Function\b/, /\?\./, /\.\.\.\w/, /\bAbortController\b/]) {
      assert.ok(!bad.test(src), f + ' uses ' + bad);
    }
  }
});
