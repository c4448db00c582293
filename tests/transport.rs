//! The thin path: options → URL → one wx.request → response, and wx failures decoded.

mod common;

use common::*;
use futures::executor::LocalPool;
use futures::future::AbortHandle;
use serde_json::json;
use wxhttp::{Client, ClientConfig, Kind, RequestOptions};

fn client(fake: &std::rc::Rc<Fake>) -> Client<Fake> {
    // The thin path, one attempt: retry (on by default, §7) has its own tests in tests/retry.rs.
    let retry = wxhttp::retry::RetryPolicy::disabled();
    let config = ClientConfig { base_url: "https://api.example.com/v1".into(), retry, ..ClientConfig::default() };
    Client::new(config, None, fake.clone())
}

fn get(url: &str) -> RequestOptions<J> {
    RequestOptions::new("GET", url)
}

#[test]
fn get_joins_base_url_and_resolves_the_response() {
    let fake = Fake::new(|_| ok(json!({ "code": 10000, "data": [1, 2] })));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let response = pool.run_until(client.request(get("/users"), None)).expect("response");
    assert_eq!(response.status, 200);
    assert_eq!(response.raw.0["data"]["data"], json!([1, 2]));
    assert_eq!(fake.counters.log.borrow()[0].url, "https://api.example.com/v1/users");
}

#[test]
fn non_2xx_rejects_with_http_and_keeps_the_response() {
    let fake = Fake::new(|_| status(503));
    let client = client(&fake);
    let error = LocalPool::new().run_until(client.request(get("x"), None)).unwrap_err();
    assert_eq!(error.kind, Kind::Http);
    assert_eq!(error.status, Some(503));
    assert_eq!(error.message, "Request failed with status 503: GET https://api.example.com/v1/x");
    assert!(error.response.is_some());
}

#[test]
fn wx_failures_decode_into_kinds() {
    for (err_msg, kind) in [
        ("request:fail timeout", Kind::Timeout),
        ("request:fail abort", Kind::Aborted),
        ("request:fail interrupted", Kind::Network),
        ("request:fail ssl hand shake error", Kind::Network),
    ] {
        let fake = Fake::new(move |_| fail(err_msg));
        let error = LocalPool::new().run_until(client(&fake).request(get("/a"), None)).unwrap_err();
        assert_eq!(error.kind, kind, "{err_msg}");
        assert_eq!(error.err_msg.as_deref(), Some(err_msg));
    }
}

#[test]
fn timeout_counts_per_attempt_and_aborts_the_task() {
    let fake = Fake::new(|_| Reply::Hang);
    let client = std::rc::Rc::new(client(&fake));
    let mut pool = LocalPool::new();
    let mut options = get("/slow");
    options.timeout = Some(1000.0);
    let c = client.clone();
    let outcome = spawn(&pool, async move { c.request(options, None).await });
    fake.clock.advance(&mut pool, 999.0);
    assert!(!outcome.is_settled());
    fake.clock.advance(&mut pool, 1.0);
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Timeout);
    assert_eq!(fake.counters.aborted.get(), 1, "the RequestTask is aborted");
    assert_eq!(fake.counters.in_flight.get(), 0);
}

#[test]
fn abort_settles_with_aborted_and_aborts_the_task() {
    let fake = Fake::new(|_| Reply::Hang);
    let client = std::rc::Rc::new(client(&fake));
    let mut pool = LocalPool::new();
    let (handle, registration) = AbortHandle::new_pair();
    let c = client.clone();
    let outcome = spawn(&pool, async move { c.request(get("/slow"), Some(registration)).await });
    pool.run_until_stalled();
    assert_eq!(fake.counters.in_flight.get(), 1);
    handle.abort();
    pool.run_until_stalled();
    assert_eq!(outcome.take().unwrap().unwrap_err().kind, Kind::Aborted);
    assert_eq!(fake.counters.aborted.get(), 1);
    assert_eq!(fake.clock.pending(), 0, "the timeout timer is cleared");
}

#[test]
fn bad_options_reject_with_config_and_never_reach_wx() {
    let fake = Fake::new(|_| ok(json!({})));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let mut bad_timeout = get("/a");
    bad_timeout.timeout = Some(-1.0);
    for (options, option) in [(RequestOptions::new("FETCH", "/a"), "`method`"), (bad_timeout, "`timeout`"), (get(""), "`url`")] {
        let error = pool.run_until(client.request(options, None)).unwrap_err();
        assert_eq!(error.kind, Kind::Config);
        assert!(error.message.contains(option), "{}", error.message);
    }
    assert_eq!(fake.counters.sent.get(), 0);
}

#[test]
fn methods_are_case_insensitive() {
    let fake = Fake::new(|_| ok(json!({})));
    LocalPool::new().run_until(client(&fake).request(RequestOptions::new("post", "/a"), None)).unwrap();
    assert_eq!(fake.counters.log.borrow()[0].method, wxhttp::Method::Post);
}
