//! The concurrency limit: at most `maxConcurrent` sends in flight, FIFO, priority first, and
//! a request that leaves the queue never sends.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use futures::future::AbortHandle;
use serde_json::json;
use wxhttp::stack::{self, Service};
use wxhttp::{Client, ClientConfig, Kind, RequestOptions};

fn config(max_concurrent: usize) -> ClientConfig {
    ClientConfig { base_url: "https://api.example.com".into(), max_concurrent, ..ClientConfig::default() }
}

fn get(url: &str) -> RequestOptions<J> {
    RequestOptions::new("GET", url)
}

fn sent_urls(fake: &Fake) -> Vec<String> {
    fake.counters.log.borrow().iter().map(|r| r.url.trim_start_matches("https://api.example.com").to_string()).collect()
}

#[test]
fn forty_slow_requests_never_put_more_than_ten_in_flight_and_all_settle() {
    let fake = Fake::new(|_| ok(json!({})).after(100));
    let client = Rc::new(Client::new(config(10), None, fake.clone()));
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..40)
        .map(|i| {
            let c = client.clone();
            spawn(&pool, async move { c.request(get(&format!("/item/{i}")), None).await })
        })
        .collect();
    pool.run_until_stalled();
    assert_eq!(fake.counters.sent.get(), 10);
    for round in 1..=4 {
        fake.clock.advance(&mut pool, 100.0);
        assert_eq!(outcomes.iter().filter(|o| o.is_settled()).count(), 10 * round);
    }
    assert!(outcomes.iter().all(|o| o.get().as_ref().unwrap().is_ok()));
    assert_eq!(fake.counters.max_in_flight.get(), 10);
    assert_eq!(fake.counters.in_flight.get(), 0);
    let expected: Vec<String> = (0..40).map(|i| format!("/item/{i}")).collect();
    assert_eq!(sent_urls(&fake), expected, "the queue is FIFO");
}

#[test]
fn priority_request_takes_the_next_free_slot_ahead_of_the_queue() {
    let fake = Fake::new(|_| ok(json!({})).after(100));
    let config = config(2);
    let stack = Rc::new(stack::build(fake.clone(), &config, None).0);
    let mut pool = LocalPool::new();
    let mut outcomes = Vec::new();
    for path in ["/a", "/b", "/c", "/d"] {
        let (s, request) = (stack.clone(), config.prepare(get(path)).unwrap());
        outcomes.push(spawn(&pool, async move { s.call(request).await }));
    }
    pool.run_until_stalled();
    let mut login = config.prepare(RequestOptions::new("POST", "/auth/login")).unwrap();
    login.priority = true;
    let s = stack.clone();
    outcomes.push(spawn(&pool, async move { s.call(login).await }));
    fake.clock.advance(&mut pool, 300.0);
    assert_eq!(sent_urls(&fake), ["/a", "/b", "/auth/login", "/c", "/d"]);
    assert!(outcomes.iter().all(|o| o.is_settled()));
    assert_eq!(fake.counters.max_in_flight.get(), 2, "the priority request counts toward the limit");
}

#[test]
fn dropped_queued_request_never_sends_and_frees_nothing_twice() {
    let fake = Fake::new(|_| ok(json!({})).after(100));
    let client = Rc::new(Client::new(config(1), None, fake.clone()));
    let mut pool = LocalPool::new();
    let c = client.clone();
    let first = spawn(&pool, async move { c.request(get("/first"), None).await });
    let (handle, registration) = AbortHandle::new_pair();
    let c = client.clone();
    let queued = spawn(&pool, async move { c.request(get("/queued"), Some(registration)).await });
    let c = client.clone();
    let last = spawn(&pool, async move { c.request(get("/last"), None).await });
    pool.run_until_stalled();
    handle.abort();
    pool.run_until_stalled();
    assert_eq!(queued.take().unwrap().unwrap_err().kind, Kind::Aborted);
    fake.clock.advance(&mut pool, 200.0);
    assert!(first.is_settled() && last.is_settled());
    assert_eq!(sent_urls(&fake), ["/first", "/last"]);
    assert_eq!(fake.counters.max_in_flight.get(), 1);
    assert_eq!(fake.counters.aborted.get(), 0);
}

#[test]
fn aborting_an_in_flight_request_frees_its_slot() {
    let fake = Fake::new(|r| if r.url.ends_with("/hang") { Reply::Hang } else { ok(json!({})) });
    let client = Rc::new(Client::new(config(1), None, fake.clone()));
    let mut pool = LocalPool::new();
    let (handle, registration) = AbortHandle::new_pair();
    let c = client.clone();
    let hanging = spawn(&pool, async move { c.request(get("/hang"), Some(registration)).await });
    let c = client.clone();
    let next = spawn(&pool, async move { c.request(get("/next"), None).await });
    pool.run_until_stalled();
    assert_eq!(fake.counters.sent.get(), 1);
    handle.abort();
    pool.run_until_stalled();
    assert_eq!(hanging.take().unwrap().unwrap_err().kind, Kind::Aborted);
    assert!(next.take().unwrap().is_ok());
    assert_eq!(fake.counters.aborted.get(), 1);
}

#[test]
fn timeout_counts_from_dispatch_not_from_entering_the_queue() {
    let fake = Fake::new(|r| if r.url.ends_with("/slow") { ok(json!({})).after(900) } else { Reply::Hang });
    let client = Rc::new(Client::new(config(1), None, fake.clone()));
    let mut pool = LocalPool::new();
    let c = client.clone();
    let slow = spawn(&pool, async move { c.request(get("/slow"), None).await });
    let mut options = get("/hang");
    options.timeout = Some(1000.0);
    options.retry = wxhttp::request::RetryOption::Off;
    let c = client.clone();
    let queued = spawn(&pool, async move { c.request(options, None).await });
    fake.clock.advance(&mut pool, 900.0);
    assert!(slow.is_settled());
    assert_eq!(fake.counters.sent.get(), 2, "dispatched once the slot freed, at 900 ms");
    fake.clock.advance(&mut pool, 999.0);
    assert!(!queued.is_settled(), "1899 ms after queueing, 999 ms after dispatch");
    fake.clock.advance(&mut pool, 1.0);
    assert_eq!(queued.take().unwrap().unwrap_err().kind, Kind::Timeout);
}

#[test]
fn a_slot_handed_to_a_request_dropped_before_it_woke_is_passed_on() {
    use futures::FutureExt;
    use wxhttp::limit::Limit;
    use wxhttp::transport::Transport;

    let fake = Fake::new(|_| ok(json!({})).after(100));
    let limit = Limit::new(Transport::new(fake.clone()), 1);
    let config = config(1);
    let mut first = Box::pin(limit.call(config.prepare(get("/first")).unwrap()));
    let mut second = Box::pin(limit.call(config.prepare(get("/second")).unwrap()));
    assert!(first.as_mut().now_or_never().is_none());
    assert!(second.as_mut().now_or_never().is_none());
    assert_eq!((limit.in_flight(), limit.queued()), (1, 1));
    fake.clock.advance(&mut LocalPool::new(), 100.0);
    assert!(first.as_mut().now_or_never().unwrap().is_ok());
    // The slot now waits in `second`'s channel; `second` goes away without ever looking.
    assert_eq!((limit.in_flight(), limit.queued()), (1, 0));
    drop(second);
    assert_eq!((limit.in_flight(), limit.queued()), (0, 0));
    let mut third = Box::pin(limit.call(config.prepare(get("/third")).unwrap()));
    assert!(third.as_mut().now_or_never().is_none());
    assert_eq!(limit.in_flight(), 1);
    assert_eq!(sent_urls(&fake), ["/first", "/third"]);
}
