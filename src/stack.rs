//! The request pipeline, composed once, in this one file. Each concern is a `Service`: it takes
//! a request and returns a future response, wrapping an inner service of the same shape.
//!
//! The order, outermost first (SPEC §5):
//! request interceptors (JS) → response cache → request sharing → auth → background (wait for
//! `wx.onAppShow`) → retry → concurrency limit → timeout/abort → `wx.request` → response
//! interceptors (JS).
//!
//! - sharing above auth: identical GETs waiting for one login share one call;
//! - auth above retry: a replay after re-login is a fresh logical request with its own retries,
//!   and the login exchange calls `Below` (background → retry → limit → transport), never auth
//!   itself; it sets `priority` to take the next free slot ahead of queued requests;
//! - background above retry: an interruption is no retry attempt (retry leaves it alone) and
//!   the wait for the app to show is bounded by one `timeout`, never retried; a request held
//!   while the app is hidden holds no slot;
//! - retry above limit: a request waiting out its backoff holds no slot;
//! - limit above transport: the per-attempt timeout starts once a slot is acquired.
//!
//! Two thin debug layers (`debug.rs`) do not change behaviour: with `debug: true`, `Trace`
//! between auth and retry logs logins, `Attempt` above the transport logs each attempt.
//!
//! Interceptors are JS functions and run in the glue around the whole stack, once per logical
//! request; abort is the caller dropping the future (see `client.rs`): it leaves the limit's
//! queue, cancels a backoff sleep or a wait for the app to show, drops one sharer's interest,
//! or aborts the `RequestTask`.

use std::future::Future;
use std::rc::Rc;

use crate::auth::{Auth, AuthConfig};
use crate::background::Background;
use crate::cache::Cache;
use crate::debug::{Attempt, Trace};
use crate::error::Error;
use crate::limit::Limit;
use crate::options::ClientConfig;
use crate::platform::Platform;
use crate::request::{Request, Response};
use crate::retry::Retry;
use crate::share::Share;
use crate::transport::Transport;

/// Every layer returns its future boxed (`Box::pin(async move { … })`): nested `async fn`s
/// would embed each inner future in the outer one, and each layer would copy the whole nested
/// state (13 KB for this stack) as it starts the next. Under JavaScriptCore without JIT, where
/// wasm is interpreted, that copying cost more than the allocations that replace it.
pub trait Service<V> {
    fn call(&self, request: Request<V>) -> impl Future<Output = Result<Response<V>, Error<V>>>;
}

/// A service behind an `Rc` is the same service: lets two layers (auth and its login exchange)
/// hold one inner stack.
impl<V, S: Service<V> + ?Sized> Service<V> for Rc<S> {
    fn call(&self, request: Request<V>) -> impl Future<Output = Result<Response<V>, Error<V>>> {
        (**self).call(request)
    }
}

/// Everything below auth: what the login exchange calls (through `Trace`).
pub type Below<P> = Background<Retry<Limit<Attempt<Transport<P>, P>>, P>, P>;

pub type AuthLayer<P> = Auth<Trace<Rc<Below<P>>, P>, P>;

/// The whole stack under the interceptors.
pub type Stack<P> = Cache<P, Share<MaybeAuth<P>, <P as Platform>::Value>>;

/// Auth when the client has an `auth` option; straight through to `Below` otherwise.
pub enum MaybeAuth<P: Platform> {
    On(Rc<AuthLayer<P>>),
    Off(Rc<Below<P>>),
}

impl<P: Platform> Service<P::Value> for MaybeAuth<P> {
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Result<Response<P::Value>, Error<P::Value>>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            match self {
                MaybeAuth::On(auth) => auth.call(request).await,
                MaybeAuth::Off(below) => below.call(request).await,
            }
        })
    }
}

/// Builds the stack, innermost first. Returns the auth layer too, for `login`/`logout`.
pub fn build<P: Platform>(
    platform: Rc<P>,
    config: &ClientConfig,
    auth: Option<AuthConfig<P::Value>>,
) -> (Stack<P>, Option<Rc<AuthLayer<P>>>) {
    let debug = config.debug;
    let transport = Transport::new(platform.clone()).with_validate_status(config.validate_status.clone());
    let attempt = Attempt::new(transport, platform.clone(), debug);
    let limit = Limit::new(attempt, config.max_concurrent);
    let retry = Retry::new(limit, config.retry.clone(), platform.clone());
    let below = Rc::new(Background::new(retry, platform.clone()));
    let auth = auth.map(|auth| {
        let trace = Trace::new(below.clone(), platform.clone(), debug.then(|| auth.clone()));
        Rc::new(Auth::new(Rc::new(trace), platform.clone(), &config.base_url, auth))
    });
    let user: Rc<dyn Fn() -> Option<String>> = match &auth {
        Some(auth) => Rc::new(auth.user_source()),
        None => Rc::new(|| None),
    };
    let layer = match &auth {
        Some(auth) => MaybeAuth::On(auth.clone()),
        None => MaybeAuth::Off(below),
    };
    let share = Share::new(Rc::new(layer)).with_identity(user.clone());
    let mut cache = Cache::new(Rc::new(share), platform, &config.namespace, move || user());
    if let Some(auth) = &auth {
        // A cache hit only for a confirmed identity: after a login in flight or the launch's
        // `wx.checkSession` (see `cache.rs`, "Whose identity"). Weak: the cache owns auth.
        let auth = Rc::downgrade(auth);
        cache = cache.with_confirmed(move |request| match auth.upgrade() {
            Some(auth) => auth.confirmed_user(request),
            None => Box::pin(futures::future::ready(Ok(None))),
        });
    }
    (cache, auth)
}
