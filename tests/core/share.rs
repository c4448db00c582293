//! Request sharing (SPEC §5): identical requests the driver pairs up share one call; each
//! sharer settles with a copy of the leader's outcome. A share the core cannot vouch for (a
//! reused id, a settled leader, another identity) is not joined.

use crate::harness::*;

fn share(h: &mut H, leader: R) -> R {
    h.submit_with(GET, TIMEOUT, -1.0, Some(leader))
}

#[test]
fn sharers_resolve_with_copies_of_one_call() {
    let mut h = H::new(4);
    let leader = h.submit(GET);
    let a = share(&mut h, leader);
    let b = share(&mut h, leader);
    assert_eq!(h.sent.len(), 1);
    h.ok(leader);
    assert_eq!(h.resolved(leader), 0.0, "the leader gets the response itself");
    assert_eq!((h.resolved(a), h.resolved(b)), (1.0, 1.0), "sharers get copies");
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn sharers_reject_with_the_leaders_failure() {
    let mut h = H::new(4);
    let leader = h.submit(GET | flag::NO_RETRY);
    let a = share(&mut h, leader);
    h.respond(leader, 500.0);
    assert_eq!(h.rejected(leader), (reason::HTTP, 500.0));
    assert_eq!(h.rejected(a), (reason::HTTP, 500.0));
    assert_eq!(h.outcome(leader).unwrap().a[3], 0.0);
    assert_eq!(h.outcome(a).unwrap().a[3], 1.0, "the sharer's response is a copy");
}

#[test]
fn sharers_ride_along_through_retries() {
    let mut h = H::new(4);
    let leader = h.submit(GET);
    let a = share(&mut h, leader);
    h.respond(leader, 503.0);
    let b = share(&mut h, leader);
    h.advance(1_000.0);
    assert_eq!(h.sent.len(), 2, "one retry for all three");
    h.ok(leader);
    assert_eq!((h.resolved(a), h.resolved(b)), (1.0, 1.0));
}

#[test]
fn a_share_with_the_wrong_seq_is_not_joined() {
    let mut h = H::new(4);
    let leader = h.submit(GET);
    let stale = R { id: leader.id, seq: leader.seq + 100 };
    let r = share(&mut h, stale);
    assert!(h.in_flight(r), "went out on its own");
    assert_eq!(h.sent.len(), 2);
}

#[test]
fn a_settled_leader_is_not_joined_even_when_its_id_is_reused() {
    let mut h = H::new(4);
    let leader = h.submit(GET);
    h.ok(leader);
    let reuser = h.submit(GET);
    assert_eq!(reuser.id, leader.id, "the freed id was reused");
    let late = share(&mut h, leader);
    assert!(h.in_flight(late), "the id's new owner is not the old leader");
    assert_eq!(h.sent.len(), 3);
}

#[test]
fn a_request_is_never_its_own_leader() {
    let mut h = H::new(4);
    let r = h.alloc();
    let seq = r.seq as f64;
    h.step(|c, now| c.submit(r.id, seq, GET, TIMEOUT, -1.0, r.id, seq, now));
    assert!(h.in_flight(r));
}

#[test]
fn identical_requests_waiting_for_the_same_login_share_it() {
    let mut h = H::auth(4);
    let leader = h.submit(GET | AUTH);
    let a = h.submit_with(GET | AUTH, TIMEOUT, -1.0, Some(leader));
    h.code(true);
    h.logged_in(true, f64::NAN);
    assert_eq!(h.sent.len(), 1);
    h.ok(leader);
    assert_eq!(h.resolved(a), 1.0);
}

#[test]
fn sharing_does_not_cross_a_logout() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    let before = h.submit(GET | AUTH);
    h.logout();
    let after = h.submit_with(GET | AUTH, TIMEOUT, -1.0, Some(before));
    assert_eq!(h.count(op::WX_LOGIN), 2, "it waits for a login of its own");
    h.ok(before);
    assert_eq!(h.resolved(before), 0.0);
    assert!(!h.settled(after), "the old identity's answer is not handed over");
    h.code(true);
    h.logged_in(true, f64::NAN);
    h.ok(after);
    assert_eq!(h.resolved(after), 0.0);
}

#[test]
fn an_account_switch_ends_sharing_with_the_previous_user() {
    let mut h = H::auth(4);
    h.sign_in(f64::NAN);
    let before = h.submit(GET | AUTH);
    h.submit(flag::LOGIN);
    h.code(true);
    h.logged_in_as(true, f64::NAN, true);
    assert_eq!(h.args(op::DROP_CACHE), vec![[1.0, 0.0, 0.0, 0.0]]);
    let after = h.submit_with(GET | AUTH, TIMEOUT, -1.0, Some(before));
    assert!(h.in_flight(after), "its own call, under the new user");
    assert_eq!(h.sent.len(), 2);
}
