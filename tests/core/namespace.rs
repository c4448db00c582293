//! L12: a client whose namespace-mate logged in (`joined`). The driver answers this client's
//! episode with the other client's outcome instead of running a second exchange: the token is
//! adopted as a new generation, a failure fails the waiters, and a late expired answer for the
//! older token replays without a login.

use crate::harness::*;

impl H {
    /// Another client on the namespace ended its exchange (`ok`: a token expiring at
    /// `expires_at`).
    fn joined(&mut self, ok: bool, expires_at: f64, identity: bool) {
        if ok {
            self.gen += 1;
        }
        self.codes.clear();
        self.checks.clear();
        self.step(|c, now| c.joined(ok, expires_at, identity, now));
    }
}

#[test]
fn waiters_go_out_with_the_adopted_token_and_no_login_of_their_own() {
    let mut h = H::auth(4);
    let a = h.submit(GET | AUTH);
    let b = h.submit(GET | AUTH);
    let ep = h.args(op::WX_LOGIN)[0][0] as u32;
    h.joined(true, f64::NAN, false);
    for r in [a, b] {
        assert_eq!(h.call(r).gen, h.gen, "sent with the adopted token");
    }
    assert_eq!((h.count(op::SAVE_TOKEN), h.count(op::LOGIN_SEND)), (0, 0));
    assert!(h.c.has_token());
    h.step(|c, now| c.code(ep, true, now));
    assert_eq!(h.count(op::LOGIN_SEND), 0, "a late code of the joined episode is ignored");
    h.ok(a);
    h.ok(b);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn a_failed_exchange_elsewhere_fails_the_waiters_of_this_episode_once() {
    let mut h = H::auth(4);
    let a = h.submit(GET | AUTH);
    let ep = f64::from(h.args(op::WX_LOGIN)[0][0] as u32);
    h.joined(false, f64::NAN, false);
    assert_eq!(h.rejected(a), (reason::LOGIN_FAILED, ep));
    assert_eq!(h.args(op::LOGIN_FAILED), vec![[ep, 0.0, 0.0, 0.0]]);
    assert!(!h.c.has_token());
    let next = h.submit(GET | AUTH);
    assert!(!h.in_flight(next));
    assert_eq!(h.count(op::WX_LOGIN), 2, "the next request starts a fresh episode");
}

#[test]
fn an_expired_answer_for_the_token_before_an_adopted_one_replays_without_a_login() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    let r = h.submit(GET | AUTH);
    let old = h.gen;
    h.joined(true, f64::NAN, false);
    h.expire(r);
    assert_eq!(h.count(op::WX_LOGIN), 1, "only the first sign-in logged in");
    let replay = h.call(r);
    assert_eq!((replay.gen, old + 1), (h.gen, h.gen));
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0);
}

#[test]
fn a_restored_token_being_checked_gives_way_to_the_adopted_one() {
    let mut h = H::with_auth(4, wxhttp::AuthConfig::default());
    h.restore(f64::NAN);
    let r = h.submit(GET | AUTH);
    assert_eq!(h.count(op::CHECK_SESSION), 1);
    h.joined(true, f64::NAN, false);
    assert_eq!(h.call(r).gen, h.gen);
    assert_eq!(h.count(op::WX_LOGIN), 0);
}

#[test]
fn a_new_identity_elsewhere_bumps_this_clients_epoch() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    h.joined(true, f64::NAN, true);
    assert_eq!(h.args(op::IDENTITY), vec![[1.0, 0.0, 0.0, 0.0]]);
    assert_eq!(h.count(op::DROP_CACHE), 0, "the storage is the other client's to clean");
}

#[test]
fn the_refresh_timer_follows_the_adopted_expiry() {
    let config = wxhttp::AuthConfig { check_session: false, refresh_ahead: 60_000.0, ..Default::default() };
    let mut h = H::with_auth(4, config);
    h.sign_in(f64::NAN);
    h.joined(true, h.now + 3_600_000.0, false);
    h.advance_to(3_539_999.0);
    assert_eq!(h.count(op::WX_LOGIN), 1, "not before 60 s ahead of the adopted expiry");
    h.advance_to(3_540_000.0);
    assert_eq!(h.count(op::WX_LOGIN), 2, "this client refreshes it like its own");
}
