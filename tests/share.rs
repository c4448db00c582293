//! Request sharing: concurrent identical GET/HEAD share one send; sequential ones do not;
//! aborting one sharer leaves the others alone; the last one out aborts the send.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use futures::future::AbortHandle;
use serde_json::json;
use wxhttp::request::RetryOption;
use wxhttp::{Client, ClientConfig, Kind, RequestOptions};

fn client(fake: &Rc<Fake>) -> Rc<Client<Fake>> {
    let config = ClientConfig { base_url: "https://api.example.com".into(), ..ClientConfig::default() };
    Rc::new(Client::new(config, None, fake.clone()))
}

fn get(url: &str) -> RequestOptions<J> {
    RequestOptions::new("GET", url)
}

type Settled = Outcome<Result<wxhttp::Response<J>, wxhttp::Error<J>>>;

fn start(pool: &LocalPool, client: &Rc<Client<Fake>>, options: RequestOptions<J>) -> (Settled, AbortHandle) {
    let (handle, registration) = AbortHandle::new_pair();
    let c = client.clone();
    (spawn(pool, async move { c.request(options, Some(registration)).await }), handle)
}

#[test]
fn ten_identical_concurrent_gets_send_once() {
    let fake = Fake::new(|_| ok(json!({ "n": 1 })).after(50));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..10).map(|_| start(&pool, &client, get("/feed?page=1")).0).collect();
    fake.clock.advance(&mut pool, 50.0);
    assert_eq!(fake.counters.sent.get(), 1);
    for outcome in &outcomes {
        assert_eq!(outcome.take().unwrap().unwrap().raw.0["data"]["n"], json!(1));
    }
}

#[test]
fn sequential_identical_gets_send_twice() {
    let fake = Fake::new(|_| ok(json!({})).after(50));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let (first, _) = start(&pool, &client, get("/feed"));
    fake.clock.advance(&mut pool, 50.0);
    assert!(first.is_settled());
    let (second, _) = start(&pool, &client, get("/feed"));
    fake.clock.advance(&mut pool, 50.0);
    assert!(second.is_settled());
    assert_eq!(fake.counters.sent.get(), 2);
}

#[test]
fn one_sharer_aborting_does_not_affect_the_others() {
    let fake = Fake::new(|_| ok(json!({})).after(100));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let sharers: Vec<_> = (0..3).map(|_| start(&pool, &client, get("/feed"))).collect();
    pool.run_until_stalled();
    sharers[0].1.abort();
    pool.run_until_stalled();
    assert_eq!(sharers[0].0.take().unwrap().unwrap_err().kind, Kind::Aborted);
    fake.clock.advance(&mut pool, 100.0);
    assert!(sharers[1].0.take().unwrap().is_ok());
    assert!(sharers[2].0.take().unwrap().is_ok());
    assert_eq!((fake.counters.sent.get(), fake.counters.aborted.get()), (1, 0));
}

#[test]
fn when_every_sharer_aborts_the_send_is_aborted() {
    let fake = Fake::new(|_| Reply::Hang);
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let sharers: Vec<_> = (0..3).map(|_| start(&pool, &client, get("/feed"))).collect();
    pool.run_until_stalled();
    for (_, handle) in &sharers {
        handle.abort();
    }
    pool.run_until_stalled();
    assert!(sharers.iter().all(|(o, _)| o.get().as_ref().unwrap().as_ref().unwrap_err().kind == Kind::Aborted));
    assert_eq!(fake.counters.aborted.get(), 1, "the RequestTask is aborted");
    assert_eq!(fake.counters.in_flight.get(), 0);
    assert_eq!(fake.clock.pending(), 0, "no timer left behind");
    // The key is free again: the next identical GET sends anew.
    let (_next, _) = start(&pool, &client, get("/feed"));
    pool.run_until_stalled();
    assert_eq!(fake.counters.sent.get(), 2);
}

#[test]
fn a_shared_failure_reaches_every_sharer() {
    let fake = Fake::new(|_| status(404).after(10));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..4).map(|_| start(&pool, &client, get("/gone")).0).collect();
    fake.clock.advance(&mut pool, 10.0);
    for outcome in outcomes {
        assert_eq!(outcome.take().unwrap().unwrap_err().status, Some(404));
    }
    assert_eq!(fake.counters.sent.get(), 1);
}

#[test]
fn different_requests_posts_and_dedupe_false_are_not_shared() {
    let fake = Fake::new(|_| ok(json!({})).after(10));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let mut with_header = get("/feed");
    with_header.header.push(("X-Lang".into(), "en".into()));
    let mut with_params = get("/feed");
    with_params.params.push(("page".into(), "2".into()));
    let mut opted_out = get("/feed");
    opted_out.dedupe = Some(false);
    let mut no_retry = get("/feed");
    no_retry.retry = RetryOption::Off;
    let mut with_data = get("/feed");
    with_data.data = Some(J(json!({ "q": 1 })));
    let options = [
        get("/feed"),
        with_header,
        with_params,
        opted_out,
        no_retry,
        with_data,
        RequestOptions::new("HEAD", "/feed"),
        RequestOptions::new("POST", "/feed"),
        RequestOptions::new("POST", "/feed"),
    ];
    let count = options.len() as u32;
    let outcomes: Vec<_> = options.into_iter().map(|o| start(&pool, &client, o).0).collect();
    fake.clock.advance(&mut pool, 10.0);
    assert!(outcomes.iter().all(|o| o.is_settled()));
    assert_eq!(fake.counters.sent.get(), count);
}

#[test]
fn header_names_match_case_insensitively_in_the_key() {
    let fake = Fake::new(|_| ok(json!({})).after(10));
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let mut a = get("/feed");
    a.header.push(("X-Lang".into(), "en".into()));
    let mut b = get("/feed");
    b.header.push(("x-lang".into(), "en".into()));
    let (_a, _) = start(&pool, &client, a);
    let (_b, _) = start(&pool, &client, b);
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(fake.counters.sent.get(), 1);
}

#[test]
fn a_shared_get_retries_once_for_all_sharers() {
    let n = Rc::new(std::cell::Cell::new(0));
    let m = n.clone();
    let fake = Fake::new(move |_| {
        m.set(m.get() + 1);
        if m.get() == 1 { status(503) } else { ok(json!({})) }
    });
    let client = client(&fake);
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..5).map(|_| start(&pool, &client, get("/feed")).0).collect();
    fake.clock.advance(&mut pool, 1000.0);
    assert!(outcomes.iter().all(|o| o.get().as_ref().unwrap().is_ok()));
    assert_eq!(fake.counters.sent.get(), 2);
}

#[test]
fn a_request_never_joins_one_sent_for_another_identity() {
    use std::cell::RefCell;
    use wxhttp::limit::Limit;
    use wxhttp::share::Share;
    use wxhttp::stack::Service;
    use wxhttp::transport::Transport;

    let fake = Fake::new(|_| ok(json!({})).after(10));
    let user = Rc::new(RefCell::new(Some("alice".to_string())));
    let who = user.clone();
    let share = Rc::new(Share::new(Rc::new(Limit::new(Transport::new(fake.clone()), 10))).with_identity(Rc::new(move || who.borrow().clone())));
    let config = ClientConfig { base_url: "https://api.example.com".into(), ..ClientConfig::default() };
    let mut pool = LocalPool::new();
    let mut outcomes = Vec::new();
    for name in ["alice", "alice", "bob", "bob"] {
        *user.borrow_mut() = Some(name.to_string());
        let (s, request) = (share.clone(), config.prepare(get("/me")).unwrap());
        outcomes.push(spawn(&pool, async move { s.call(request).await }));
        pool.run_until_stalled();
    }
    fake.clock.advance(&mut pool, 10.0);
    assert!(outcomes.iter().all(|o| o.is_settled()));
    assert_eq!(fake.counters.sent.get(), 2, "one per identity");
    assert_eq!(share.in_flight(), 0);
}
