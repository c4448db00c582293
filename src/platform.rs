//! The one seam between the core and the world. Production implements it over the JS object
//! the glue builds from `wx` (`src/wx/`); tests implement it in plain Rust with scripted
//! responses and a manual clock. The core never names `wx`, `JsValue` or `Instant`.

use std::fmt::Debug;
use std::future::Future;

use futures::future::{select, Either};

use crate::request::{Request, Response};

/// An opaque value of the host (a JS value in production). The core keeps bodies, headers and
/// responses as such handles and reads only the few fields it decides on.
pub trait Value: Clone + Debug + 'static {
    /// The scalar at a dotted path (`data.token`) as text: strings as they are, numbers in
    /// their shortest form (`99997`, not `99997.0`), booleans as `true`/`false`.
    fn text(&self, path: &str) -> Option<String>;
    /// A response's header (under `header`), its name compared case-insensitively.
    fn header(&self, name: &str) -> Option<String>;
    /// A field of an object, `None` when absent or when this is no object.
    fn get(&self, key: &str) -> Option<Self>;
    /// The size in bytes of this value's JSON text; `None` when JSON cannot hold it.
    fn json_size(&self) -> Option<usize>;
    /// A response (wx's success result) whose `data` is a copy: what a caller joining a shared
    /// request gets, so that its edits never reach the others, as with separate `wx.request`s.
    fn copy_response(&self) -> Self;
    fn number(value: f64) -> Self;
    fn string(value: &str) -> Self;
    fn null() -> Self;
    /// A fresh object with these fields.
    fn object(fields: Vec<(&str, Self)>) -> Self;
}

/// How a wx call failed: wx hands plain `{ errMsg, errno }` objects, never `Error`s.
#[derive(Clone, Debug, PartialEq)]
pub struct WxFailure {
    pub err_msg: String,
    pub errno: Option<i64>,
}

/// The app's foreground/background state, from `wx.onAppHide` / `wx.onAppShow`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppState {
    pub hidden: bool,
    /// `wx.onAppHide` events so far: a change tells that the app left (and maybe came back)
    /// during a request.
    pub hides: u32,
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

    /// `wx.login`: a code valid five minutes, single use.
    fn login_code(&self) -> impl Future<Output = Result<String, WxFailure>> + 'static;
    /// `wx.checkSession`: `true` while WeChat's session is alive.
    fn check_session(&self) -> impl Future<Output = bool> + 'static;

    /// `wx.getStorageSync`; `None` for a missing key.
    fn storage_get(&self, key: &str) -> Option<Self::Value>;
    /// `wx.setStorageSync`; fails (keeping the old value) past WeChat's limits.
    fn storage_set(&self, key: &str, value: &Self::Value) -> Result<(), WxFailure>;
    fn storage_remove(&self, key: &str);
    /// Every key of the app's storage (`wx.getStorageInfoSync().keys`).
    fn storage_keys(&self) -> Vec<String>;

    /// Whether the app is in the background now (after `wx.onAppHide`, before
    /// `wx.onAppShow`) and how many times it went there so far. Hosts without app events are
    /// never hidden.
    fn app_state(&self) -> AppState {
        AppState::default()
    }
    /// Resolves at the next `wx.onAppShow`; dropping it forgets the wait. Hosts without app
    /// events resolve at once, so an interrupted request is simply sent again.
    fn app_shown(&self) -> impl Future<Output = ()> + 'static {
        std::future::ready(())
    }
    /// One line of the `debug: true` log (`console.log`). Never given headers or bodies.
    fn log(&self, _line: &str) {}
}

/// `future` raced against the platform's timer: `None` when `ms` passed first. The loser is
/// dropped (a `RequestTask` aborted, a timer cleared). Every timeout of the library is this.
pub async fn within<P: Platform, F: Future>(platform: &P, ms: u32, future: F) -> Option<F::Output> {
    match select(std::pin::pin!(future), std::pin::pin!(platform.sleep(ms))).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}
