//! The `auth` option from JS into `AuthConfig`. The glue has already wrapped the callbacks
//! (`login` function, `isExpired`, `onLoginFailed`) so they take and give plain values.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::convert::{boolean, error_to_js, get, number, string, E};
use crate::auth::{AuthConfig, Login, LoginOutput};
use crate::error::Error;
use crate::platform::Value;
use crate::request::Method;

fn bad(what: &str, expected: &str) -> E {
    Error::config(format!("Invalid option `auth.{what}`: expected {expected}"))
}

fn function(object: &JsValue, key: &str) -> Result<Option<Function>, E> {
    get(object, key).map(|v| v.dyn_into::<Function>().map_err(|_| bad(key, "a function"))).transpose()
}

fn texts(object: &JsValue, key: &str) -> Result<Option<Vec<String>>, E> {
    let Some(value) = get(object, key) else { return Ok(None) };
    let list: js_sys::Array = value.dyn_into().map_err(|_| bad(key, "an array"))?;
    let item = |v: JsValue| super::value::scalar_text(&v).ok_or_else(|| bad(key, "an array of strings or numbers"));
    list.iter().map(item).collect::<Result<Vec<_>, _>>().map(Some)
}

/// `login: async ({ code, previousToken }) => ({ token, expiresIn, userId })`.
fn login_function(f: Function) -> Login {
    Login::function(move |input| {
        let argument = <JsValue as Value>::object(vec![
            ("code", JsValue::from_str(&input.code)),
            ("previousToken", input.previous_token.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
        ]);
        let called = f.call1(&JsValue::NULL, &argument).map(|v| Promise::resolve(&v));
        Box::pin(async move {
            let result = JsFuture::from(called.map_err(|e| super::platform::failure(&e).err_msg)?).await;
            let value = result.map_err(|e| super::platform::failure(&e).err_msg)?;
            let token = value.text("token").filter(|t| !t.is_empty()).ok_or("the login function returned no `token`")?;
            let expires_in = value.text("expiresIn").and_then(|t| crate::number::parse(&t));
            Ok(LoginOutput { token, expires_in, user_id: value.text("userId") })
        })
    })
}

pub fn auth_config(config: &JsValue) -> Result<Option<AuthConfig<JsValue>>, E> {
    let Some(auth) = get(config, "auth") else { return Ok(None) };
    if auth.as_bool() == Some(false) {
        return Ok(None);
    }
    let login = get(&auth, "login").ok_or_else(|| bad("login", "{ url } or a function"))?;
    let mut out = match login.dyn_ref::<Function>() {
        Some(f) => AuthConfig::new(login_function(f.clone())),
        None => {
            let url = string(&login, "url")?.ok_or_else(|| bad("login.url", "a string"))?;
            let method = string(&login, "method")?.map_or(Some(Method::Post), |m| Method::parse(&m)).ok_or_else(|| bad("login.method", "an HTTP method"))?;
            let mut out = AuthConfig::new(Login::Http { url, method });
            for (key, field) in [("tokenPath", &mut out.token_path), ("expiresInPath", &mut out.expires_in_path), ("userIdPath", &mut out.user_id_path)] {
                if let Some(path) = string(&login, key)? {
                    *field = path;
                }
            }
            out
        }
    };
    if let Some(header) = string(&auth, "header")? {
        out.header = header;
    }
    if let Some(scheme) = string(&auth, "scheme")? {
        out.scheme = scheme;
    }
    if let Some(codes) = texts(&auth, "expiredCodes")? {
        out.expired_codes = codes;
    }
    if let Some(messages) = texts(&auth, "expiredMessages")? {
        out.expired_messages = messages;
    }
    if let Some(statuses) = texts(&auth, "expiredStatus")? {
        out.expired_status = statuses.iter().map(|s| s.parse().map_err(|_| bad("expiredStatus", "an array of statuses"))).collect::<Result<_, _>>()?;
    }
    if let Some(origins) = texts(&auth, "origins")? {
        out.origins = origins;
    }
    if let Some(n) = number(&auth, "maxRelogin")? {
        out.max_relogin = if n >= 0.0 { n as u32 } else { return Err(bad("maxRelogin", "a number ≥ 0")) };
    }
    if let Some(ms) = number(&auth, "refreshAhead")? {
        out.refresh_ahead = if ms >= 0.0 { ms } else { return Err(bad("refreshAhead", "ms ≥ 0")) };
    }
    if let Some(check) = boolean(&auth, "checkSession")? {
        out.check_session = check;
    }
    if let Some(f) = function(&auth, "isExpired")? {
        out.is_expired = Some(Rc::new(move |response| f.call1(&JsValue::NULL, &response.raw).is_ok_and(|v| v.is_truthy())));
    }
    if let Some(f) = function(&auth, "onLoginFailed")? {
        out.on_login_failed = Some(Rc::new(move |error| {
            let _ = f.call1(&JsValue::NULL, &error_to_js(error));
        }));
    }
    out.spawn = Some(Rc::new(wasm_bindgen_futures::spawn_local));
    Ok(Some(out))
}
