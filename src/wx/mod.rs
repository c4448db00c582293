//! The wasm-bindgen boundary: `Platform` over the JS adapter the glue builds from `wx`
//! (`js/wx.js`), `Value` over `JsValue`, and the exported `Http` the glue drives.
//! Data stays in JS: Rust holds handles and reads only the fields it decides on.

mod auth;
pub mod convert;
pub mod platform;
mod store;
pub mod value;

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::AbortHandle;
use wasm_bindgen::prelude::*;

use crate::client::Client;
use crate::hash::FnvMap;
pub use platform::{Adapter, JsPlatform};
pub use store::Store;

/// One client of `createHttp`. Methods clone an `Rc` and return a promise; nothing borrows
/// `self` across an await.
#[wasm_bindgen]
pub struct Http {
    client: Rc<Client<JsPlatform>>,
    aborts: Rc<RefCell<FnvMap<u32, AbortHandle>>>,
}

#[wasm_bindgen]
impl Http {
    /// Reads the client options; a bad one throws a `config` error object.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue, adapter: Adapter) -> Result<Http, JsValue> {
        let to_js = |e: convert::E| convert::error_to_js(&e);
        let auth = auth::auth_config(config).map_err(to_js)?;
        let config = convert::client_config(config).map_err(to_js)?;
        let platform = Rc::new(JsPlatform::new(adapter));
        Ok(Http { client: Rc::new(Client::new(config, auth, platform)), aborts: Rc::default() })
    }

    /// Runs one request; resolves with wx's success result, rejects with an error object
    /// `{ kind, message, errMsg, statusCode, response }`. `id` names it for `abort`.
    pub fn request(&self, options: &JsValue, extra: JsValue, id: u32) -> js_sys::Promise {
        let options = convert::request_options(options.unchecked_ref(), extra);
        let client = self.client.clone();
        let aborts = self.aborts.clone();
        let (handle, registration) = AbortHandle::new_pair();
        aborts.borrow_mut().insert(id, handle);
        promise(async move {
            let result = match options {
                Ok(options) => client.request(options, Some(registration)).await,
                Err(error) => Err(error),
            };
            aborts.borrow_mut().remove(&id);
            result.map(|response| response.raw)
        })
    }

    /// Aborts the request `id` if it has not settled yet.
    pub fn abort(&self, id: u32) {
        if let Some(handle) = self.aborts.borrow_mut().remove(&id) {
            handle.abort();
        }
    }

    /// `http.login()`: joins a login in flight or starts one.
    pub fn login(&self) -> js_sys::Promise {
        let client = self.client.clone();
        promise(async move {
            client.login().await.map(|()| JsValue::UNDEFINED)
        })
    }

    /// `http.logout()`: forgets the token and every cached response.
    pub fn logout(&self) {
        self.client.logout()
    }

    #[wasm_bindgen(js_name = getToken)]
    pub fn get_token(&self) -> Option<String> {
        self.client.token()
    }

    pub fn storage(&self) -> Store {
        Store::from(self.client.storage().clone())
    }

    /// `http.takeLoginCode()`: a fresh `wx.login` code never handed out before.
    #[wasm_bindgen(js_name = takeLoginCode)]
    pub fn take_login_code(&self) -> js_sys::Promise {
        let client = self.client.clone();
        promise(async move {
            client.take_login_code().await.map(|code| JsValue::from_str(&code))
        })
    }

    /// `http.prefetchLoginCode()`: fetches one code for a later `takeLoginCode`.
    #[wasm_bindgen(js_name = prefetchLoginCode)]
    pub fn prefetch_login_code(&self) -> js_sys::Promise {
        let client = self.client.clone();
        promise(async move {
            client.prefetch_login_code().await.map(|()| JsValue::UNDEFINED)
        })
    }
}

/// `checkAvatar(url, adapter)`: resolves `'ok'`, `'expired'` or `'unknown'`; never rejects.
#[wasm_bindgen(js_name = checkAvatar)]
pub fn check_avatar(url: JsValue, adapter: Adapter) -> js_sys::Promise {
    let platform = JsPlatform::new(adapter);
    promise(async move {
        let state = match url.as_string() {
            Some(url) => crate::avatar::check(&platform, &url).await,
            None => crate::avatar::AvatarState::Unknown,
        };
        Ok(JsValue::from_str(state.as_str()))
    })
}

/// A promise of `future`, its error as the plain object the glue turns into a `RequestError`.
/// `future_to_promise` is instantiated once, over one boxed type, instead of once per export
/// (each copy carried its own wrapper machinery into the wasm).
fn promise(future: impl std::future::Future<Output = Result<JsValue, convert::E>> + 'static) -> js_sys::Promise {
    let future: futures::future::LocalBoxFuture<'static, Result<JsValue, JsValue>> =
        Box::pin(async move { future.await.map_err(|e| convert::error_to_js(&e)) });
    wasm_bindgen_futures::future_to_promise(future)
}
