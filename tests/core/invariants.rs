//! Seeded random property tests: thousands of random event sequences (requests of every kind,
//! answers, failures, stale answers, aborts, timers, the app hiding and showing, logins that
//! succeed, fail or time out, logouts, login codes). The harness checks on every command that a
//! request settles at most once, nothing is sent after it settled and the limit holds; at the
//! end, with everything answered and the clock past every deadline, every request has settled,
//! nothing is left in the core, and the logins stay within what the events called for.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::harness::*;
use wxhttp::{AuthConfig, Kind};

/// splitmix64: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// What the events called for: each may justify one login.
#[derive(Default)]
struct Needs {
    logouts: usize,
    login_calls: usize,
    dead_checks: usize,
    /// Expired answers for a call that carried the driver's current token.
    current_expired: usize,
    /// Tokens with a known expiry: each may expire once and be refreshed once.
    expiring: usize,
}

fn client(g: &mut Rng, n: &mut Needs) -> H {
    let max = 1 + g.below(4) as u32;
    if g.chance(0.2) {
        return H::new(max);
    }
    let config = AuthConfig {
        max_relogin: g.below(3) as u32,
        check_session: g.chance(0.5),
        refresh_ahead: g.pick(&[0.0, 5_000.0]),
        login_timeout: g.pick(&[3_000.0, 15_000.0]),
        function: g.chance(0.3),
    };
    let mut h = H::with_auth(max, config);
    if g.chance(0.5) {
        let expires = g.pick(&[f64::NAN, 20_000.0, 100_000.0]);
        n.expiring += usize::from(expires.is_finite());
        h.restore(expires);
    }
    h
}

fn submit(h: &mut H, g: &mut Rng, all: &[R], n: &mut Needs) -> R {
    let m = if g.chance(0.6) { GET } else { g.below(9) as u32 };
    let mut flags = m;
    for (bit, p) in [(AUTH, 0.6), (flag::NO_RETRY, 0.1), (flag::CACHE, 0.25), (flag::OFFLINE_FAIL, 0.2)] {
        if g.chance(p) && (bit != flag::CACHE || m == GET) {
            flags |= bit;
        }
    }
    if g.chance(0.04) {
        flags = flag::LOGIN;
        n.login_calls += 1;
    }
    let timeout = g.pick(&[500.0, 3_000.0, 10_000.0]);
    let retry = g.pick(&[-1.0, -1.0, -1.0, 0.0, 1.0, 3.0]);
    let mut share = (g.chance(0.3) && !all.is_empty()).then(|| all[g.below(all.len())]);
    if g.chance(0.1) {
        share = share.map(|s| R { seq: s.seq + 1, ..s });
    }
    h.submit_with(flags, timeout, retry, share)
}

fn answer(h: &mut H, g: &mut Rng, call: Call, n: &mut Needs) {
    match g.below(8) {
        0..=2 => h.answer(call, 200.0, answer::VALID, -1.0),
        3 => h.answer(call, g.pick(&[404.0, 500.0, 503.0]), 0, -1.0),
        4 => h.answer(call, 429.0, 0, g.pick(&[-1.0, 0.0, 2_000.0, 60_000.0])),
        5 => {
            let current = call.gen > 0 && call.gen == h.gen && h.calls.contains(&call);
            n.current_expired += usize::from(current);
            h.answer(call, 401.0, answer::EXPIRED, -1.0);
        }
        _ => h.fail_call(call, g.below(4) as u32),
    }
}

fn login_step(h: &mut H, g: &mut Rng, n: &mut Needs) {
    let ok = g.chance(0.8);
    if !h.checks.is_empty() && g.chance(0.5) {
        n.dead_checks += usize::from(!ok);
        h.check(ok);
    } else if !h.codes.is_empty() && g.chance(0.7) {
        h.code(ok);
    } else if !h.exchanges.is_empty() {
        let expires_in = g.pick(&[f64::NAN, 30.0, 3_600.0]);
        n.expiring += usize::from(ok && expires_in.is_finite());
        let user_changed = g.chance(0.1);
        h.logged_in_as(ok, expires_in, user_changed);
    } else {
        // Late answers for an episode that has ended: ignored.
        let episodes = h.args(op::WX_LOGIN).into_iter().chain(h.args(op::CHECK_SESSION));
        let latest = episodes.map(|a| a[0] as usize).max().unwrap_or(0);
        let ep = 1 + g.below(latest.saturating_sub(1)) as u32;
        if (ep as usize) < latest {
            h.step(|c, now| c.checked(ep, ok, now));
            h.step(|c, now| c.code(ep, ok, now));
            h.step(|c, now| c.logged_in(ep, ok, f64::NAN, 0, now));
        }
    }
}

fn event(h: &mut H, g: &mut Rng, all: &mut Vec<R>, stale: &mut Vec<Call>, n: &mut Needs) {
    let before = h.calls.clone();
    match g.below(20) {
        0..=4 => all.push(submit(h, g, all, n)),
        5..=8 if !h.calls.is_empty() => {
            let call = h.calls[g.below(h.calls.len())];
            answer(h, g, call, n);
        }
        9 if !stale.is_empty() => {
            let call = stale[g.below(stale.len())];
            answer(h, g, call, n);
        }
        10 if !all.is_empty() && g.chance(0.2) => {
            // A stream's first chunk reached the app.
            let r = all[g.below(all.len())];
            if h.is_live(r) {
                h.step(|c, _| c.committed(r.id));
            }
        }
        10 if !all.is_empty() => {
            let r = all[g.below(all.len())];
            if h.is_live(r) || h.id_free(r.id) {
                h.abort(r);
            }
        }
        11 | 12 => h.advance(g.pick(&[1.0, 100.0, 1_000.0, 5_000.0, 20_000.0])),
        13 if g.chance(0.5) => h.hide(),
        13 if g.chance(0.5) => h.show(),
        13 => {
            let online = g.chance(0.5);
            h.step(|c, now| c.network(online, now));
        }
        14 if !h.lookups.is_empty() => h.cached(h.lookups[0], g.chance(0.5)),
        15..=17 => login_step(h, g, n),
        18 if g.chance(0.15) => {
            n.logouts += 1;
            h.logout();
        }
        19 if !h.fetches.is_empty() && g.chance(0.5) => h.code_got(h.fetches[g.below(h.fetches.len())], g.chance(0.8)),
        19 => all.push(if g.chance(0.5) { h.take_code() } else { h.prefetch_code() }),
        _ => {}
    }
    stale.extend(before.into_iter().filter(|c| !h.calls.contains(c)));
}

/// Answers everything and runs the clock past every deadline.
fn settle_everything(h: &mut H) {
    h.script = Script { check: Some(true), code: Some(true), login: Some((true, f64::NAN)) };
    h.show();
    h.step(|c, now| c.network(true, now));
    for _ in 0..100_000 {
        if let Some(&call) = h.calls.first() {
            h.answer(call, 200.0, answer::VALID, -1.0);
        } else if let Some(&r) = h.lookups.first() {
            h.cached(r, false);
        } else if let Some(&f) = h.fetches.first() {
            h.code_got(f, true);
        } else if h.timer.is_finite() {
            h.advance_to(h.timer);
        } else {
            return;
        }
    }
    panic!("the core never came to rest");
}

fn run(seed: u64, events: usize) {
    let mut g = Rng(seed);
    let mut n = Needs::default();
    let mut h = client(&mut g, &mut n);
    let (mut all, mut stale) = (Vec::new(), Vec::new());
    for _ in 0..events {
        event(&mut h, &mut g, &mut all, &mut stale, &mut n);
    }
    settle_everything(&mut h);
    assert_eq!(h.live(), 0, "every request settles");
    assert!(all.iter().all(|&r| h.settled(r)));
    assert_eq!(h.c.counts(), (0, 0), "no request or call left in the core");
    for a in h.args(op::REJECT) {
        assert!(Kind::of(a[1] as u32).is_some(), "reason {} names no kind", a[1]);
    }
    let needed = 1 + n.logouts + n.login_calls + n.dead_checks + n.current_expired;
    let allowed = needed + 2 * n.expiring + h.count(op::LOGIN_FAILED);
    let logins = h.count(op::WX_LOGIN);
    assert!(logins <= allowed, "{logins} logins, {allowed} called for");
}

#[test]
fn thousands_of_random_sequences_keep_every_invariant() {
    for seed in 0..2_000u64 {
        let result = catch_unwind(AssertUnwindSafe(|| run(seed, 250)));
        assert!(result.is_ok(), "seed {seed} broke an invariant (rerun with run({seed}, 250))");
    }
}

#[test]
fn long_random_sequences_keep_every_invariant() {
    for seed in 10_000..10_020u64 {
        let result = catch_unwind(AssertUnwindSafe(|| run(seed, 5_000)));
        assert!(result.is_ok(), "seed {seed} broke an invariant (rerun with run({seed}, 5000))");
    }
}

#[test]
fn every_reject_reason_names_one_kind() {
    let kinds = [
        (reason::NETWORK, Kind::Network),
        (reason::TIMEOUT, Kind::Timeout),
        (reason::TIMEOUT_LOGIN, Kind::Timeout),
        (reason::TIMEOUT_HIDDEN, Kind::Timeout),
        (reason::HTTP, Kind::Http),
        (reason::AUTH, Kind::Auth),
        (reason::LOGIN_FAILED, Kind::Login),
        (reason::LOGIN_LIMIT, Kind::Login),
        (reason::LOGGED_OUT, Kind::Login),
        (reason::ABORTED, Kind::Aborted),
        (reason::WX_ABORTED, Kind::Aborted),
        (reason::CODE_FAILED, Kind::Login),
        (reason::OVERLOAD, Kind::Config),
        (reason::OFFLINE, Kind::Network),
        (reason::TIMEOUT_OFFLINE, Kind::Timeout),
    ];
    for (why, kind) in kinds {
        assert_eq!(Kind::of(why), Some(kind), "reason {why}");
    }
    assert_eq!((Kind::of(0), Kind::of(16)), (None, None));
}
