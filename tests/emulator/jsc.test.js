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

// Uploads, downloads, the file system, a chunked SSE stream and the network status, under JavaScriptCore:
// no Buffer, TextEncoder or TextDecoder anywhere in the path.
const filesScript = `
load(${JSON.stringify(path.join(root, 'emulator/backend.js'))});
load(${JSON.stringify(path.join(root, 'emulator/wx.js'))});
var out = [];
function check(name, cond) { out.push((cond ? 'ok ' : 'FAIL ') + name); }
check('no Buffer', typeof Buffer === 'undefined' && typeof TextDecoder === 'undefined');
var B = WxhttpBackend;
var clock = WxhttpEmulator.createManualClock(0);
var backend = B.createBackend({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
var wx = WxhttpEmulator.createWx({ backend: backend, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
var emu = wx.__emu;
var fs = wx.getFileSystemManager();
var base = 'https://api.example.com';
function step(fn) { Promise.resolve().then(function () {}).then(fn); }
wx.login({ success: function (l) {
  wx.request({ url: base + '/auth/login', method: 'POST', data: { code: l.code }, success: function (res) {
    var auth = { Authorization: res.data.data.token };
    var filePath = emu.writeFile('wxfile://tmp_a.png', 'PNG中文');
    var prog = [];
    backend.control.setLatency('/api/upload', 400);
    var up = wx.uploadFile({ url: base + '/api/upload', filePath: filePath, name: 'file', formData: { k: 'v' }, header: auth, success: function (r) {
      var d = JSON.parse(r.data).data;
      check('upload', r.errMsg === 'uploadFile:ok' && d.size === 9 && d.fileName === 'tmp_a.png' && d.formData.k === 'v');
      check('upload progress', prog.join(',') === '25@100,50@200,75@300,100@400');
      check('upload bytes', B.utf8Decode(backend.uploads[0].bytes) === 'PNG中文');
      wx.downloadFile({ url: base + '/api/files/a.png?size=300', header: auth, success: function (r2) {
        var ab = fs.readFileSync(r2.tempFilePath);
        check('download', /^wxfile:\\/\\/tmp_\\d+\\.png$/.test(r2.tempFilePath) && ab.byteLength === 300 && new Uint8Array(ab)[1] === B.fileBytes('a.png', 300)[1]);
        fs.writeFileSync('wxfile://usr/t.txt', '5oiR', 'base64');
        check('fs encodings', fs.readFileSync('wxfile://usr/t.txt', 'utf8') === '我' && fs.readFileSync('wxfile://usr/t.txt', 'hex') === 'e68891');
        try { fs.readFileSync('wxfile://usr/none'); check('fs error', false); }
        catch (e) { check('fs error', e.errno === 1300002 && /^readFileSync:fail no such file or directory/.test(e.message)); }
        var chunks = [];
        var t = wx.request({ url: base + '/api/sse?n=2&every=10', enableChunked: true, header: auth, success: function (r3) {
          var all = [];
          for (var i = 0; i < chunks.length; i++) for (var j = 0; j < chunks[i].length; j++) all.push(chunks[i][j]);
          var want = [];
          B.sseFlushes(2).forEach(function (f) { for (var k = 0; k < f.length; k++) want.push(f[k]); });
          check('sse chunks', chunks.length === 5 && all.join() === want.join() && r3.data === '' && r3.statusCode === 200);
          check('sse split', chunks[1][chunks[1].length - 1] === 0xe4 && chunks[2][0] === 0xb8);
          check('sse text', B.utf8Decode(B.toBytes(all)).indexOf('data: 中文 1\\ndata: line 2 of 1') > 0);
          var heard = null;
          wx.onNetworkStatusChange(function (s) { heard = s; });
          emu.setNetwork('none');
          wx.request({ url: base + '/public/a', fail: function (e) {
            check('offline', e.errMsg === 'request:fail net::ERR_INTERNET_DISCONNECTED' && e.errno === 600001);
            check('status event', heard && heard.isConnected === false && heard.networkType === 'none');
            wx.getNetworkType({ success: function (n) {
              check('getNetworkType', n.networkType === 'none');
              print(out.join('\\n'));
              print('DONE');
            } });
          } });
        } });
        t.onChunkReceived(function (c) { chunks.push(new Uint8Array(c.data)); });
        t.onHeadersReceived(function () { step(function () { clock.advance(100); }); });
      } });
    } });
    up.onProgressUpdate(function (e) { prog.push(e.progress + '@' + clock.now()); });
    step(function () { clock.advance(400); });
  } });
} });
`;

test('uploads, downloads, fs, an SSE stream and the network status under JavaScriptCore', { skip: JSC ? false : 'jsc not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxemu-jsc-'));
  const file = path.join(dir, 'files.js');
  fs.writeFileSync(file, filesScript);
  try {
    const stdout = execFileSync(JSC, ['--useJIT=false', file], { encoding: 'utf8', timeout: 60000 });
    const lines = stdout.trim().split('\n');
    assert.equal(lines[lines.length - 1], 'DONE', stdout);
    assert.deepEqual(lines.filter((l) => l.startsWith('FAIL')), []);
    assert.equal(lines.filter((l) => l.startsWith('ok ')).length, 13, stdout);
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
