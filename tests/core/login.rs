//! When a login happens (SPEC §6): no loops (L5: `maxRelogin`, ten logins a minute), a
//! restored token checked once per launch (L6), `http.login()`, and the background refresh
//! ahead of a known expiry (L8 as the core implements it: started by a request in the window).

use crate::harness::*;
use wxhttp::AuthConfig;

fn checking() -> H {
    H::with_auth(4, AuthConfig::default())
}

#[test]
fn a_request_still_expired_after_max_relogin_rejects_auth() {
    for max_relogin in [0, 1, 2] {
        let config = AuthConfig { max_relogin, check_session: false, ..AuthConfig::default() };
        let mut h = H::with_auth(4, config);
        h.sign_in(f64::NAN);
        let r = h.submit(GET | AUTH);
        for _ in 0..max_relogin {
            h.expire(r);
            h.code(true);
            h.logged_in(true, f64::NAN);
        }
        h.expire(r);
        assert_eq!(h.rejected(r), (reason::AUTH, f64::from(max_relogin)));
        assert_eq!(h.sends(r).len(), max_relogin as usize + 1);
        assert_eq!(h.count(op::WX_LOGIN), max_relogin as usize + 1);
    }
}

#[test]
fn at_most_ten_logins_a_minute_then_the_window_reopens() {
    let mut h = H::auth(4);
    for _ in 0..10 {
        let r = h.submit(GET | AUTH);
        h.code(false);
        assert_eq!(h.rejected(r).0, reason::LOGIN_FAILED);
        h.advance(1_000.0);
    }
    let limited = h.submit(GET | AUTH);
    assert_eq!(h.rejected(limited), (reason::LOGIN_LIMIT, 0.0));
    let login = h.submit(flag::LOGIN);
    assert_eq!(h.rejected(login).0, reason::LOGIN_LIMIT);
    h.advance_to(59_999.0);
    let still = h.submit(GET | AUTH);
    assert_eq!(h.rejected(still).0, reason::LOGIN_LIMIT);
    assert_eq!((h.count(op::WX_LOGIN), h.count(op::LOGIN_FAILED)), (10, 10));
    h.advance_to(60_000.0);
    let r = h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 11, "the first login left the window");
    h.code(true);
    h.logged_in(true, f64::NAN);
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0);
}

#[test]
fn a_clock_going_back_never_blocks_logins() {
    let mut h = H::auth(4);
    h.advance_to(1_000_000.0);
    for _ in 0..10 {
        h.sign_in(f64::NAN);
    }
    h.now = 500_000.0;
    h.sign_in(f64::NAN);
    assert_eq!(h.count(op::WX_LOGIN), 11);
}

#[test]
fn a_restored_token_is_checked_once_and_used_when_alive() {
    let mut h = checking();
    h.restore(f64::NAN);
    let rs: Vec<R> = (0..3).map(|_| h.submit(GET | AUTH)).collect();
    assert_eq!(h.count(op::CHECK_SESSION), 1);
    assert!(h.sent.is_empty(), "the restored token waits for its check");
    h.check(true);
    for &r in &rs {
        assert_eq!((h.call(r).gen, h.call(r).attempt), (1, 3.0));
    }
    h.submit(GET | AUTH);
    assert_eq!((h.count(op::CHECK_SESSION), h.count(op::WX_LOGIN)), (1, 0));
    assert_eq!(h.sent.len(), 4);
}

#[test]
fn a_dead_session_logs_in_with_the_previous_token() {
    let mut h = checking();
    h.restore(f64::NAN);
    let r = h.submit(GET | AUTH);
    let ep = h.check(false);
    assert_eq!(h.args(op::WX_LOGIN), vec![[f64::from(ep), 1.0, 0.0, 0.0]]);
    h.code(true);
    h.logged_in(true, f64::NAN);
    assert_eq!(h.call(r).gen, 2);
    assert_eq!(h.count(op::CHECK_SESSION), 1);
}

#[test]
fn a_dead_session_with_the_login_window_full_rejects_login_limit_without_on_login_failed() {
    let mut h = checking();
    for _ in 0..10 {
        h.sign_in(f64::NAN);
    }
    h.restore(f64::NAN);
    let r = h.submit(GET | AUTH);
    h.check(false);
    assert_eq!(h.rejected(r).0, reason::LOGIN_LIMIT);
    assert_eq!((h.count(op::WX_LOGIN), h.count(op::LOGIN_FAILED)), (10, 0));
}

#[test]
fn a_restored_token_is_used_at_once_without_check_session_and_not_past_its_expiry() {
    let mut h = H::auth(4);
    h.restore(5_000.0);
    let r = h.submit(GET | AUTH);
    assert_eq!(h.call(r).gen, 1);
    h.advance_to(5_000.0);
    h.submit(GET | AUTH);
    assert_eq!(h.args(op::WX_LOGIN)[0][1], 1.0, "expired: a login with previousToken");
    let mut h = checking();
    h.restore(-1.0);
    h.submit(GET | AUTH);
    assert_eq!((h.count(op::CHECK_SESSION), h.count(op::WX_LOGIN)), (0, 1));
}

#[test]
fn http_login_joins_the_login_in_flight_or_starts_a_new_one() {
    let mut h = H::auth(4);
    let waiting = h.submit(GET | AUTH);
    let join = h.submit(flag::LOGIN);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    h.code(true);
    h.logged_in(true, f64::NAN);
    assert_eq!(h.resolved(join), 3.0, "resolves with nothing");
    h.ok(waiting);
    let fresh = h.submit(flag::LOGIN);
    assert_eq!(h.count(op::WX_LOGIN), 2, "a token in hand is replaced");
    let during = h.submit(GET | AUTH);
    assert!(h.sends(during).is_empty(), "waits for the new token");
    h.code(false);
    assert_eq!(h.rejected(fresh).0, reason::LOGIN_FAILED);
    assert_eq!(h.rejected(during).0, reason::LOGIN_FAILED);
}

fn refreshing() -> H {
    let config = AuthConfig { check_session: false, refresh_ahead: 5_000.0, ..Default::default() };
    let mut h = H::with_auth(4, config);
    h.sign_in(60.0);
    h
}

#[test]
fn a_request_inside_the_refresh_window_goes_out_at_once_and_starts_one_background_login() {
    let mut h = refreshing();
    h.advance_to(54_999.0);
    let before = h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    h.advance_to(55_000.0);
    let inside = h.submit(GET | AUTH);
    let also = h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 2, "one background login");
    assert_eq!(h.args(op::WX_LOGIN)[1][1], 1.0, "with the old token as previousToken");
    assert_eq!((h.call(inside).gen, h.call(also).gen), (1, 1), "out at once, old token");
    h.code(true);
    h.logged_in(true, 60.0);
    let after = h.submit(GET | AUTH);
    assert_eq!(h.call(after).gen, 2);
    for r in [before, inside, also, after] {
        h.ok(r);
    }
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn a_failed_refresh_is_quiet_and_not_tried_again_for_the_same_token() {
    let mut h = refreshing();
    h.advance_to(56_000.0);
    let r = h.submit(GET | AUTH);
    h.code(false);
    assert_eq!(h.count(op::LOGIN_FAILED), 0, "the old token still works");
    assert!(h.in_flight(r));
    let again = h.submit(GET | AUTH);
    assert_eq!((h.count(op::WX_LOGIN), h.call(again).gen), (2, 1));
    h.advance_to(60_000.0);
    h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 3, "once expired, a plain login");
}

#[test]
fn the_refresh_ahead_starts_on_its_timer_with_no_request_and_the_token_stays_in_use() {
    let mut h = refreshing();
    h.advance_to(54_999.0);
    assert_eq!(h.count(op::WX_LOGIN), 1, "not before the window");
    h.advance_to(55_000.0);
    assert_eq!(h.count(op::WX_LOGIN), 2, "the timer, no request");
    assert_eq!(h.args(op::WX_LOGIN)[1][1], 1.0, "with the old token as previousToken");
    let during = h.submit(GET | AUTH);
    assert_eq!(h.call(during).gen, 1, "requests go out at once with the old token");
    h.code(true);
    h.logged_in(true, 60.0);
    h.ok(during);
    // The new token arrived at 55 s for 60 s: its window opens at 110 s.
    h.advance_to(109_999.0);
    assert_eq!(h.count(op::WX_LOGIN), 2, "the new token's own window");
    h.advance_to(110_000.0);
    assert_eq!(h.count(op::WX_LOGIN), 3);
}

#[test]
fn a_hidden_app_refreshes_when_it_shows_again() {
    let mut h = refreshing();
    h.hide();
    h.advance_to(58_000.0);
    assert_eq!(h.count(op::WX_LOGIN), 1, "no refresh in the background");
    h.show();
    assert_eq!(h.count(op::WX_LOGIN), 2, "on show");
}

#[test]
fn a_token_whose_whole_life_lies_inside_the_window_is_not_refreshed_by_the_timer() {
    // Tokens of 60 s, refreshed 120 s ahead: a timer would replace each one at once, forever.
    let config = AuthConfig { check_session: false, refresh_ahead: 120_000.0, ..Default::default() };
    let mut h = H::with_auth(4, config);
    h.sign_in(60.0);
    h.advance_to(30_000.0);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    let r = h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 2, "a request still refreshes it");
    h.ok(r);
}
