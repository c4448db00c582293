//! The closed set of ways a request can fail. `Kind` maps one-to-one onto the JS
//! `RequestError.kind`; `Error` is `Clone` so one shared future (a login, a shared GET) can hand
//! the same failure to every waiter.

use crate::request::{Method, Response};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Network,
    Timeout,
    Http,
    Auth,
    Login,
    Aborted,
    Interceptor,
    Config,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Network => "network",
            Kind::Timeout => "timeout",
            Kind::Http => "http",
            Kind::Auth => "auth",
            Kind::Login => "login",
            Kind::Aborted => "aborted",
            Kind::Interceptor => "interceptor",
            Kind::Config => "config",
        }
    }
}

/// A failed request. `message` already names what happened and to which `METHOD url`;
/// `err_msg` is wx's own text (`request:fail timeout`) when wx said something.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error<V> {
    pub kind: Kind,
    pub message: String,
    pub err_msg: Option<String>,
    pub status: Option<u16>,
    pub response: Option<Response<V>>,
}

impl<V> Error<V> {
    /// An error about a request: `what` is followed by `: METHOD url`.
    pub fn about(kind: Kind, what: &str, method: Method, url: &str) -> Self {
        Error::new(kind, format!("{what}: {} {url}", method.as_str()))
    }

    pub fn new(kind: Kind, message: String) -> Self {
        Error { kind, message, err_msg: None, status: None, response: None }
    }

    /// A bad option: never reaches the network.
    pub fn config(message: String) -> Self {
        Error::new(Kind::Config, message)
    }

    pub fn with_err_msg(mut self, err_msg: Option<String>) -> Self {
        self.err_msg = err_msg;
        self
    }
}
