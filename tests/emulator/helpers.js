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

module.exports = { call, tick, until, manual, loginToken, createBackend, createWx, createManualClock, startEmulator };
