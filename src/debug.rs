//! `debug: true`: one `console.log` line per request attempt and per login, through
//! `Platform::log`. `Attempt` sits right above the transport (below the limit, so the time
//! counts from dispatch) and logs each attempt's outcome; `Trace` sits between auth and retry
//! (it is what auth calls, for requests and for the login exchange) and logs logins.
//!
//! The attempt number reaches `Attempt` without a field on `Request`: each logical request
//! below auth runs in `scoped`, which sets a counter in a thread-local only while it polls the
//! layers below (a task-local, as tokio's `scope` does); `Attempt` reads it on its first poll,
//! which on this single-threaded executor always happens inside that poll. A nested scope (the
//! login exchange started from a request's poll) restores the outer counter when it yields.
//!
//! Lines carry the method, the URL, the status or error kind, the attempt and the time, and
//! never a header or a body: the token travels in both.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;

use crate::auth::exchange::read_output;
use crate::auth::AuthConfig;
use crate::error::{Error, Kind};
use crate::platform::Platform;
use crate::request::{Request, Response};
use crate::stack::Service;

type Outcome<V> = Result<Response<V>, Error<V>>;

thread_local! {
    /// The attempt counter of the logical request being polled.
    static CURRENT: Cell<Option<Rc<Cell<u32>>>> = const { Cell::new(None) };
}

/// Runs `future` as one logical request: attempts below it count from 1.
pub async fn scoped<F: Future>(future: F) -> F::Output {
    let attempts = Rc::new(Cell::new(0));
    let mut future = pin!(future);
    poll_fn(|cx| {
        let outer = CURRENT.with(|current| current.replace(Some(attempts.clone())));
        let poll = future.as_mut().poll(cx);
        CURRENT.with(|current| current.set(outer));
        poll
    })
    .await
}

/// The next attempt number of the logical request being polled (1 outside any scope).
fn next_attempt() -> u32 {
    CURRENT.with(|current| {
        let attempts = current.take();
        let n = attempts.as_ref().map_or(1, |a| {
            a.set(a.get() + 1);
            a.get()
        });
        current.set(attempts);
        n
    })
}

/// Between auth and retry: scopes each call as one logical request and, with `debug`, logs
/// the login exchange's start and outcome.
pub struct Trace<S, P: Platform> {
    inner: S,
    platform: Rc<P>,
    /// `Some` when `debug` is on: where the login response keeps token, expiry and user id.
    debug: Option<Rc<AuthConfig<P::Value>>>,
}

impl<S, P: Platform> Trace<S, P> {
    /// `debug: None` logs nothing.
    pub fn new(inner: S, platform: Rc<P>, debug: Option<AuthConfig<P::Value>>) -> Self {
        Trace { inner, platform, debug: debug.map(Rc::new) }
    }

    /// The layer below.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<P: Platform, S: Service<P::Value>> Service<P::Value> for Trace<S, P> {
    async fn call(&self, request: Request<P::Value>) -> Outcome<P::Value> {
        // The login exchange is the only request with `priority` that skips auth.
        let login = self.debug.is_some() && request.priority && !request.auth;
        if login {
            self.platform.log("wxhttp login: start");
        }
        let outcome = scoped(self.inner.call(request)).await;
        if login {
            self.platform.log(&self.login_line(&outcome));
        }
        outcome
    }
}

impl<S, P: Platform> Trace<S, P> {
    fn login_line(&self, outcome: &Outcome<P::Value>) -> String {
        let response = match outcome {
            Ok(response) => response,
            Err(error) => return login_failed(&error.message),
        };
        match self.debug.as_deref().and_then(|auth| read_output(auth, &response.raw)) {
            Some(output) => login_ok(output.user_id.as_deref(), output.expires_in),
            None => login_failed("no token in the login response"),
        }
    }
}

/// `wxhttp login: ok (user u1, expires in 7200 s)`.
pub fn login_ok(user: Option<&str>, expires_in: Option<f64>) -> String {
    let mut line = format!("wxhttp login: ok (user {}", user.unwrap_or("unknown"));
    if let Some(seconds) = expires_in {
        line.push_str(&format!(", expires in {} s", crate::number::format(seconds)));
    }
    line + ")"
}

/// `wxhttp login: failed (…)`.
pub fn login_failed(reason: &str) -> String {
    format!("wxhttp login: failed ({reason})")
}

/// Right above the transport: with `debug`, logs one line per attempt that got a slot.
pub struct Attempt<S, P> {
    inner: S,
    platform: Rc<P>,
    debug: bool,
}

impl<S, P> Attempt<S, P> {
    pub fn new(inner: S, platform: Rc<P>, debug: bool) -> Self {
        Attempt { inner, platform, debug }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<P: Platform, S: Service<P::Value>> Service<P::Value> for Attempt<S, P> {
    async fn call(&self, request: Request<P::Value>) -> Outcome<P::Value> {
        if !self.debug {
            return self.inner.call(request).await;
        }
        let attempt = next_attempt();
        let started = self.platform.now();
        // Logs from a guard so that an attempt dropped midway (abort) is logged too.
        let mut line = Line { platform: &*self.platform, request: &request, attempt, started, outcome: "aborted".into() };
        let outcome = self.inner.call(request.clone()).await;
        line.outcome = describe(&outcome);
        outcome
    }
}

struct Line<'a, P: Platform> {
    platform: &'a P,
    request: &'a Request<P::Value>,
    attempt: u32,
    started: f64,
    outcome: String,
}

impl<P: Platform> Drop for Line<'_, P> {
    fn drop(&mut self) {
        // Whole ms as an integer: `f64`'s Display would pull float formatting into the wasm.
        let ms = (self.platform.now() - self.started).max(0.0).round() as u64;
        let (method, url) = (self.request.method.as_str(), &self.request.url);
        self.platform.log(&attempt_line(method, url, &self.outcome, self.attempt, ms));
    }
}

/// `wxhttp GET https://api.example.com/x → 200 (attempt 1, 35 ms)`.
pub fn attempt_line(method: &str, url: &str, outcome: &str, attempt: u32, ms: u64) -> String {
    format!("wxhttp {method} {url} → {outcome} (attempt {attempt}, {ms} ms)")
}

/// The status when there is one, else the error kind and wx's own words.
fn describe<V>(outcome: &Outcome<V>) -> String {
    match outcome {
        Ok(response) => response.status.to_string(),
        Err(Error { status: Some(status), .. }) => status.to_string(),
        Err(error) => match (&error.err_msg, error.kind) {
            (Some(err_msg), Kind::Network | Kind::Timeout | Kind::Aborted) => format!("{} ({err_msg})", error.kind.as_str()),
            _ => error.kind.as_str().to_string(),
        },
    }
}
