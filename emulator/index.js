'use strict';
/*
 * Node entry of the wxhttp emulator: the reference backend, the `wx` emulator and a one-call
 * start over real loopback HTTP.
 */
const {
  createBackend, parseQuery, splitPath, decodeBody, getHeader, utf8Encode, utf8Decode, buildMultipart, parseMultipart,
  fileBytes, chunkText, sseFlushes, mimeOf,
} = require('./backend.js');
const { createWx, createManualClock, parseUrl, utf8Length, ERRNO } = require('./wx.js');

/**
 * startEmulator(options?) -> Promise<{ wx, emu, backend, url, close() }>
 *   options.backend: an existing backend (else one is created from options.backendOptions)
 *   options.port: port to listen on (default random)
 *   options.hosts: ['api.example.com', ...] hosts served by this backend (or a createWx hosts map)
 *   every other option is passed to createWx (transport defaults to 'http').
 */
async function startEmulator(options) {
  options = options || {};
  const backend = options.backend || createBackend(options.backendOptions || {
    now: options.now, setTimeout: options.setTimeout, clearTimeout: options.clearTimeout,
  });
  const server = await backend.listen(options.port || 0);
  const wxOptions = Object.assign({}, options, { backend, transport: options.transport || 'http' });
  if (Array.isArray(options.hosts)) {
    // startEmulator({ hosts: ['api.example.com'] }): those hosts reach this backend.
    wxOptions.hosts = {};
    for (const h of options.hosts) wxOptions.hosts[h] = server.url;
  }
  delete wxOptions.backendOptions;
  delete wxOptions.port;
  const wx = createWx(wxOptions);
  return { wx, emu: wx.__emu, backend, url: server.url, port: server.port, close: () => server.close() };
}

module.exports = {
  createBackend, createWx, startEmulator, createManualClock,
  parseQuery, splitPath, decodeBody, getHeader, parseUrl, utf8Length, ERRNO,
  utf8Encode, utf8Decode, buildMultipart, parseMultipart, fileBytes, chunkText, sseFlushes, mimeOf,
};
