//! The auth layer's configuration as plain data (SPEC §6), and the pure policy that reads it:
//! is a response an "expired token" answer, which origins may receive the token. The layer in
//! `mod.rs` only applies these functions, so they are tested without any login machinery.

use std::fmt;
use std::rc::Rc;

use futures::future::LocalBoxFuture;

use crate::error::Error;
use crate::platform::Value;
use crate::request::{Method, Response};

/// What a login function receives: a fresh `wx.login` code and the token being replaced
/// (`None` on a first login).
#[derive(Clone)]
pub struct LoginInput {
    pub code: String,
    pub previous_token: Option<String>,
}

/// What a login yields. `expires_in` is in seconds, as `expiresIn` is.
#[derive(Clone, PartialEq)]
pub struct LoginOutput {
    pub token: String,
    pub expires_in: Option<f64>,
    pub user_id: Option<String>,
}

// Hand-written so that the token can never reach a log through `{:?}`.
impl fmt::Debug for LoginInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginInput").field("previous_token", &self.previous_token.as_ref().map(|_| "<redacted>")).finish()
    }
}

impl fmt::Debug for LoginOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginOutput")
            .field("token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field("user_id", &self.user_id)
            .finish()
    }
}

/// `login: async ({ code, previousToken }) => ({ token, expiresIn, userId })`; an `Err` is
/// the reason it failed.
pub type LoginFunction = Rc<dyn Fn(LoginInput) -> LocalBoxFuture<'static, Result<LoginOutput, String>>>;

/// How a `wx.login` code becomes a token.
#[derive(Clone)]
pub enum Login {
    /// `{ code, previousToken }` sent to `url` (joined to the base URL) through the layer below
    /// auth.
    Http { url: String, method: Method },
    /// The app's own function; no HTTP request is made by the layer.
    Function(LoginFunction),
}

impl Login {
    /// `login: { url }`: a POST.
    pub fn url(url: &str) -> Login {
        Login::Http { url: url.to_string(), method: Method::Post }
    }

    pub fn function(f: impl Fn(LoginInput) -> LocalBoxFuture<'static, Result<LoginOutput, String>> + 'static) -> Login {
        Login::Function(Rc::new(f))
    }
}

pub type IsExpired<V> = Rc<dyn Fn(&Response<V>) -> bool>;
pub type OnLoginFailed<V> = Rc<dyn Fn(&Error<V>)>;
/// Called with the previous and the new user id when they differ (account switch, logout).
pub type OnUserChange = Rc<dyn Fn(Option<&str>, Option<&str>)>;

/// Runs a future to completion in the background (`wasm_bindgen_futures::spawn_local`).
pub type Spawn = Rc<dyn Fn(LocalBoxFuture<'static, ()>)>;

/// `auth: { … }` of `createHttp`. Paths are dotted paths into the response *body*.
#[derive(Clone)]
pub struct AuthConfig<V> {
    pub login: Login,
    pub token_path: String,
    pub expires_in_path: String,
    pub user_id_path: String,
    /// The request header that carries `scheme + token`.
    pub header: String,
    pub scheme: String,
    /// Body `code`s meaning "token expired"; numbers and strings compare alike.
    pub expired_codes: Vec<String>,
    /// Body `message`s meaning "token expired".
    pub expired_messages: Vec<String>,
    pub expired_status: Vec<u16>,
    /// Replaces the three lists above when given.
    pub is_expired: Option<IsExpired<V>>,
    /// Replays a request may have after re-logins; one more expired answer rejects with `auth`.
    pub max_relogin: u32,
    /// `wx.checkSession` on the first use of a restored token.
    pub check_session: bool,
    /// ms before a known expiry at which a background re-login starts; 0: never.
    pub refresh_ahead: f64,
    /// Origins besides the base URL's that receive the token (`https://host[:port]`).
    pub origins: Vec<String>,
    /// Runs once per failed login episode that requests were waiting for (not for a quiet
    /// background refresh that failed while the old token still works, nor for the rate limit).
    pub on_login_failed: Option<OnLoginFailed<V>>,
    /// `(old, new)`: runs before any waiting request resolves when a login returns a user id
    /// other than the stored one (including the first, `None → Some`), and on logout
    /// (`Some → None`); the client drops the old user's cache here (`Cache::drop_user(old)`).
    /// Hold the cache by `Weak` here: the cache sits above auth and owns it.
    pub on_user_change: Option<OnUserChange>,
    /// Storage namespace of the persisted token (key `auth` inside it).
    pub namespace: String,
    /// ms each step of a login may take: `wx.checkSession`, `wx.login`, the login request (per
    /// attempt) or the login function. A wx callback that never comes must not leave every
    /// request pending (a timed-out `wx.checkSession` counts as a dead session).
    pub login_timeout: u32,
    /// When given, every login is also spawned here, so a background refresh (L8) completes
    /// even if no request polls it. Without it, requests drive logins themselves.
    pub spawn: Option<Spawn>,
}

impl<V> AuthConfig<V> {
    pub fn new(login: Login) -> Self {
        AuthConfig {
            login,
            token_path: "data.token".into(),
            expires_in_path: "data.expiresIn".into(),
            user_id_path: "data.userId".into(),
            header: "Authorization".into(),
            scheme: String::new(),
            expired_codes: vec!["99997".into()],
            expired_messages: vec!["NO_LOGIN_SESSION".into()],
            expired_status: vec![401],
            is_expired: None,
            max_relogin: 1,
            check_session: true,
            refresh_ahead: 0.0,
            origins: Vec::new(),
            on_login_failed: None,
            on_user_change: None,
            namespace: "wxhttp".into(),
            login_timeout: 60_000,
            spawn: None,
        }
    }
}

impl<V: Value> AuthConfig<V> {
    /// Whether this answer means "the token it carried is no longer valid".
    pub fn is_expired(&self, response: &Response<V>) -> bool {
        if let Some(is_expired) = &self.is_expired {
            return is_expired(response);
        }
        if self.expired_status.contains(&response.status) {
            return true;
        }
        // `raw` is wx's success result: the body sits under `data`.
        let code = response.raw.text("data.code");
        if code.is_some_and(|code| self.expired_codes.iter().any(|c| same_code(c, &code))) {
            return true;
        }
        let message = response.raw.text("data.message");
        message.is_some_and(|message| self.expired_messages.contains(&message))
    }

    /// `is_expired` over a layer's outcome: a non-2xx status arrives as an `http` error that
    /// still carries the response.
    pub fn is_expired_outcome(&self, outcome: &Result<Response<V>, Error<V>>) -> bool {
        match outcome {
            Ok(response) => self.is_expired(response),
            Err(error) => error.response.as_ref().is_some_and(|response| self.is_expired(response)),
        }
    }
}

impl<V> AuthConfig<V> {
    /// The header value for `token`.
    pub fn header_value(&self, token: &str) -> String {
        format!("{}{}", self.scheme, token)
    }

    /// Whether a request to `url` may carry the token: its origin is the base URL's or listed.
    pub fn allows_origin(&self, base_origin: Option<&str>, url: &str) -> bool {
        let Some(origin) = crate::url::origin(url) else { return false };
        base_origin == Some(origin.as_str())
            || self.origins.iter().any(|o| crate::url::origin(o).is_some_and(|o| o == origin))
    }
}

/// `"99997" == 99997 == "99997.0"`: numbers compare by value, anything else as text.
pub fn same_code(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    match (crate::number::parse(a), crate::number::parse(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}
