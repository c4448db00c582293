//! The driver's answers to the login exchange (`wx.checkSession`, `wx.login`, the login request
//! or function), `http.logout()`, and the login-code helpers, applied to the client.

use crate::auth::End;
use crate::client::Client;
use crate::protocol::{op, reason, user as said, NIL};

impl Client {
    /// `wx.checkSession` answered for `episode`.
    pub fn checked(&mut self, episode: u32, alive: bool, now: f64) {
        if let Some(end) = self.auth.as_mut().and_then(|a| a.checked(episode, alive, now, &mut self.out)) {
            self.ended(end, now);
        }
        self.after(now)
    }

    /// `wx.login` answered for `episode` (`ok`: with a code, which the driver keeps).
    pub fn code(&mut self, episode: u32, ok: bool, now: f64) {
        match self.auth.as_mut().map(|a| a.code(episode, ok, now, &mut self.out)) {
            Some(Ok(true)) => self.login_waiting = true,
            Some(Err(Some(end))) => self.ended(end, now),
            _ => {}
        }
        self.after(now)
    }

    /// The login request or function answered for `episode`: `ok` with a token the driver
    /// keeps, expiring in `expires_in` s (NaN: unknown). `user`: `user::SAME`, `user::OTHER`
    /// (its user id differs from the previous one) or `user::NONE` (the answer named no user).
    /// A new identity — another user, or, without a user id, a login that follows a failed
    /// `wx.checkSession` (the phone may have switched WeChat account) — drops the previous
    /// identity's cached responses before any request resolves, and nothing shared or cached
    /// under it reaches a caller of the new one (L9).
    pub fn logged_in(&mut self, episode: u32, ok: bool, expires_in: f64, user: u32, now: f64) {
        let current = self.auth.as_ref().and_then(|a| a.episode).filter(|e| e.number == episode);
        if let Some(e) = current.filter(|e| e.slot != NIL) {
            self.slots.finish(e.slot, e.serial);
        }
        let after_check = current.is_some_and(|e| e.checking.is_some());
        let end = self.auth.as_mut().and_then(|a| a.logged_in(episode, ok, expires_in, now, &mut self.out));
        if end == Some(End::Ok) && (user == said::OTHER || (user == said::NONE && after_check)) {
            self.out.push1(op::DROP_CACHE, 1.0);
            self.new_identity();
        }
        if let Some(end) = end {
            self.ended(end, now);
        }
        self.after(now)
    }

    /// Another client on the namespace logged in (`ok`: its token, expiring at `expires_at`,
    /// NaN: unknown; `identity`: a new identity) or failed the login this client waited on
    /// (L12). The token's text is the driver's; a login slot is never held here, because a
    /// client that waits on another's exchange never starts its own.
    pub fn joined(&mut self, ok: bool, expires_at: f64, identity: bool, now: f64) {
        let end = self.auth.as_mut().and_then(|a| a.joined(ok, expires_at, now, &mut self.out));
        self.login_waiting = false;
        if ok && identity {
            self.new_identity();
        }
        if let Some(end) = end {
            self.ended(end, now);
        }
        self.after(now)
    }

    /// `http.logout()`: the token and the cached responses go; a login in flight is cut short
    /// and its waiters reject; nothing in flight under this identity reaches a later caller.
    pub fn logout(&mut self, now: f64) {
        if let Some(e) = self.auth.as_mut().and_then(|a| a.logout()) {
            if e.slot != NIL && self.slots.finish(e.slot, e.serial).is_some() {
                self.out.push(op::ABORT, [f64::from(e.slot), f64::from(e.serial), 0.0, 0.0]);
            }
            self.login_waiting = false;
            self.ended(End::Failed { reason: reason::LOGGED_OUT, detail: e.number }, now);
        }
        self.out.push1(op::DROP_TOKEN, 0.0);
        self.out.push1(op::DROP_CACHE, 0.0);
        self.new_identity();
        self.after(now)
    }

    fn new_identity(&mut self) {
        self.epoch += 1;
        self.out.push1(op::IDENTITY, f64::from(self.epoch));
    }

    /// `http.takeLoginCode()` as request `id`.
    pub fn code_take(&mut self, id: u32, now: f64) {
        self.codes.take(id, now, &mut self.out);
    }

    /// `http.prefetchLoginCode()` as request `id`.
    pub fn code_prefetch(&mut self, id: u32, now: f64) {
        self.codes.prefetch(id, now, &mut self.out);
    }

    /// `wx.login` answered login-code fetch `number`.
    pub fn code_got(&mut self, number: u32, ok: bool, now: f64) {
        self.codes.got(number, ok, now, &mut self.out);
    }
}
