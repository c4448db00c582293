//! How a login episode ends when nobody answers or the user leaves (SPEC §6 L11, `logout()`):
//! waiters are bounded by their own timeout, the exchange by `loginTimeout`, a logout rejects
//! the waiters of the login it cuts short, and answers for an ended episode change nothing.

use crate::harness::*;

#[test]
fn a_request_waiting_for_a_login_rejects_after_its_own_timeout() {
    let mut h = H::auth(4);
    let short = h.submit_with(GET | AUTH, 5_000.0, -1.0, None);
    let long = h.submit_with(GET | AUTH, 30_000.0, -1.0, None);
    h.advance(4_999.0);
    assert!(!h.settled(short));
    h.advance(1.0);
    assert_eq!(h.rejected(short), (reason::TIMEOUT_LOGIN, 5_000.0));
    assert_eq!(h.count(op::LOGIN_FAILED), 0, "the episode goes on");
    h.advance_to(15_000.0);
    let ep = h.args(op::WX_LOGIN)[0][0];
    assert_eq!(h.rejected(long), (reason::LOGIN_FAILED, ep), "loginTimeout ended it");
    assert_eq!(h.count(op::LOGIN_FAILED), 1);
    h.code(true);
    assert_eq!(h.count(op::LOGIN_SEND), 0, "a code for an ended episode is ignored");
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn a_login_request_past_login_timeout_is_aborted_and_its_late_answer_ignored() {
    let mut h = H::auth(1);
    let r = h.submit_with(GET | AUTH, 60_000.0, -1.0, None);
    h.code(true);
    let login = h.exchanges[0];
    h.advance_to(15_000.0);
    let abort = [f64::from(login.slot), f64::from(login.serial), 0.0, 0.0];
    assert_eq!(h.args(op::ABORT), vec![abort]);
    assert_eq!(h.rejected(r).0, reason::LOGIN_FAILED);
    assert_eq!(h.c.counts(), (0, 0), "the login's slot is free");
    h.step(|c, now| c.logged_in(login.episode, true, f64::NAN, 0, now));
    assert_eq!(h.count(op::SAVE_TOKEN), 0);
    assert!(!h.c.has_token());
    let next = h.submit(GET);
    assert!(h.in_flight(next));
}

#[test]
fn a_login_that_timed_out_waiting_for_a_slot_sends_no_login_request_later() {
    let mut h = H::auth(1);
    let blocker = h.submit_with(GET, 60_000.0, -1.0, None);
    let first = h.submit_with(GET | AUTH, 60_000.0, -1.0, None);
    h.code(true);
    h.advance_to(15_000.0);
    assert_eq!(h.rejected(first).0, reason::LOGIN_FAILED);
    let second = h.submit_with(GET | AUTH, 60_000.0, -1.0, None);
    assert_eq!(h.count(op::WX_LOGIN), 2);
    h.ok(blocker);
    assert_eq!(h.count(op::LOGIN_SEND), 0, "the second login has no code yet");
    h.code(true);
    assert_eq!(h.count(op::LOGIN_SEND), 1);
    h.logged_in(true, f64::NAN);
    h.ok(second);
    assert_eq!(h.resolved(second), 0.0);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn an_unanswered_check_session_ends_at_login_timeout() {
    let mut h = H::with_auth(4, wxhttp::AuthConfig::default());
    h.restore(f64::NAN);
    let r = h.submit_with(GET | AUTH, 60_000.0, -1.0, None);
    h.advance_to(15_000.0);
    assert_eq!(h.rejected(r).0, reason::LOGIN_FAILED);
    h.check(true);
    assert!(!h.c.has_token(), "a late check answer restores nothing");
}

#[test]
fn logout_during_a_login_rejects_its_waiters_and_ignores_the_late_answer() {
    let mut h = H::auth(4);
    let a = h.submit(GET | AUTH);
    let b = h.submit(GET | flag::CACHE | AUTH);
    let ep = h.code(true);
    let login = h.exchanges[0];
    h.logout();
    for r in [a, b] {
        assert_eq!(h.rejected(r), (reason::LOGGED_OUT, f64::from(ep)));
    }
    let abort = [f64::from(login.slot), f64::from(login.serial), 0.0, 0.0];
    assert_eq!(h.args(op::ABORT), vec![abort]);
    assert_eq!(h.count(op::LOGIN_FAILED), 0, "a logout is no failed login");
    h.step(|c, now| c.logged_in(ep, true, f64::NAN, 0, now));
    assert_eq!(h.count(op::SAVE_TOKEN), 0);
    assert!(!h.c.has_token());
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn logout_drops_the_token_the_cache_and_the_identity() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    assert!(h.c.has_token());
    let mark = h.log.len();
    h.logout();
    let ops: Vec<(u32, f64)> = h.log[mark..].iter().map(|c| (c.op, c.a[0])).collect();
    assert_eq!(ops, [(op::DROP_TOKEN, 0.0), (op::DROP_CACHE, 0.0), (op::IDENTITY, 1.0)]);
    assert!(!h.c.has_token());
    h.submit(GET | AUTH);
    assert_eq!(h.args(op::WX_LOGIN)[1][1], 0.0, "no previousToken after a logout");
}

#[test]
fn an_expired_answer_after_a_logout_needs_a_login_of_its_own() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    let r = h.submit(GET | AUTH);
    h.logout();
    h.expire(r);
    assert_eq!(h.count(op::WX_LOGIN), 2);
    h.code(true);
    h.logged_in(true, f64::NAN);
    assert_eq!(h.call(r).gen, h.gen);
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0);
}
