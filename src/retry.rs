//! Retry (SPEC §7), policy apart from mechanism: `RetryPolicy` is plain data with pure functions
//! (which requests, which failures, how long to wait); `Retry` only applies them, calling the
//! layer below again. It sits above the concurrency limit, so a request waiting out its backoff
//! holds no slot, and each attempt gets its own timeout from the transport.
//!
//! wx's `request:fail interrupted` (the app went to the background) is not retried here: a
//! later layer waits for `wx.onAppShow` before retrying it.

use std::future::Future;
use std::cell::Cell;
use std::rc::Rc;

use crate::error::{Error, Kind};
use crate::platform::{Platform, Value};
use crate::request::{Method, Request, Response, RetryOption};
use crate::stack::Service;

/// The client's `retry` option. `retry: false` is `RetryPolicy::disabled()` (limit 0); a
/// request's explicit `retry: { limit }` still applies then.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `limit + 1` sends at most).
    pub limit: u32,
    /// Methods retried by default; others (POST, PATCH) only with an explicit request `retry`.
    pub methods: Vec<Method>,
    /// Response statuses worth another attempt.
    pub statuses: Vec<u16>,
    /// The first retry's delay in ms; each later one doubles it.
    pub delay: u32,
    /// No delay (backoff or `Retry-After`) exceeds this, in ms.
    pub max_delay: u32,
    /// Each backoff delay is scaled by a factor in `1 ± jitter` (0 ≤ jitter ≤ 1).
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            limit: 2,
            methods: vec![Method::Get, Method::Head, Method::Options, Method::Put, Method::Delete],
            statuses: vec![408, 429, 500, 502, 503, 504],
            delay: 300,
            max_delay: 10_000,
            jitter: 0.2,
        }
    }
}

impl RetryPolicy {
    /// `retry: false`.
    pub fn disabled() -> Self {
        RetryPolicy { limit: 0, ..RetryPolicy::default() }
    }

    /// How many retries this request may have: its own `retry` option first (an explicit
    /// limit allows any method), else the policy's limit for the methods it lists.
    pub fn retries_for(&self, method: Method, option: RetryOption) -> u32 {
        match option {
            RetryOption::Off => 0,
            RetryOption::Limit(limit) => limit,
            RetryOption::Default if self.methods.contains(&method) => self.limit,
            RetryOption::Default => 0,
        }
    }

    /// Whether this failure is worth another attempt: network failures but wx's
    /// `interrupted`, timeouts, and the listed statuses. Never aborts, config or auth errors.
    pub fn is_retryable<V>(&self, error: &Error<V>) -> bool {
        match error.kind {
            Kind::Network => !error.err_msg.as_deref().is_some_and(is_interrupted),
            Kind::Timeout => true,
            Kind::Http => error.status.is_some_and(|s| self.statuses.contains(&s)),
            _ => false,
        }
    }

    /// The wait in ms before retry number `attempt` (1-based): `Retry-After` when the server
    /// sent one (seconds, or an HTTP date relative to `now`), else `delay × 2^(attempt−1)`
    /// scaled by the jitter factor drawn from `seed`; capped at `max_delay` either way.
    pub fn delay_for(&self, attempt: u32, retry_after: Option<&str>, now: f64, seed: u64) -> u32 {
        let cap = self.max_delay as f64;
        if let Some(wait) = retry_after.and_then(|text| parse_retry_after(text, now)) {
            return wait.clamp(0.0, cap) as u32;
        }
        let exponent = attempt.saturating_sub(1).min(31) as i32;
        let backoff = self.delay as f64 * 2f64.powi(exponent);
        let jitter = self.jitter.clamp(0.0, 1.0);
        let factor = 1.0 - jitter + 2.0 * jitter * unit(seed);
        (backoff * factor).clamp(0.0, cap) as u32
    }
}

/// wx's "the app went to the background" failure.
pub fn is_interrupted(err_msg: &str) -> bool {
    err_msg.to_ascii_lowercase().contains("interrupted")
}

/// A number in [0, 1) from any seed (splitmix64's finaliser): deterministic, well spread.
fn unit(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` in ms from now: delta-seconds (`120`) or an IMF-fixdate
/// (`Wed, 21 Oct 2015 07:28:00 GMT`). Anything else is ignored.
pub fn parse_retry_after(text: &str, now: f64) -> Option<f64> {
    let text = text.trim();
    if let Some(seconds) = crate::number::parse(text) {
        return (seconds.is_finite() && seconds >= 0.0).then_some(seconds * 1000.0);
    }
    parse_http_date(text).map(|at| (at - now).max(0.0))
}

/// Milliseconds since the epoch of an IMF-fixdate.
fn parse_http_date(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else { return None };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + m * 60 + s) * 1000) as f64)
}

/// Applies a `RetryPolicy` around the layer below, sleeping on the platform's clock between
/// attempts. The final error is the last attempt's.
pub struct Retry<S, P> {
    inner: S,
    policy: RetryPolicy,
    platform: Rc<P>,
    /// Mixed into the jitter seed so requests failing in the same millisecond spread out.
    draws: Cell<u64>,
}

impl<S, P> Retry<S, P> {
    pub fn new(inner: S, policy: RetryPolicy, platform: Rc<P>) -> Self {
        Retry { inner, policy, platform, draws: Cell::new(0) }
    }

    /// The layer below.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }
}

impl<P: Platform, S: Service<P::Value>> Service<P::Value> for Retry<S, P> {
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Result<Response<P::Value>, Error<P::Value>>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            let retries = self.policy.retries_for(request.method, request.retry);
            if retries == 0 {
                return self.inner.call(request).await;
            }
            let mut attempt = 0;
            loop {
                let error = match self.inner.call(Request { attempt: attempt + 1, ..request.clone() }).await {
                    Ok(response) => return Ok(response),
                    Err(error) => error,
                };
                attempt += 1;
                if attempt > retries || !self.policy.is_retryable(&error) {
                    return Err(error);
                }
                let retry_after = error.response.as_ref().and_then(|r| r.raw.header("retry-after"));
                let now = self.platform.now();
                let draw = self.draws.get().wrapping_add(1);
                self.draws.set(draw);
                let seed = now.to_bits() ^ draw.rotate_left(32);
                let delay = self.policy.delay_for(attempt, retry_after.as_deref(), now, seed);
                self.platform.sleep(delay).await;
            }
        })
    }
}
