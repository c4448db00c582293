//! The one seam between the core and the world. Production implements it over the JS object
//! the glue builds from `wx` (`src/wx/`); tests implement it in plain Rust with scripted
//! responses and a manual clock. The core never names `wx`, `JsValue` or `Instant`.

use std::fmt::Debug;
use std::future::Future;

use crate::request::{Request, Response};

/// An opaque value of the host (a JS value in production). The core keeps bodies, headers and
/// responses as such handles and reads only the few fields it decides on.
pub trait Value: Clone + Debug + 'static {
    /// The scalar at a dotted path (`data.token`) as text: strings as they are, numbers in
    /// their shortest form (`99997`, not `99997.0`), booleans as `true`/`false`.
    fn text(&self, path: &str) -> Option<String>;
    /// A response's header, its name compared case-insensitively.
    fn header(&self, name: &str) -> Option<String>;
}

/// How a wx call failed: wx hands plain `{ errMsg, errno }` objects, never `Error`s.
#[derive(Clone, Debug, PartialEq)]
pub struct WxFailure {
    pub err_msg: String,
    pub errno: Option<i64>,
}

pub trait Platform: 'static {
    type Value: Value;

    /// Sends one `wx.request`. Resolves with the success result (any status); dropping the
    /// future before it resolves aborts the `RequestTask`.
    fn send(&self, request: &Request<Self::Value>) -> impl Future<Output = Result<Response<Self::Value>, WxFailure>> + 'static;
    /// Milliseconds since the epoch (`Date.now()`).
    fn now(&self) -> f64;
    /// Resolves after `ms`; dropping it cancels the timer.
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + 'static;
}
