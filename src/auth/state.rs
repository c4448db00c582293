//! The login state machine: no token / logging in (one shared future) / have token. Its
//! methods are synchronous decisions taken under one short `RefCell` borrow; the layer in
//! `mod.rs` carries them out (creating the login future, awaiting it) with no borrow held.
//!
//! Invariants:
//! - at most one login is in flight: a login starts only from `NoToken` / `HaveToken`, and the
//!   phase becomes `LoggingIn` in the same borrow;
//! - each token has a `generation`; an expired answer invalidates the token only when it was
//!   sent with the current one (`invalidate`), so a late answer never causes a second login;
//! - a login's outcome is applied only if the phase still holds that very login (`holds`);
//! - a failed episode that leaves no token records the generation it was replacing and its
//!   error (`failed`): a late expired answer for a token up to that generation gets that error
//!   (`failure_for`) instead of a new `wx.login` and a second `on_login_failed` — the failure-side
//!   counterpart of the generations rule. A new token or a logout clears it.

use std::fmt;

use futures::future::{AbortHandle, LocalBoxFuture, Shared};

use crate::error::Error;

pub use super::window::{LoginWindow, LOGIN_LIMIT, LOGIN_WINDOW_MS};

pub type LoginFuture<V> = Shared<LocalBoxFuture<'static, Result<Session, Error<V>>>>;

/// A token and what is known about it.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub token: String,
    /// Absolute expiry in ms since the epoch, when the login said `expiresIn`.
    pub expires_at: Option<f64>,
    pub user_id: Option<String>,
    pub generation: u64,
}

// The token never reaches a log through `{:?}`.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("user_id", &self.user_id)
            .field("generation", &self.generation)
            .finish()
    }
}

impl Session {
    pub fn is_expired(&self, now: f64) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }

    /// Inside the refresh-ahead window (L8).
    pub fn wants_refresh(&self, now: f64, ahead: f64) -> bool {
        ahead > 0.0 && self.expires_at.is_some_and(|at| now >= at - ahead)
    }
}

pub enum Phase<V> {
    NoToken,
    /// `keep`: during a background refresh (L8), the old token requests go on using.
    /// `abort` stops the login's own work (wx.login, the login request) on logout.
    LoggingIn { id: u64, login: LoginFuture<V>, keep: Option<Session>, abort: AbortHandle },
    HaveToken(Session),
}

/// What a login future has to do.
#[derive(Clone, Debug)]
pub enum Start {
    /// `wx.checkSession` for a restored token; re-login with it as `previousToken` if dead.
    Check(Session),
    Login { previous: Option<String>, keep: Option<Session> },
}

/// What a request does next.
pub enum Next<V> {
    /// Send now with this token.
    Use(Session),
    /// Send now with this token, and keep the background login polled meanwhile.
    UseAndDrive(Session, LoginFuture<V>),
    Wait(LoginFuture<V>),
    /// A login must start (`Auth` builds its future and calls `begin`).
    Start(Start),
    /// The login rate limit is reached.
    Limited,
}

pub struct State<V> {
    pub phase: Phase<V>,
    /// Bumped for every new token and on logout.
    pub generation: u64,
    /// Sent as `previousToken` by the next login.
    pub previous_token: Option<String>,
    /// The user id of the latest login (or the restored one).
    pub user: Option<String>,
    /// A restored token not yet confirmed by `wx.checkSession`.
    pub unchecked: bool,
    /// The generation whose background refresh failed: not refreshed ahead again.
    pub refresh_failed: Option<u64>,
    /// The last failed episode that left no token: the latest generation it found (every
    /// token up to it is dead as far as this launch knows) and its error.
    pub failed: Option<(u64, Error<V>)>,
    next_login: u64,
    logins: LoginWindow,
}

impl<V> State<V> {
    pub fn new() -> Self {
        State {
            phase: Phase::NoToken,
            generation: 0,
            previous_token: None,
            user: None,
            unchecked: false,
            refresh_failed: None,
            failed: None,
            next_login: 0,
            logins: LoginWindow::default(),
        }
    }

    /// Installs a token read from storage.
    pub fn restore(&mut self, token: String, expires_at: Option<f64>, user_id: Option<String>, check: bool) {
        self.generation += 1;
        self.user = user_id.clone();
        self.previous_token = Some(token.clone());
        self.unchecked = check;
        self.phase = Phase::HaveToken(Session { token, expires_at, user_id, generation: self.generation });
    }

    /// The token requests go out with now, if any.
    pub fn token(&self) -> Option<&Session> {
        match &self.phase {
            Phase::HaveToken(session) | Phase::LoggingIn { keep: Some(session), .. } => Some(session),
            _ => None,
        }
    }

    /// Decides what a request needing the token does now.
    pub fn next(&mut self, now: f64, refresh_ahead: f64) -> Next<V> {
        let full = self.is_limited(now);
        match &mut self.phase {
            Phase::NoToken if full => Next::Limited,
            Phase::NoToken => Next::Start(Start::Login { previous: self.previous_token.clone(), keep: None }),
            Phase::LoggingIn { login, keep, .. } => {
                if let Some(session) = keep.as_ref().filter(|s| !s.is_expired(now)) {
                    return Next::UseAndDrive(session.clone(), login.clone());
                }
                *keep = None;
                Next::Wait(login.clone())
            }
            Phase::HaveToken(session) => {
                let session = session.clone();
                if std::mem::take(&mut self.unchecked) && !session.is_expired(now) {
                    return Next::Start(Start::Check(session));
                }
                if session.is_expired(now) {
                    if full {
                        return Next::Limited;
                    }
                    return Next::Start(Start::Login { previous: Some(session.token), keep: None });
                }
                let refresh = session.wants_refresh(now, refresh_ahead) && self.refresh_failed != Some(session.generation);
                if refresh && !full {
                    let previous = Some(session.token.clone());
                    return Next::Start(Start::Login { previous, keep: Some(session) });
                }
                Next::Use(session)
            }
        }
    }

    /// A new login id; the phase takes it in `begin`.
    pub fn next_login_id(&mut self) -> u64 {
        self.next_login += 1;
        self.next_login
    }

    pub fn begin(&mut self, id: u64, login: LoginFuture<V>, abort: AbortHandle, start: &Start) {
        let keep = match start {
            Start::Login { keep, .. } => keep.clone(),
            Start::Check(_) => None,
        };
        self.phase = Phase::LoggingIn { id, login, keep, abort };
    }

    pub fn holds(&self, id: u64) -> bool {
        matches!(self.phase, Phase::LoggingIn { id: current, .. } if current == id)
    }

    /// An answer sent with token `generation` said "expired": forget that token if it is
    /// still the one in use. Returns whether anything was invalidated.
    pub fn invalidate(&mut self, generation: u64) -> bool {
        match &mut self.phase {
            Phase::HaveToken(session) if session.generation == generation => {
                self.previous_token = Some(session.token.clone());
                self.phase = Phase::NoToken;
                true
            }
            Phase::LoggingIn { keep, .. } if keep.as_ref().is_some_and(|s| s.generation == generation) => {
                *keep = None;
                true
            }
            _ => false,
        }
    }

    /// Installs a fresh token from login `id`; returns its session.
    pub fn install(&mut self, token: String, expires_at: Option<f64>, user_id: Option<String>) -> Session {
        self.generation += 1;
        self.previous_token = Some(token.clone());
        if user_id.is_some() {
            self.user = user_id.clone();
        }
        let session = Session { token, expires_at, user_id, generation: self.generation };
        self.phase = Phase::HaveToken(session.clone());
        self.failed = None;
        session
    }

    /// An expired answer to a request sent with token `generation` that `invalidate` did not
    /// act on: if a failed episode already gave up on that token and nothing replaced it yet,
    /// that episode's error. `None` while a login is in flight (the request joins it) or a
    /// newer token exists (the request replays with it, L3).
    pub fn failure_for(&self, generation: u64) -> Option<Error<V>>
    where
        V: Clone,
    {
        match (&self.phase, &self.failed) {
            (Phase::NoToken, Some((failed, error))) if generation <= *failed => Some(error.clone()),
            _ => None,
        }
    }

    /// A login failed with `error`. A background refresh whose old token still works goes back
    /// to it (returns `false`: nobody was waiting in vain); otherwise no token (returns `true`),
    /// and the failure is recorded for late expired answers (`failure_for`).
    pub fn fail(&mut self, now: f64, error: &Error<V>) -> bool
    where
        V: Clone,
    {
        let keep = match &mut self.phase {
            Phase::LoggingIn { keep, .. } => keep.take().filter(|s| !s.is_expired(now)),
            _ => None,
        };
        match keep {
            Some(session) => {
                self.refresh_failed = Some(session.generation);
                self.phase = Phase::HaveToken(session);
                false
            }
            None => {
                self.phase = Phase::NoToken;
                self.failed = Some((self.generation, error.clone()));
                true
            }
        }
    }

    /// Forgets everything about the session (logout). A login in flight is aborted, so it
    /// never overlaps the next one; its waiters reject.
    pub fn clear(&mut self) {
        if let Phase::LoggingIn { abort, .. } = &self.phase {
            abort.abort();
        }
        self.phase = Phase::NoToken;
        self.generation += 1;
        self.previous_token = None;
        self.user = None;
        self.unchecked = false;
        self.failed = None;
    }

    /// Whether a new login would exceed the rate limit (L5).
    pub fn is_limited(&mut self, now: f64) -> bool {
        self.logins.is_full(now)
    }

    /// Counts a login about to call `wx.login`; `false` when the limit forbids it.
    pub fn admit(&mut self, now: f64) -> bool {
        self.logins.admit(now)
    }
}

impl<V> Default for State<V> {
    fn default() -> Self {
        State::new()
    }
}
