//! The app in the background (SPEC §7): wx interrupts calls when the app hides; an idempotent
//! one waits for the app to show and goes again, another rejects NETWORK; requests made while
//! hidden wait for the app too, each at most its own timeout.

use crate::harness::*;

#[test]
fn an_interrupted_get_waits_for_the_app_and_is_resent() {
    let mut h = H::new(2);
    let r = h.submit(GET);
    h.hide();
    h.fail(r, failure::INTERRUPTED);
    assert!(!h.settled(r));
    h.advance(5_000.0);
    assert_eq!(h.sends(r).len(), 1, "nothing goes out while hidden");
    h.show();
    assert_eq!(h.sends(r).len(), 2);
    assert_eq!(h.call(r).attempt, 2.0, "a resend, not a retry: the count starts over");
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0);
}

#[test]
fn an_interrupted_post_rejects_network() {
    for m in [POST, method::PATCH] {
        let mut h = H::new(2);
        let r = h.submit(m);
        h.hide();
        h.fail(r, failure::INTERRUPTED);
        assert_eq!(h.rejected(r), (reason::NETWORK, 0.0));
        h.show();
        assert_eq!(h.sends(r).len(), 1);
    }
}

#[test]
fn an_interrupted_answer_after_the_app_came_back_resends_at_once() {
    let mut h = H::new(2);
    let r = h.submit(method::PUT);
    h.hide();
    h.show();
    h.fail(r, failure::INTERRUPTED);
    assert_eq!(h.sends(r).len(), 2);
}

#[test]
fn an_interrupted_with_no_hide_is_a_network_failure() {
    let mut h = H::new(2);
    let r = h.submit(GET);
    h.fail(r, failure::INTERRUPTED);
    assert_eq!(h.rejected(r), (reason::NETWORK, 0.0));
}

#[test]
fn a_request_made_while_hidden_waits_for_the_app() {
    let mut h = H::new(2);
    h.hide();
    let r = h.submit(GET);
    let p = h.submit(POST);
    assert!(h.sent.is_empty());
    h.advance(9_000.0);
    h.show();
    assert!(h.in_flight(r) && h.in_flight(p));
    h.advance(9_999.0);
    assert!(!h.settled(r), "its timeout starts again at dispatch");
}

#[test]
fn a_hidden_wait_is_bounded_by_the_timeout() {
    let mut h = H::new(2);
    h.hide();
    let r = h.submit_with(GET, 3_000.0, -1.0, None);
    h.advance(2_999.0);
    assert!(!h.settled(r));
    h.advance(1.0);
    assert_eq!(h.rejected(r), (reason::TIMEOUT_HIDDEN, 3_000.0));
    h.show();
    assert!(h.sent.is_empty());
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn an_interrupted_get_still_hidden_at_its_timeout_rejects() {
    let mut h = H::new(2);
    let r = h.submit_with(GET, 3_000.0, -1.0, None);
    h.advance(1_000.0);
    h.hide();
    h.fail(r, failure::INTERRUPTED);
    h.advance(2_999.0);
    assert!(!h.settled(r), "the wait's own timeout starts at the interruption");
    h.advance(1.0);
    assert_eq!(h.rejected(r), (reason::TIMEOUT_HIDDEN, 3_000.0));
}

#[test]
fn a_retry_due_while_hidden_waits_for_the_app() {
    let mut h = H::new(2);
    let r = h.submit(GET);
    h.respond(r, 503.0);
    h.hide();
    h.advance(1_000.0);
    assert_eq!(h.sends(r).len(), 1);
    h.show();
    assert_eq!(h.sends(r).len(), 2);
}

#[test]
fn requests_held_while_hidden_leave_in_the_order_they_were_made() {
    let mut h = H::new(1);
    let first = h.submit(GET);
    let second = h.submit(GET);
    h.ok(first);
    h.ok(second);
    h.hide();
    let rs: Vec<R> = (0..4).map(|_| h.submit(GET)).collect();
    h.show();
    while let Some(&call) = h.calls.first() {
        h.answer(call, 200.0, answer::VALID, -1.0);
    }
    let order: Vec<R> = h.sent[2..].iter().map(|c| c.r).collect();
    assert_eq!(order, rs, "first come, first served, whatever ids they got");
}

#[test]
fn an_interrupted_request_is_resent_at_most_five_times() {
    let mut h = H::new(1);
    let r = h.submit(GET);
    for _ in 0..5 {
        h.hide();
        h.fail(r, failure::INTERRUPTED);
        h.show();
    }
    assert_eq!(h.sends(r).len(), 6);
    h.hide();
    h.fail(r, failure::INTERRUPTED);
    assert_eq!(h.rejected(r), (reason::NETWORK, 0.0), "no endless loop");
}
