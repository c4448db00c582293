//! Policy apart from mechanism: the client's retry settings and the login rate window are
//! plain data given once at creation, read by pure functions. The state machines in
//! `client.rs` and `auth.rs` only apply them.

use alloc::vec::Vec;

use crate::protocol::method;

/// The client's `retry` option (SPEC §7).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub limit: u32,
    /// Methods retried without an explicit per-request `retry`: bit `1 << method`.
    pub methods: u32,
    /// Statuses worth another attempt.
    pub statuses: Vec<u16>,
    /// ms before the first retry; doubled each time.
    pub delay: f64,
    /// No wait, backoff or `Retry-After`, is longer.
    pub max_delay: f64,
    /// Each backoff is scaled by a factor in `1 ± jitter`.
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            limit: 2,
            methods: method::IDEMPOTENT,
            statuses: alloc::vec![408, 429, 500, 502, 503, 504],
            delay: 300.0,
            max_delay: 10_000.0,
            jitter: 0.2,
        }
    }
}

/// A request's own `retry`: `None` takes the client's policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryOption {
    Default,
    Off,
    Limit(u32),
}

impl RetryPolicy {
    /// Retries one logical request may have: an explicit limit allows any method.
    pub fn retries_for(&self, method: u32, option: RetryOption) -> u32 {
        match option {
            RetryOption::Off => 0,
            RetryOption::Limit(limit) => limit,
            RetryOption::Default if method < 16 && self.methods & (1 << method) != 0 => self.limit,
            RetryOption::Default => 0,
        }
    }

    pub fn retries_status(&self, status: f64) -> bool {
        self.statuses.iter().any(|&s| f64::from(s) == status)
    }

    /// ms to wait before retry number `attempt` (1-based): the server's `Retry-After` when it
    /// sent one (`retry_after` ≥ 0), else `delay × 2^(attempt−1)` scaled by a jitter factor
    /// drawn from `seed`; capped at `max_delay` either way.
    pub fn delay_for(&self, attempt: u32, retry_after: f64, seed: u64) -> f64 {
        if retry_after >= 0.0 {
            return retry_after.min(self.max_delay);
        }
        let mut backoff = self.delay;
        for _ in 1..attempt.min(40) {
            backoff *= 2.0;
        }
        // `max`/`min`, not `clamp`: `clamp` can panic, and its message formats floats.
        #[allow(clippy::manual_clamp)]
        let jitter = self.jitter.max(0.0).min(1.0);
        let factor = 1.0 - jitter + 2.0 * jitter * unit(seed);
        (backoff * factor).min(self.max_delay).max(0.0)
    }
}

/// A number in [0, 1) from any seed (splitmix64's finaliser): deterministic, well spread.
pub fn unit(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// At most this many logins in `LOGIN_WINDOW_MS` (L5; code2Session allows 100 a user a minute).
pub const LOGIN_LIMIT: usize = 10;
pub const LOGIN_WINDOW_MS: f64 = 60_000.0;

/// The start times of the recent logins, in a fixed array: no allocation.
#[derive(Clone, Debug)]
pub struct LoginWindow {
    starts: [f64; LOGIN_LIMIT],
}

impl Default for LoginWindow {
    fn default() -> Self {
        LoginWindow { starts: [f64::NAN; LOGIN_LIMIT] }
    }
}

impl LoginWindow {
    /// Whether `at` still counts at `now`. A start "in the future" (the clock went back) no
    /// longer counts: a clock jump may loosen the limit, never block logins.
    fn counts(at: f64, now: f64) -> bool {
        at <= now && now - at < LOGIN_WINDOW_MS
    }

    pub fn is_full(&self, now: f64) -> bool {
        self.starts.iter().all(|&at| Self::counts(at, now))
    }

    /// Records a login starting now; `false` (recording nothing) when the window is full.
    pub fn admit(&mut self, now: f64) -> bool {
        match self.starts.iter_mut().find(|at| !Self::counts(**at, now)) {
            Some(free) => {
                *free = now;
                true
            }
            None => false,
        }
    }
}

/// Storage freshness (SPEC §8): an entry saved at `saved` and expiring at `expires` (NaN: never)
/// is live while `now < expires`, and also only while `now` is not before `saved` by more than
/// its TTL, so a clock that jumps back never makes an entry live forever.
pub fn fresh(saved: f64, expires: f64, now: f64) -> bool {
    if expires.is_nan() {
        return true;
    }
    now < expires && saved - now <= expires - saved
}
