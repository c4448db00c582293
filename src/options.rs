//! Client configuration and per-request options as plain data, and their validation into a
//! `Request`. A bad option becomes a `config` error naming it by its JS name (`maxConcurrent`,
//! `validateStatus`, …) and never reaches `wx.request`.

use std::fmt;

use crate::error::Error;
use crate::request::{Method, Request, RetryOption};
use crate::retry::RetryPolicy;
use crate::transport::ValidateStatus;
use crate::url;

/// The client-wide options of `createHttp`.
#[derive(Clone)]
pub struct ClientConfig {
    /// `baseURL`: relative URLs are joined to it; empty for none.
    pub base_url: String,
    /// `header`: defaults under every request's own headers.
    pub header: Vec<(String, String)>,
    /// `timeout`: ms per attempt.
    pub timeout: u32,
    /// `maxConcurrent`: `wx.request`s in flight at most (≥ 1; default 10, wx's own limit).
    pub max_concurrent: usize,
    /// `retry`: the default policy; `retry: false` is `RetryPolicy::disabled()`.
    pub retry: RetryPolicy,
    /// `validateStatus`: statuses that resolve; `None` means 2xx.
    pub validate_status: Option<ValidateStatus>,
    /// `storage.namespace`: the key prefix the library owns (token, cache, `http.storage`).
    pub namespace: String,
    /// `debug`: one `Platform::log` line per attempt and per login, never the token.
    pub debug: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: String::new(),
            header: Vec::new(),
            timeout: 60_000,
            max_concurrent: 10,
            retry: RetryPolicy::default(),
            validate_status: None,
            namespace: "wxhttp".into(),
            debug: false,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("header", &self.header)
            .field("timeout", &self.timeout)
            .field("max_concurrent", &self.max_concurrent)
            .field("retry", &self.retry)
            .field("validate_status", &self.validate_status.as_ref().map(|_| "fn"))
            .finish()
    }
}

/// One query parameter's value. A list encodes as the key repeated, in order
/// (`tags: ['a', 'b']` → `tags=a&tags=b`, what most servers and `qs`' `repeat` format read);
/// an empty list adds nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    One(String),
    Many(Vec<String>),
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Param::One(value.to_string())
    }
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Param::One(value)
    }
}

impl<T: Into<String>> From<Vec<T>> for Param {
    fn from(values: Vec<T>) -> Self {
        Param::Many(values.into_iter().map(Into::into).collect())
    }
}

/// One call's options as the caller gave them (already split from the pass-through rest).
#[derive(Clone, Debug)]
pub struct RequestOptions<V> {
    pub url: String,
    pub method: Option<String>,
    /// `params`: encoded into the query string, in order (see `Param`).
    pub params: Vec<(String, Param)>,
    /// `header`: merged over the client's, names compared case-insensitively.
    pub header: Vec<(String, String)>,
    pub timeout: Option<f64>,
    pub data: Option<V>,
    pub extra: Option<V>,
    /// `dedupe: false` opts out of request sharing; default on.
    pub dedupe: Option<bool>,
    /// `auth: false` skips the auth layer; default on.
    pub auth: Option<bool>,
    /// `retry`: `false` → `Off`, `{ limit: n }` → `Limit(n)`, absent → `Default`.
    pub retry: RetryOption,
    /// `cache: { ttl }` in ms (GET only).
    pub cache_ttl: Option<f64>,
}

impl<V> RequestOptions<V> {
    pub fn new(method: &str, url: &str) -> Self {
        RequestOptions {
            url: url.to_string(),
            method: Some(method.to_string()),
            params: Vec::new(),
            header: Vec::new(),
            timeout: None,
            data: None,
            extra: None,
            dedupe: None,
            auth: None,
            retry: RetryOption::Default,
            cache_ttl: None,
        }
    }
}

fn invalid<V>(option: &str, why: String) -> Error<V> {
    Error::config(format!("Invalid option `{option}`: {why}"))
}

impl ClientConfig {
    /// Checks the client options; `prepare` runs it first, so a bad client option rejects
    /// every request (as `config`) instead of throwing from `createHttp`.
    pub fn validate<V>(&self) -> Result<(), Error<V>> {
        if self.max_concurrent < 1 {
            return Err(invalid("maxConcurrent", format!("{} is not at least 1", self.max_concurrent)));
        }
        if self.timeout == 0 {
            return Err(invalid("timeout", "0 is not a positive number of ms".into()));
        }
        if !self.base_url.is_empty() && !url::is_absolute(&self.base_url) {
            return Err(invalid("baseURL", format!("\"{}\" is not an absolute URL", self.base_url)));
        }
        check_header(&self.header)?;
        check_retry(&self.retry)
    }

    /// Validates one call's options against this configuration.
    pub fn prepare<V>(&self, options: RequestOptions<V>) -> Result<Request<V>, Error<V>> {
        self.validate()?;
        let method = match options.method.as_deref() {
            None => Method::Get,
            Some(text) => Method::parse(text).ok_or_else(|| invalid("method", format!("unknown method \"{text}\"")))?,
        };
        if options.url.is_empty() {
            return Err(invalid("url", "it is empty".into()));
        }
        let timeout = match options.timeout {
            None => self.timeout,
            Some(t) if t.is_finite() && t > 0.0 && t <= u32::MAX as f64 => t as u32,
            Some(t) => return Err(invalid("timeout", format!("{} is not a positive number of ms", crate::number::format(t)))),
        };
        check_header(&options.header)?;
        let query = flatten_params(options.params)?;
        let cache_ttl = check_cache_ttl(options.cache_ttl, method)?;
        let joined = url::join(&self.base_url, &options.url);
        if !url::is_absolute(&joined) {
            return Err(invalid("url", format!("\"{joined}\" is relative and no `baseURL` is set")));
        }
        let mut request = Request {
            header: self.header.clone(),
            data: options.data,
            extra: options.extra,
            auth: options.auth.unwrap_or(true),
            dedupe: options.dedupe.unwrap_or(true),
            retry: options.retry,
            cache_ttl,
            ..Request::new(method, url::with_query(&joined, &query), timeout)
        };
        for (name, value) in options.header {
            request.set_header(&name, value);
        }
        Ok(request)
    }
}

/// Header names must be HTTP tokens and values single-line: anything else wx would send
/// mangled, or refuse.
fn check_header<V>(header: &[(String, String)]) -> Result<(), Error<V>> {
    for (name, value) in header {
        let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"\"(),/:;<=>?@[\\]{}".contains(&b));
        if !token {
            return Err(invalid("header", format!("\"{name}\" is not a valid header name")));
        }
        if value.contains(['\r', '\n', '\0']) {
            return Err(invalid("header", format!("the value of \"{name}\" contains a line break")));
        }
    }
    Ok(())
}

fn check_retry<V>(policy: &RetryPolicy) -> Result<(), Error<V>> {
    if !(policy.jitter.is_finite() && (0.0..=1.0).contains(&policy.jitter)) {
        return Err(invalid("retry", format!("jitter {} is not between 0 and 1", crate::number::format(policy.jitter))));
    }
    if let Some(status) = policy.statuses.iter().find(|s| !(100..=599).contains(*s)) {
        return Err(invalid("retry", format!("{status} is not an HTTP status")));
    }
    Ok(())
}

/// Lists become repeated keys; an empty key is a mistake, not a parameter.
fn flatten_params<V>(params: Vec<(String, Param)>) -> Result<Vec<(String, String)>, Error<V>> {
    let mut pairs = Vec::with_capacity(params.len());
    for (key, value) in params {
        if key.is_empty() {
            return Err(invalid("params", "a parameter has an empty name".into()));
        }
        match value {
            Param::One(value) => pairs.push((key, value)),
            Param::Many(values) => pairs.extend(values.into_iter().map(|value| (key.clone(), value))),
        }
    }
    Ok(pairs)
}

fn check_cache_ttl<V>(ttl: Option<f64>, method: Method) -> Result<Option<f64>, Error<V>> {
    match ttl {
        None => Ok(None),
        Some(_) if method != Method::Get => Err(invalid("cache", format!("only GET responses are cached, not {}", method.as_str()))),
        Some(ttl) if ttl.is_finite() && ttl > 0.0 => Ok(Some(ttl)),
        Some(ttl) => Err(invalid("cache", format!("ttl {} is not a positive number of ms", crate::number::format(ttl)))),
    }
}
