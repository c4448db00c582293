//! The wasm boundary, run by `wasm-pack test --node` and in headless Chromium: `Value` over
//! `JsValue`, option conversion naming bad options, and `Http` driving a JS adapter whose
//! `wx.request` answers in process.
#![cfg(target_arch = "wasm32")]

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wxhttp::wx::{Adapter, Http};
use wxhttp::Value;

#[wasm_bindgen(inline_js = r#"
export function fakeAdapter(answer) {
  const calls = []
  return {
    calls,
    send(method, url, headerText, data, extra, timeout) {
      const parts = headerText.split('\0'), header = {}
      for (let i = 0; i + 1 < parts.length; i += 2) header[parts[i]] = parts[i + 1]
      calls.push({ method, url, header, data, extra, timeout })
      const p = new Promise((resolve, reject) => {
        const a = answer(url)
        if (a === 'hang') return
        if (a.errMsg) reject(a); else resolve(a)
      })
      p.task = { abort() { calls.push('abort') } }
      return p
    },
    abort(p) { p.task.abort() },
    now: () => Date.now(),
    sleep(ms) { let id, done; const p = new Promise(r => { done = r; id = setTimeout(r, ms) }); p.id = id; p.done = done; return p },
    cancel(p) { clearTimeout(p.id); p.done() },
    login: () => Promise.resolve('code-1'),
    checkSession: () => Promise.resolve(true),
    getStorage() {}, setStorage() {}, removeStorage() {}, storageKeys: () => [],
    appState: () => 0,
    appShown() { let done; const p = new Promise(r => { done = r }); p.done = done; return p },
    log(line) { calls.push('log: ' + line) },
  }
}
export function answers(url) {
  if (url.includes('/hang')) return 'hang'
  if (url.includes('/fail')) return { errMsg: 'request:fail timeout', errno: 5 }
  return { statusCode: url.includes('/503') ? 503 : 200, header: { 'X-ErrNo': '-6101' }, data: { code: 99997, message: 'NO_LOGIN_SESSION' } }
}
export function json(value) { return JSON.stringify(value) }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = fakeAdapter)]
    fn fake_adapter(answer: &JsValue) -> Adapter;
    fn answers(url: &str) -> JsValue;
    fn json(value: &JsValue) -> String;
}

fn answers_fn() -> JsValue {
    Closure::<dyn Fn(String) -> JsValue>::new(|url: String| answers(&url)).into_js_value()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn value_reads_paths_numbers_as_text_and_headers_in_any_case() {
    let raw = answers("https://a.com/x");
    assert_eq!(raw.text("data.code").as_deref(), Some("99997"));
    assert_eq!(raw.text("data.message").as_deref(), Some("NO_LOGIN_SESSION"));
    assert_eq!(raw.text("data.missing.deeper"), None);
    assert_eq!(raw.header("x-errno").as_deref(), Some("-6101"));
    assert_eq!(JsValue::from_f64(1.5).text(""), None, "a path is needed");
    let built = <JsValue as Value>::object(vec![("code", JsValue::string("c")), ("previousToken", JsValue::null())]);
    assert_eq!(json(&built), r#"{"code":"c","previousToken":null}"#);
    assert_eq!(built.json_size(), Some(33));
}

async fn request(http: &Http, options: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(http.request(&options, JsValue::UNDEFINED, 1)).await
}

fn client(adapter: Adapter) -> Http {
    let config = object(&[("baseURL", "https://api.example.com".into()), ("retry", JsValue::FALSE)]);
    Http::new(&config, adapter).map_err(|e| json(&e)).unwrap()
}

#[wasm_bindgen_test]
async fn a_get_travels_to_the_adapter_and_back() {
    let adapter = fake_adapter(&answers_fn());
    let http = client(adapter.clone());
    let options = object(&[("url", "/users".into()), ("params", object(&[("q", "a b".into())])), ("header", object(&[("X-A", "1".into())]))]);
    let raw = request(&http, options).await.unwrap();
    assert_eq!(field(&raw, "statusCode").as_f64(), Some(200.0));
    let call = js_sys::Array::from(&field(&adapter.into(), "calls")).get(0);
    assert_eq!(field(&call, "url").as_string().unwrap(), "https://api.example.com/users?q=a%20b");
    assert_eq!(field(&call, "method").as_string().unwrap(), "GET");
    assert_eq!(field(&field(&call, "header"), "X-A").as_string().unwrap(), "1");
}

#[wasm_bindgen_test]
async fn failures_become_error_objects_with_kind() {
    let http = client(fake_adapter(&answers_fn()));
    let error = request(&http, object(&[("url", "/503".into())])).await.unwrap_err();
    assert_eq!(field(&error, "kind").as_string().unwrap(), "http");
    assert_eq!(field(&error, "statusCode").as_f64(), Some(503.0));
    assert_eq!(field(&error, "message").as_string().unwrap(), "Request failed with status 503: GET https://api.example.com/503");
    assert!(field(&error, "response").is_object());
    let error = request(&http, object(&[("url", "/fail".into())])).await.unwrap_err();
    assert_eq!(field(&error, "kind").as_string().unwrap(), "timeout");
    assert_eq!(field(&error, "errMsg").as_string().unwrap(), "request:fail timeout");
}

#[wasm_bindgen_test]
async fn bad_options_are_named_and_never_sent() {
    let adapter = fake_adapter(&answers_fn());
    let http = client(adapter.clone());
    for (key, value, named) in [("header", JsValue::from(3), "`header`"), ("method", "FETCH".into(), "`method`"), ("timeout", "x".into(), "`timeout`")] {
        let error = request(&http, object(&[("url", "/a".into()), (key, value)])).await.unwrap_err();
        assert_eq!(field(&error, "kind").as_string().unwrap(), "config");
        assert!(field(&error, "message").as_string().unwrap().contains(named));
    }
    assert_eq!(js_sys::Array::from(&field(&adapter.into(), "calls")).length(), 0);
    let bad = Http::new(&object(&[("maxConcurrent", 0.into())]), fake_adapter(&answers_fn())).err().unwrap();
    assert!(field(&bad, "message").as_string().unwrap().contains("`maxConcurrent`"));
}

#[wasm_bindgen_test]
async fn abort_rejects_with_aborted_and_aborts_the_task() {
    let adapter = fake_adapter(&answers_fn());
    let http = client(adapter.clone());
    let pending = http.request(&object(&[("url", "/hang".into())]), JsValue::UNDEFINED, 7);
    // Let the request reach the adapter, then abort it.
    JsFuture::from(Promise::resolve(&JsValue::NULL)).await.unwrap();
    http.abort(7);
    let error = JsFuture::from(pending).await.unwrap_err();
    assert_eq!(field(&error, "kind").as_string().unwrap(), "aborted");
    let calls = js_sys::Array::from(&field(&adapter.into(), "calls"));
    assert_eq!(calls.get(calls.length() - 1).as_string().as_deref(), Some("abort"));
}

#[wasm_bindgen_test]
async fn check_avatar_resolves_a_state_and_never_rejects() {
    let state = JsFuture::from(wxhttp::wx::check_avatar("https://a.example/x.png".into(), fake_adapter(&answers_fn()))).await.unwrap();
    assert_eq!(state.as_string().unwrap(), "expired", "X-ErrNo: -6101 in the fake's answers");
    let state = JsFuture::from(wxhttp::wx::check_avatar(JsValue::from(3), fake_adapter(&answers_fn()))).await.unwrap();
    assert_eq!(state.as_string().unwrap(), "unknown");
}

#[wasm_bindgen_test]
async fn take_login_code_and_debug_lines_cross_the_boundary() {
    let adapter = fake_adapter(&answers_fn());
    let config = object(&[("baseURL", "https://api.example.com".into()), ("debug", JsValue::TRUE)]);
    let http = Http::new(&config, adapter.clone()).map_err(|e| json(&e)).unwrap();
    let code = JsFuture::from(http.take_login_code()).await.unwrap();
    assert_eq!(code.as_string().unwrap(), "code-1");
    request(&http, object(&[("url", "/users".into())])).await.unwrap();
    let calls = js_sys::Array::from(&field(&adapter.into(), "calls"));
    let line = calls.iter().filter_map(|c| c.as_string()).find(|c| c.starts_with("log: ")).unwrap();
    assert!(line.starts_with("log: wxhttp GET https://api.example.com/users → 200 (attempt 1, "), "{line}");
}
