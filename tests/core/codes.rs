//! Login codes for the app (SPEC §9): `takeLoginCode()` gets a prefetched code while it is
//! fresh (under 270 s) and unused, else a fetch of its own; a code is handed out once; a take
//! may claim a prefetch still in flight; the silent login never draws from these codes.

use crate::harness::*;

/// The fetch number a CODE_GIVE handed to `r`.
fn given(h: &H, r: R) -> u32 {
    match h.outcome(r) {
        Some(cmd) if cmd.op == op::CODE_GIVE => cmd.a[1] as u32,
        other => panic!("{r:?}: expected CODE_GIVE, got {other:?}"),
    }
}

#[test]
fn a_take_after_a_prefetch_gets_the_prefetched_code() {
    let mut h = H::new(1);
    let p = h.prefetch_code();
    assert_eq!(h.fetches, vec![1]);
    h.code_got(1, true);
    assert_eq!(h.resolved(p), 3.0, "the prefetch resolves with nothing");
    h.advance(60_000.0);
    let t = h.take_code();
    assert_eq!(given(&h, t), 1);
    assert_eq!(h.count(op::CODE_FETCH), 1, "no second wx.login");
}

#[test]
fn a_code_is_given_once() {
    let mut h = H::new(1);
    h.prefetch_code();
    h.code_got(1, true);
    let first = h.take_code();
    let second = h.take_code();
    assert_eq!(given(&h, first), 1);
    assert!(!h.settled(second));
    assert_eq!(h.fetches, vec![2], "the second take fetches its own");
    h.code_got(2, true);
    assert_eq!(given(&h, second), 2);
}

#[test]
fn a_code_older_than_270_s_is_dropped_not_given() {
    let mut h = H::new(1);
    h.prefetch_code();
    h.advance(1_000.0);
    h.code_got(1, true);
    h.advance_to(269_999.0);
    let fresh = h.take_code();
    assert_eq!(given(&h, fresh), 1, "fresh until 270 s after wx.login was asked");
    let mut h = H::new(1);
    h.prefetch_code();
    h.code_got(1, true);
    h.advance_to(270_000.0);
    let t = h.take_code();
    assert_eq!(h.args(op::CODE_DROP), vec![[1.0, 0.0, 0.0, 0.0]]);
    assert!(!h.settled(t));
    h.code_got(2, true);
    assert_eq!(given(&h, t), 2);
}

#[test]
fn a_take_claims_a_prefetch_in_flight() {
    let mut h = H::new(1);
    let p = h.prefetch_code();
    let t = h.take_code();
    assert_eq!(h.count(op::CODE_FETCH), 1, "it waits for the prefetch");
    h.code_got(1, true);
    assert_eq!(h.resolved(p), 3.0);
    assert_eq!(given(&h, t), 1);
    let next = h.take_code();
    assert_eq!(h.count(op::CODE_FETCH), 2, "the claimed code is gone");
    h.code_got(2, true);
    assert_eq!(given(&h, next), 2);
}

#[test]
fn a_failed_prefetch_a_take_claimed_is_replaced_by_a_fetch_of_its_own() {
    let mut h = H::new(1);
    let p = h.prefetch_code();
    let t = h.take_code();
    h.code_got(1, false);
    assert_eq!(h.rejected(p), (reason::CODE_FAILED, 1.0));
    assert!(!h.settled(t));
    assert_eq!(h.fetches, vec![2]);
    h.code_got(2, true);
    assert_eq!(given(&h, t), 2);
}

#[test]
fn a_claimed_prefetch_that_arrives_stale_is_replaced() {
    let mut h = H::new(1);
    h.prefetch_code();
    let t = h.take_code();
    h.advance_to(270_000.0);
    h.code_got(1, true);
    assert!(!h.settled(t));
    assert_eq!(h.args(op::CODE_DROP), vec![[1.0, 0.0, 0.0, 0.0]]);
    h.code_got(2, true);
    assert_eq!(given(&h, t), 2);
}

#[test]
fn a_take_whose_own_fetch_fails_rejects() {
    let mut h = H::new(1);
    let t = h.take_code();
    h.code_got(1, false);
    assert_eq!(h.rejected(t), (reason::CODE_FAILED, 1.0));
    h.code_got(1, true);
    assert_eq!(h.count(op::CODE_GIVE), 0, "a second answer for the fetch is ignored");
}

#[test]
fn a_newer_prefetch_replaces_the_code_waiting() {
    let mut h = H::new(1);
    h.prefetch_code();
    h.code_got(1, true);
    h.prefetch_code();
    h.code_got(2, true);
    assert_eq!(h.args(op::CODE_DROP), vec![[1.0, 0.0, 0.0, 0.0]]);
    let t = h.take_code();
    assert_eq!(given(&h, t), 2);
}

#[test]
fn an_older_prefetch_arriving_last_is_dropped() {
    let mut h = H::new(1);
    let a = h.prefetch_code();
    let b = h.prefetch_code();
    h.code_got(2, true);
    h.code_got(1, true);
    assert_eq!((h.resolved(a), h.resolved(b)), (3.0, 3.0));
    assert_eq!(h.args(op::CODE_DROP), vec![[1.0, 0.0, 0.0, 0.0]]);
    let t = h.take_code();
    assert_eq!(given(&h, t), 2);
}

#[test]
fn the_silent_login_never_uses_a_prefetched_code() {
    let mut h = H::auth(2);
    h.prefetch_code();
    h.code_got(1, true);
    h.sign_in(f64::NAN);
    assert_eq!(h.count(op::WX_LOGIN), 1, "the login asks wx.login itself");
    let t = h.take_code();
    assert_eq!(given(&h, t), 1, "the prefetched code is still there");
}
