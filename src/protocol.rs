//! The numbers that cross between the JS driver and the core. Events go in as calls with
//! numeric arguments (ids, flags, statuses, times in ms since the epoch); commands come out one
//! at a time as an op code plus up to four numbers. Strings, bodies, headers, the token and
//! every `wx` object stay in JS: the core only ever sees what it decides on.
//!
//! `js/protocol.js` mirrors these constants; `tests/core/protocol.rs` checks the two agree.

/// Commands: what the driver must do. Arguments are `a[0..4]`.
pub mod op {
    /// Nothing left to do.
    pub const NONE: u32 = 0;
    /// `wx.request` for request `a2` in concurrency slot `a0`, call serial `a1`.
    /// `a3` = attempt × 2 + 1 when the current token goes in the auth header.
    pub const SEND: u32 = 1;
    /// `wx.checkSession` for login episode `a0`; answer with `checked`.
    pub const CHECK_SESSION: u32 = 2;
    /// `wx.login` for episode `a0`; `a1` = 1: the login sends the held token as
    /// `previousToken` (else `null`). Answer with `code`.
    pub const WX_LOGIN: u32 = 3;
    /// The login request of episode `a2` in slot `a0`, serial `a1`. Answer with `logged_in`.
    pub const LOGIN_SEND: u32 = 4;
    /// Call the app's login function for episode `a0`. Answer with `logged_in`.
    pub const LOGIN_CALL: u32 = 5;
    /// Episode `a0` failed and left requests without a token: run `onLoginFailed` once.
    pub const LOGIN_FAILED: u32 = 6;
    /// The token of episode `a1`'s login is now current: keep it and persist it, expiring at
    /// `a0` (NaN: unknown).
    pub const SAVE_TOKEN: u32 = 7;
    /// Logout: forget the token and the user, here and in storage.
    pub const DROP_TOKEN: u32 = 8;
    /// Drop cached responses: `a0` = 0 all of them, 1 the previous user's.
    pub const DROP_CACHE: u32 = 9;
    /// The identity requests are shared and cached under is now `a0` (a new user, a logout).
    pub const IDENTITY: u32 = 10;
    /// Resolve request `a0` with: `a1` = 0 the response of the current event, 1 a copy of it,
    /// 2 the cached response read for it, 3 nothing (`login()`, a prefetch).
    pub const RESOLVE: u32 = 11;
    /// Reject request `a0`: reason `a1` (see `reason`), detail `a2`; `a3` = 1 when a response
    /// attached is a copy.
    pub const REJECT: u32 = 12;
    /// Abort the `RequestTask` in slot `a0` if it still holds serial `a1`.
    pub const ABORT: u32 = 13;
    /// Wake the core (`wake`) at time `a0`; earlier than any time announced before.
    pub const TIMER: u32 = 14;
    /// Look request `a0` up in the response cache now; answer with `cached`.
    pub const CACHE_READ: u32 = 15;
    /// Store the response of the current event for request `a0` in the cache.
    pub const CACHE_WRITE: u32 = 16;
    /// `wx.login` for login-code fetch `a0`; answer with `code_got`.
    pub const CODE_FETCH: u32 = 17;
    /// Resolve request `a0` with the code of fetch `a1`, which is then used up.
    pub const CODE_GIVE: u32 = 18;
    /// The code of fetch `a0` will never be handed out: forget it.
    pub const CODE_DROP: u32 = 19;
}

/// Why a request was rejected; each reason implies one `RequestError.kind`.
pub mod reason {
    /// kind `network`: wx failed the request (its `errMsg` is the current event's).
    pub const NETWORK: u32 = 1;
    /// kind `timeout`: no answer within the request's timeout (`errMsg` when wx said so).
    pub const TIMEOUT: u32 = 2;
    /// kind `timeout`: waited longer than its timeout for a login.
    pub const TIMEOUT_LOGIN: u32 = 3;
    /// kind `timeout`: waited longer than its timeout for the app to come back.
    pub const TIMEOUT_HIDDEN: u32 = 4;
    /// kind `http`: status `detail`, response attached.
    pub const HTTP: u32 = 5;
    /// kind `auth`: still expired after `detail` re-logins, response attached.
    pub const AUTH: u32 = 6;
    /// kind `login`: login episode `detail` failed.
    pub const LOGIN_FAILED: u32 = 7;
    /// kind `login`: too many logins in the last minute.
    pub const LOGIN_LIMIT: u32 = 8;
    /// kind `login`: `logout()` during the login it waited for.
    pub const LOGGED_OUT: u32 = 9;
    /// kind `aborted`: `promise.abort()`.
    pub const ABORTED: u32 = 10;
    /// kind `aborted`: wx reported the request aborted without being asked.
    pub const WX_ABORTED: u32 = 11;
    /// kind `login`: `wx.login` failed for login-code fetch `detail`.
    pub const CODE_FAILED: u32 = 12;
    /// kind `config`: more requests alive at once than the core keeps (65 536).
    pub const OVERLOAD: u32 = 13;
    /// The device is offline (`offline: 'fail'`, or a request not safe to send again).
    pub const OFFLINE: u32 = 14;
    /// Held while offline for its whole timeout (detail: the timeout).
    pub const TIMEOUT_OFFLINE: u32 = 15;
}

/// Bits of `submit`'s `flags`. The low four bits are the method (`method`).
pub mod flag {
    /// The token goes on this request (auth on, its origin allowed).
    pub const AUTH: u32 = 16;
    /// A GET the response cache serves or stores.
    pub const CACHE: u32 = 32;
    /// `http.login()`: no request, resolves when a login completes.
    pub const LOGIN: u32 = 64;
    /// `retry: false` on the request.
    pub const NO_RETRY: u32 = 128;
    /// `offline: 'fail'`: rejects at once while the device is offline instead of waiting.
    pub const OFFLINE_FAIL: u32 = 256;
    /// Set by `committed`: a stream delivered a chunk, so it is never sent again.
    pub const COMMITTED: u32 = 512;
}

/// Bits of `response`'s `flags`.
pub mod answer {
    /// `validateStatus` accepts the status.
    pub const VALID: u32 = 1;
    /// The answer says the token it carried has expired.
    pub const EXPIRED: u32 = 2;
}

/// `failure`'s `what`: how wx failed a request.
pub mod failure {
    pub const NETWORK: u32 = 0;
    pub const TIMEOUT: u32 = 1;
    pub const ABORTED: u32 = 2;
    /// `request:fail interrupted`: the app went to the background.
    pub const INTERRUPTED: u32 = 3;
}

/// `logged_in`'s `user`: what the login answer says of the user.
pub mod user {
    /// The same user id as before.
    pub const SAME: u32 = 0;
    /// Another user id (or the first one).
    pub const OTHER: u32 = 1;
    /// No user id: the login itself is the identity.
    pub const NONE: u32 = 2;
}

/// Method codes (the low four bits of `submit`'s flags) and what the core knows of them.
pub mod method {
    pub const GET: u32 = 0;
    pub const HEAD: u32 = 1;
    pub const OPTIONS: u32 = 2;
    pub const POST: u32 = 3;
    pub const PUT: u32 = 4;
    pub const PATCH: u32 = 5;
    pub const DELETE: u32 = 6;
    pub const TRACE: u32 = 7;
    pub const CONNECT: u32 = 8;

    /// Safe to send twice (RFC 9110 §9.2.2): resent after an interruption, retried by default.
    pub const IDEMPOTENT: u32 = 1 << GET | 1 << HEAD | 1 << OPTIONS | 1 << PUT | 1 << DELETE;

    pub fn is_idempotent(method: u32) -> bool {
        method < 16 && IDEMPOTENT & (1 << method) != 0
    }
}

/// No id, slot or member.
pub const NIL: u32 = u32::MAX;
