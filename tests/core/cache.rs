//! The response cache step (SPEC §8, L9): a lookup only once the identity is confirmed, a hit
//! resolves without a call, a miss goes on and stores its answer, and an answer is stored only
//! under the identity it was looked up with.

use crate::harness::*;

const CACHED: u32 = GET | flag::CACHE;

#[test]
fn a_hit_resolves_from_the_cache_without_a_call() {
    let mut h = H::new(2);
    let r = h.submit(CACHED);
    assert_eq!(h.lookups, vec![r]);
    h.cached(r, true);
    assert_eq!(h.resolved(r), 2.0, "the cached response");
    assert!(h.sent.is_empty());
    assert_eq!(h.count(op::CACHE_WRITE), 0);
    assert_eq!(h.c.counts(), (0, 0));
}

#[test]
fn a_miss_is_sent_and_its_answer_stored_before_it_resolves() {
    let mut h = H::new(2);
    let r = h.submit(CACHED);
    h.cached(r, false);
    h.ok(r);
    let tail: Vec<u32> = h.log.iter().rev().take(2).map(|c| c.op).collect();
    assert_eq!(tail, [op::RESOLVE, op::CACHE_WRITE]);
    assert_eq!(h.args(op::CACHE_WRITE)[0][0], f64::from(r.id));
}

#[test]
fn a_failed_answer_is_not_stored() {
    let mut h = H::new(2);
    let r = h.submit(CACHED | flag::NO_RETRY);
    h.cached(r, false);
    h.respond(r, 500.0);
    assert_eq!(h.rejected(r).0, reason::HTTP);
    assert_eq!(h.count(op::CACHE_WRITE), 0);
}

#[test]
fn the_cache_is_read_only_after_the_login_confirms_the_identity() {
    let mut h = H::auth(2);
    let r = h.submit(CACHED | AUTH);
    assert_eq!(h.count(op::WX_LOGIN), 1);
    assert!(h.lookups.is_empty(), "no identity yet: nothing to look up under");
    h.code(true);
    assert!(h.lookups.is_empty());
    h.logged_in(true, f64::NAN);
    assert_eq!(h.lookups, vec![r]);
    h.cached(r, true);
    assert_eq!(h.resolved(r), 2.0);
}

#[test]
fn the_cache_is_read_only_after_check_session_confirms_a_restored_token() {
    let mut h = H::with_auth(2, wxhttp::AuthConfig::default());
    h.restore(f64::NAN);
    let r = h.submit(CACHED | AUTH);
    assert_eq!(h.count(op::CHECK_SESSION), 1);
    assert!(h.lookups.is_empty());
    h.check(true);
    assert_eq!(h.lookups, vec![r]);
    h.cached(r, false);
    assert_eq!(h.call(r).gen, 1);
    h.ok(r);
    assert_eq!(h.count(op::CACHE_WRITE), 1);
}

#[test]
fn a_cached_request_waiting_for_the_identity_is_bounded_by_its_timeout() {
    let mut h = H::auth(2);
    let r = h.submit_with(CACHED | AUTH, 4_000.0, -1.0, None);
    h.advance(4_000.0);
    assert_eq!(h.rejected(r), (reason::TIMEOUT_LOGIN, 4_000.0));
    assert!(h.lookups.is_empty());
}

#[test]
fn a_failed_login_rejects_a_cached_request_without_a_lookup() {
    let mut h = H::auth(2);
    let r = h.submit(CACHED | AUTH);
    h.code(false);
    assert_eq!(h.rejected(r).0, reason::LOGIN_FAILED);
    assert_eq!(h.count(op::CACHE_READ), 0);
}

#[test]
fn an_answer_that_straddles_a_logout_is_not_stored() {
    let mut h = H::new(2);
    let r = h.submit(CACHED);
    h.cached(r, false);
    h.logout();
    h.ok(r);
    assert_eq!(h.resolved(r), 0.0, "the caller still gets its answer");
    assert_eq!(h.count(op::CACHE_WRITE), 0, "but it is not filed under the next identity");
}

#[test]
fn an_answer_that_straddles_an_account_switch_is_not_stored() {
    let mut h = H::auth(2);
    h.sign_in(f64::NAN);
    let r = h.submit(CACHED | AUTH);
    h.cached(r, false);
    let login = h.submit(flag::LOGIN);
    h.code(true);
    h.logged_in_as(true, f64::NAN, true);
    assert_eq!(h.args(op::IDENTITY), vec![[1.0, 0.0, 0.0, 0.0]]);
    let at = |op: u32, a0: f64| h.log.iter().rposition(|c| c.op == op && c.a[0] == a0).unwrap();
    let dropped = at(op::DROP_CACHE, 1.0);
    assert!(dropped < at(op::RESOLVE, f64::from(login.id)), "the old user's cache goes first");
    h.ok(r);
    assert_eq!(h.count(op::CACHE_WRITE), 0);
    let next = h.submit(CACHED | AUTH);
    h.cached(next, false);
    h.ok(next);
    assert_eq!(h.count(op::CACHE_WRITE), 1, "the new user's answers are stored");
}

#[test]
fn a_login_that_keeps_the_user_keeps_the_identity() {
    let mut h = H::auth(2);
    h.sign_in(f64::NAN);
    let r = h.submit(CACHED | AUTH);
    h.cached(r, false);
    h.expire(r);
    h.code(true);
    h.logged_in(true, f64::NAN);
    h.ok(r);
    assert_eq!(h.count(op::IDENTITY), 0);
    assert_eq!(h.count(op::CACHE_WRITE), 1);
}

#[test]
fn sharers_of_a_cached_miss_get_copies_and_one_write() {
    let mut h = H::new(2);
    let leader = h.submit(CACHED);
    h.cached(leader, false);
    let member = h.submit(CACHED);
    h.cached(member, false);
    let joined = h.submit_with(CACHED, TIMEOUT, -1.0, Some(leader));
    h.cached(joined, false);
    assert_eq!(h.sent.len(), 2);
    h.ok(leader);
    assert_eq!(h.resolved(joined), 1.0);
    assert_eq!(h.count(op::CACHE_WRITE), 1);
    h.ok(member);
    assert_eq!(h.count(op::CACHE_WRITE), 2);
}

/// A login answered with no user id: `logged_in` with `user::NONE`.
fn logged_in_without_a_user(h: &mut H) {
    let e = h.exchanges.remove(0);
    h.step(|c, now| c.logged_in(e.episode, true, f64::NAN, wxhttp::protocol::user::NONE, now));
}

#[test]
fn without_a_user_id_a_login_after_a_failed_check_session_is_a_new_identity() {
    // The phone switched WeChat account between launches; the server names no user.
    let mut h = H::with_auth(2, wxhttp::AuthConfig::default());
    h.restore(f64::NAN);
    let r = h.submit(CACHED | AUTH);
    h.check(false);
    h.code(true);
    logged_in_without_a_user(&mut h);
    let drop = h.args(op::DROP_CACHE);
    assert_eq!((drop.len(), drop.first().map(|a| a[0])), (1, Some(1.0)), "the previous identity's entries go");
    assert_eq!(h.count(op::IDENTITY), 1, "nothing shared across it");
    assert_eq!(h.lookups, vec![r], "looked up only under the new identity");
}

#[test]
fn without_a_user_id_a_re_login_after_expiry_keeps_the_identity() {
    let mut h = H::auth(2);
    h.sign_in(f64::NAN);
    let before = h.count(op::IDENTITY);
    let r = h.submit(CACHED | AUTH);
    h.cached(r, false);
    h.expire(r);
    h.code(true);
    logged_in_without_a_user(&mut h);
    h.ok(r);
    assert_eq!(h.count(op::IDENTITY), before);
    assert_eq!(h.count(op::CACHE_WRITE), 1);
}
