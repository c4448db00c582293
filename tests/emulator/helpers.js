'use strict';
// Shared helpers of the emulator tests (not a test file: node --test runs *.test.js only).
const { createBackend, createWx, createManualClock, startEmulator } = require('../../emulator');

/**
 * Calls wx.request and resolves once success or fail has run, with the outcome and the number of
 * success / fail / complete calls seen so far (`counts` keeps updating afterwards).
 */
function call(wx, opts) {
  let task;
  const counts = { success: 0, fail: 0, complete: 0 };
  const order = [];
  const p = new Promise((resolve) => {
    task = wx.request(Object.assign({}, opts, {
      success(res) { counts.success++; order.push('success'); resolve({ ok: true, res, counts, order }); },
      fail(err) { counts.fail++; order.push('fail'); resolve({ ok: false, err, counts, order }); },
      complete() { counts.complete++; order.push('complete'); },
    }));
  });
  p.task = task;
  return p;
}

/** One macrotask turn: every pending promise callback has run. */
function tick() { return new Promise((r) => setImmediate(r)); }

/** Waits until cond() holds, checking once per macrotask turn (no sleeps); fails after `turns` turns. */
async function until(cond, turns = 100000) {
  for (let i = 0; i < turns; i++) { if (cond()) return; await tick(); }
  throw new Error('condition never held');
}

/** A backend + wx pair with a manual clock, in process (fully deterministic). */
function manual(opts = {}) {
  const clock = createManualClock(1700000000000);
  const backend = createBackend(Object.assign({ now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, opts.backend));
  const wx = createWx(Object.assign({ backend, transport: 'inprocess', now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, opts.wx));
  return { clock, backend, wx, emu: wx.__emu };
}

async function loginToken(wx, base = 'http://127.0.0.1') {
  const { code } = await wx.login();
  const r = await call(wx, { url: base + '/auth/login', method: 'POST', data: { code, previousToken: null } });
  return r.res.data.data.token;
}

/**
 * Starts wx[api] (request / uploadFile / downloadFile) and records everything it reports, in order:
 * { type: 'headers' | 'chunk' | 'progress' | 'success' | 'fail' | 'complete', at (clock time), ... }.
 * Resolves once success or fail has run with { ok, res | err, events }; `p.task` and `p.events` are there at once.
 */
function run(wx, api, opts, clock) {
  const events = [];
  const at = () => (clock ? clock.now() : undefined);
  let task;
  const p = new Promise((resolve) => {
    task = wx[api](Object.assign({}, opts, {
      success(res) { events.push({ type: 'success', at: at() }); resolve({ ok: true, res, events }); },
      fail(err) { events.push({ type: 'fail', at: at() }); resolve({ ok: false, err, events }); },
      complete() { events.push({ type: 'complete', at: at() }); },
    }));
  });
  if (task.onHeadersReceived) task.onHeadersReceived((h) => events.push(Object.assign({ type: 'headers', at: at() }, h)));
  if (task.onChunkReceived) task.onChunkReceived((c) => events.push({ type: 'chunk', at: at(), data: c.data }));
  if (task.onProgressUpdate) task.onProgressUpdate((e) => events.push(Object.assign({ type: 'progress', at: at() }, e)));
  p.task = task;
  p.events = events;
  return p;
}

/** The events of one type. */
const only = (events, type) => events.filter((e) => e.type === type);

/** Text of the chunks received (UTF-8 across chunk boundaries), and each chunk's bytes. */
const chunkText = (events) => Buffer.concat(only(events, 'chunk').map((c) => Buffer.from(c.data))).toString('utf8');

module.exports = { call, run, only, chunkText, tick, until, manual, loginToken, createBackend, createWx, createManualClock, startEmulator };
