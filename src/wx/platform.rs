//! `Platform` over the adapter object of `js/wx.js`, which promisifies `wx`. Futures that are
//! dropped before they settle call back into JS to abort the task or clear the timer.

use std::future::Future;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::platform::{AppState, Platform, WxFailure};
use crate::request::{Request, Response};

#[wasm_bindgen]
extern "C" {
    /// The adapter built by `js/wx.js`.
    #[derive(Clone)]
    pub type Adapter;

    #[wasm_bindgen(method)]
    /// `header` is `name NUL value NUL …` (see `convert::header_text`).
    fn send(this: &Adapter, method: &str, url: &str, header: &str, data: &JsValue, extra: &JsValue, timeout: u32) -> Promise;
    #[wasm_bindgen(method)]
    fn abort(this: &Adapter, pending: &Promise);
    #[wasm_bindgen(method)]
    fn now(this: &Adapter) -> f64;
    #[wasm_bindgen(method)]
    fn sleep(this: &Adapter, ms: u32) -> Promise;
    #[wasm_bindgen(method)]
    fn cancel(this: &Adapter, pending: &Promise);
    #[wasm_bindgen(method)]
    fn login(this: &Adapter) -> Promise;
    #[wasm_bindgen(method, js_name = checkSession)]
    fn check_session(this: &Adapter) -> Promise;
    #[wasm_bindgen(method, js_name = getStorage)]
    fn get_storage(this: &Adapter, key: &str) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = setStorage)]
    fn set_storage(this: &Adapter, key: &str, value: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, js_name = removeStorage)]
    fn remove_storage(this: &Adapter, key: &str);
    #[wasm_bindgen(method, js_name = storageKeys)]
    fn storage_keys(this: &Adapter) -> Array;
    /// `hides * 2 + (hidden ? 1 : 0)`: one crossing for both halves of `AppState`.
    #[wasm_bindgen(method, js_name = appState)]
    fn app_state(this: &Adapter) -> f64;
    /// Resolves at the next `wx.onAppShow`; `cancel` forgets it.
    #[wasm_bindgen(method, js_name = appShown)]
    fn app_shown(this: &Adapter) -> Promise;
    #[wasm_bindgen(method)]
    fn log(this: &Adapter, line: &str);
}

#[wasm_bindgen]
extern "C" {
    /// wx.request's success result.
    type WxResult;
    #[wasm_bindgen(method, getter, js_name = statusCode)]
    fn status_code(this: &WxResult) -> JsValue;
}

pub struct JsPlatform {
    adapter: Adapter,
}

impl JsPlatform {
    pub fn new(adapter: Adapter) -> Self {
        JsPlatform { adapter }
    }
}

/// Awaits a JS promise; if dropped first, hands it back to `on_drop` (abort, clearTimeout).
async fn settle(adapter: Adapter, promise: Promise, on_drop: fn(&Adapter, &Promise)) -> Result<JsValue, JsValue> {
    struct Guard {
        adapter: Adapter,
        promise: Promise,
        on_drop: Option<fn(&Adapter, &Promise)>,
    }
    impl Drop for Guard {
        fn drop(&mut self) {
            if let Some(on_drop) = self.on_drop {
                on_drop(&self.adapter, &self.promise);
            }
        }
    }
    let mut guard = Guard { adapter, promise: promise.clone(), on_drop: Some(on_drop) };
    let result = JsFuture::from(promise).await;
    guard.on_drop = None;
    result
}

pub fn failure(value: &JsValue) -> WxFailure {
    use crate::platform::Value;
    let err_msg = value
        .text("errMsg")
        .or_else(|| value.text("message"))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "fail (no errMsg)".into());
    WxFailure { err_msg, errno: value.text("errno").and_then(|n| n.parse().ok()) }
}

impl Platform for JsPlatform {
    type Value = JsValue;

    fn send(&self, request: &Request<JsValue>) -> impl Future<Output = Result<Response<JsValue>, WxFailure>> + 'static {
        let header = super::convert::header_text(&request.header);
        let none = JsValue::UNDEFINED;
        let promise = self.adapter.send(
            request.method.as_str(),
            &request.url,
            &header,
            request.data.as_ref().unwrap_or(&none),
            request.extra.as_ref().unwrap_or(&none),
            request.timeout,
        );
        let adapter = self.adapter.clone();
        async move {
            let raw = settle(adapter, promise, Adapter::abort).await.map_err(|e| failure(&e))?;
            let status = raw.unchecked_ref::<WxResult>().status_code().as_f64().unwrap_or(0.0);
            Ok(Response { status: status as u16, raw })
        }
    }

    fn now(&self) -> f64 {
        self.adapter.now()
    }

    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + 'static {
        let promise = self.adapter.sleep(ms);
        let adapter = self.adapter.clone();
        async move {
            let _ = settle(adapter, promise, Adapter::cancel).await;
        }
    }

    fn login_code(&self) -> impl Future<Output = Result<String, WxFailure>> + 'static {
        let promise = self.adapter.login();
        async move {
            let value = JsFuture::from(promise).await.map_err(|e| failure(&e))?;
            value.as_string().ok_or_else(|| WxFailure { err_msg: "login:fail no code".into(), errno: None })
        }
    }

    fn check_session(&self) -> impl Future<Output = bool> + 'static {
        let promise = self.adapter.check_session();
        async move { JsFuture::from(promise).await.is_ok_and(|v| v.is_truthy()) }
    }

    fn storage_get(&self, key: &str) -> Option<JsValue> {
        let value = self.adapter.get_storage(key);
        (!value.is_undefined()).then_some(value)
    }

    fn storage_set(&self, key: &str, value: &JsValue) -> Result<(), WxFailure> {
        self.adapter.set_storage(key, value).map_err(|e| failure(&e))
    }

    fn storage_remove(&self, key: &str) {
        self.adapter.remove_storage(key)
    }

    fn storage_keys(&self) -> Vec<String> {
        self.adapter.storage_keys().iter().filter_map(|k| k.as_string()).collect()
    }

    fn app_state(&self) -> AppState {
        let state = self.adapter.app_state();
        let state = if state.is_finite() && state >= 0.0 { state as u64 } else { 0 };
        AppState { hidden: state & 1 == 1, hides: (state >> 1) as u32 }
    }

    fn app_shown(&self) -> impl Future<Output = ()> + 'static {
        let promise = self.adapter.app_shown();
        let adapter = self.adapter.clone();
        async move {
            let _ = settle(adapter, promise, Adapter::cancel).await;
        }
    }

    fn log(&self, line: &str) {
        self.adapter.log(line)
    }
}
