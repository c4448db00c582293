//! Retry: which requests and failures retry, the backoff on the manual clock, `Retry-After`,
//! and the policy's pure functions.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use serde_json::json;
use wxhttp::request::RetryOption;
use wxhttp::retry::{parse_retry_after, RetryPolicy};
use wxhttp::{Client, ClientConfig, Kind, Method, RequestOptions};

fn client(fake: &Rc<Fake>, retry: RetryPolicy) -> Rc<Client<Fake>> {
    let config = ClientConfig { base_url: "https://api.example.com".into(), retry, ..ClientConfig::default() };
    Rc::new(Client::new(config, None, fake.clone()))
}

fn exact() -> RetryPolicy {
    RetryPolicy { jitter: 0.0, ..RetryPolicy::default() }
}

fn with_header(status: u16, name: &str, value: &str) -> Reply {
    Reply::Answer { status, body: json!({}), header: json!({ name: value }), delay: 0 }
}

type Settled = Outcome<Result<wxhttp::Response<J>, wxhttp::Error<J>>>;

/// Spawns one request on a fresh pool; the test drives the clock.
fn run(client: &Rc<Client<Fake>>, options: RequestOptions<J>) -> (LocalPool, Settled) {
    let pool = LocalPool::new();
    let c = client.clone();
    let outcome = spawn(&pool, async move { c.request(options, None).await });
    (pool, outcome)
}

#[test]
fn a_503_get_retries_twice_with_exponential_backoff_on_the_manual_clock() {
    let statuses = Rc::new(Cell::new(0u16));
    let n = statuses.clone();
    // 503, 502, 504: the final error must be the last attempt's.
    let fake = Fake::new(move |_| {
        n.set(n.get() + 1);
        status([503, 502, 504][n.get() as usize - 1])
    });
    let client = client(&fake, exact());
    let (mut pool, outcome) = run(&client, RequestOptions::new("GET", "/flaky"));
    pool.run_until_stalled();
    assert_eq!(fake.counters.sent.get(), 1);
    fake.clock.advance(&mut pool, 299.0);
    assert_eq!(fake.counters.sent.get(), 1);
    fake.clock.advance(&mut pool, 1.0);
    assert_eq!(fake.counters.sent.get(), 2, "first retry after 300 ms");
    fake.clock.advance(&mut pool, 599.0);
    assert_eq!(fake.counters.sent.get(), 2);
    fake.clock.advance(&mut pool, 1.0);
    assert_eq!(fake.counters.sent.get(), 3, "second retry 600 ms later");
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!((error.kind, error.status), (Kind::Http, Some(504)));
    fake.clock.advance(&mut pool, 60_000.0);
    assert_eq!(fake.counters.sent.get(), 3, "limit 2: three sends in all");
}

#[test]
fn jittered_backoff_stays_within_twenty_percent() {
    let fake = Fake::new(|_| status(503));
    let client = client(&fake, RetryPolicy::default());
    let (mut pool, outcome) = run(&client, RequestOptions::new("GET", "/flaky"));
    fake.clock.advance(&mut pool, 239.0);
    assert_eq!(fake.counters.sent.get(), 1);
    fake.clock.advance(&mut pool, 121.0);
    assert_eq!(fake.counters.sent.get(), 2);
    fake.clock.advance(&mut pool, 2000.0);
    assert_eq!(fake.counters.sent.get(), 3);
    assert!(outcome.is_settled());
}

#[test]
fn a_503_post_does_not_retry_unless_retry_is_explicit() {
    let fake = Fake::new(|_| status(503));
    let client = client(&fake, exact());
    let (mut pool, outcome) = run(&client, RequestOptions::new("POST", "/orders"));
    fake.clock.advance(&mut pool, 60_000.0);
    assert_eq!(outcome.take().unwrap().unwrap_err().status, Some(503));
    assert_eq!(fake.counters.sent.get(), 1);

    let mut explicit = RequestOptions::new("PATCH", "/orders/1");
    explicit.retry = RetryOption::Limit(1);
    let (mut pool, outcome) = run(&client, explicit);
    fake.clock.advance(&mut pool, 60_000.0);
    assert!(outcome.is_settled());
    assert_eq!(fake.counters.sent.get(), 3, "one retry for the explicit PATCH");
}

#[test]
fn retry_after_seconds_is_honoured_and_capped() {
    let fake = Fake::new(|_| with_header(429, "Retry-After", "2"));
    let client = client(&fake, exact());
    let (mut pool, _outcome) = run(&client, RequestOptions::new("GET", "/busy"));
    fake.clock.advance(&mut pool, 1999.0);
    assert_eq!(fake.counters.sent.get(), 1);
    fake.clock.advance(&mut pool, 1.0);
    assert_eq!(fake.counters.sent.get(), 2, "Retry-After: 2 means 2000 ms, not 300");

    let fake = Fake::new(|_| with_header(503, "retry-after", "3600"));
    let client = self::client(&fake, exact());
    let (mut pool, _outcome) = run(&client, RequestOptions::new("GET", "/down"));
    fake.clock.advance(&mut pool, 9999.0);
    assert_eq!(fake.counters.sent.get(), 1);
    fake.clock.advance(&mut pool, 1.0);
    assert_eq!(fake.counters.sent.get(), 2, "capped at 10 s");
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = 1_445_412_480_000.0; // Wed, 21 Oct 2015 07:28:00 GMT
    assert_eq!(parse_retry_after("120", now), Some(120_000.0));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), Some(30_000.0));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(0.0), "a past date: now");
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-5", now), None);
}

#[test]
fn no_retry_on_400_or_404() {
    for code in [400, 401, 404] {
        let fake = Fake::new(move |_| status(code));
        let client = client(&fake, exact());
        let (mut pool, outcome) = run(&client, RequestOptions::new("GET", "/bad"));
        fake.clock.advance(&mut pool, 60_000.0);
        assert_eq!(outcome.take().unwrap().unwrap_err().status, Some(code));
        assert_eq!(fake.counters.sent.get(), 1, "{code}");
    }
}

#[test]
fn network_failures_and_timeouts_retry_but_interrupted_does_not() {
    for (reply, sends) in [
        (fail("request:fail ssl hand shake error"), 3),
        (fail("request:fail timeout"), 3),
        (Reply::Hang, 3),
        (fail("request:fail interrupted"), 1),
        (fail("request:fail abort"), 1),
    ] {
        let fake = Fake::new(move |_| reply.clone());
        let client = client(&fake, exact());
        let mut options = RequestOptions::new("GET", "/x");
        options.timeout = Some(1000.0);
        let (mut pool, outcome) = run(&client, options);
        fake.clock.advance(&mut pool, 60_000.0);
        assert!(outcome.take().unwrap().is_err());
        assert_eq!(fake.counters.sent.get(), sends, "{:?}", fake.counters.log.borrow()[0].url);
        assert_eq!(fake.counters.in_flight.get(), 0);
    }
}

#[test]
fn retry_false_on_the_client_or_the_request_disables_it() {
    let fake = Fake::new(|_| status(503));
    let off = client(&fake, RetryPolicy::disabled());
    let (mut pool, _o) = run(&off, RequestOptions::new("GET", "/a"));
    fake.clock.advance(&mut pool, 60_000.0);
    assert_eq!(fake.counters.sent.get(), 1);

    let on = client(&fake, exact());
    let mut options = RequestOptions::new("GET", "/a");
    options.retry = RetryOption::Off;
    let (mut pool, _o) = run(&on, options);
    fake.clock.advance(&mut pool, 60_000.0);
    assert_eq!(fake.counters.sent.get(), 2);
}

#[test]
fn a_request_waiting_out_its_backoff_holds_no_slot() {
    let fake = Fake::new(|r| if r.url.ends_with("/flaky") { status(503) } else { ok(json!({})) });
    let config = ClientConfig {
        base_url: "https://api.example.com".into(),
        max_concurrent: 1,
        retry: exact(),
        ..ClientConfig::default()
    };
    let client = Rc::new(Client::new(config, None, fake.clone()));
    let mut pool = LocalPool::new();
    let c = client.clone();
    let flaky = spawn(&pool, async move { c.request(RequestOptions::new("GET", "/flaky"), None).await });
    pool.run_until_stalled();
    let c = client.clone();
    let other = spawn(&pool, async move { c.request(RequestOptions::new("GET", "/other"), None).await });
    pool.run_until_stalled();
    assert!(other.take().unwrap().is_ok(), "sent during the backoff");
    fake.clock.advance(&mut pool, 1000.0);
    assert!(flaky.is_settled());
}

#[test]
fn success_after_a_failure_resolves() {
    let n = Rc::new(Cell::new(0));
    let m = n.clone();
    let fake = Fake::new(move |_| {
        m.set(m.get() + 1);
        if m.get() == 1 { status(500) } else { ok(json!({ "fine": true })) }
    });
    let client = client(&fake, exact());
    let (mut pool, outcome) = run(&client, RequestOptions::new("DELETE", "/x"));
    fake.clock.advance(&mut pool, 300.0);
    assert_eq!(outcome.take().unwrap().unwrap().raw.0["data"]["fine"], json!(true));
    assert_eq!(n.get(), 2);
}

#[test]
fn policy_is_plain_data_with_pure_functions() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.retries_for(Method::Get, RetryOption::Default), 2);
    assert_eq!(policy.retries_for(Method::Put, RetryOption::Default), 2);
    assert_eq!(policy.retries_for(Method::Post, RetryOption::Default), 0);
    assert_eq!(policy.retries_for(Method::Patch, RetryOption::Limit(3)), 3);
    assert_eq!(policy.retries_for(Method::Get, RetryOption::Off), 0);
    let exact = exact();
    assert_eq!(exact.delay_for(1, None, 0.0, 7), 300);
    assert_eq!(exact.delay_for(3, None, 0.0, 7), 1200);
    assert_eq!(exact.delay_for(10, None, 0.0, 7), 10_000, "capped");
    assert_eq!(exact.delay_for(1, Some("1.5"), 0.0, 7), 1500);
    for seed in 0..1000 {
        let d = policy.delay_for(2, None, 0.0, seed);
        assert!((480..=720).contains(&d), "{d}");
    }
    assert_eq!(policy.delay_for(2, None, 0.0, 42), policy.delay_for(2, None, 0.0, 42), "deterministic");
}
