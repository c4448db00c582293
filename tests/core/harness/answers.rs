//! The driver's side of each event a test plays: answers to calls and lookups, the app
//! hiding and showing, logout, the login exchange answered by hand, login codes.

use super::{Call, H, R};
use wxhttp::protocol::{answer, flag};

impl H {
    pub fn answer(&mut self, call: Call, status: f64, flags: u32, retry_after: f64) {
        self.calls.retain(|c| *c != call);
        let (slot, serial) = (call.slot, call.serial);
        self.step(|c, now| c.response(slot, serial, status, flags, retry_after, now));
    }

    /// Answers `r`'s call with `status`, valid when 2xx.
    pub fn respond(&mut self, r: R, status: f64) {
        let valid = (200.0..300.0).contains(&status);
        self.answer(self.call(r), status, if valid { answer::VALID } else { 0 }, -1.0);
    }

    pub fn ok(&mut self, r: R) {
        self.respond(r, 200.0);
    }

    /// The server says the token `r` carried has expired.
    pub fn expire(&mut self, r: R) {
        self.answer(self.call(r), 401.0, answer::EXPIRED, -1.0);
    }

    pub fn fail_call(&mut self, call: Call, what: u32) {
        self.calls.retain(|c| *c != call);
        self.step(|c, now| c.failure(call.slot, call.serial, what, now));
    }

    pub fn fail(&mut self, r: R, what: u32) {
        self.fail_call(self.call(r), what);
    }

    pub fn abort(&mut self, r: R) {
        self.step(|c, now| c.abort(r.id, now));
    }

    pub fn cached(&mut self, r: R, hit: bool) {
        self.lookups.retain(|l| *l != r);
        self.step(|c, now| c.cached(r.id, hit, now));
    }

    pub fn hide(&mut self) {
        self.step(|c, now| c.app(false, now));
    }

    pub fn show(&mut self) {
        self.step(|c, now| c.app(true, now));
    }

    pub fn logout(&mut self) {
        self.step(|c, now| c.logout(now));
    }

    /// A token restored from storage at launch.
    pub fn restore(&mut self, expires_at: f64) {
        self.c.auth.as_mut().expect("auth on").restore(expires_at);
        self.gen += 1;
    }

    /// Answers the oldest pending `wx.checkSession`; returns its episode.
    pub fn check(&mut self, alive: bool) -> u32 {
        let ep = self.checks.remove(0);
        self.step(|c, now| c.checked(ep, alive, now));
        ep
    }

    /// Answers the oldest pending `wx.login` of an episode; returns the episode.
    pub fn code(&mut self, ok: bool) -> u32 {
        let ep = *self.codes.first().expect("no wx.login pending");
        self.answer_code(ep, ok, true);
        ep
    }

    /// Answers the oldest pending login exchange; returns its episode.
    pub fn logged_in(&mut self, ok: bool, expires_in: f64) -> u32 {
        self.logged_in_as(ok, expires_in, false)
    }

    pub fn logged_in_as(&mut self, ok: bool, expires_in: f64, user_changed: bool) -> u32 {
        let e = self.exchanges.remove(0);
        self.step(|c, now| c.logged_in(e.episode, ok, expires_in, u32::from(user_changed), now));
        e.episode
    }

    /// `http.login()` answered all the way: a token expiring in `expires_in` s.
    pub fn sign_in(&mut self, expires_in: f64) {
        let r = self.submit(flag::LOGIN);
        self.code(true);
        self.logged_in(true, expires_in);
        assert_eq!(self.resolved(r), 3.0);
    }

    pub fn take_code(&mut self) -> R {
        let r = self.alloc();
        self.step(|c, now| c.code_take(r.id, now));
        r
    }

    pub fn prefetch_code(&mut self) -> R {
        let r = self.alloc();
        self.step(|c, now| c.code_prefetch(r.id, now));
        r
    }

    pub fn code_got(&mut self, fetch: u32, ok: bool) {
        self.fetches.retain(|&f| f != fetch);
        self.step(|c, now| c.code_got(fetch, ok, now));
    }
}
