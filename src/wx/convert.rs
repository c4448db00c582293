//! Options from JS objects into the core's plain data, and errors back into plain objects the
//! glue turns into `RequestError`s. Client options are read once with `Reflect`; a request's
//! options, read on every call, through typed getters (no key strings cross the boundary).
//! Every reader names the option it refuses.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use std::rc::Rc;

use crate::error::Error;
use crate::options::{ClientConfig, Param, RequestOptions};
use crate::request::{Method, RetryOption};
use crate::retry::RetryPolicy;
use crate::transport::ValidateStatus;

pub type E = Error<JsValue>;

#[wasm_bindgen]
extern "C" {
    /// A request's options as the glue passes them.
    pub type Options;
    #[wasm_bindgen(method, getter)]
    fn url(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn method(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn params(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn header(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn timeout(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn data(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn dedupe(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn auth(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn retry(this: &Options) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn cache(this: &Options) -> JsValue;
}

/// `undefined` and `null` mean "not given".
fn given(value: JsValue) -> Option<JsValue> {
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

pub fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(key)).ok().and_then(given)
}

fn expect<T>(value: Option<JsValue>, key: &str, read: fn(&JsValue) -> Option<T>, expected: &str) -> Result<Option<T>, E> {
    match value {
        None => Ok(None),
        Some(v) => read(&v).map(Some).ok_or_else(|| Error::config(format!("Invalid option `{key}`: expected {expected}"))),
    }
}

pub fn string(object: &JsValue, key: &str) -> Result<Option<String>, E> {
    expect(get(object, key), key, JsValue::as_string, "a string")
}

pub fn number(object: &JsValue, key: &str) -> Result<Option<f64>, E> {
    expect(get(object, key), key, JsValue::as_f64, "a number")
}

pub fn boolean(object: &JsValue, key: &str) -> Result<Option<bool>, E> {
    expect(get(object, key), key, JsValue::as_bool, "true or false")
}

/// The entries of a plain object option (`header`, `params`), skipping null and undefined.
fn entries(value: Option<JsValue>, key: &str) -> Result<Vec<(String, JsValue)>, E> {
    let Some(value) = value else { return Ok(Vec::new()) };
    if !value.is_object() || js_sys::Array::is_array(&value) || value.is_function() {
        return Err(Error::config(format!("Invalid option `{key}`: expected a plain object")));
    }
    let entries = Object::entries(value.unchecked_ref::<Object>());
    Ok(entries
        .iter()
        .map(|entry| {
            let entry: js_sys::Array = entry.unchecked_into();
            (entry.get(0).as_string().unwrap_or_default(), entry.get(1))
        })
        .filter(|(_, v)| !v.is_undefined() && !v.is_null())
        .collect())
}

fn header(value: Option<JsValue>) -> Result<Vec<(String, String)>, E> {
    entries(value, "header")?
        .into_iter()
        .map(|(name, v)| {
            let text = super::value::scalar_text(&v).ok_or_else(|| Error::config(format!("Invalid option `header`: `{name}` is not a string")))?;
            Ok((name, text))
        })
        .collect()
}

fn params(value: Option<JsValue>) -> Result<Vec<(String, Param)>, E> {
    let bad = |name: &str| Error::config(format!("Invalid option `params`: `{name}` is not a string, number, boolean or array of them"));
    entries(value, "params")?
        .into_iter()
        .map(|(name, v)| {
            let param = if js_sys::Array::is_array(&v) {
                let items: js_sys::Array = v.unchecked_into();
                Param::Many(items.iter().map(|i| super::value::scalar_text(&i).ok_or_else(|| bad(&name))).collect::<Result<_, _>>()?)
            } else {
                Param::One(super::value::scalar_text(&v).ok_or_else(|| bad(&name))?)
            };
            Ok((name, param))
        })
        .collect()
}

/// `retry: false | n | { limit: n }` of one request.
fn retry_option(value: Option<JsValue>) -> Result<RetryOption, E> {
    let Some(value) = value else { return Ok(RetryOption::Default) };
    let limit = if value.as_bool() == Some(false) {
        return Ok(RetryOption::Off);
    } else if let Some(n) = value.as_f64() {
        Some(n)
    } else {
        number(&value, "limit")?
    };
    match limit {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(RetryOption::Limit(n as u32)),
        _ => Err(Error::config("Invalid option `retry`: expected false, a number or { limit }".into())),
    }
}

fn cache_ttl(value: Option<JsValue>) -> Result<Option<f64>, E> {
    let Some(cache) = value else { return Ok(None) };
    match number(&cache, "ttl")? {
        Some(ttl) if ttl.is_finite() && ttl > 0.0 => Ok(Some(ttl)),
        _ => Err(Error::config("Invalid option `cache`: expected { ttl } with ttl a positive number of ms".into())),
    }
}

/// The client's `retry`: `false`, or `{ limit, methods, statuses, delay, maxDelay }` over the
/// defaults of SPEC §7.
fn retry_policy(config: &JsValue) -> Result<RetryPolicy, E> {
    let Some(value) = get(config, "retry") else { return Ok(RetryPolicy::default()) };
    if value.as_bool() == Some(false) {
        return Ok(RetryPolicy::disabled());
    }
    let bad = |what: &str| Error::config(format!("Invalid option `retry.{what}`"));
    let mut policy = RetryPolicy::default();
    if let Some(limit) = number(&value, "limit")? {
        policy.limit = if limit >= 0.0 { limit as u32 } else { return Err(bad("limit")) };
    }
    if let Some(delay) = number(&value, "delay")? {
        policy.delay = if delay >= 0.0 { delay as u32 } else { return Err(bad("delay")) };
    }
    if let Some(max) = number(&value, "maxDelay")? {
        policy.max_delay = if max >= 0.0 { max as u32 } else { return Err(bad("maxDelay")) };
    }
    if let Some(methods) = get(&value, "methods") {
        let list: js_sys::Array = methods.dyn_into().map_err(|_| bad("methods"))?;
        policy.methods = list.iter().map(|m| m.as_string().and_then(|m| Method::parse(&m)).ok_or_else(|| bad("methods"))).collect::<Result<_, _>>()?;
    }
    if let Some(statuses) = get(&value, "statuses") {
        let list: js_sys::Array = statuses.dyn_into().map_err(|_| bad("statuses"))?;
        policy.statuses = list.iter().map(|s| s.as_f64().map(|s| s as u16).ok_or_else(|| bad("statuses"))).collect::<Result<_, _>>()?;
    }
    Ok(policy)
}

fn validate_status(config: &JsValue) -> Result<Option<ValidateStatus>, E> {
    let Some(value) = get(config, "validateStatus") else { return Ok(None) };
    let function: js_sys::Function = value.dyn_into().map_err(|_| Error::config("Invalid option `validateStatus`: expected a function".into()))?;
    Ok(Some(Rc::new(move |status: u16| function.call1(&JsValue::NULL, &status.into()).is_ok_and(|v| v.is_truthy()))))
}

pub fn client_config(config: &JsValue) -> Result<ClientConfig, E> {
    let mut out = ClientConfig::default();
    if let Some(base) = string(config, "baseURL")? {
        out.base_url = base;
    }
    out.header = header(get(config, "header"))?;
    if let Some(timeout) = number(config, "timeout")? {
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(Error::config(format!("Invalid option `timeout`: {} is not a positive number of ms", crate::number::format(timeout))));
        }
        out.timeout = timeout as u32;
    }
    if let Some(max) = number(config, "maxConcurrent")? {
        if !(max.is_finite() && max >= 1.0) {
            return Err(Error::config(format!("Invalid option `maxConcurrent`: {} is not a whole number ≥ 1", crate::number::format(max))));
        }
        out.max_concurrent = max as usize;
    }
    if let Some(namespace) = get(config, "storage").map(|s| string(&s, "namespace")).transpose()?.flatten() {
        if namespace.is_empty() {
            return Err(Error::config("Invalid option `storage.namespace`: it is empty".into()));
        }
        out.namespace = namespace;
    }
    out.debug = boolean(config, "debug")?.unwrap_or(false);
    out.retry = retry_policy(config)?;
    out.validate_status = validate_status(config)?;
    Ok(out)
}

pub fn request_options(options: &Options, extra: JsValue) -> Result<RequestOptions<JsValue>, E> {
    Ok(RequestOptions {
        url: expect(given(options.url()), "url", JsValue::as_string, "a string")?.unwrap_or_default(),
        method: expect(given(options.method()), "method", JsValue::as_string, "a string")?,
        params: params(given(options.params()))?,
        header: header(given(options.header()))?,
        timeout: expect(given(options.timeout()), "timeout", JsValue::as_f64, "a number")?,
        data: given(options.data()),
        extra: given(extra),
        dedupe: expect(given(options.dedupe()), "dedupe", JsValue::as_bool, "true or false")?,
        auth: expect(given(options.auth()), "auth", JsValue::as_bool, "true or false")?,
        retry: retry_option(given(options.retry()))?,
        cache_ttl: cache_ttl(given(options.cache()))?,
    })
}

/// Headers as one `name NUL value NUL …` string: one string crossing instead of two per
/// header; `js/wx.js` builds the object (NUL cannot occur in a valid header).
pub fn header_text(header: &[(String, String)]) -> String {
    let mut text = String::with_capacity(header.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (name, value) in header {
        text.push_str(name);
        text.push('\0');
        text.push_str(value);
        text.push('\0');
    }
    text
}

pub fn error_to_js(error: &E) -> JsValue {
    let object = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(k), &v);
    };
    set("kind", error.kind.as_str().into());
    set("message", error.message.as_str().into());
    if let Some(err_msg) = &error.err_msg {
        set("errMsg", err_msg.as_str().into());
    }
    if let Some(status) = error.status {
        set("statusCode", status.into());
    }
    if let Some(response) = &error.response {
        set("response", response.raw.clone());
    }
    object.into()
}
