//! The wasm exports: plain functions of numbers, no imports, nothing that can throw. Every
//! event returns the first command's op code (0: none) and leaves its four arguments in a fixed
//! area of memory (`wx_args`); `wx_poll` returns the next. A plain GET costs four calls:
//! `wx_submit` → SEND, `wx_poll` → 0, `wx_response` → RESOLVE, `wx_poll` → 0.
//!
//! Clients are indexed from 0 in creation order and live as long as the instance. The one
//! piece of `unsafe` in the crate lives here: the single-threaded global state and the
//! allocator.
#![allow(unsafe_code)]

use alloc::vec::Vec;
use core::cell::{Cell, UnsafeCell};

use crate::auth::AuthConfig;
use crate::client::Client;

struct Global {
    /// Not a `RefCell`: a trap midway (a JS stack overflow reaching into the wasm, a bug) would
    /// leave its borrow flag set and every client of the instance failing for good; without a
    /// flag, at worst the one client that trapped is inconsistent, and the driver drops it.
    clients: UnsafeCell<Vec<Client>>,
    args: Cell<[f64; 4]>,
}

// SAFETY: wasm32 without the threads proposal (neither target enables it) runs one thread,
// and the core never calls out, so no export is re-entered while another runs.
unsafe impl Sync for Global {}

static G: Global = Global { clients: UnsafeCell::new(Vec::new()), args: Cell::new([0.0; 4]) };

/// The clients. SAFETY: see `Global`: one export at a time, none re-entered, so this is the
/// only reference alive.
#[allow(clippy::mut_from_ref)]
fn clients() -> &'static mut Vec<Client> {
    unsafe { &mut *G.clients.get() }
}

#[cfg(target_os = "none")]
#[global_allocator]
// SAFETY: single-threaded, as above.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A panic is a bug: trap (the driver turns the `RuntimeError` into a rejected request).
#[cfg(target_os = "none")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Runs `f` on client `c`, then returns the first command.
fn with(c: u32, f: impl FnOnce(&mut Client)) -> u32 {
    let Some(client) = clients().get_mut(c as usize) else { return 0 };
    f(client);
    match client.out.pop() {
        Some(cmd) => {
            G.args.set(cmd.a);
            cmd.op
        }
        None => 0,
    }
}

/// The four arguments of the last command returned (what the driver reads at `wx_args`).
pub fn args() -> [f64; 4] {
    G.args.get()
}

/// Where the four arguments of the last command returned are, as a byte offset in memory.
#[no_mangle]
pub extern "C" fn wx_args() -> u32 {
    G.args.as_ptr() as usize as u32
}

/// A new client with `max_concurrent` slots and the default retry policy; returns its index.
#[no_mangle]
pub extern "C" fn wx_create(max_concurrent: u32) -> u32 {
    let clients = clients();
    clients.push(Client::new(max_concurrent));
    clients.len() as u32 - 1
}

/// The client's `retry` (methods: bit `1 << method`); its statuses follow by `wx_retry_status`.
#[no_mangle]
pub extern "C" fn wx_retry(c: u32, limit: u32, methods: u32, delay: f64, max_delay: f64, jitter: f64) -> u32 {
    with(c, |client| {
        let p = &mut client.policy;
        (p.limit, p.methods, p.delay, p.max_delay, p.jitter) = (limit, methods, delay, max_delay, jitter);
        p.statuses.clear();
    })
}

#[no_mangle]
pub extern "C" fn wx_retry_status(c: u32, status: u32) -> u32 {
    with(c, |client| client.policy.statuses.push(status.min(u32::from(u16::MAX)) as u16))
}

#[no_mangle]
pub extern "C" fn wx_auth(
    c: u32,
    max_relogin: u32,
    check_session: u32,
    refresh_ahead: f64,
    login_timeout: f64,
    function: u32,
) -> u32 {
    let config = AuthConfig {
        max_relogin,
        check_session: check_session != 0,
        refresh_ahead,
        login_timeout,
        function: function != 0,
    };
    with(c, |client| client.set_auth(config))
}

/// A token was restored from storage, expiring at `expires_at` (NaN: unknown).
#[no_mangle]
pub extern "C" fn wx_restore(c: u32, expires_at: f64) -> u32 {
    with(c, |client| {
        if let Some(auth) = client.auth.as_mut() {
            auth.restore(expires_at)
        }
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn wx_submit(
    c: u32,
    id: u32,
    seq: f64,
    flags: u32,
    timeout: f64,
    retry: f64,
    share: u32,
    share_seq: f64,
    now: f64,
) -> u32 {
    with(c, |client| client.submit(id, seq, flags, timeout, retry, share, share_seq, now))
}

#[no_mangle]
pub extern "C" fn wx_cached(c: u32, id: u32, hit: u32, now: f64) -> u32 {
    with(c, |client| client.cached(id, hit != 0, now))
}

#[no_mangle]
pub extern "C" fn wx_response(
    c: u32,
    slot: u32,
    serial: u32,
    status: f64,
    flags: u32,
    retry_after: f64,
    now: f64,
) -> u32 {
    with(c, |client| client.response(slot, serial, status, flags, retry_after, now))
}

#[no_mangle]
pub extern "C" fn wx_failure(c: u32, slot: u32, serial: u32, what: u32, now: f64) -> u32 {
    with(c, |client| client.failure(slot, serial, what, now))
}

#[no_mangle]
pub extern "C" fn wx_abort(c: u32, id: u32, now: f64) -> u32 {
    with(c, |client| client.abort(id, now))
}

#[no_mangle]
pub extern "C" fn wx_wake(c: u32, now: f64) -> u32 {
    with(c, |client| client.wake(now))
}

#[no_mangle]
pub extern "C" fn wx_app(c: u32, shown: u32, now: f64) -> u32 {
    with(c, |client| client.app(shown != 0, now))
}

#[no_mangle]
pub extern "C" fn wx_checked(c: u32, episode: u32, alive: u32, now: f64) -> u32 {
    with(c, |client| client.checked(episode, alive != 0, now))
}

#[no_mangle]
pub extern "C" fn wx_code(c: u32, episode: u32, ok: u32, now: f64) -> u32 {
    with(c, |client| client.code(episode, ok != 0, now))
}

#[no_mangle]
pub extern "C" fn wx_logged_in(c: u32, episode: u32, ok: u32, expires_in: f64, user: u32, now: f64) -> u32 {
    with(c, |client| client.logged_in(episode, ok != 0, expires_in, user, now))
}

#[no_mangle]
pub extern "C" fn wx_network(c: u32, online: u32, now: f64) -> u32 {
    with(c, |client| client.network(online != 0, now))
}

#[no_mangle]
pub extern "C" fn wx_committed(c: u32, id: u32) -> u32 {
    with(c, |client| client.committed(id))
}

#[no_mangle]
pub extern "C" fn wx_joined(c: u32, ok: u32, expires_at: f64, identity: u32, now: f64) -> u32 {
    with(c, |client| client.joined(ok != 0, expires_at, identity != 0, now))
}

#[no_mangle]
pub extern "C" fn wx_logout(c: u32, now: f64) -> u32 {
    with(c, |client| client.logout(now))
}

#[no_mangle]
pub extern "C" fn wx_code_take(c: u32, id: u32, now: f64) -> u32 {
    with(c, |client| client.code_take(id, now))
}

#[no_mangle]
pub extern "C" fn wx_code_prefetch(c: u32, id: u32, now: f64) -> u32 {
    with(c, |client| client.code_prefetch(id, now))
}

#[no_mangle]
pub extern "C" fn wx_code_got(c: u32, fetch: u32, ok: u32, now: f64) -> u32 {
    with(c, |client| client.code_got(fetch, ok != 0, now))
}

/// The next command's op code (0: none); its arguments at `wx_args`.
#[no_mangle]
pub extern "C" fn wx_poll(c: u32) -> u32 {
    with(c, |_| {})
}

/// 1 when requests go out with a token now (`http.getToken()`).
#[no_mangle]
pub extern "C" fn wx_token(c: u32) -> u32 {
    clients().get(c as usize).map_or(0, |client| u32::from(client.has_token()))
}

/// The login episode in flight (0: none), so a driver sharing its namespace's login state
/// knows when the exchange it ran has ended (L12).
#[no_mangle]
pub extern "C" fn wx_episode(c: u32) -> u32 {
    let episode = clients().get(c as usize).and_then(|client| client.auth.as_ref()?.episode);
    episode.map_or(0, |e| e.number)
}

/// Storage freshness (SPEC §8): 1 when an entry saved at `saved`, expiring at `expires` (NaN:
/// never), is live at `now`.
#[no_mangle]
pub extern "C" fn wx_fresh(saved: f64, expires: f64, now: f64) -> u32 {
    u32::from(crate::policy::fresh(saved, expires, now))
}
