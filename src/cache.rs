//! The response cache (SPEC §8): the outermost layer of the stack, so a hit costs no sharing, no
//! token and no `wx.request`. A GET with `cache_ttl` is looked up in storage and, on a miss, its
//! successful answer (wx's `{ statusCode, header, data, … }` kept whole) is stored with that TTL.
//!
//! # Keys
//!
//! Entries live in their own storage namespace, `<namespace>:cache` (so inside the client's
//! namespace: `wxhttp:cache:<user>:<hash>`), where
//! - `<user>` is the request's identity, with `%` and `:` percent-escaped; empty for anonymous
//!   (no identity, or an empty one). One account never sees another's entries, and `drop_user`
//!   finds a user's entries by this prefix. The identity comes from the `confirm` source when
//!   there is one (`with_confirmed`), else from the `user` function when the request starts.
//!
//! # Whose identity
//!
//! A synchronous "current user" is not enough in front of a login: a token restored at launch is
//! unchecked until `wx.checkSession` has run (the phone may have switched WeChat account), and
//! during a re-login the current user is a dead session's, which the login may replace by another
//! account (L9). So the stack gives the cache an asynchronous source (`Auth::confirmed_user`)
//! that, for a request auth applies to, first does what the request would do anyway — join the
//! login in flight, run the launch's check, log in — and only then names the user; the lookup
//! waits for it, and a failed login rejects the GET like any request. The source is a plain
//! closure returning a future, so this module knows nothing of auth. A side effect: the first
//! cached GET of a fresh install, which waits for the first login, is keyed (and stored) under
//! the user that login returned instead of starting anonymous.
//! - `<hash>` is the 64-bit FNV-1a, in 16 hex digits, of the request's *description*: the method,
//!   the URL with its query, the headers that change the answer — `accept`, `accept-language`,
//!   `content-type` (never the auth header: the identity stands for it) — and the pass-through
//!   options that change the answer's shape, `responseType` and `dataType`. The description is
//!   stored beside the response and compared on read, so a hash collision is a miss, never
//!   another URL's answer.
//!
//! The stored value is `{ "request": <description>, "response": <wx's success result> }` in a
//! storage envelope (see `storage.rs`).
//!
//! # Rules
//! - Only a GET with `cache_ttl > 0` and no `data` is cached (wx appends a GET's `data` to the
//!   query, and a host value cannot be hashed here: use `params`). Anything else goes to inner.
//! - Only a 2xx answer is stored, and only when the identity it was looked up under is still the
//!   current one when it answered: an answer that straddles a login, a logout or an account switch is
//!   never filed under the wrong user.
//! - A failed cache write never fails the request; on a full storage the cache sweeps its own
//!   expired entries and tries once more.

use std::future::Future;
use std::rc::Rc;

use futures::future::LocalBoxFuture;

use crate::error::Error;
use crate::hash::fnv1a;
use crate::platform::{Platform, Value};
use crate::request::{Method, Request, Response};
use crate::stack::Service;
use crate::storage::{Storage, StorageError};

/// Headers that change a GET's answer and so its cache key, lower case, in key order.
pub const VARY_HEADERS: [&str; 3] = ["accept", "accept-language", "content-type"];
/// Pass-through `wx.request` options that change the answer's shape.
const VARY_OPTIONS: [&str; 2] = ["responseType", "dataType"];

/// The identity a request may be served cached data for, once it can be trusted (see "Whose
/// identity"); an error rejects the request.
pub type Confirm<V> = Rc<dyn Fn(&Request<V>) -> LocalBoxFuture<'static, Result<Option<String>, Error<V>>>>;

pub struct Cache<P: Platform, S> {
    inner: Rc<S>,
    entries: CacheEntries<P>,
    user: Rc<dyn Fn() -> Option<String>>,
    confirm: Option<Confirm<P::Value>>,
}

impl<P: Platform, S> Cache<P, S> {
    /// `namespace` is the client's storage namespace; `user` returns the current identity, `None`
    /// when anonymous: `Auth::user_source()`, or e.g. `move || cell.borrow().clone()`.
    pub fn new(inner: Rc<S>, platform: Rc<P>, namespace: &str, user: impl Fn() -> Option<String> + 'static) -> Self {
        Cache { inner, entries: CacheEntries::new(platform, namespace), user: Rc::new(user), confirm: None }
    }

    /// Keys each cacheable request under the identity `confirm` resolves to (awaited before the
    /// lookup) instead of `user` at its start; `user` still tells whether the identity changed
    /// while the request was out. `Auth::confirmed_user` in the stack.
    pub fn with_confirmed(
        mut self,
        confirm: impl Fn(&Request<P::Value>) -> LocalBoxFuture<'static, Result<Option<String>, Error<P::Value>>> + 'static,
    ) -> Self {
        self.confirm = Some(Rc::new(confirm));
        self
    }

    pub fn inner(&self) -> &Rc<S> {
        &self.inner
    }

    /// A handle on the stored entries, for hooks built before the cache (auth's
    /// `on_user_change`, `http.logout()`).
    pub fn entries(&self) -> CacheEntries<P> {
        self.entries.clone()
    }

    /// The description and the TTL of a cacheable request.
    fn cacheable(&self, request: &Request<P::Value>) -> Option<(String, f64)> {
        let ttl = request.cache_ttl.filter(|t| *t > 0.0)?;
        let has_data = request.data.as_ref().is_some_and(|d| d.json_size() != P::Value::null().json_size());
        if request.method != Method::Get || has_data {
            return None;
        }
        Some((describe(request), ttl))
    }

    /// The identity to key `request` under (see "Whose identity").
    async fn identity(&self, request: &Request<P::Value>) -> Result<Option<String>, Error<P::Value>> {
        match &self.confirm {
            Some(confirm) => confirm(request).await,
            None => Ok((self.user)()),
        }
    }
}

/// The cache's entries in storage (namespace `<namespace>:cache`). Cheap to clone; every clone
/// sees the same entries. Built alone (`CacheEntries::new`) it serves hooks that exist before
/// the cache layer does: the auth layer's `on_user_change` drops the previous user's entries
/// (L9), and `http.logout()` drops the user's (or all, with `clear`).
pub struct CacheEntries<P: Platform> {
    storage: Storage<P>,
}

impl<P: Platform> Clone for CacheEntries<P> {
    fn clone(&self) -> Self {
        CacheEntries { storage: self.storage.clone() }
    }
}

impl<P: Platform> CacheEntries<P> {
    pub fn new(platform: Rc<P>, namespace: &str) -> Self {
        CacheEntries { storage: Storage::new(platform, &format!("{namespace}:cache")) }
    }

    /// Drops every entry of `user` (`None`: the anonymous ones): `http.logout()`, account switch.
    pub fn drop_user(&self, user: Option<&str>) {
        let prefix = format!("{}:", user_segment(user));
        for key in self.storage.keys().into_iter().filter(|k| k.starts_with(&prefix)) {
            self.storage.remove(&key);
        }
    }

    /// Drops every cached response, of every user.
    pub fn clear(&self) {
        self.storage.clear();
    }

    /// Removes expired cached responses; returns how many.
    pub fn sweep(&self) -> usize {
        self.storage.sweep()
    }

    fn lookup(&self, key: &str, description: &str) -> Option<Response<P::Value>> {
        let stored = self.storage.get(key)?;
        if stored.text("request").as_deref() != Some(description) {
            return None;
        }
        let status = stored.text("response.statusCode")?.parse::<u16>().ok()?;
        Some(Response { status, raw: stored.get("response")? })
    }

    fn store(&self, key: &str, description: &str, response: &Response<P::Value>, ttl: f64) {
        let entry = P::Value::object(vec![("request", P::Value::string(description)), ("response", response.raw.clone())]);
        if let Err(StorageError::QuotaExceeded { .. }) = self.storage.set(key, &entry, Some(ttl)) {
            if self.storage.sweep() > 0 {
                let _ = self.storage.set(key, &entry, Some(ttl));
            }
        }
        // Any other failure (too large, not JSON, wx refusing) just leaves the answer uncached.
    }
}

type V<P> = <P as Platform>::Value;

impl<P: Platform, S: Service<V<P>>> Service<V<P>> for Cache<P, S> {
    fn call(&self, request: Request<V<P>>) -> impl Future<Output = Result<Response<V<P>>, Error<V<P>>>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            let Some((description, ttl)) = self.cacheable(&request) else {
                return self.inner.call(request).await;
            };
            let user = self.identity(&request).await?;
            let key = format!("{}:{:016x}", user_segment(user.as_deref()), fnv1a(description.as_bytes()));
            if let Some(response) = self.entries.lookup(&key, &description) {
                return Ok(response);
            }
            let response = self.inner.call(request).await?;
            if (200..300).contains(&response.status) && (self.user)() == user {
                self.entries.store(&key, &description, &response, ttl);
            }
            Ok(response)
        })
    }
}

/// What makes two GETs the same for the cache, as readable text.
fn describe<T: Value>(request: &Request<T>) -> String {
    let mut text = format!("{} {}", request.method.as_str(), request.url);
    for name in VARY_HEADERS {
        if let Some(value) = request.header(name) {
            text.push_str(&format!("\n{name}: {value}"));
        }
    }
    for name in VARY_OPTIONS {
        if let Some(value) = request.extra.as_ref().and_then(|extra| extra.text(name)) {
            text.push_str(&format!("\n{name}: {value}"));
        }
    }
    text
}

/// The user's key segment: empty when anonymous, else the id with `%` and `:` escaped so that
/// no id can reach into another's prefix.
fn user_segment(user: Option<&str>) -> String {
    user.unwrap_or("").replace('%', "%25").replace(':', "%3A")
}
