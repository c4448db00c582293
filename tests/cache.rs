//! The response cache (SPEC §8): hits without a send, expiry, users kept apart, failed writes
//! that never fail the request, and dropping a user's entries.

mod common;
#[path = "common/auth_server.rs"]
mod auth_server;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use serde_json::{json, Value as Json};
use wxhttp::cache::Cache;
use wxhttp::stack::Service;
use wxhttp::transport::Transport;
use wxhttp::{Method, Request, Response};

type User = Rc<RefCell<Option<String>>>;

struct Setup {
    fake: Rc<Fake>,
    user: User,
    cache: Cache<Fake, Transport<Fake>>,
}

/// A cache over the bare transport; the server answers each request with a running count.
fn setup() -> Setup {
    let fake = Fake::new(|_| ok(json!({})));
    let counters = fake.counters.clone();
    fake.respond(move |request| {
        let n = counters.sent.get();
        Reply::Answer { status: 200, body: json!({ "n": n, "url": request.url }), header: json!({ "X-N": n.to_string() }), delay: 0 }
    });
    let user: User = Rc::new(RefCell::new(None));
    let cell = user.clone();
    let cache = Cache::new(Rc::new(Transport::new(fake.clone())), fake.clone(), "wxhttp", move || cell.borrow().clone());
    Setup { fake, user, cache }
}

fn get(url: &str, ttl: Option<f64>) -> Request<J> {
    Request { cache_ttl: ttl, ..Request::new(Method::Get, url.to_string(), 60_000) }
}

fn call(s: &Setup, request: Request<J>) -> Response<J> {
    LocalPool::new().run_until(s.cache.call(request)).expect("resolves")
}

fn n(response: &Response<J>) -> u64 {
    response.raw.0["data"]["n"].as_u64().expect("a counted answer")
}

fn sent(s: &Setup) -> u32 {
    s.fake.counters.sent.get()
}

fn cache_keys(s: &Setup) -> Vec<String> {
    s.fake.storage.borrow().keys().filter(|k| k.starts_with("wxhttp:cache:")).cloned().collect()
}

fn login(s: &Setup, user: Option<&str>) {
    *s.user.borrow_mut() = user.map(str::to_string);
}

#[test]
fn a_fresh_hit_is_served_without_a_send_and_whole() {
    let s = setup();
    let first = call(&s, get("https://api.example.com/a?x=1", Some(60_000.0)));
    let second = call(&s, get("https://api.example.com/a?x=1", Some(60_000.0)));
    assert_eq!(sent(&s), 1, "the second GET never reached wx");
    assert_eq!(second.status, 200);
    assert_eq!(second.raw, first.raw, "statusCode, header and data come back as stored");
    assert_eq!(second.header("x-n").as_deref(), Some("1"));
}

#[test]
fn the_query_is_part_of_the_key() {
    let s = setup();
    call(&s, get("https://api.example.com/a?x=1", Some(60_000.0)));
    let other = call(&s, get("https://api.example.com/a?x=2", Some(60_000.0)));
    assert_eq!(sent(&s), 2);
    assert_eq!(other.raw.0["data"]["url"], json!("https://api.example.com/a?x=2"));
}

#[test]
fn an_entry_expires_at_its_ttl_and_the_get_refetches() {
    let s = setup();
    call(&s, get("https://api.example.com/a", Some(1000.0)));
    s.fake.clock.jump(999.0);
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(1000.0)))), 1, "still fresh");
    s.fake.clock.jump(1.0);
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(1000.0)))), 2, "expired at the boundary");
    assert_eq!(sent(&s), 2);
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(1000.0)))), 2, "the refetch is cached again");
}

#[test]
fn different_users_never_share_entries() {
    let s = setup();
    let url = "https://api.example.com/me";
    login(&s, Some("alice"));
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 1);
    login(&s, Some("bob"));
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 2, "bob never sees alice's answer");
    login(&s, None);
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 3, "nor does an anonymous caller");
    login(&s, Some("alice"));
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 1, "alice still has hers");
    login(&s, Some("bob"));
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 2);
    assert_eq!(sent(&s), 3);
}

#[test]
fn user_ids_cannot_reach_into_each_others_prefix() {
    let s = setup();
    let url = "https://api.example.com/me";
    for (i, id) in ["a", "a:b", "a%3Ab", ""].iter().enumerate() {
        login(&s, Some(id));
        assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), i as u64 + 1, "{id:?}");
    }
    login(&s, None);
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 4, "an empty id is anonymous");
    s.cache.entries().drop_user(Some("a"));
    login(&s, Some("a:b"));
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 2, "dropping \"a\" left \"a:b\"");
    login(&s, Some("a%3Ab"));
    assert_eq!(n(&call(&s, get(url, Some(60_000.0)))), 3);
    assert_eq!(sent(&s), 4);
}

#[test]
fn a_failed_cache_write_still_resolves_and_caches_nothing() {
    let s = setup();
    s.fake.storage_failures.set(1);
    let response = call(&s, get("https://api.example.com/a", Some(60_000.0)));
    assert_eq!(n(&response), 1);
    assert!(cache_keys(&s).is_empty());
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(60_000.0)))), 2, "nothing was cached");
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(60_000.0)))), 2, "the next write worked");
}

#[test]
fn a_response_too_large_to_store_still_resolves() {
    let s = setup();
    s.fake.respond(|_| ok(json!({ "blob": "b".repeat(1024 * 1024) })));
    for _ in 0..2 {
        let response = call(&s, get("https://api.example.com/big", Some(60_000.0)));
        assert_eq!(response.status, 200);
    }
    assert_eq!(sent(&s), 2);
    assert!(cache_keys(&s).is_empty());
}

#[test]
fn a_full_storage_sweeps_expired_entries_and_stores_the_answer() {
    let s = setup();
    // Expired cache entries and the app's own data fill the 10 MB.
    let old = Request { url: "https://api.example.com/old".into(), ..get("", Some(10.0)) };
    s.fake.respond(|_| ok(json!({ "blob": "o".repeat(1000 * 1000) })));
    call(&s, old.clone());
    call(&s, Request { url: "https://api.example.com/old2".into(), ..old });
    for i in 0..8 {
        s.fake.storage.borrow_mut().insert(format!("app{i}"), J(json!("y".repeat(1024 * 1024 - 100))));
    }
    s.fake.clock.jump(10.0);
    s.fake.respond(|_| ok(json!({ "blob": "n".repeat(1000 * 1000) })));
    call(&s, get("https://api.example.com/new", Some(60_000.0)));
    assert_eq!(cache_keys(&s).len(), 1, "the expired entries made room");
    call(&s, get("https://api.example.com/new", Some(60_000.0)));
    assert_eq!(sent(&s), 3);
}

#[test]
fn drop_user_removes_that_users_entries_only() {
    let s = setup();
    let url = "https://api.example.com/me";
    for user in [Some("alice"), Some("bob"), None] {
        login(&s, user);
        call(&s, get(url, Some(60_000.0)));
        call(&s, get("https://api.example.com/other", Some(60_000.0)));
    }
    s.fake.storage.borrow_mut().insert("wxhttp:token".into(), J(json!("kept")));
    assert_eq!(cache_keys(&s).len(), 6);
    s.cache.entries().drop_user(Some("alice"));
    assert_eq!(cache_keys(&s).len(), 4);
    login(&s, Some("alice"));
    call(&s, get(url, Some(60_000.0)));
    assert_eq!(sent(&s), 7, "alice's entry is gone");
    login(&s, Some("bob"));
    call(&s, get(url, Some(60_000.0)));
    assert_eq!(sent(&s), 7, "bob's is not");
    s.cache.entries().drop_user(None);
    assert_eq!(cache_keys(&s).len(), 3, "anonymous entries dropped");
    s.cache.entries().clear();
    assert!(cache_keys(&s).is_empty());
    assert!(s.fake.storage.borrow().contains_key("wxhttp:token"), "clear touches the cache only");
}

#[test]
fn an_answer_that_straddles_a_user_change_is_not_stored() {
    let s = setup();
    let fake = s.fake.clone();
    let user = s.user.clone();
    // The answer arrives after a login completed mid-flight (auth lies below the cache).
    fake.respond(|_| ok(json!({ "who": "alice" })).after(100));
    let mut pool = LocalPool::new();
    let outcome = spawn(&pool, {
        let cache = Rc::new(s);
        let c = cache.clone();
        async move { c.cache.call(get("https://api.example.com/me", Some(60_000.0))).await.map(|r| r.status) }
    });
    pool.run_until_stalled();
    *user.borrow_mut() = Some("alice".into());
    fake.clock.advance(&mut pool, 100.0);
    assert_eq!(outcome.take().unwrap().unwrap(), 200);
    assert!(fake.storage.borrow().keys().all(|k| !k.starts_with("wxhttp:cache:")), "filed under nobody");
}

#[test]
fn non_get_no_ttl_or_a_get_with_data_goes_straight_to_inner() {
    let s = setup();
    let url = "https://api.example.com/a";
    for _ in 0..2 {
        call(&s, get(url, None));
        call(&s, get(url, Some(0.0)));
        call(&s, Request { method: Method::Post, ..get(url, Some(60_000.0)) });
        call(&s, Request { method: Method::Head, ..get(url, Some(60_000.0)) });
        call(&s, Request { data: Some(J(json!({ "page": 2 }))), ..get(url, Some(60_000.0)) });
    }
    assert_eq!(sent(&s), 10);
    assert!(cache_keys(&s).is_empty());
    call(&s, Request { data: Some(J(Json::Null)), ..get(url, Some(60_000.0)) });
    call(&s, get(url, Some(60_000.0)));
    assert_eq!(sent(&s), 11, "a null body is no body");
}

#[test]
fn errors_are_not_cached() {
    let s = setup();
    s.fake.respond(|_| status(503));
    let mut pool = LocalPool::new();
    for _ in 0..2 {
        let error = pool.run_until(s.cache.call(get("https://api.example.com/a", Some(60_000.0)))).unwrap_err();
        assert_eq!(error.status, Some(503));
    }
    assert_eq!(sent(&s), 2);
    assert!(cache_keys(&s).is_empty());
}

#[test]
fn accept_headers_vary_the_key_and_the_auth_header_does_not() {
    let s = setup();
    let url = "https://api.example.com/a";
    let with = |pairs: &[(&str, &str)]| Request { header: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), ..get(url, Some(60_000.0)) };
    assert_eq!(n(&call(&s, with(&[("Accept", "application/json")]))), 1);
    assert_eq!(n(&call(&s, with(&[("accept", "application/json"), ("Authorization", "t1"), ("X-Trace", "1")]))), 1);
    assert_eq!(n(&call(&s, with(&[("Accept", "text/html")]))), 2);
    assert_eq!(n(&call(&s, with(&[("Accept", "application/json"), ("Accept-Language", "zh-CN")]))), 3);
    assert_eq!(n(&call(&s, with(&[("Accept", "application/json"), ("Content-Type", "text/plain")]))), 4);
    let text = Request { extra: Some(J(json!({ "dataType": "text" }))), ..with(&[("Accept", "application/json")]) };
    assert_eq!(n(&call(&s, text)), 5, "dataType changes the answer's shape");
    assert_eq!(sent(&s), 5);
}

#[test]
fn entries_are_named_by_user_and_a_16_digit_hash() {
    let s = setup();
    login(&s, Some("u:1"));
    call(&s, get("https://api.example.com/a", Some(60_000.0)));
    let keys = cache_keys(&s);
    assert_eq!(keys.len(), 1);
    let rest = keys[0].strip_prefix("wxhttp:cache:u%3A1:").expect("namespace:cache:<escaped user>:<hash>");
    assert_eq!(rest.len(), 16);
    assert!(rest.bytes().all(|b| b.is_ascii_hexdigit()));
    let stored = s.fake.storage.borrow()[&keys[0]].0.clone();
    assert_eq!(stored["value"]["request"], json!("GET https://api.example.com/a"));
    assert_eq!(stored["value"]["response"]["statusCode"], json!(200));
}

#[test]
fn a_tampered_or_colliding_entry_is_a_miss() {
    let s = setup();
    call(&s, get("https://api.example.com/a", Some(60_000.0)));
    let key = cache_keys(&s).remove(0);
    // Another request's description under this hash: a collision must not serve it.
    s.fake.storage.borrow_mut().get_mut(&key).unwrap().0["value"]["request"] = json!("GET https://api.example.com/b");
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(60_000.0)))), 2);
    // A response without a status is unreadable.
    s.fake.storage.borrow_mut().get_mut(&key).unwrap().0["value"]["response"] = json!({ "data": 1 });
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(60_000.0)))), 3);
    // Plain garbage under the key.
    s.fake.storage.borrow_mut().insert(key.clone(), J(json!([1, 2, 3])));
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(60_000.0)))), 4);
    assert_eq!(n(&call(&s, get("https://api.example.com/a", Some(60_000.0)))), 4, "overwritten with a good entry");
}

#[test]
fn an_entries_handle_built_apart_drops_the_same_entries() {
    let s = setup();
    // What the auth layer's `on_user_change` holds: built before, and apart from, the cache.
    let entries = wxhttp::cache::CacheEntries::new(s.fake.clone(), "wxhttp");
    let on_user_change = move |old: Option<&str>, _new: Option<&str>| entries.drop_user(old);
    login(&s, Some("alice"));
    call(&s, get("https://api.example.com/me", Some(60_000.0)));
    on_user_change(Some("alice"), Some("bob"));
    login(&s, Some("alice"));
    call(&s, get("https://api.example.com/me", Some(60_000.0)));
    assert_eq!(sent(&s), 2, "alice's entry went with the switch");
    s.cache.entries().clear();
    assert!(cache_keys(&s).is_empty());
}

// The cache in the client's stack, over auth (SPEC §8 with L6, L9): a hit is served only for an
// identity auth has confirmed, against the mini server of `common/auth_server.rs`.

mod with_auth {
    use super::*;
    use crate::auth_server::{self, Server, BASE};
    use wxhttp::{Client, ClientConfig, Error, Kind, RequestOptions};

    type Answer = Result<Response<J>, Error<J>>;

    fn client(fake: &Rc<Fake>) -> Rc<Client<Fake>> {
        let config = ClientConfig { base_url: BASE.into(), ..ClientConfig::default() };
        Rc::new(Client::new(config, Some(auth_server::config()), fake.clone()))
    }

    fn request(pool: &LocalPool, client: &Rc<Client<Fake>>, url: &str, ttl: Option<f64>) -> Outcome<Answer> {
        let client = client.clone();
        let mut options = RequestOptions::new("GET", url);
        options.cache_ttl = ttl;
        spawn(pool, async move { client.request(options, None).await })
    }

    /// A cached GET of `/profile`, run until it settles.
    fn profile(pool: &mut LocalPool, client: &Rc<Client<Fake>>) -> Answer {
        let outcome = request(pool, client, "/profile", Some(600_000.0));
        pool.run_until_stalled();
        outcome.take().expect("settled")
    }

    fn user(answer: &Answer) -> Json {
        answer.as_ref().expect("a response").raw.0["data"]["data"]["user"].clone()
    }

    fn profile_sends(server: &Server) -> usize {
        // Every business request after the first launch's login carried a token.
        server.business.borrow().len()
    }

    fn keys_of(fake: &Fake, user: &str) -> usize {
        let prefix = format!("wxhttp:cache:{user}:");
        fake.storage.borrow().keys().filter(|k| k.starts_with(&prefix)).count()
    }

    /// First launch: user-1 logs in and caches `/profile`.
    fn first_launch(server: &Rc<Server>, pool: &mut LocalPool) -> Rc<Fake> {
        server.user.replace(Some("user-1".into()));
        let fake = server.fake();
        let first = client(&fake);
        let c = first.clone();
        let login = spawn(pool, async move { c.login().await });
        pool.run_until_stalled();
        assert!(login.take().unwrap().is_ok());
        assert_eq!(user(&profile(pool, &first)), "user-1");
        assert_eq!(keys_of(&fake, "user-1"), 1);
        fake
    }

    #[test]
    fn after_a_relaunch_a_hit_waits_for_the_launchs_check_session() {
        let server = Server::new();
        let mut pool = LocalPool::new();
        let fake = first_launch(&server, &mut pool);
        let checks = fake.check_sessions.get();
        let relaunched = client(&fake);
        let hit = profile(&mut pool, &relaunched);
        assert_eq!(user(&hit), "user-1");
        assert_eq!(fake.check_sessions.get(), checks + 1, "wx.checkSession confirmed user-1 before the hit");
        assert_eq!(profile_sends(&server), 1, "served from the cache");
        assert_eq!(server.logins(), 1);
        assert!(profile(&mut pool, &relaunched).is_ok());
        assert_eq!(fake.check_sessions.get(), checks + 1, "once per launch");
    }

    #[test]
    fn after_a_relaunch_on_another_account_the_previous_users_entry_is_not_served() {
        let server = Server::new();
        let mut pool = LocalPool::new();
        let fake = first_launch(&server, &mut pool);
        // The phone switched WeChat account: the session is gone, the server knows user-2.
        server.user.replace(Some("user-2".into()));
        fake.session_alive.set(false);
        let checks = fake.check_sessions.get();
        let relaunched = client(&fake);
        let answer = profile(&mut pool, &relaunched);
        assert_eq!(fake.check_sessions.get(), checks + 1);
        assert_eq!(user(&answer), "user-2", "not user-1's cached profile");
        assert_eq!(server.logins(), 2);
        assert_eq!(server.login_bodies.borrow()[1]["previousToken"], "T1");
        assert_eq!(keys_of(&fake, "user-1"), 0, "user-1's entries dropped");
        assert_eq!(keys_of(&fake, "user-2"), 1, "the answer is filed under user-2");
        assert_eq!(user(&profile(&mut pool, &relaunched)), "user-2");
        assert_eq!(profile_sends(&server), 2);
    }

    #[test]
    fn a_cached_get_during_a_relogin_waits_and_looks_up_under_the_new_user() {
        let server = Server::new();
        let mut pool = LocalPool::new();
        let fake = first_launch(&server, &mut pool);
        let http = client(&fake);
        assert_eq!(user(&profile(&mut pool, &http)), "user-1");
        server.user.replace(Some("user-2".into()));
        server.expire();
        server.login_delay.set(100);
        let trigger = request(&pool, &http, "/trigger", None); // expired → the re-login, slow
        pool.run_until_stalled();
        assert_eq!(server.logins(), 2);
        let during = request(&pool, &http, "/profile", Some(600_000.0));
        pool.run_until_stalled();
        assert!(!during.is_settled(), "no hit for the dead session while its re-login is in flight");
        fake.clock.advance(&mut pool, 100.0);
        assert_eq!(user(&trigger.take().unwrap()), "user-2");
        assert_eq!(user(&during.take().unwrap()), "user-2", "looked up (and fetched) under user-2");
        assert_eq!(server.logins(), 2);
        assert_eq!(keys_of(&fake, "user-1"), 0);
        assert_eq!(keys_of(&fake, "user-2"), 1);
    }

    #[test]
    fn the_first_cached_get_of_a_fresh_install_is_stored_under_the_user_it_logged_in_as() {
        let server = Server::new();
        server.user.replace(Some("user-1".into()));
        let fake = server.fake();
        let http = client(&fake);
        let mut pool = LocalPool::new();
        let first = profile(&mut pool, &http);
        let second = profile(&mut pool, &http);
        assert_eq!(user(&first), "user-1");
        assert_eq!(second.unwrap().raw, first.unwrap().raw, "served from the cache");
        assert_eq!((server.logins(), profile_sends(&server)), (1, 1));
        assert_eq!(keys_of(&fake, "user-1"), 1);
    }

    #[test]
    fn a_cached_get_whose_login_fails_rejects_with_login() {
        let server = Server::new();
        let fake = server.fake();
        fake.login_failures.set(1);
        let http = client(&fake);
        let mut pool = LocalPool::new();
        let error = profile(&mut pool, &http).unwrap_err();
        assert_eq!(error.kind, Kind::Login);
        assert!(error.message.ends_with("GET https://api.example.com/profile"), "{}", error.message);
        assert!(profile(&mut pool, &http).is_ok(), "the next one logs in afresh");
    }

    #[test]
    fn requests_auth_does_not_apply_to_keep_the_current_identity() {
        let server = Server::new();
        let mut pool = LocalPool::new();
        let fake = first_launch(&server, &mut pool);
        let checks = fake.check_sessions.get();
        let relaunched = client(&fake);
        // `auth: false` and another origin: no token, so no session to confirm first.
        let (c, mut options) = (relaunched.clone(), RequestOptions::new("GET", "https://cdn.example.com/a"));
        options.cache_ttl = Some(600_000.0);
        let other = spawn(&pool, async move { c.request(options, None).await });
        pool.run_until_stalled();
        assert!(other.take().unwrap().is_ok());
        assert_eq!(fake.check_sessions.get(), checks, "no checkSession for a request auth skips");
        assert_eq!(keys_of(&fake, "user-1"), 2, "keyed under the current (restored) identity");
    }
}
