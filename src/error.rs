//! The closed set of ways a request fails, one-to-one with the JS `RequestError.kind`. The core
//! rejects with a `protocol::reason`, which names one kind; the driver builds the message from
//! the kind and the request (no formatting in the wasm: these `Display` texts serve native
//! Rust users and tests only).

use crate::protocol::reason;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Kind {
    #[error("network")]
    Network,
    #[error("timeout")]
    Timeout,
    #[error("http")]
    Http,
    #[error("auth")]
    Auth,
    #[error("login")]
    Login,
    #[error("aborted")]
    Aborted,
    #[error("interceptor")]
    Interceptor,
    #[error("config")]
    Config,
}

impl Kind {
    /// The kind a rejection reason implies; `None` for an unknown reason.
    pub fn of(why: u32) -> Option<Kind> {
        Some(match why {
            reason::NETWORK | reason::OFFLINE => Kind::Network,
            reason::TIMEOUT | reason::TIMEOUT_LOGIN | reason::TIMEOUT_HIDDEN | reason::TIMEOUT_OFFLINE => Kind::Timeout,
            reason::HTTP => Kind::Http,
            reason::AUTH => Kind::Auth,
            reason::LOGIN_FAILED | reason::LOGIN_LIMIT | reason::LOGGED_OUT | reason::CODE_FAILED => Kind::Login,
            reason::ABORTED | reason::WX_ABORTED => Kind::Aborted,
            reason::OVERLOAD => Kind::Config,
            _ => return None,
        })
    }
}
