//! The concurrency limit (SPEC §5): at most `maxConcurrent` calls, a FIFO queue, a slot freed
//! by every outcome, the login request ahead of the queue; the timeout counted from dispatch
//! and the backstop that aborts a call wx never answers.

use crate::harness::*;

#[test]
fn forty_requests_never_exceed_ten_in_flight_and_leave_in_order() {
    let mut h = H::new(10);
    let rs: Vec<R> = (0..40).map(|_| h.submit(GET)).collect();
    assert_eq!(h.calls.len(), 10);
    while let Some(&call) = h.calls.first() {
        h.answer(call, 200.0, answer::VALID, -1.0);
    }
    assert_eq!(h.max_in_flight, 10);
    let order: Vec<R> = h.sent.iter().map(|c| c.r).collect();
    assert_eq!(order, rs, "requests leave the queue in the order they came");
    assert!(rs.iter().all(|&r| h.resolved(r) == 0.0));
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn every_outcome_frees_the_slot_for_the_next_request() {
    let mut h = H::new(1);
    let rs: Vec<R> = (0..8).map(|_| h.submit(POST)).collect();
    h.ok(rs[0]);
    h.respond(rs[1], 404.0);
    h.fail(rs[2], failure::NETWORK);
    h.fail(rs[3], failure::ABORTED);
    h.fail(rs[4], failure::INTERRUPTED);
    h.abort(rs[5]);
    h.advance(TIMEOUT);
    assert!(h.in_flight(rs[7]), "the timed-out call's slot went to the next");
    h.ok(rs[7]);
    assert_eq!(h.resolved(rs[0]), 0.0);
    assert_eq!(h.rejected(rs[1]), (reason::HTTP, 404.0));
    assert_eq!(h.rejected(rs[2]).0, reason::NETWORK);
    assert_eq!(h.rejected(rs[3]).0, reason::WX_ABORTED);
    assert_eq!(h.rejected(rs[4]).0, reason::NETWORK);
    assert_eq!(h.rejected(rs[5]).0, reason::ABORTED);
    assert_eq!(h.rejected(rs[6]), (reason::TIMEOUT, TIMEOUT));
    assert_eq!(h.resolved(rs[7]), 0.0);
    assert_eq!(h.sent.len(), 8);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn the_login_request_takes_the_next_free_slot_ahead_of_queued_requests() {
    let mut h = H::auth(1);
    let first = h.submit(GET);
    let needs_token = h.submit(GET | AUTH);
    let queued = h.submit(GET);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    h.code(true);
    assert_eq!(h.count(op::LOGIN_SEND), 0, "no slot free yet");
    h.ok(first);
    assert_eq!(h.exchanges.len(), 1, "the login went out");
    assert!(!h.in_flight(queued), "the queued request waits behind the login");
    h.logged_in(true, f64::NAN);
    assert!(h.in_flight(queued), "first come, first served after the login");
    h.ok(queued);
    assert!(h.in_flight(needs_token));
    assert_eq!(h.call(needs_token).attempt, 3.0, "first attempt, with the token");
    h.ok(needs_token);
    assert_eq!(h.max_in_flight, 1);
}

#[test]
fn a_long_queue_never_times_a_request_out() {
    let mut h = H::new(1);
    let slow = h.submit_with(GET, 60_000.0, -1.0, None);
    let quick = h.submit_with(GET, 1_000.0, -1.0, None);
    h.advance(50_000.0);
    assert!(!h.settled(quick), "waiting for a slot is no timeout");
    h.ok(slow);
    assert_eq!(h.call(quick).at, 50_000.0);
    h.advance(999.0);
    assert!(!h.settled(quick));
    h.ok(quick);
    assert_eq!(h.resolved(quick), 0.0);
}

#[test]
fn the_timeout_runs_from_dispatch() {
    let mut h = H::new(1);
    let slow = h.submit_with(GET, 60_000.0, -1.0, None);
    let quick = h.submit_with(POST, 1_000.0, -1.0, None);
    h.advance(5_000.0);
    h.ok(slow);
    h.advance(999.0);
    assert!(h.in_flight(quick));
    h.advance(1.0);
    assert_eq!(h.now, 6_000.0);
    assert_eq!(h.rejected(quick), (reason::TIMEOUT, 1_000.0));
}

#[test]
fn a_call_past_its_timeout_is_aborted_and_a_get_is_retried() {
    let mut h = H::new(4);
    let r = h.submit_with(GET, 1_000.0, -1.0, None);
    let first = h.call(r);
    h.advance(1_000.0);
    let abort = [f64::from(first.slot), f64::from(first.serial), 0.0, 0.0];
    assert_eq!(h.args(op::ABORT), vec![abort]);
    assert!(!h.settled(r), "a GET is retried after a timeout");
    h.advance(400.0);
    assert_eq!(h.sends(r).len(), 2, "resent after a 300 ms ± 20% backoff");
    assert_eq!(h.call(r).attempt, 4.0, "second attempt, no token");
    // wx's answer to the aborted call is stale: ignored.
    h.answer(first, 200.0, answer::VALID, -1.0);
    assert!(!h.settled(r));
    h.advance(10_000.0);
    assert_eq!(h.sends(r).len(), 3, "limit 2: three sends");
    assert_eq!(h.rejected(r), (reason::TIMEOUT, 1_000.0));
    assert_eq!(h.count(op::ABORT), 3);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn a_timed_out_post_is_aborted_and_rejected_at_once() {
    let mut h = H::new(4);
    let r = h.submit_with(POST, 2_500.0, -1.0, None);
    h.advance(2_499.0);
    assert_eq!(h.count(op::ABORT), 0);
    h.advance(1.0);
    assert_eq!(h.count(op::ABORT), 1);
    assert_eq!(h.rejected(r), (reason::TIMEOUT, 2_500.0));
    assert_eq!(h.sends(r).len(), 1);
}

#[test]
fn wx_timing_out_first_counts_as_the_timeout() {
    let mut h = H::new(4);
    let r = h.submit(POST);
    h.fail(r, failure::TIMEOUT);
    assert_eq!(h.rejected(r), (reason::TIMEOUT, TIMEOUT));
    h.advance(TIMEOUT * 2.0);
    assert_eq!(h.count(op::ABORT), 0, "the call had ended: nothing to abort");
}

#[test]
fn more_requests_alive_than_the_core_keeps_reject_instead_of_growing_without_bound() {
    let mut c = wxhttp::Client::new(1);
    let id = 1 << 16;
    c.submit(id, 1.0, 0, 1000.0, -1.0, wxhttp::protocol::NIL, 0.0, 0.0);
    let cmd = c.out.pop().expect("a command");
    assert_eq!(
        (cmd.op, cmd.a[0], cmd.a[1]),
        (op::REJECT, f64::from(id), f64::from(wxhttp::protocol::reason::OVERLOAD))
    );
    assert_eq!(c.counts(), (0, 0));
}
