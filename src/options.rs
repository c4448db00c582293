//! Client configuration and per-request options as plain data, and their validation into a
//! `Request`. A bad option becomes a `config` error naming it and never reaches `wx.request`.

use crate::error::Error;
use crate::request::{Method, Request, RetryOption};
use crate::url;

/// The client-wide options of `createHttp`.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: String,
    pub header: Vec<(String, String)>,
    pub timeout: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig { base_url: String::new(), header: Vec::new(), timeout: 60_000 }
    }
}

/// One call's options as the caller gave them (already split from the pass-through rest).
#[derive(Clone, Debug)]
pub struct RequestOptions<V> {
    pub url: String,
    pub method: Option<String>,
    pub params: Vec<(String, String)>,
    pub header: Vec<(String, String)>,
    pub timeout: Option<f64>,
    pub data: Option<V>,
    pub extra: Option<V>,
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
        }
    }
}

impl ClientConfig {
    /// Validates one call's options against this configuration.
    pub fn prepare<V>(&self, options: RequestOptions<V>) -> Result<Request<V>, Error<V>> {
        let method = match options.method.as_deref() {
            None => Method::Get,
            Some(text) => Method::parse(text)
                .ok_or_else(|| Error::config(format!("Invalid option `method`: unknown method {text:?}")))?,
        };
        if options.url.is_empty() {
            return Err(Error::config("Invalid option `url`: it is empty".into()));
        }
        let timeout = match options.timeout {
            None => self.timeout,
            Some(t) if t.is_finite() && t > 0.0 && t <= u32::MAX as f64 => t as u32,
            Some(t) => return Err(Error::config(format!("Invalid option `timeout`: {t} is not a positive number of ms"))),
        };
        let joined = url::join(&self.base_url, &options.url);
        if !url::is_absolute(&joined) {
            return Err(Error::config(format!(
                "Invalid option `url`: {joined:?} is relative and no `baseURL` is set"
            )));
        }
        let mut request = Request {
            method,
            url: url::with_query(&joined, &options.params),
            header: self.header.clone(),
            data: options.data,
            extra: options.extra,
            timeout,
            auth: true,
            dedupe: true,
            priority: false,
            retry: RetryOption::Default,
            cache_ttl: None,
        };
        for (name, value) in options.header {
            request.set_header(&name, value);
        }
        Ok(request)
    }
}
