//! The login state machine (SPEC §6): whether a token is usable, one login episode at a time,
//! token generations, the rate window. It knows nothing of requests: the client asks it what a
//! request needing the token does (`need`), feeds it the exchange's answers, and releases or
//! rejects its own waiters when an episode ends (`End`).
//!
//! The token text never enters the core: a token is a generation number, an expiry time and
//! whether `wx.checkSession` confirmed it. The driver holds the text and is told when a new one
//! becomes current (`SAVE_TOKEN`).
//!
//! Invariants:
//! - at most one episode is in flight (`episode`), and an answer counts only for the episode
//!   number it was asked with;
//! - an expired answer invalidates the token only if it was sent with the current generation
//!   (`invalidate`), so a late answer never causes a second login (L3);
//! - a failed episode that leaves no token records the generation it gave up on (`failed`): a
//!   late expired answer for a token up to it gets that episode's failure (`failure_for`), not a
//!   new `wx.login` and a second `onLoginFailed` (L4). A new token or a logout clears it;
//! - every episode ends: by its answers, or at its deadline (`loginTimeout`, L11).

mod episode;

use crate::out::Out;
use crate::policy::LoginWindow;
use crate::protocol::{op, NIL};

/// `auth` settings, given once.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthConfig {
    pub max_relogin: u32,
    /// `wx.checkSession` before the first use of a restored token.
    pub check_session: bool,
    /// ms before a known expiry at which a background re-login starts; 0: never (L8).
    pub refresh_ahead: f64,
    /// ms the whole exchange may take (L11).
    pub login_timeout: f64,
    /// `login` is the app's function, not a URL.
    pub function: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig { max_relogin: 1, check_session: true, refresh_ahead: 0.0, login_timeout: 15_000.0, function: false }
    }
}

/// A usable token, as the core knows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    pub generation: u32,
    /// ms since the epoch; NaN when the login said nothing.
    pub expires_at: f64,
    /// `false` for a restored token `wx.checkSession` has not confirmed yet.
    pub checked: bool,
    /// When it arrived (−∞ for a restored one).
    pub since: f64,
}

impl Token {
    fn expired(&self, now: f64) -> bool {
        now >= self.expires_at
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    Checking,
    Code,
    /// The login request or function is under way.
    Exchange,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Episode {
    pub number: u32,
    pub deadline: f64,
    pub step: Step,
    /// A background refresh (L8): the token stays usable meanwhile.
    pub refresh: bool,
    /// The restored token being checked.
    pub checking: Option<Token>,
    /// The concurrency slot of the login request, and its serial (`NIL`: none).
    pub slot: u32,
    pub serial: u32,
}

/// What a request needing the token does now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Need {
    /// Go, with this generation.
    Ready(u32),
    /// Wait for the episode in flight (started if need be).
    Wait,
    /// The login rate limit forbids the login it needs.
    Limited,
}

/// How an episode ended, for the client's waiters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    Ok,
    Failed { reason: u32, detail: u32 },
}

#[derive(Debug, Default)]
pub struct Auth {
    pub config: AuthConfig,
    token: Option<Token>,
    generation: u32,
    /// The driver holds a token text to send as `previousToken`.
    has_previous: bool,
    pub episode: Option<Episode>,
    episodes: u32,
    /// The generation whose refresh failed: not refreshed ahead again.
    refresh_failed: Option<u32>,
    /// The last failed episode that left no token: (latest generation then, episode).
    failed: Option<(u32, u32)>,
    window: LoginWindow,
}

impl Auth {
    pub fn new(config: AuthConfig) -> Self {
        Auth { config, ..Auth::default() }
    }

    /// A token read from storage (L6), checked before its first use when configured.
    pub fn restore(&mut self, expires_at: f64) {
        self.generation += 1;
        self.has_previous = true;
        let checked = !self.config.check_session;
        self.token = Some(Token { generation: self.generation, expires_at, checked, since: f64::NEG_INFINITY });
    }

    /// Whether requests go out with a token now (`http.getToken()`).
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    pub fn deadline(&self) -> f64 {
        self.episode.map_or(f64::INFINITY, |e| e.deadline)
    }

    /// When the refresh ahead of the current token is due on a timer (L8), whether or not a
    /// request comes; ∞ when there is none to do: no known expiry, not yet checked, a login in
    /// flight, its refresh already failed — or a token whose whole life lies inside the window,
    /// which a timer would replace at once, again and again (requests still refresh it).
    pub fn refresh_at(&self) -> f64 {
        let ahead = self.config.refresh_ahead;
        match self.token {
            Some(t)
                if ahead > 0.0 && t.checked && self.episode.is_none() && self.refresh_failed != Some(t.generation) =>
            {
                let at = t.expires_at - ahead;
                if at > t.since {
                    at
                } else {
                    f64::INFINITY
                }
            }
            _ => f64::INFINITY,
        }
    }

    /// The refresh timer fired (the app is in the foreground): starts the background login if
    /// it is due. When the token already expired or the rate window is full, this token is not
    /// refreshed ahead again (no timer keeps firing for it).
    pub fn refresh(&mut self, now: f64, out: &mut Out) {
        let Some(token) = self.token.filter(|_| now >= self.refresh_at()) else { return };
        // An expired token is the next request's to replace; the timer is done with it.
        if token.expired(now) || self.window.is_full(now) {
            self.refresh_failed = Some(token.generation);
        } else {
            self.start(now, None, true, out);
        }
    }

    /// What a request needing the token does now; starts the episode it needs. `refresh`:
    /// whether a token inside the refresh-ahead window may start a background login.
    pub fn need(&mut self, now: f64, refresh: bool, out: &mut Out) -> Need {
        if self.episode.is_some() {
            return match self.token {
                Some(t) if !t.expired(now) => Need::Ready(t.generation),
                _ => {
                    self.token = None;
                    Need::Wait
                }
            };
        }
        let Some(token) = self.token else {
            return self.login(now, false, out);
        };
        if token.expired(now) {
            self.token = None;
            return self.login(now, false, out);
        }
        if !token.checked {
            self.token = None;
            self.start(now, Some(token), false, out);
            return Need::Wait;
        }
        let window = token.expires_at - self.config.refresh_ahead;
        let due = self.config.refresh_ahead > 0.0 && now >= window && self.refresh_failed != Some(token.generation);
        if refresh && due && !self.window.is_full(now) {
            self.start(now, None, true, out);
        }
        Need::Ready(token.generation)
    }

    /// `http.login()`: joins the episode in flight, or logs in now.
    pub fn force(&mut self, now: f64, out: &mut Out) -> Need {
        if self.episode.is_some() {
            return Need::Wait;
        }
        self.token = None;
        self.login(now, false, out)
    }

    fn login(&mut self, now: f64, refresh: bool, out: &mut Out) -> Need {
        if self.window.is_full(now) {
            return Need::Limited;
        }
        self.start(now, None, refresh, out);
        Need::Wait
    }

    fn start(&mut self, now: f64, checking: Option<Token>, refresh: bool, out: &mut Out) {
        self.episodes += 1;
        let number = self.episodes;
        let step = if checking.is_some() { Step::Checking } else { Step::Code };
        let deadline = now + self.config.login_timeout;
        self.episode = Some(Episode { number, deadline, step, refresh, checking, slot: NIL, serial: 0 });
        match checking {
            Some(_) => out.push1(op::CHECK_SESSION, f64::from(number)),
            None => self.ask_code(now, out).unwrap_or(()),
        }
    }

    /// Counts a login against the rate window and asks for a `wx.login` code; `None` when
    /// the window is full (after a failed check).
    fn ask_code(&mut self, now: f64, out: &mut Out) -> Option<()> {
        let episode = self.episode.as_mut()?;
        if !self.window.admit(now) {
            return None;
        }
        episode.step = Step::Code;
        let previous = if self.has_previous { 1.0 } else { 0.0 };
        out.push(op::WX_LOGIN, [f64::from(episode.number), previous, 0.0, 0.0]);
        Some(())
    }

    /// The episode in flight if it is `number` and at `step`.
    fn current(&self, number: u32, step: Step) -> bool {
        self.episode.is_some_and(|e| e.number == number && e.step == step)
    }

    /// An answer to a request sent with `generation` said "expired": forget that token if it
    /// is still the one in use. Returns whether anything was invalidated.
    pub fn invalidate(&mut self, generation: u32) -> bool {
        match self.token {
            Some(t) if t.generation == generation => {
                self.token = None;
                true
            }
            _ => false,
        }
    }

    /// For an expired answer `invalidate` did not act on: the failed episode that already gave
    /// up on that token, if nothing replaced it since.
    pub fn failure_for(&self, generation: u32) -> Option<u32> {
        match self.failed {
            Some((failed, number)) if self.token.is_none() && self.episode.is_none() && generation <= failed => {
                Some(number)
            }
            _ => None,
        }
    }

    /// `http.logout()`: forgets everything; returns the episode it cut short.
    pub fn logout(&mut self) -> Option<Episode> {
        self.generation += 1;
        self.token = None;
        self.has_previous = false;
        self.failed = None;
        self.refresh_failed = None;
        self.episode.take()
    }
}
