//! Retry (SPEC §7): which methods and statuses, the limit, an explicit per-request `retry`,
//! `Retry-After`, exponential backoff with bounded jitter, and a backoff that holds no slot.

use crate::harness::*;
use wxhttp::RetryPolicy;

/// Whether request `flags` is sent again after failing once with `fail`.
fn retried(flags: u32, retry: f64, fail: impl FnOnce(&mut H, R)) -> bool {
    let mut h = H::new(1);
    let r = h.submit_with(flags, TIMEOUT, retry, None);
    fail(&mut h, r);
    h.advance(1_000.0);
    let again = h.sends(r).len() == 2;
    assert_eq!(again, !h.settled(r), "a request is either retried or settled");
    again
}

fn network(h: &mut H, r: R) {
    h.fail(r, failure::NETWORK);
}

#[test]
fn idempotent_methods_are_retried_by_default_and_others_are_not() {
    for m in 0..=8 {
        let expected = matches!(m, method::GET | method::HEAD | method::OPTIONS | method::PUT | method::DELETE);
        assert_eq!(retried(m, -1.0, network), expected, "method {m}");
    }
}

#[test]
fn only_the_listed_statuses_are_retried() {
    for status in [408.0, 429.0, 500.0, 502.0, 503.0, 504.0] {
        assert!(retried(GET, -1.0, |h, r| h.respond(r, status)), "{status}");
    }
    for status in [400.0, 401.0, 403.0, 404.0, 501.0, 505.0] {
        assert!(!retried(GET, -1.0, |h, r| h.respond(r, status)), "{status}");
    }
    assert!(retried(GET, -1.0, |h, r| h.fail(r, failure::TIMEOUT)));
    assert!(!retried(GET, -1.0, |h, r| h.fail(r, failure::ABORTED)));
}

#[test]
fn a_status_that_is_not_retried_rejects_http_with_the_status() {
    let mut h = H::new(1);
    let r = h.submit(POST);
    h.respond(r, 503.0);
    assert_eq!(h.rejected(r), (reason::HTTP, 503.0));
}

#[test]
fn limit_two_means_three_sends() {
    let mut h = H::new(1);
    let r = h.submit(GET);
    for _ in 0..3 {
        h.respond(r, 500.0);
        h.advance(5_000.0);
    }
    let attempts: Vec<f64> = h.sends(r).iter().map(|c| c.attempt).collect();
    assert_eq!(attempts, [2.0, 4.0, 6.0], "attempt × 2, no token");
    assert_eq!(h.rejected(r), (reason::HTTP, 500.0));
}

#[test]
fn an_explicit_retry_applies_to_any_method_and_zero_turns_it_off() {
    assert!(retried(POST, 1.0, network));
    assert!(retried(method::PATCH, 3.0, network));
    assert!(!retried(GET, 0.0, network));
    assert!(!retried(GET | flag::NO_RETRY, -1.0, network));
    assert!(!retried(POST | flag::NO_RETRY, 5.0, network));
    let mut h = H::new(1);
    let r = h.submit_with(POST, TIMEOUT, 1.0, None);
    h.fail(r, failure::NETWORK);
    h.advance(1_000.0);
    h.fail(r, failure::NETWORK);
    assert_eq!(h.rejected(r).0, reason::NETWORK, "retry: 1 is two sends");
}

#[test]
fn the_policy_is_read_as_given() {
    let mut h = H::new(1);
    h.c.policy = RetryPolicy { limit: 1, methods: 1 << POST, statuses: vec![418], ..RetryPolicy::default() };
    let post = h.submit(POST);
    h.respond(post, 418.0);
    h.advance(1_000.0);
    assert_eq!(h.sends(post).len(), 2);
    h.respond(post, 418.0);
    assert_eq!(h.rejected(post), (reason::HTTP, 418.0));
    let get = h.submit(GET);
    h.respond(get, 418.0);
    assert_eq!(h.rejected(get), (reason::HTTP, 418.0), "GET is off the list");
}

#[test]
fn retry_after_is_honoured_and_capped_by_max_delay() {
    let mut h = H::new(1);
    let r = h.submit(GET);
    h.answer(h.call(r), 503.0, 0, 2_000.0);
    h.advance(1_999.0);
    assert_eq!(h.sends(r).len(), 1);
    h.advance(1.0);
    assert_eq!(h.sends(r).len(), 2, "no jitter on Retry-After");
    h.answer(h.call(r), 429.0, 0, 3_600_000.0);
    h.advance(9_999.0);
    assert_eq!(h.sends(r).len(), 2);
    h.advance(1.0);
    assert_eq!(h.sends(r).len(), 3, "capped at maxDelay");
    assert_eq!(h.call(r).at, 12_000.0);
}

#[test]
fn backoff_doubles_from_the_delay() {
    let mut h = H::new(1);
    h.c.policy.jitter = 0.0;
    h.c.policy.limit = 5;
    let r = h.submit(GET);
    let mut gaps = Vec::new();
    for _ in 0..5 {
        h.respond(r, 502.0);
        let failed_at = h.now;
        h.advance(5_000.0);
        gaps.push(h.call(r).at - failed_at);
    }
    h.respond(r, 502.0);
    assert_eq!(gaps, [300.0, 600.0, 1_200.0, 2_400.0, 4_800.0]);
    assert_eq!(h.rejected(r), (reason::HTTP, 502.0));
}

#[test]
fn jitter_stays_within_its_bounds_and_the_cap() {
    let p = RetryPolicy::default();
    for attempt in 1..=8u32 {
        let base = 300.0 * f64::from(1u32 << (attempt - 1));
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for seed in 0..5_000u64 {
            let d = p.delay_for(attempt, -1.0, seed.wrapping_mul(0x9E37_79B9));
            lo = lo.min(d);
            hi = hi.max(d);
        }
        assert!(lo >= (base * 0.8).min(10_000.0) && hi <= (base * 1.2).min(10_000.0));
        if base * 1.2 < 10_000.0 {
            assert!(lo < base * 0.82 && hi > base * 1.18, "jitter spreads: {lo}..{hi}");
        }
    }
    assert_eq!(p.delay_for(3, 500.0, 7), 500.0, "Retry-After wins over backoff");
}

#[test]
fn a_request_in_backoff_holds_no_slot() {
    let mut h = H::new(1);
    let a = h.submit(GET);
    let b = h.submit(GET);
    h.respond(a, 503.0);
    assert!(h.in_flight(b), "the backoff freed the slot");
    h.advance(1_000.0);
    assert!(!h.in_flight(a), "its retry waits for a slot like any request");
    h.ok(b);
    assert!(h.in_flight(a));
    h.ok(a);
    assert_eq!(h.resolved(a), 0.0);
}
