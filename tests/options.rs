//! Options: validation names each bad option by its JS name and sends nothing; `validateStatus`;
//! `params` lists; what the request carries down the stack.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use serde_json::json;
use wxhttp::options::Param;
use wxhttp::request::RetryOption;
use wxhttp::retry::RetryPolicy;
use wxhttp::{Client, ClientConfig, Kind, RequestOptions};

fn config() -> ClientConfig {
    ClientConfig { base_url: "https://api.example.com".into(), ..ClientConfig::default() }
}

fn get(url: &str) -> RequestOptions<J> {
    RequestOptions::new("GET", url)
}

fn error_of(config: ClientConfig, options: RequestOptions<J>) -> (wxhttp::Error<J>, u32) {
    let fake = Fake::new(|_| ok(json!({})));
    let client = Client::new(config, None, fake.clone());
    let error = LocalPool::new().run_until(client.request(options, None)).expect_err("rejects");
    (error, fake.counters.sent.get())
}

#[test]
fn each_bad_client_option_is_named_and_nothing_is_sent() {
    let cases: Vec<(ClientConfig, &str)> = vec![
        (ClientConfig { max_concurrent: 0, ..config() }, "Invalid option `maxConcurrent`"),
        (ClientConfig { timeout: 0, ..config() }, "Invalid option `timeout`"),
        (ClientConfig { base_url: "api.example.com".into(), ..config() }, "Invalid option `baseURL`"),
        (ClientConfig { header: vec![("bad name".into(), "x".into())], ..config() }, "Invalid option `header`"),
        (ClientConfig { retry: RetryPolicy { jitter: 2.0, ..RetryPolicy::default() }, ..config() }, "Invalid option `retry`"),
        (ClientConfig { retry: RetryPolicy { statuses: vec![5030], ..RetryPolicy::default() }, ..config() }, "Invalid option `retry`"),
    ];
    for (config, named) in cases {
        let (error, sent) = error_of(config, get("/a"));
        assert_eq!(error.kind, Kind::Config);
        assert!(error.message.starts_with(named), "{}", error.message);
        assert_eq!(sent, 0);
    }
}

#[test]
fn each_bad_request_option_is_named_and_nothing_is_sent() {
    let mut cases: Vec<(RequestOptions<J>, &str)> = Vec::new();
    cases.push((RequestOptions::new("FETCH", "/a"), "`method`"));
    cases.push((get(""), "`url`"));
    for timeout in [-1.0, 0.0, f64::NAN, f64::INFINITY] {
        let mut o = get("/a");
        o.timeout = Some(timeout);
        cases.push((o, "`timeout`"));
    }
    let mut o = get("/a");
    o.header.push(("".into(), "x".into()));
    cases.push((o, "`header`"));
    let mut o = get("/a");
    o.header.push(("X-Evil".into(), "a\r\nHost: b".into()));
    cases.push((o, "`header`"));
    let mut o = get("/a");
    o.params.push(("".into(), "x".into()));
    cases.push((o, "`params`"));
    let mut o = get("/a");
    o.cache_ttl = Some(-5.0);
    cases.push((o, "`cache`"));
    let mut o = RequestOptions::new("POST", "/a");
    o.cache_ttl = Some(1000.0);
    cases.push((o, "`cache`"));
    for (options, named) in cases {
        let (error, sent) = error_of(config(), options);
        assert_eq!(error.kind, Kind::Config);
        assert!(error.message.contains(named), "{}", error.message);
        assert_eq!(sent, 0);
    }
    let (error, sent) = error_of(ClientConfig::default(), get("/relative"));
    assert!(error.message.contains("`url`") && sent == 0, "{}", error.message);
}

#[test]
fn validate_status_decides_what_resolves() {
    let fake = Fake::new(|r| status(if r.url.ends_with("/missing") { 404 } else { 200 }));
    let config = ClientConfig { validate_status: Some(Rc::new(|s| s < 500 && s != 200)), ..config() };
    let client = Client::new(config, None, fake.clone());
    let mut pool = LocalPool::new();
    assert_eq!(pool.run_until(client.request(get("/missing"), None)).unwrap().status, 404);
    let error = pool.run_until(client.request(get("/fine"), None)).unwrap_err();
    assert_eq!((error.kind, error.status), (Kind::Http, Some(200)));
    assert_eq!(error.message, "Request failed with status 200: GET https://api.example.com/fine");
    assert!(error.response.is_some());
}

#[test]
fn default_validate_status_is_2xx() {
    let fake = Fake::new(|r| status(r.url.rsplit('/').next().unwrap().parse().unwrap()));
    let client = Client::new(ClientConfig { retry: RetryPolicy::disabled(), ..config() }, None, fake.clone());
    let mut pool = LocalPool::new();
    for (code, resolves) in [(200, true), (204, true), (299, true), (301, false), (404, false), (503, false)] {
        let result = pool.run_until(client.request(get(&format!("/{code}")), None));
        assert_eq!(result.is_ok(), resolves, "{code}");
        if let Err(error) = result {
            assert_eq!(error.message, format!("Request failed with status {code}: GET https://api.example.com/{code}"));
        }
    }
}

#[test]
fn params_lists_encode_as_repeated_keys_in_order() {
    let mut options = get("/search?q=x");
    options.params = vec![
        ("tag".into(), Param::from(vec!["a b", "c"])),
        ("page".into(), "2".into()),
        ("none".into(), Param::Many(Vec::new())),
    ];
    let request = config().prepare(options).unwrap();
    assert_eq!(request.url, "https://api.example.com/search?q=x&tag=a%20b&tag=c&page=2");
}

#[test]
fn request_options_are_carried_into_the_request() {
    let mut options = get("/a");
    options.dedupe = Some(false);
    options.auth = Some(false);
    options.retry = RetryOption::Limit(4);
    options.cache_ttl = Some(60_000.0);
    options.header.push(("content-type".into(), "text/plain".into()));
    let config = ClientConfig { header: vec![("Content-Type".into(), "application/json".into())], ..config() };
    let request = config.prepare(options).unwrap();
    assert!(!request.dedupe && !request.auth && !request.priority);
    assert_eq!(request.retry, RetryOption::Limit(4));
    assert_eq!(request.cache_ttl, Some(60_000.0));
    assert_eq!(request.header, vec![("content-type".to_string(), "text/plain".to_string())]);
    let plain = config.prepare(get("/a")).unwrap();
    assert!(plain.dedupe && plain.auth);
    assert_eq!((plain.retry, plain.cache_ttl), (RetryOption::Default, None));
}

#[test]
fn defaults_match_the_spec() {
    let config = ClientConfig::default();
    assert_eq!((config.timeout, config.max_concurrent), (60_000, 10));
    let retry = config.retry;
    assert_eq!(retry.limit, 2);
    assert_eq!(retry.statuses, vec![408, 429, 500, 502, 503, 504]);
    assert_eq!((retry.delay, retry.max_delay), (300, 10_000));
    assert!(config.validate_status.is_none());
}
