//! Network awareness (SPEC §12) and streams that delivered a chunk (§11): offline, requests
//! wait for the network (bounded by their timeout) or fail at once (`OFFLINE_FAIL`); a request
//! that failed because the device went offline is sent again on reconnect, uncounted, when it
//! is safe to; a stream is never sent again once the app has seen a chunk.

use crate::harness::*;

impl H {
    fn network(&mut self, online: bool) {
        self.step(|c, now| c.network(online, now));
    }
}

#[test]
fn offline_requests_wait_for_the_network_and_go_in_order() {
    let mut h = H::new(1);
    h.network(false);
    let a = h.submit(GET);
    let b = h.submit(POST);
    assert_eq!((h.in_flight(a), h.in_flight(b)), (false, false));
    h.advance(5_000.0);
    h.network(true);
    assert!(h.in_flight(a), "the first made goes first");
    h.ok(a);
    assert!(h.in_flight(b));
    h.ok(b);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn an_offline_wait_is_bounded_by_the_request_timeout() {
    let mut h = H::new(4);
    h.network(false);
    let r = h.submit_with(GET, 3_000.0, -1.0, None);
    h.advance(2_999.0);
    assert!(!h.settled(r));
    h.advance(1.0);
    assert_eq!(h.rejected(r), (reason::TIMEOUT_OFFLINE, 3_000.0));
}

#[test]
fn offline_fail_rejects_at_once() {
    let mut h = H::new(4);
    h.network(false);
    let r = h.submit(GET | flag::OFFLINE_FAIL);
    assert_eq!(h.rejected(r), (reason::OFFLINE, 0.0));
    h.network(true);
    let next = h.submit(GET | flag::OFFLINE_FAIL);
    assert!(h.in_flight(next), "online, it goes");
}

#[test]
fn an_idempotent_request_cut_by_going_offline_is_sent_again_uncounted() {
    let mut h = H::new(4);
    let r = h.submit_with(GET, TIMEOUT, 0.0, None);
    h.network(false);
    h.fail(r, failure::NETWORK);
    assert!(!h.settled(r), "held, though it has no retries");
    h.network(true);
    let again = h.sends(r);
    assert_eq!(again.len(), 2);
    assert_eq!(again[1].attempt, again[0].attempt, "not counted as a retry");
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0);
}

#[test]
fn a_network_failure_reported_after_the_network_came_back_still_counts_as_offline() {
    let mut h = H::new(4);
    let r = h.submit_with(GET, TIMEOUT, 0.0, None);
    h.network(false);
    h.network(true);
    h.fail(r, failure::NETWORK);
    assert!(h.in_flight(r), "the drop during its send explains the failure: sent again");
    h.fail(r, failure::NETWORK);
    assert_eq!(h.rejected(r), (reason::NETWORK, 0.0), "a failure with no drop is an ordinary one");
}

#[test]
fn a_post_cut_by_going_offline_fails_saying_so() {
    let mut h = H::new(4);
    let r = h.submit(POST);
    h.network(false);
    h.fail(r, failure::NETWORK);
    assert_eq!(h.rejected(r), (reason::OFFLINE, 0.0));
}

#[test]
fn no_login_starts_while_offline() {
    let mut h = H::auth(4);
    h.network(false);
    let r = h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 0);
    h.network(true);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    h.code(true);
    h.logged_in(true, f64::NAN);
    assert_eq!(h.call(r).gen, h.gen);
}

#[test]
fn hidden_and_offline_both_hold_until_both_clear() {
    let mut h = H::new(4);
    h.hide();
    h.network(false);
    let r = h.submit(GET);
    h.show();
    assert!(!h.in_flight(r), "still offline");
    h.hide();
    h.network(true);
    assert!(!h.in_flight(r), "still hidden");
    h.show();
    assert!(h.in_flight(r));
}

#[test]
fn a_stream_that_delivered_a_chunk_is_never_sent_again() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    let expired = h.submit(GET | AUTH);
    h.step(|c, _| c.committed(expired.id));
    h.expire(expired);
    assert_eq!(h.rejected(expired), (reason::AUTH, 0.0));
    assert_eq!(h.count(op::WX_LOGIN), 1, "no re-login for it");
    let cut = h.submit(GET);
    h.step(|c, _| c.committed(cut.id));
    h.fail(cut, failure::NETWORK);
    assert_eq!(h.rejected(cut), (reason::NETWORK, 0.0), "not retried");
    let dropped = h.submit(GET);
    h.step(|c, _| c.committed(dropped.id));
    h.network(false);
    h.fail(dropped, failure::NETWORK);
    assert_eq!(h.rejected(dropped), (reason::OFFLINE, 0.0), "not resent on reconnect");
    h.network(true);
    let before = h.submit(GET | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 2, "the committed stream's expired answer still ended that token");
    h.code(true);
    h.logged_in(true, f64::NAN);
    h.expire(before);
    assert!(!h.settled(before), "before its first chunk a stream re-logs in like any request");
    assert_eq!(h.count(op::WX_LOGIN), 3);
}

#[test]
fn the_refresh_timer_waits_for_the_network() {
    let config = wxhttp::AuthConfig { check_session: false, refresh_ahead: 60_000.0, ..Default::default() };
    let mut h = H::with_auth(4, config);
    let r = h.submit(flag::LOGIN);
    h.code(true);
    h.logged_in(true, 3_600.0);
    assert_eq!(h.resolved(r), 3.0);
    h.network(false);
    h.advance_to(3_590_000.0);
    assert_eq!(h.count(op::WX_LOGIN), 1, "no refresh offline, and no timer firing over and over");
    h.network(true);
    assert_eq!(h.count(op::WX_LOGIN), 2, "refreshed when the network is back");
}
