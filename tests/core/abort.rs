//! `promise.abort()` in every stage a request can be in (SPEC §5): it rejects ABORTED once,
//! leaves nothing behind (no slot, no queue place, no wait, no timer that resends it), aborts
//! the task only when a call is in flight, and hands a shared call to the first sharer.

use crate::harness::*;

fn aborted(h: &H, r: R) {
    assert_eq!(h.rejected(r), (reason::ABORTED, 0.0));
}

#[test]
fn aborting_a_queued_request_takes_it_out_of_the_queue() {
    let mut h = H::new(1);
    let a = h.submit(GET);
    let b = h.submit(GET);
    h.abort(b);
    aborted(&h, b);
    assert_eq!(h.count(op::ABORT), 0, "no task to abort");
    h.ok(a);
    assert!(h.sends(b).is_empty());
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn aborting_a_call_in_flight_aborts_the_task_and_frees_the_slot() {
    let mut h = H::new(1);
    let a = h.submit(GET);
    let b = h.submit(GET);
    let call = h.call(a);
    h.abort(a);
    aborted(&h, a);
    let abort = [f64::from(call.slot), f64::from(call.serial), 0.0, 0.0];
    assert_eq!(h.args(op::ABORT), vec![abort]);
    assert!(h.in_flight(b));
    h.answer(call, 200.0, answer::VALID, -1.0);
    assert_eq!(h.count(op::RESOLVE), 0, "the aborted call's answer is stale");
    h.advance(TIMEOUT * 3.0);
    assert_eq!(h.sends(a).len(), 1);
}

#[test]
fn aborting_during_a_backoff_cancels_the_retry() {
    let mut h = H::new(1);
    let a = h.submit(GET);
    h.respond(a, 503.0);
    h.abort(a);
    aborted(&h, a);
    h.advance(20_000.0);
    assert_eq!(h.sends(a).len(), 1);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn aborting_while_waiting_for_a_login_leaves_the_login_alone() {
    let mut h = H::auth(2);
    let a = h.submit(GET | AUTH);
    let b = h.submit(GET | AUTH);
    h.abort(a);
    aborted(&h, a);
    h.code(true);
    h.logged_in(true, f64::NAN);
    assert!(h.sends(a).is_empty());
    h.ok(b);
    h.advance(TIMEOUT * 2.0);
    assert_eq!(h.resolved(b), 0.0);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn aborting_while_hidden_or_in_a_cache_lookup_settles_once() {
    let mut h = H::new(1);
    let lookup = h.submit(GET | flag::CACHE);
    h.abort(lookup);
    aborted(&h, lookup);
    h.step(|c, now| c.cached(lookup.id, true, now));
    assert_eq!(h.count(op::RESOLVE), 0, "a late lookup answer is ignored");
    h.hide();
    let held = h.submit(GET);
    h.abort(held);
    aborted(&h, held);
    h.show();
    h.advance(TIMEOUT * 2.0);
    assert!(h.sent.is_empty());
}

#[test]
fn aborting_a_sharer_leaves_the_leader_and_the_others() {
    let mut h = H::new(1);
    let leader = h.submit(GET);
    let a = h.submit_with(GET, TIMEOUT, -1.0, Some(leader));
    let b = h.submit_with(GET, TIMEOUT, -1.0, Some(leader));
    h.abort(a);
    aborted(&h, a);
    assert_eq!(h.count(op::ABORT), 0);
    h.ok(leader);
    assert_eq!((h.resolved(leader), h.resolved(b)), (0.0, 1.0));
}

#[test]
fn aborting_the_leader_hands_its_call_to_the_first_sharer() {
    let mut h = H::new(1);
    let leader = h.submit(GET);
    let heir = h.submit_with(GET, TIMEOUT, -1.0, Some(leader));
    let other = h.submit_with(GET, TIMEOUT, -1.0, Some(leader));
    let call = h.call(leader);
    h.abort(leader);
    aborted(&h, leader);
    assert_eq!(h.count(op::ABORT), 0, "the sharers still want the call");
    h.answer(call, 200.0, answer::VALID, -1.0);
    assert_eq!(h.resolved(heir), 0.0, "the heir owns the response now");
    assert_eq!(h.resolved(other), 1.0);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn the_heir_keeps_the_leaders_place_in_the_queue() {
    let mut h = H::new(1);
    let blocker = h.submit(GET);
    let leader = h.submit(GET);
    let heir = h.submit_with(GET, TIMEOUT, -1.0, Some(leader));
    let later = h.submit(GET);
    h.abort(leader);
    h.ok(blocker);
    assert!(h.in_flight(heir), "ahead of the request submitted after it");
    assert!(!h.in_flight(later));
    h.ok(heir);
    h.ok(later);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn the_heir_carries_on_waiting_for_the_login_and_retrying() {
    let mut h = H::auth(2);
    let leader = h.submit(GET | AUTH);
    let heir = h.submit_with(GET | AUTH, TIMEOUT, -1.0, Some(leader));
    h.abort(leader);
    h.code(true);
    h.logged_in(true, f64::NAN);
    h.respond(heir, 503.0);
    let last = h.submit_with(GET | AUTH, TIMEOUT, -1.0, Some(heir));
    h.abort(heir);
    h.advance(1_000.0);
    assert_eq!(h.sends(heir).len(), 1);
    assert_eq!(h.sends(last).len(), 1, "the next heir took over the retry");
    h.ok(last);
    assert_eq!(h.resolved(last), 0.0);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn aborting_after_settling_does_nothing() {
    let mut h = H::new(1);
    let a = h.submit(GET);
    h.ok(a);
    let logged = h.log.len();
    h.step(|c, now| c.abort(a.id, now));
    assert_eq!(h.log.len(), logged, "no command for a settled request");
    assert_eq!(h.resolved(a), 0.0);
}
