//! The background rule (SPEC §7): WeChat fails every `wx.request` still in flight five seconds
//! after the app goes to the background (`request:fail interrupted`). This layer sits above
//! retry (and so above the concurrency limit): a request issued while the app is hidden waits
//! for `wx.onAppShow` before it takes a slot, and an interrupted idempotent request waits for the
//! app to come back and is sent again, while a non-idempotent one (POST, PATCH, …) rejects with
//! kind `network` — it may have reached the server. Retry never counts an interruption as an
//! attempt (`RetryPolicy::is_retryable`), so the two layers never both resend.
//!
//! Every wait is bounded by the request's own `timeout` (then kind `timeout`, which retry below
//! never sees, so it is one `timeout` in all), so nothing hangs if the app never returns; dropping the future (abort) drops the wait with it.

use std::future::Future;
use std::rc::Rc;

use crate::error::{Error, Kind};
use crate::platform::{within, Platform};
use crate::request::{Method, Request, Response};
use crate::retry::is_interrupted;
use crate::stack::Service;

/// How many times one request is sent again after interruptions: each needs the app to leave
/// and come back, so this only stops a pathological loop.
const MAX_RESENDS: u32 = 5;

pub struct Background<S, P> {
    inner: S,
    platform: Rc<P>,
}

impl<S, P> Background<S, P> {
    pub fn new(inner: S, platform: Rc<P>) -> Self {
        Background { inner, platform }
    }

    /// The layer below.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

/// Methods safe to send twice (RFC 9110 §9.2.2): the ones resent after an interruption.
pub fn is_idempotent(method: Method) -> bool {
    matches!(method, Method::Get | Method::Head | Method::Options | Method::Put | Method::Delete)
}

/// Whether this failure is wx's "the app went to the background".
pub fn was_interrupted<V>(error: &Error<V>) -> bool {
    error.kind == Kind::Network && error.err_msg.as_deref().is_some_and(is_interrupted)
}

impl<P: Platform, S: Service<P::Value>> Background<S, P> {
    /// Waits for `wx.onAppShow` if the app is hidden now; an error after `request.timeout`.
    async fn until_shown(&self, request: &Request<P::Value>) -> Result<(), Error<P::Value>> {
        if !self.platform.app_state().hidden {
            return Ok(());
        }
        match within(&*self.platform, request.timeout, self.platform.app_shown()).await {
            Some(()) => Ok(()),
            None => {
                let what = format!("Timeout of {}ms exceeded while the app was in the background", request.timeout);
                Err(request.error(Kind::Timeout, &what))
            }
        }
    }
}

impl<P: Platform, S: Service<P::Value>> Service<P::Value> for Background<S, P> {
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Result<Response<P::Value>, Error<P::Value>>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            self.until_shown(&request).await?;
            // Only an idempotent request is ever sent again: only it needs a copy kept.
            if !is_idempotent(request.method) {
                return self.inner.call(request).await;
            }
            let mut resends = 0;
            loop {
                let hides = self.platform.app_state().hides;
                let error = match self.inner.call(request.clone()).await {
                    Err(error) if was_interrupted(&error) => error,
                    outcome => return outcome,
                };
                // wx delivers the failure while hidden or, once its JS thread runs again, after
                // `onAppShow`; an "interrupted" with no hide at all is no background case.
                let state = self.platform.app_state();
                let left = state.hidden || state.hides != hides;
                if !left || resends == MAX_RESENDS {
                    return Err(error);
                }
                resends += 1;
                self.until_shown(&request).await?;
            }
        })
    }
}
