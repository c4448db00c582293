//! Silent login and expiry (SPEC §6, L1–L4, L10): one login however many requests need it,
//! one re-login per expiry episode and a replay with the new token, late answers carrying an
//! old token neither log in again nor start episodes a failure already ended, and the token
//! bound when a request leaves the queue.

use crate::harness::*;

fn requests(h: &mut H, n: usize) -> Vec<R> {
    (0..n).map(|_| h.submit(GET | AUTH)).collect()
}

#[test]
fn fifty_requests_needing_a_token_share_one_login() {
    let mut h = H::auth(10);
    let rs = requests(&mut h, 50);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    assert_eq!(h.args(op::WX_LOGIN)[0][1], 0.0, "a first login has no previous token");
    assert!(h.sent.is_empty(), "nothing goes out without a token");
    h.code(true);
    assert_eq!(h.count(op::LOGIN_SEND), 1);
    h.logged_in(true, 7_200.0);
    assert_eq!(h.args(op::SAVE_TOKEN), vec![[7_200_000.0, 1.0, 0.0, 0.0]], "expiry, episode");
    while let Some(&call) = h.calls.first() {
        assert_eq!(call.gen, 1, "sent with the token");
        h.answer(call, 200.0, answer::VALID, -1.0);
    }
    assert!(rs.iter().all(|&r| h.resolved(r) == 0.0));
    assert_eq!((h.count(op::WX_LOGIN), h.count(op::LOGIN_SEND)), (1, 1));
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn a_login_function_is_called_instead_of_a_login_request() {
    let config = wxhttp::AuthConfig { check_session: false, function: true, ..Default::default() };
    let mut h = H::with_auth(1, config);
    let r = h.submit(GET | AUTH);
    let ep = h.code(true);
    assert_eq!(h.args(op::LOGIN_CALL), vec![[f64::from(ep), 0.0, 0.0, 0.0]]);
    assert_eq!(h.count(op::LOGIN_SEND), 0);
    h.logged_in(true, f64::NAN);
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0);
}

#[test]
fn expired_answers_in_one_episode_share_one_relogin_and_replay() {
    let mut h = H::auth(10);
    h.sign_in(f64::NAN);
    let rs = requests(&mut h, 3);
    for &r in &rs {
        h.expire(r);
    }
    assert_eq!(h.count(op::WX_LOGIN), 2, "one re-login for the three");
    assert_eq!(h.args(op::WX_LOGIN)[1][1], 1.0, "with the old token as previousToken");
    h.code(true);
    h.logged_in(true, f64::NAN);
    for &r in &rs {
        let replay = h.call(r);
        assert_eq!((replay.gen, replay.attempt), (2, 3.0), "first try of the replay, new token");
        h.ok(r);
        assert_eq!(h.resolved(r), 0.0);
    }
}

#[test]
fn a_late_expired_answer_with_an_old_token_replays_without_a_new_login() {
    let mut h = H::auth(10);
    h.sign_in(f64::NAN);
    let early = h.submit(GET | AUTH);
    let late = h.submit(GET | AUTH);
    h.expire(early);
    h.code(true);
    h.logged_in(true, f64::NAN);
    h.ok(early);
    h.expire(late);
    assert_eq!(h.count(op::WX_LOGIN), 2, "no third login");
    assert_eq!(h.call(late).gen, 2, "replayed with the current token");
    h.ok(late);
    assert_eq!(h.resolved(late), 0.0);
}

#[test]
fn a_failed_login_rejects_every_waiter_and_reports_once() {
    for code_fails in [true, false] {
        let mut h = H::auth(10);
        let rs = requests(&mut h, 5);
        let ep = if code_fails {
            h.code(false)
        } else {
            h.code(true);
            h.logged_in(false, f64::NAN)
        };
        for &r in &rs {
            assert_eq!(h.rejected(r), (reason::LOGIN_FAILED, f64::from(ep)));
        }
        assert_eq!(h.args(op::LOGIN_FAILED), vec![[f64::from(ep), 0.0, 0.0, 0.0]]);
        let next = h.submit(GET | AUTH);
        assert_eq!(h.count(op::WX_LOGIN), 2, "the next request starts a fresh login");
        h.code(true);
        h.logged_in(true, f64::NAN);
        h.ok(next);
        assert_eq!(h.resolved(next), 0.0);
        assert_eq!(h.c.counts(), (0, 0));
    }
}

#[test]
fn late_expired_answers_after_a_failed_episode_start_no_new_login() {
    let mut h = H::auth(10);
    h.sign_in(f64::NAN);
    let rs = requests(&mut h, 4);
    h.expire(rs[0]);
    let ep = h.code(false);
    assert_eq!(h.rejected(rs[0]), (reason::LOGIN_FAILED, f64::from(ep)));
    for &r in &rs[1..] {
        h.expire(r);
        assert_eq!(h.rejected(r), (reason::LOGIN_FAILED, f64::from(ep)));
    }
    assert_eq!(h.count(op::WX_LOGIN), 2);
    assert_eq!(h.count(op::LOGIN_FAILED), 1, "onLoginFailed once for the episode");
}

#[test]
fn a_queued_request_whose_token_died_waits_for_the_relogin() {
    let mut h = H::auth(1);
    h.sign_in(f64::NAN);
    let a = h.submit(GET | AUTH);
    let queued = h.submit(GET | AUTH);
    h.expire(a);
    assert!(h.sends(queued).is_empty(), "not sent with the dead token");
    assert_eq!(h.exchanges.len(), 0);
    h.code(true);
    assert_eq!(h.exchanges.len(), 1, "the freed slot went to the login request");
    h.logged_in(true, f64::NAN);
    h.ok(a);
    assert_eq!(h.call(queued).gen, 2, "bound at dispatch: the new token");
    h.ok(queued);
    assert_eq!(h.count(op::WX_LOGIN), 2);
}

#[test]
fn a_token_that_expires_in_the_queue_is_renewed_before_dispatch() {
    let mut h = H::auth(1);
    h.sign_in(60.0);
    let slow = h.submit_with(GET | AUTH, 120_000.0, -1.0, None);
    let queued = h.submit(GET | AUTH);
    h.advance(61_000.0);
    h.ok(slow);
    assert!(h.sends(queued).is_empty());
    assert_eq!(h.count(op::WX_LOGIN), 2, "its dispatch found the token expired");
    h.code(true);
    h.logged_in(true, 60.0);
    assert_eq!(h.call(queued).gen, 2);
}

#[test]
fn requests_without_auth_never_wait_for_a_login() {
    let mut h = H::auth(2);
    let waits = h.submit(GET | AUTH);
    let free = h.submit(GET);
    assert!(h.in_flight(free) && !h.in_flight(waits));
    assert_eq!(h.call(free).attempt, 2.0, "no token on it");
    h.answer(h.call(free), 401.0, answer::EXPIRED, -1.0);
    assert_eq!(h.rejected(free), (reason::HTTP, 401.0), "expiry is for token holders");
    assert_eq!(h.count(op::WX_LOGIN), 1);
}
