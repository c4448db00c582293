'use strict'
// The numbers of src/protocol.rs, for the driver: op codes of the commands the core returns,
// reasons of its rejections, and the flags of the events. Checked against the Rust side by
// tests/core/protocol.rs.

module.exports = {
  op: {
    NONE: 0, SEND: 1, CHECK_SESSION: 2, WX_LOGIN: 3, LOGIN_SEND: 4, LOGIN_CALL: 5, LOGIN_FAILED: 6,
    SAVE_TOKEN: 7, DROP_TOKEN: 8, DROP_CACHE: 9, IDENTITY: 10, RESOLVE: 11, REJECT: 12, ABORT: 13,
    TIMER: 14, CACHE_READ: 15, CACHE_WRITE: 16, CODE_FETCH: 17, CODE_GIVE: 18, CODE_DROP: 19,
  },
  reason: {
    NETWORK: 1, TIMEOUT: 2, TIMEOUT_LOGIN: 3, TIMEOUT_HIDDEN: 4, HTTP: 5, AUTH: 6, LOGIN_FAILED: 7,
    LOGIN_LIMIT: 8, LOGGED_OUT: 9, ABORTED: 10, WX_ABORTED: 11, CODE_FAILED: 12, OVERLOAD: 13, OFFLINE: 14,
    TIMEOUT_OFFLINE: 15,
  },
  flag: { AUTH: 16, CACHE: 32, LOGIN: 64, NO_RETRY: 128, OFFLINE_FAIL: 256, COMMITTED: 512 },
  answer: { VALID: 1, EXPIRED: 2 },
  failure: { NETWORK: 0, TIMEOUT: 1, ABORTED: 2, INTERRUPTED: 3 },
  user: { SAME: 0, OTHER: 1, NONE: 2 },
  method: { GET: 0, HEAD: 1, OPTIONS: 2, POST: 3, PUT: 4, PATCH: 5, DELETE: 6, TRACE: 7, CONNECT: 8 },
  NIL: 4294967295,
}
