//! The background rule (SPEC §7): requests wait for `wx.onAppShow` while the app is hidden,
//! interrupted idempotent requests are sent again once it shows, others reject with `network`,
//! and every wait is bounded by the request's timeout — all on the manual clock.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use futures::future::{AbortHandle, Abortable};
use serde_json::json;
use wxhttp::request::RetryOption;
use wxhttp::{Client, ClientConfig, Kind, RequestOptions};

type Settled = Outcome<Result<wxhttp::Response<J>, wxhttp::Error<J>>>;

fn client(fake: &Rc<Fake>) -> Rc<Client<Fake>> {
    let config = ClientConfig { base_url: "https://api.example.com".into(), max_concurrent: 1, ..ClientConfig::default() };
    Rc::new(Client::new(config, None, fake.clone()))
}

fn request(pool: &LocalPool, client: &Rc<Client<Fake>>, options: RequestOptions<J>) -> Settled {
    let c = client.clone();
    spawn(pool, async move { c.request(options, None).await })
}

/// The first send of `path` is interrupted 5 s after it starts; later ones answer 200.
fn interrupted_once(path: &'static str) -> Rc<Fake> {
    Fake::new(move |r| {
        let firsts = r.url.ends_with(path);
        if firsts && INTERRUPTED.with(|n| n.replace(n.get() + 1)) == 0 {
            fail("request:fail interrupted").after(5000)
        } else {
            ok(json!({ "n": 1 })).after(10)
        }
    })
}

thread_local!(static INTERRUPTED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });

#[test]
fn a_request_issued_while_hidden_waits_for_show_before_taking_a_slot() {
    let fake = Fake::new(|_| ok(json!({})));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    fake.hide();
    let outcome = request(&pool, &client, RequestOptions::new("GET", "/feed"));
    fake.clock.advance(&mut pool, 30_000.0);
    assert_eq!(fake.counters.sent.get(), 0, "nothing reaches wx.request while hidden");
    assert!(!outcome.is_settled());
    // While it waits it holds no slot: with maxConcurrent 1, a request after show goes out.
    fake.show();
    pool.run_until_stalled();
    assert_eq!(fake.counters.sent.get(), 1);
    assert_eq!(outcome.take().unwrap().unwrap().status, 200);
}

#[test]
fn an_interrupted_get_waits_for_show_and_is_sent_again() {
    INTERRUPTED.with(|n| n.set(0));
    let fake = interrupted_once("/feed");
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcome = request(&pool, &client, RequestOptions::new("GET", "/feed"));
    pool.run_until_stalled();
    fake.hide();
    fake.clock.advance(&mut pool, 6000.0);
    assert_eq!(fake.counters.sent.get(), 1, "interrupted, not retried while hidden");
    assert!(!outcome.is_settled());
    fake.clock.advance(&mut pool, 20_000.0);
    assert_eq!(fake.counters.sent.get(), 1);
    fake.show();
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(fake.counters.sent.get(), 2, "sent again once the app shows");
    assert_eq!(outcome.take().unwrap().unwrap().status, 200);
}

#[test]
fn an_interrupted_post_rejects_with_kind_network_and_is_not_resent() {
    INTERRUPTED.with(|n| n.set(0));
    let fake = interrupted_once("/orders");
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcome = request(&pool, &client, RequestOptions::new("POST", "/orders"));
    pool.run_until_stalled();
    fake.hide();
    fake.clock.advance(&mut pool, 6000.0);
    let error = outcome.take().expect("settled without waiting for show").unwrap_err();
    assert_eq!(error.kind, Kind::Network);
    assert_eq!(error.err_msg.as_deref(), Some("request:fail interrupted"));
    fake.show();
    fake.clock.advance(&mut pool, 1000.0);
    assert_eq!(fake.counters.sent.get(), 1);
}

#[test]
fn an_app_that_never_shows_again_times_out_after_the_request_timeout() {
    INTERRUPTED.with(|n| n.set(0));
    let fake = interrupted_once("/feed");
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let mut options = RequestOptions::new("PUT", "/feed");
    options.timeout = Some(8000.0);
    options.retry = RetryOption::Off;
    let outcome = request(&pool, &client, options);
    pool.run_until_stalled();
    fake.hide();
    fake.clock.advance(&mut pool, 5000.0 + 7999.0);
    assert!(!outcome.is_settled());
    fake.clock.advance(&mut pool, 1.0);
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Timeout);
    assert!(error.message.contains("background"), "{}", error.message);
    assert_eq!((fake.show_waiters(), fake.clock.pending()), (0, 0), "nothing left waiting");

    // Issued while hidden, with the default retries: one `timeout` in all, since the wait sits
    // above retry and a background timeout is never retried.
    let outcome = request(&pool, &client, RequestOptions::new("GET", "/later"));
    fake.clock.advance(&mut pool, 59_999.0);
    assert!(!outcome.is_settled());
    fake.clock.advance(&mut pool, 1.0);
    assert_eq!(outcome.take().expect("bounded by one timeout").unwrap_err().kind, Kind::Timeout);
    assert_eq!(fake.counters.sent.get(), 1);
}

#[test]
fn aborting_while_waiting_for_show_settles_once_and_leaves_nothing_behind() {
    let fake = Fake::new(|_| ok(json!({})));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    fake.hide();
    let (handle, registration) = AbortHandle::new_pair();
    let c = client.clone();
    let outcome = spawn(&pool, async move {
        Abortable::new(c.request(RequestOptions::new("GET", "/feed"), None), registration).await
    });
    fake.clock.advance(&mut pool, 1000.0);
    assert_eq!(fake.show_waiters(), 1);
    handle.abort();
    pool.run_until_stalled();
    assert!(outcome.take().unwrap().is_err(), "aborted");
    assert_eq!((fake.show_waiters(), fake.clock.pending()), (0, 0));
    fake.show();
    fake.clock.advance(&mut pool, 1000.0);
    assert_eq!(fake.counters.sent.get(), 0);
}

#[test]
fn a_shown_app_sends_interrupted_requests_again_at_once() {
    // wx may report the interruption after the app already came back.
    INTERRUPTED.with(|n| n.set(0));
    let fake = interrupted_once("/feed");
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcome = request(&pool, &client, RequestOptions::new("DELETE", "/feed"));
    pool.run_until_stalled();
    fake.hide();
    fake.clock.advance(&mut pool, 4000.0);
    fake.show();
    fake.clock.advance(&mut pool, 1010.0);
    assert_eq!(fake.counters.sent.get(), 2);
    assert_eq!(outcome.take().unwrap().unwrap().status, 200);
}

#[test]
fn an_interrupted_failure_without_any_hide_is_a_plain_network_error() {
    let fake = Fake::new(|_| fail("request:fail interrupted"));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcome = request(&pool, &client, RequestOptions::new("GET", "/feed"));
    fake.clock.advance(&mut pool, 60_000.0);
    assert_eq!(outcome.take().unwrap().unwrap_err().kind, Kind::Network);
    assert_eq!(fake.counters.sent.get(), 1, "neither background nor retry sends it again");
}

#[test]
fn idempotent_methods_are_the_rfc_ones() {
    use wxhttp::background::is_idempotent;
    use wxhttp::Method::*;
    for m in [Get, Head, Options, Put, Delete] {
        assert!(is_idempotent(m), "{m:?}");
    }
    for m in [Post, Patch, Trace, Connect] {
        assert!(!is_idempotent(m), "{m:?}");
    }
}
