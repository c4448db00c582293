//! The auth layer (SPEC §6): attaches the session token, logs in silently when there is none,
//! and on an "expired" answer re-logs in once for everyone and replays. It sits under request
//! sharing and over retry (`stack.rs`), so a replay is just "call inner again", and the login
//! exchange calls that same inner service, which can never re-enter auth.
//!
//! The state machine lives in `state.rs`: every decision is one short `RefCell` borrow, never
//! held across an `.await`. A login is one `Shared` future stored in the state; it applies its
//! own outcome when it finishes (only if the state still holds it), so hooks run once and
//! before any waiter resumes. The future holds only a `Weak` handle to the state, so a login in
//! flight never keeps a dropped client alive.
//!
//! Background refresh (L8) needs no executor: a request that goes out with the old token polls
//! the refresh alongside its own call (`drive`), later requests and `login()` join it, and once
//! the old token reaches its expiry requests wait on it. A client that has an executor passes
//! `AuthConfig::spawn` (`wasm_bindgen_futures::spawn_local`) and every login is also spawned,
//! so it completes even when no request is left to poll it; `background()` hands out the
//! login in flight for the same purpose.
//!
//! Modules: `config` (plain data and the expiry policy), `state` (the enum and its decisions),
//! `episode` (one login as a shared future), `exchange` (wx.login → login endpoint),
//! `persist` (the token in storage), `window` (the login rate limit).

pub mod config;
mod episode;
pub mod exchange;
mod persist;
pub mod state;
mod window;

use std::cell::RefCell;
use std::future::Future;
use std::rc::{Rc, Weak};

use futures::future::{select, Either, FutureExt, LocalBoxFuture};

pub use config::{AuthConfig, Login, LoginFunction, LoginInput, LoginOutput};
pub use state::Session;
use state::{LoginFuture, Next, Start, State, LOGIN_LIMIT};

use crate::error::{Error, Kind};
use crate::platform::Platform;
use crate::request::{Request, Response};
use crate::stack::Service;
use crate::storage::Storage;

type Outcome<V> = Result<Response<V>, Error<V>>;

pub struct Auth<S, P: Platform> {
    core: Rc<Core<S, P>>,
}

struct Core<S, P: Platform> {
    inner: Rc<S>,
    platform: Rc<P>,
    config: Rc<AuthConfig<P::Value>>,
    base_origin: Option<String>,
    login_url: String,
    storage: Storage<P>,
    state: RefCell<State<P::Value>>,
}

impl<S, P> Auth<S, P>
where
    P: Platform,
    S: Service<P::Value> + 'static,
{
    /// `inner`: the layer below auth (retry); `base_url`: the client's, whose origin receives
    /// the token and to which a relative login URL is joined. Restores a persisted token.
    pub fn new(inner: Rc<S>, platform: Rc<P>, base_url: &str, config: AuthConfig<P::Value>) -> Self {
        let storage = Storage::new(platform.clone(), &config.namespace);
        let mut state = State::new();
        if let Some(saved) = persist::load(&storage) {
            state.restore(saved.token, saved.expires_at, saved.user_id, config.check_session);
        }
        let login_url = match &config.login {
            Login::Http { url, .. } => crate::url::join(base_url, url),
            Login::Function(_) => String::new(),
        };
        let core = Core {
            inner,
            platform,
            base_origin: crate::url::origin(base_url),
            login_url,
            storage,
            config: Rc::new(config),
            state: RefCell::new(state),
        };
        Auth { core: Rc::new(core) }
    }

    /// Whether this request goes through auth: `auth` is on and its origin may get the token.
    pub fn applies_to(&self, request: &Request<P::Value>) -> bool {
        request.auth && self.core.config.allows_origin(self.core.base_origin.as_deref(), &request.url)
    }

    /// `http.login()`: joins the login in flight, or starts one now (before the first poll).
    pub fn login(&self) -> LocalBoxFuture<'static, Result<(), Error<P::Value>>> {
        let in_flight = match &self.core.state.borrow().phase {
            state::Phase::LoggingIn { login, .. } => Some(login.clone()),
            _ => None,
        };
        let login = match in_flight {
            Some(login) => login,
            None => {
                let mut state = self.core.state.borrow_mut();
                if state.is_limited(self.core.platform.now()) {
                    return futures::future::ready(Err(limit_error())).boxed_local();
                }
                let previous = state.token().map(|s| s.token.clone()).or_else(|| state.previous_token.clone());
                state.unchecked = false;
                drop(state);
                self.core.start(Start::Login { previous, keep: None })
            }
        };
        login.map(|outcome| outcome.map(drop)).boxed_local()
    }

    /// `http.logout()`: forgets the token here and in storage; answers to requests sent with
    /// it no longer count. Tells `on_user_change` that the user is gone.
    pub fn logout(&self) {
        let old_user = {
            let mut state = self.core.state.borrow_mut();
            let user = state.user.take();
            state.clear();
            user
        };
        persist::remove(&self.core.storage);
        if let (Some(old), Some(hook)) = (old_user, &self.core.config.on_user_change) {
            hook(Some(&old), None);
        }
    }

    /// The token requests go out with now.
    pub fn token(&self) -> Option<String> {
        self.core.state.borrow().token().map(|s| s.token.clone())
    }

    /// The user id of the latest login (for cache keys).
    pub fn current_user(&self) -> Option<String> {
        self.core.state.borrow().user.clone()
    }

    /// The identity `request` may be served cached data for (the response cache asks before
    /// every lookup). For a request auth applies to, this runs the step the request itself would
    /// run first — join a login in flight, the launch's `wx.checkSession` on a restored token,
    /// a login when there is no token or it is known to have expired — and then gives the user
    /// id, so a cache hit is never served to an identity that is restored but unchecked, or
    /// dying (a re-login in flight may reveal another account, L9). A failed login rejects the
    /// request as it would reject it in this layer. It never starts a refresh-ahead (L8): a hit
    /// sends nothing, so nothing would drive it. Other requests get the current user at once.
    pub fn confirmed_user(&self, request: &Request<P::Value>) -> LocalBoxFuture<'static, Result<Option<String>, Error<P::Value>>> {
        if !self.applies_to(request) {
            return futures::future::ready(Ok(self.current_user())).boxed_local();
        }
        let core = self.core.clone();
        let request = request.clone();
        async move {
            loop {
                let next = core.state.borrow_mut().next(core.platform.now(), 0.0);
                match next {
                    Next::Use(_) | Next::UseAndDrive(..) => break,
                    Next::Wait(login) => {
                        login.await.map_err(|e| for_request(e, &request))?;
                        break;
                    }
                    Next::Limited => return Err(for_request(limit_error(), &request)),
                    Next::Start(start) => drop(core.start(start)),
                }
            }
            Ok(core.state.borrow().user.clone())
        }
        .boxed_local()
    }

    /// A reader of `current_user` that does not keep this layer alive (for the cache layer).
    pub fn user_source(&self) -> impl Fn() -> Option<String> + 'static {
        let weak: Weak<Core<S, P>> = Rc::downgrade(&self.core);
        move || weak.upgrade().and_then(|core| core.state.borrow().user.clone())
    }

    /// Bumped for every new token and on logout (an identity for request sharing).
    pub fn generation(&self) -> u64 {
        self.core.state.borrow().generation
    }

    /// The login in flight, if any, for a client that can spawn it; polling it is optional.
    pub fn background(&self) -> Option<LocalBoxFuture<'static, ()>> {
        match &self.core.state.borrow().phase {
            state::Phase::LoggingIn { login, .. } => Some(login.clone().map(drop).boxed_local()),
            _ => None,
        }
    }
}

impl<S, P> Service<P::Value> for Auth<S, P>
where
    P: Platform,
    S: Service<P::Value> + 'static,
{
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Outcome<P::Value>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            let core = &self.core;
            if !self.applies_to(&request) {
                return core.inner.call(request).await;
            }
            let mut replays = 0;
            loop {
                let (session, background) = core.acquire(&request).await?;
                let mut attempt = request.clone();
                attempt.set_header(&core.config.header, core.config.header_value(&session.token));
                let outcome = drive(core.inner.call(attempt), background).await;
                if !core.config.is_expired_outcome(&outcome) {
                    return outcome;
                }
                // Only the token this request carried, and only if it is still the current one.
                let failed = {
                    let mut state = core.state.borrow_mut();
                    let invalidated = state.invalidate(session.generation);
                    if invalidated { None } else { state.failure_for(session.generation) }
                };
                if replays >= core.config.max_relogin {
                    return Err(still_expired(&request, replays, outcome));
                }
                // A late answer for a token a failed episode already gave up on: that episode's
                // error, no new `wx.login` and no second `on_login_failed` (L4).
                if let Some(error) = failed {
                    return Err(for_request(error, &request));
                }
                replays += 1;
            }
        })
    }
}

impl<S, P> Core<S, P>
where
    P: Platform,
    S: Service<P::Value> + 'static,
{
    /// The token to send this request with (after waiting for a login if need be), and a
    /// background login to keep polled meanwhile.
    async fn acquire(
        self: &Rc<Self>,
        request: &Request<P::Value>,
    ) -> Result<(Session, Option<LoginFuture<P::Value>>), Error<P::Value>> {
        loop {
            let now = self.platform.now();
            let next = self.state.borrow_mut().next(now, self.config.refresh_ahead);
            match next {
                Next::Use(session) => return Ok((session, None)),
                Next::UseAndDrive(session, login) => return Ok((session, Some(login))),
                Next::Wait(login) => return login.await.map(|s| (s, None)).map_err(|e| for_request(e, request)),
                Next::Limited => return Err(for_request(limit_error(), request)),
                // The state is now `LoggingIn`: the next turn waits for it or drives it.
                Next::Start(start) => drop(self.start(start)),
            }
        }
    }
}

/// Runs `send`, polling the background login alongside so it progresses (L8).
async fn drive<F: Future, V: Clone>(send: F, background: Option<LoginFuture<V>>) -> F::Output {
    let Some(login) = background else { return send.await };
    // The login is polled first, so that every request carrying the old token advances it
    // at least one step even when its own answer is already there.
    match select(login, std::pin::pin!(send)).await {
        Either::Left((_, send)) => send.await,
        Either::Right((output, _)) => output,
    }
}

fn limit_error<V>() -> Error<V> {
    Error::new(Kind::Login, format!("Login refused: {LOGIN_LIMIT} logins in the last minute already"))
}

/// A login failure as one waiting request reports it: the same kind and details, its URL.
fn for_request<V: Clone>(error: Error<V>, request: &Request<V>) -> Error<V> {
    let mut own = request.error(error.kind, &error.message);
    own.err_msg = error.err_msg;
    own.status = error.status;
    own.response = error.response;
    own
}

fn still_expired<V>(request: &Request<V>, replays: u32, outcome: Outcome<V>) -> Error<V> {
    let what = format!("Still not authorised after {replays} re-login(s)");
    let mut error = request.error(Kind::Auth, &what);
    let response = match outcome {
        Ok(response) => Some(response),
        Err(error) => error.response,
    };
    error.status = response.as_ref().map(|r| r.status);
    error.response = response;
    error
}
