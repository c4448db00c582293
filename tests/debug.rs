//! `debug: true`: one log line per attempt (method, URL, status or kind, attempt, ms) and per
//! login; never a header, a body or the token.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use serde_json::json;
use wxhttp::auth::{AuthConfig, Login};
use wxhttp::retry::RetryPolicy;
use wxhttp::{Client, ClientConfig, RequestOptions};

fn client(fake: &Rc<Fake>, auth: bool, debug: bool) -> Rc<Client<Fake>> {
    let retry = RetryPolicy { jitter: 0.0, ..RetryPolicy::default() };
    let config = ClientConfig { base_url: "https://api.example.com".into(), retry, debug, ..ClientConfig::default() };
    let auth = auth.then(|| AuthConfig::new(Login::url("/auth/login")));
    Rc::new(Client::new(config, auth, fake.clone()))
}

fn get(pool: &LocalPool, client: &Rc<Client<Fake>>, url: &str) -> Outcome<Result<wxhttp::Response<J>, wxhttp::Error<J>>> {
    let c = client.clone();
    let options = RequestOptions::new("GET", url);
    spawn(pool, async move { c.request(options, None).await })
}

#[test]
fn each_attempt_logs_method_url_status_attempt_and_time() {
    let n = Rc::new(std::cell::Cell::new(0));
    let counter = n.clone();
    let fake = Fake::new(move |_| {
        counter.set(counter.get() + 1);
        if counter.get() < 3 { status(503).after(35) } else { ok(json!({})).after(35) }
    });
    let client = client(&fake, false, true);
    let mut pool = LocalPool::new();
    let outcome = get(&pool, &client, "/x");
    fake.clock.advance(&mut pool, 10_000.0);
    assert!(outcome.take().unwrap().is_ok());
    assert_eq!(*fake.logs.borrow(), vec![
        "wxhttp GET https://api.example.com/x → 503 (attempt 1, 35 ms)",
        "wxhttp GET https://api.example.com/x → 503 (attempt 2, 35 ms)",
        "wxhttp GET https://api.example.com/x → 200 (attempt 3, 35 ms)",
    ]);
}

#[test]
fn failures_log_their_kind_and_concurrent_requests_count_apart() {
    let fake = Fake::new(|r| if r.url.ends_with("/down") { fail("request:fail net::ERR_FAILED").after(5) } else { ok(json!({})).after(20) });
    let client = client(&fake, false, true);
    let mut pool = LocalPool::new();
    let down = get(&pool, &client, "/down");
    let up = get(&pool, &client, "/up");
    fake.clock.advance(&mut pool, 10_000.0);
    assert!(down.take().unwrap().is_err() && up.take().unwrap().is_ok());
    let logs = fake.logs.borrow();
    assert!(logs.contains(&"wxhttp GET https://api.example.com/up → 200 (attempt 1, 20 ms)".to_string()), "{logs:?}");
    for attempt in 1..=3 {
        let line = format!("wxhttp GET https://api.example.com/down → network (request:fail net::ERR_FAILED) (attempt {attempt}, 5 ms)");
        assert!(logs.contains(&line), "{line} in {logs:?}");
    }
    assert_eq!(logs.len(), 4);
}

#[test]
fn logins_are_logged_and_the_token_never_is() {
    let fake = Fake::new(|r| {
        if r.url.ends_with("/auth/login") {
            ok(json!({ "code": 10000, "data": { "token": "SECRET-TOKEN", "expiresIn": 7200, "userId": "u1" } }))
        } else {
            ok(json!({ "echo": r.header("Authorization") }))
        }
    });
    let client = client(&fake, true, true);
    let mut pool = LocalPool::new();
    let outcome = get(&pool, &client, "/api/me");
    fake.clock.advance(&mut pool, 100.0);
    assert!(outcome.take().unwrap().is_ok());
    let logs = fake.logs.borrow();
    assert_eq!(*logs, vec![
        "wxhttp login: start",
        "wxhttp POST https://api.example.com/auth/login → 200 (attempt 1, 0 ms)",
        "wxhttp login: ok (user u1, expires in 7200 s)",
        "wxhttp GET https://api.example.com/api/me → 200 (attempt 1, 0 ms)",
    ]);
    assert!(logs.iter().all(|l| !l.contains("SECRET-TOKEN") && !l.contains("code-1")));
}

#[test]
fn a_failed_login_is_logged_with_its_reason() {
    let fake = Fake::new(|r| if r.url.ends_with("/auth/login") { ok(json!({ "code": 40029, "message": "invalid code" })) } else { ok(json!({})) });
    let client = client(&fake, true, true);
    let mut pool = LocalPool::new();
    let outcome = get(&pool, &client, "/api/me");
    fake.clock.advance(&mut pool, 100.0);
    assert!(outcome.take().unwrap().is_err());
    assert!(fake.logs.borrow().contains(&"wxhttp login: failed (no token in the login response)".to_string()), "{:?}", fake.logs.borrow());
}

#[test]
fn without_debug_nothing_is_logged() {
    let fake = Fake::new(|_| ok(json!({ "data": { "token": "T" } })));
    let client = client(&fake, true, false);
    let mut pool = LocalPool::new();
    let outcome = get(&pool, &client, "/api/me");
    fake.clock.advance(&mut pool, 100.0);
    assert!(outcome.take().unwrap().is_ok());
    assert!(fake.logs.borrow().is_empty());
}
