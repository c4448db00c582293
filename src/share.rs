//! Request sharing (SPEC §5): concurrent identical GET/HEAD requests share one call of the layer
//! below. It sits above auth, so identical GETs waiting for the same login share too.
//!
//! The key is the request as it arrives plus everything that changes what the layer below
//! does with it: method, URL with its query, every header (names lowercased, sorted), timeout,
//! the `auth` and `retry` options, priority, and the caller's identity as the `identity` hook
//! reports it (the auth layer adds the token only below, so it hands its token generation or
//! user id here: a request never joins one sent for another account). Requests carrying a body
//! or pass-through options (`data`, `extra`) are not shared: the core cannot compare host
//! values, and wx turns a GET's `data` into its query.
//!
//! The entry lives while the call is in flight: it is removed when the call settles (so calls
//! made one after another are not shared) and it holds only a weak handle, so when every
//! caller has dropped its future the inner call is dropped, which aborts the `RequestTask`.

use std::future::Future;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared, WeakShared};

use crate::error::Error;
use crate::hash::FnvMap;
use crate::platform::Value;
use crate::request::{RetryOption};
use crate::request::{Method, Request, Response};
use crate::stack::Service;

type Outcome<V> = Result<Response<V>, Error<V>>;
type Call<V> = Shared<LocalBoxFuture<'static, Outcome<V>>>;

/// Reports who the caller is now (a token generation, a user id), mixed into the key.
pub type Identity = Rc<dyn Fn() -> Option<String>>;

pub struct Share<S, V> {
    inner: Rc<S>,
    calls: Rc<RefCell<FnvMap<String, Entry<V>>>>,
    next_id: Cell<u64>,
    identity: Option<Identity>,
}

struct Entry<V> {
    id: u64,
    call: WeakShared<LocalBoxFuture<'static, Outcome<V>>>,
}

/// Removes the entry when the call settles or is dropped, unless a newer call took the key.
struct Settled<V> {
    id: u64,
    key: String,
    calls: Rc<RefCell<FnvMap<String, Entry<V>>>>,
}

impl<V> Drop for Settled<V> {
    fn drop(&mut self) {
        let mut calls = self.calls.borrow_mut();
        if calls.get(&self.key).is_some_and(|entry| entry.id == self.id) {
            calls.remove(&self.key);
        }
    }
}

impl<S, V> Share<S, V> {
    pub fn new(inner: Rc<S>) -> Self {
        Share { inner, calls: Rc::default(), next_id: Cell::new(0), identity: None }
    }

    /// Mixes the caller's identity into the key (see the module docs).
    pub fn with_identity(mut self, identity: Identity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// The layer below.
    pub fn inner(&self) -> &Rc<S> {
        &self.inner
    }

    /// Shared calls in flight now.
    pub fn in_flight(&self) -> usize {
        self.calls.borrow().len()
    }

    /// The sharing key, or `None` when this request is never shared.
    pub fn key(&self, request: &Request<V>) -> Option<String> {
        let shareable = matches!(request.method, Method::Get | Method::Head)
            && request.dedupe
            && request.data.is_none()
            && request.extra.is_none();
        if !shareable {
            return None;
        }
        let mut header: Vec<(String, &str)> =
            request.header.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.as_str())).collect();
        header.sort();
        let identity = self.identity.as_ref().and_then(|f| f());
        // Each part ends with a NUL, which neither URLs, header names and values, nor the
        // other parts contain, so no two different requests share a key.
        let mut key = String::with_capacity(request.url.len() + 64);
        let flags = [request.method.as_str(), if request.auth { "auth" } else { "" }, if request.priority { "priority" } else { "" }];
        let retry = match request.retry {
            RetryOption::Default => "d",
            RetryOption::Off => "off",
            RetryOption::Limit(_) => "n",
        };
        for part in flags.into_iter().chain([request.url.as_str(), retry]) {
            key.push_str(part);
            key.push('\0');
        }
        if let RetryOption::Limit(n) = request.retry {
            crate::number::push_integer(&mut key, n.into());
            key.push('\0');
        }
        crate::number::push_integer(&mut key, request.timeout.into());
        key.push('\0');
        for part in header.iter().flat_map(|(k, v)| [k.as_str(), *v]).chain(identity.as_deref()) {
            key.push_str(part);
            key.push('\0');
        }
        Some(key)
    }
}

impl<V, S> Service<V> for Share<S, V>
where
    V: Value,
    S: Service<V> + 'static,
{
    fn call(&self, request: Request<V>) -> impl Future<Output = Outcome<V>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            let Some(key) = self.key(&request) else {
                return self.inner.call(request).await;
            };
            let existing = self.calls.borrow().get(&key).and_then(|entry| entry.call.upgrade());
            match existing {
                // A joiner gets its own copy of the body; the first caller keeps the original.
                Some(call) => call.await.map(|response| Response { raw: response.raw.copy_response(), ..response }).map_err(|mut error| {
                    error.response = error.response.map(|r| Response { raw: r.raw.copy_response(), ..r });
                    error
                }),
                None => self.start(key, request).await,
            }
        })
    }
}

impl<V: Clone + 'static, S: Service<V> + 'static> Share<S, V> {
    fn start(&self, key: String, request: Request<V>) -> Call<V> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let inner = self.inner.clone();
        let settled = Settled { id, key: key.clone(), calls: self.calls.clone() };
        let call = async move {
            let _settled = settled;
            inner.call(request).await
        }
        .boxed_local()
        .shared();
        if let Some(weak) = call.downgrade() {
            self.calls.borrow_mut().insert(key, Entry { id, call: weak });
        }
        call
    }
}
