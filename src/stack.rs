//! The request pipeline, composed once, in this one file. Each concern is a `Service`: it takes
//! a request and returns a future response, wrapping an inner service of the same shape.
//!
//! The order, outermost first (SPEC §5):
//! request interceptors (JS) → response cache → request sharing → auth → retry →
//! concurrency limit → timeout/abort → `wx.request` → response interceptors (JS).
//!
//! Interceptors are JS functions and run in the glue around the whole stack, once per logical
//! request; abort is the caller dropping the future (see `client.rs`).

use std::future::Future;
use std::rc::Rc;

use crate::error::Error;
use crate::platform::Platform;
use crate::request::{Request, Response};
use crate::transport::Transport;

pub trait Service<V> {
    fn call(&self, request: Request<V>) -> impl Future<Output = Result<Response<V>, Error<V>>>;
}

pub type Stack<P> = Transport<P>;

pub fn build<P: Platform>(platform: Rc<P>) -> Stack<P> {
    Transport::new(platform)
}
