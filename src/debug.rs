//! `debug: true`: one `console.log` line per request attempt and per login, through
//! `Platform::log`. `Attempt` sits right above the transport (below the limit, so the time
//! counts from dispatch) and logs each attempt's outcome; `Trace` sits between auth and retry
//! (it is what auth calls, for requests and for the login exchange) and logs logins.
//!
//! The attempt number is `Request::attempt`, which retry sets; a replay after re-login is a new
//! logical request and counts from 1 again.
//!
//! Lines carry the method, the URL, the status or error kind, the attempt and the time, and
//! never a header or a body: the token travels in both.

use std::future::Future;
use std::rc::Rc;

use crate::auth::exchange::read_output;
use crate::auth::AuthConfig;
use crate::error::{Error, Kind};
use crate::platform::Platform;
use crate::request::{Request, Response};
use crate::stack::Service;

type Outcome<V> = Result<Response<V>, Error<V>>;

/// Between auth and retry: with `debug`, logs the login exchange's start and outcome.
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
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Outcome<P::Value>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            // The login exchange is the only request with `priority` that skips auth.
            let login = self.debug.is_some() && request.priority && !request.auth;
            if login {
                self.platform.log("wxhttp login: start");
            }
            let outcome = self.inner.call(request).await;
            if login {
                self.platform.log(&self.login_line(&outcome));
            }
            outcome
        })
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
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Outcome<P::Value>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            if !self.debug {
                return self.inner.call(request).await;
            }
            let attempt = request.attempt;
            let started = self.platform.now();
            // Logs from a guard so that an attempt dropped midway (abort) is logged too.
            let mut line = Line { platform: &*self.platform, request: &request, attempt, started, outcome: "aborted".into() };
            let outcome = self.inner.call(request.clone()).await;
            line.outcome = describe(&outcome);
            outcome
        })
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
