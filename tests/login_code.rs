//! `takeLoginCode` / `prefetchLoginCode` (SPEC §9, seed 004): a prefetched code is handed out
//! once while younger than 4.5 minutes; concurrent takes never share a code; the silent
//! login's code is never handed out.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use serde_json::json;
use wxhttp::auth::{AuthConfig, Login};
use wxhttp::login_code::{LoginCodes, FRESH_FOR};
use wxhttp::{Client, ClientConfig, RequestOptions};

fn take(pool: &LocalPool, codes: &LoginCodes<Fake>) -> Outcome<Result<String, wxhttp::WxFailure>> {
    let codes = codes.clone();
    spawn(pool, async move { codes.take().await })
}

fn prefetch(pool: &mut LocalPool, codes: &LoginCodes<Fake>) {
    let c = codes.clone();
    let done = spawn(pool, async move { c.prefetch().await });
    pool.run_until_stalled();
    assert!(done.take().expect("prefetched").is_ok());
}

#[test]
fn a_prefetched_code_is_handed_out_once() {
    let fake = Fake::new(|_| ok(json!({})));
    let codes = LoginCodes::new(fake.clone());
    let mut pool = LocalPool::new();
    prefetch(&mut pool, &codes);
    assert_eq!(fake.codes.get(), 1);
    fake.clock.advance(&mut pool, 60_000.0);
    let first = take(&pool, &codes);
    pool.run_until_stalled();
    assert_eq!(first.take().unwrap().unwrap(), "code-1", "the prefetched code, no new wx.login");
    assert_eq!(fake.codes.get(), 1);
    let second = take(&pool, &codes);
    pool.run_until_stalled();
    assert_eq!(second.take().unwrap().unwrap(), "code-2", "a taken code is never returned again");
}

#[test]
fn a_code_older_than_four_and_a_half_minutes_is_replaced() {
    let fake = Fake::new(|_| ok(json!({})));
    let codes = LoginCodes::new(fake.clone());
    let mut pool = LocalPool::new();
    prefetch(&mut pool, &codes);
    fake.clock.advance(&mut pool, FRESH_FOR - 1.0);
    assert!(codes.has_code());
    fake.clock.advance(&mut pool, 1.0);
    let taken = take(&pool, &codes);
    pool.run_until_stalled();
    assert_eq!(taken.take().unwrap().unwrap(), "code-2", "4.5 minutes old: a fresh one instead");
    assert!(!codes.has_code(), "the stale code is dropped, not kept for later");
}

#[test]
fn concurrent_takes_get_different_codes() {
    let fake = Fake::new(|_| ok(json!({})));
    fake.login_delay.set(100);
    let codes = LoginCodes::new(fake.clone());
    let mut pool = LocalPool::new();
    let c = codes.clone();
    let prefetching = spawn(&pool, async move { c.prefetch().await });
    pool.run_until_stalled();
    // Three taps while the prefetch is in flight: one claims it, the others ask wx.login.
    let takes: Vec<_> = (0..3).map(|_| take(&pool, &codes)).collect();
    fake.clock.advance(&mut pool, 100.0);
    let mut got: Vec<String> = takes.iter().map(|t| t.take().unwrap().unwrap()).collect();
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 3, "three different codes: {got:?}");
    assert_eq!(fake.codes.get(), 3, "the prefetched code was used, not wasted");
    assert!(prefetching.take().unwrap().is_ok());
    assert!(!codes.has_code(), "the claimed prefetch is not also stored");
}

#[test]
fn a_failed_wx_login_fails_the_take_and_leaves_no_code() {
    let fake = Fake::new(|_| ok(json!({})));
    let codes = LoginCodes::new(fake.clone());
    let mut pool = LocalPool::new();
    fake.login_failures.set(1);
    let taken = take(&pool, &codes);
    pool.run_until_stalled();
    assert_eq!(taken.take().unwrap().unwrap_err().err_msg, "login:fail network");
}

#[test]
fn the_silent_logins_code_is_never_handed_out() {
    let fake = Fake::new(|r| {
        if r.url.ends_with("/auth/login") {
            ok(json!({ "data": { "token": "T1", "expiresIn": 7200, "userId": "u1" } }))
        } else {
            ok(json!({ "code": 0 }))
        }
    });
    let config = ClientConfig { base_url: "https://api.example.com".into(), ..ClientConfig::default() };
    let client = Rc::new(Client::new(config, Some(AuthConfig::new(Login::url("/auth/login"))), fake.clone()));
    let mut pool = LocalPool::new();
    let c = client.clone();
    let prefetched = spawn(&pool, async move { c.prefetch_login_code().await });
    pool.run_until_stalled();
    assert!(prefetched.take().unwrap().is_ok());
    // The silent login runs with a code of its own, never the prefetched one.
    let c = client.clone();
    let first = spawn(&pool, async move { c.request(RequestOptions::new("GET", "/me"), None).await });
    pool.run_until_stalled();
    assert!(first.take().unwrap().is_ok());
    let login_body = fake.counters.log.borrow().iter().find(|r| r.url.ends_with("/auth/login")).and_then(|r| r.data.clone()).unwrap();
    let used = login_body.0["code"].as_str().unwrap().to_string();
    let c = client.clone();
    let taken = spawn(&pool, async move { c.take_login_code().await });
    pool.run_until_stalled();
    let taken = taken.take().unwrap().unwrap();
    assert_eq!((used.as_str(), taken.as_str()), ("code-2", "code-1"));
    let c = client.clone();
    let again = spawn(&pool, async move { c.take_login_code().await });
    pool.run_until_stalled();
    assert_eq!(again.take().unwrap().unwrap(), "code-3", "neither the login's nor the taken code");
}
