//! What travels down the stack: a validated request whose body and pass-through options stay
//! host values, and the response as wx's success result.

use crate::error::Error;
use crate::platform::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Options,
    Post,
    Put,
    Patch,
    Delete,
    Trace,
    Connect,
}

impl Method {
    /// Parses a method case-insensitively (`'post'` works).
    pub fn parse(text: &str) -> Option<Method> {
        const ALL: [Method; 9] = [
            Method::Get,
            Method::Head,
            Method::Options,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
            Method::Trace,
            Method::Connect,
        ];
        ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(text))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
        }
    }
}

/// A request ready for the stack: the URL is absolute with its query, headers are merged.
#[derive(Clone, Debug)]
pub struct Request<V> {
    pub method: Method,
    pub url: String,
    pub header: Vec<(String, String)>,
    /// The body, handed to `wx.request` as it is (wx serialises objects itself).
    pub data: Option<V>,
    /// Options the library does not know (`dataType`, `responseType`, …), passed through.
    pub extra: Option<V>,
    /// Per attempt, in ms.
    pub timeout: u32,
    /// `false` (`auth: false`) skips the auth layer.
    pub auth: bool,
    /// `false` (`dedupe: false`) opts out of request sharing.
    pub dedupe: bool,
    /// Takes the next free slot ahead of queued requests (the login request).
    pub priority: bool,
    /// The request's own `retry` option, when it gave one.
    pub retry: RetryOption,
    /// `cache: { ttl }` in ms, for a GET served from storage.
    pub cache_ttl: Option<f64>,
    /// 1 for a logical request's first try; retry numbers the others (for `debug` lines).
    pub attempt: u32,
}

/// A request's `retry` option: absent (client default), `false`, or an explicit limit (which
/// also allows retrying POST/PATCH).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RetryOption {
    #[default]
    Default,
    Off,
    Limit(u32),
}

impl<V> Request<V> {
    /// A request with no headers, body or pass-through options, through auth and sharing, with
    /// the client's retry policy: what the layers see unless the caller said otherwise.
    pub fn new(method: Method, url: String, timeout: u32) -> Self {
        Request {
            method,
            url,
            header: Vec::new(),
            data: None,
            extra: None,
            timeout,
            auth: true,
            dedupe: true,
            priority: false,
            retry: RetryOption::Default,
            cache_ttl: None,
            attempt: 1,
        }
    }

    /// An error about this request: `what: METHOD url`.
    pub fn error(&self, kind: crate::error::Kind, what: &str) -> Error<V> {
        Error::about(kind, what, self.method, &self.url)
    }

    /// The header's value, its name compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Sets a header, replacing any of the same name in any case.
    pub fn set_header(&mut self, name: &str, value: String) {
        self.header.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.header.push((name.to_string(), value));
    }
}

/// wx's success result (`{ data, statusCode, header, … }`) kept whole as a host value.
#[derive(Clone, Debug)]
pub struct Response<V> {
    pub status: u16,
    pub raw: V,
}

impl<V: Value> Response<V> {
    pub fn header(&self, name: &str) -> Option<String> {
        self.raw.header(name)
    }
}
