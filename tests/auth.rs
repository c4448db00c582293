//! The auth layer rule by rule (SPEC §6, L1–L9), against the mini server of
//! `common/auth_server.rs` on the deterministic fake platform and its manual clock.

mod common;
#[path = "common/auth_server.rs"]
mod auth_server;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use auth_server::*;
use common::*;
use futures::executor::LocalPool;
use futures::FutureExt;
use serde_json::json;
use wxhttp::auth::{AuthConfig, Login, LoginOutput};
use wxhttp::stack::Service;
use wxhttp::{Kind, Value};

fn setup(adjust: impl FnOnce(&mut AuthConfig<J>)) -> (Rc<Server>, Rc<Fake>, Rc<TestAuth>) {
    let server = Server::new();
    let fake = server.fake();
    let mut config = config();
    adjust(&mut config);
    let auth = auth_with(&fake, config);
    (server, fake, auth)
}

fn call(pool: &LocalPool, auth: &Rc<TestAuth>, url: &str) -> common::Outcome<Answer> {
    let auth = auth.clone();
    let request = get(url);
    spawn(pool, async move { auth.call(request).await })
}

fn settle_all(outcomes: &[common::Outcome<Answer>]) -> Vec<Answer> {
    outcomes.iter().map(|o| o.take().expect("settled")).collect()
}

fn login_requests(fake: &Fake) -> Vec<wxhttp::Request<J>> {
    fake.counters.log.borrow().iter().filter(|r| r.url.ends_with(LOGIN_PATH)).cloned().collect()
}

/// Logs in once with a first request, so that the next requests start with token T1.
fn warm(pool: &mut LocalPool, auth: &Rc<TestAuth>) {
    let first = call(pool, auth, "/warm");
    pool.run_until_stalled();
    assert!(first.take().expect("settled").is_ok());
}

// L1 ------------------------------------------------------------------------------------------

#[test]
fn concurrent_cold_start_logs_in_once() {
    let (server, fake, auth) = setup(|_| {});
    server.login_delay.set(50);
    fake.login_delay.set(10);
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..50).map(|i| call(&pool, &auth, &format!("/items/{i}"))).collect();
    pool.run_until_stalled();
    assert_eq!(fake.codes.get(), 1, "one wx.login");
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(server.logins(), 1, "one login request");
    assert!(server.business.borrow().is_empty(), "nothing is sent before the token arrives");
    fake.clock.advance(&mut pool, 50.0);
    for outcome in settle_all(&outcomes) {
        assert_eq!(body(&outcome)["code"], 0);
    }
    assert_eq!(server.logins(), 1);
    assert!(server.business.borrow().iter().all(|h| h.as_deref() == Some("T1")));
    assert_eq!(auth.token().as_deref(), Some("T1"));
}

#[test]
fn requests_issued_during_a_login_wait_for_it() {
    let (server, fake, auth) = setup(|_| {});
    server.login_delay.set(100);
    let mut pool = LocalPool::new();
    let first = call(&pool, &auth, "/a");
    fake.clock.advance(&mut pool, 50.0);
    let later: Vec<_> = (0..5).map(|_| call(&pool, &auth, "/b")).collect();
    fake.clock.advance(&mut pool, 10.0);
    assert!(server.business.borrow().is_empty());
    fake.clock.advance(&mut pool, 40.0);
    assert!(first.take().unwrap().is_ok());
    assert!(settle_all(&later).iter().all(Result::is_ok));
    assert_eq!(server.logins(), 1);
    assert_eq!(server.business.borrow().len(), 6);
}

#[test]
fn login_request_goes_below_auth_with_priority_and_the_code() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    let login = &login_requests(&fake)[0];
    assert_eq!(login.method, wxhttp::Method::Post);
    assert_eq!(login.url, format!("{BASE}{LOGIN_PATH}"));
    assert!(login.priority, "the login takes the next free slot");
    assert!(!login.auth, "the login never goes through auth");
    assert_eq!(login.header("Authorization"), None);
    assert_eq!(server.login_bodies.borrow()[0], json!({ "code": "code-1", "previousToken": null }));
}

#[test]
fn explicit_login_joins_the_login_in_flight() {
    let (server, fake, auth) = setup(|_| {});
    server.login_delay.set(100);
    let mut pool = LocalPool::new();
    let request = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let joined = spawn(&pool, auth.login());
    fake.clock.advance(&mut pool, 100.0);
    assert!(joined.take().unwrap().is_ok());
    assert!(request.take().unwrap().is_ok());
    assert_eq!(server.logins(), 1);
    server.login_delay.set(0);
    // With no login in flight, `login()` starts one, sending the current token as previous.
    pool.run_until(auth.login()).unwrap();
    assert_eq!(server.logins(), 2);
    assert_eq!(server.login_bodies.borrow()[1]["previousToken"], "T1");
    assert_eq!(auth.token().as_deref(), Some("T2"));
}

// L2 ------------------------------------------------------------------------------------------

#[test]
fn concurrent_expiry_logs_in_once() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    server.expire();
    let outcomes: Vec<_> = (0..20).map(|i| call(&pool, &auth, &format!("/items/{i}?delay={}", i * 3))).collect();
    fake.clock.advance(&mut pool, 100.0);
    assert!(settle_all(&outcomes).iter().all(Result::is_ok));
    assert_eq!(server.logins(), 2, "one re-login for the whole episode");
    assert_eq!(fake.codes.get(), 2);
    assert_eq!(server.login_bodies.borrow()[1]["previousToken"], "T1", "previousToken is sent on re-login");
    let headers = server.business.borrow();
    assert_eq!(headers.iter().filter(|h| h.as_deref() == Some("T2")).count(), 20, "each replays once with T2");
}

fn expiry_form_triggers_relogin(expired: Expired) {
    let (server, fake, auth) = setup(|_| {});
    server.expired.set(expired);
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    server.expire();
    let outcome = call(&pool, &auth, "/me");
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(body(&outcome.take().unwrap())["code"], 0, "{expired:?}");
    assert_eq!(server.logins(), 2, "{expired:?}");
    assert_eq!(server.expired_answers.get(), 1);
}

#[test]
fn expired_code_as_number_triggers_relogin_and_replay() {
    expiry_form_triggers_relogin(Expired::Code);
}

#[test]
fn expired_code_as_string_triggers_relogin_and_replay() {
    expiry_form_triggers_relogin(Expired::CodeString);
}

#[test]
fn no_login_session_message_triggers_relogin_and_replay() {
    expiry_form_triggers_relogin(Expired::Message);
}

#[test]
fn status_401_triggers_relogin_and_replay() {
    expiry_form_triggers_relogin(Expired::Status401);
}

#[test]
fn is_expired_overrides_the_lists() {
    let (server, fake, auth) = setup(|c| c.is_expired = Some(Rc::new(|r| r.raw.text("data.code").as_deref() == Some("1"))));
    server.expired.set(Expired::Code); // 99997: not expired for this app
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    server.expire();
    let outcome = call(&pool, &auth, "/me");
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(body(&outcome.take().unwrap())["code"], 99997, "handed over as it is");
    assert_eq!(server.logins(), 1);
    server.expired.set(Expired::Message); // code 1: expired for this app
    let outcome = call(&pool, &auth, "/me");
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(body(&outcome.take().unwrap())["code"], 0);
    assert_eq!(server.logins(), 2);
}

#[test]
fn other_errors_pass_through_without_relogin() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    fake.respond(|_| status(500));
    let error = call(&pool, &auth, "/boom");
    pool.run_until_stalled();
    assert_eq!(error.take().unwrap().unwrap_err().kind, Kind::Http);
    assert_eq!(server.logins(), 1);
}

// L3 ------------------------------------------------------------------------------------------

#[test]
fn late_expired_answer_after_relogin_replays_without_login() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    server.expire();
    // Sent with T1, answered "expired" only at t+1000.
    let slow = call(&pool, &auth, "/slow?delay=1000");
    pool.run_until_stalled();
    // Meanwhile a fast request finds T1 expired and the re-login brings T2.
    let fast = call(&pool, &auth, "/fast");
    fake.clock.advance(&mut pool, 10.0);
    assert!(fast.take().unwrap().is_ok());
    assert_eq!(server.logins(), 2);
    fake.clock.advance(&mut pool, 1000.0);
    assert_eq!(server.logins(), 2, "the late answer causes no second login");
    fake.clock.advance(&mut pool, 1000.0); // the replay takes its own 1000 ms
    assert!(slow.take().unwrap().is_ok());
    assert_eq!(server.logins(), 2, "the late answer causes no second login");
    assert_eq!(server.business.borrow().last().unwrap().as_deref(), Some("T2"), "replayed with the current token");
}

#[test]
fn late_expired_answer_does_not_invalidate_the_newer_token() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    server.expire();
    let slow = call(&pool, &auth, "/slow?delay=1000");
    let fast = call(&pool, &auth, "/fast");
    fake.clock.advance(&mut pool, 10.0);
    assert!(fast.take().unwrap().is_ok());
    fake.clock.advance(&mut pool, 2000.0);
    assert!(slow.take().unwrap().is_ok());
    assert_eq!(auth.token().as_deref(), Some("T2"));
    let next = call(&pool, &auth, "/next");
    pool.run_until_stalled();
    assert!(next.take().unwrap().is_ok());
    assert_eq!(server.logins(), 2);
}

// L4 ------------------------------------------------------------------------------------------

type Messages = Rc<RefCell<Vec<String>>>;

/// An `on_login_failed` hook counting its calls and keeping the messages.
fn failure_hook() -> (Rc<Cell<u32>>, Messages, impl FnOnce(&mut AuthConfig<J>)) {
    let calls = Rc::new(Cell::new(0));
    let messages = Rc::new(RefCell::new(Vec::new()));
    let (c, m) = (calls.clone(), messages.clone());
    let adjust = move |config: &mut AuthConfig<J>| {
        config.on_login_failed = Some(Rc::new(move |error: &wxhttp::Error<J>| {
            c.set(c.get() + 1);
            m.borrow_mut().push(error.message.clone());
        }))
    };
    (calls, messages, adjust)
}

#[test]
fn failed_login_rejects_all_waiters_and_calls_hook_once() {
    let (calls, messages, adjust) = failure_hook();
    let (server, fake, auth) = setup(adjust);
    fake.login_failures.set(1);
    fake.login_delay.set(20);
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..10).map(|_| call(&pool, &auth, "/a")).collect();
    fake.clock.advance(&mut pool, 20.0);
    for outcome in settle_all(&outcomes) {
        let error = outcome.unwrap_err();
        assert_eq!(error.kind, Kind::Login);
        assert!(error.message.contains("wx.login failed"), "{}", error.message);
        assert!(error.message.ends_with("GET https://api.example.com/a"), "{}", error.message);
    }
    assert_eq!(calls.get(), 1, "once per episode");
    assert!(messages.borrow()[0].contains("wx.login"));
    assert_eq!(server.logins(), 0, "no login request without a code");
    assert_eq!(fake.codes.get(), 0, "a failed wx.login is not retried inside the episode");
    assert!(server.business.borrow().is_empty());
    // The next request starts a fresh login.
    let next = call(&pool, &auth, "/b");
    fake.clock.advance(&mut pool, 20.0);
    assert!(next.take().unwrap().is_ok());
    assert_eq!(server.logins(), 1);
    assert_eq!(calls.get(), 1);
}

/// `wx.login` calls so far, failed ones included (`codes` counts the successful ones).
fn wx_logins(fake: &Fake, failures_armed: u32) -> u32 {
    fake.codes.get() + failures_armed - fake.login_failures.get()
}

#[test]
fn late_expired_answers_after_a_failed_relogin_share_its_failure() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(adjust);
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    // Four requests out with T1; the server has dropped T1; wx.login keeps failing. Their
    // "expired" answers come back one at a time (10, 20, 30, 40 ms), a fifth much later.
    server.expire();
    fake.login_failures.set(100);
    let late: Vec<_> = (1..=4).map(|i| call(&pool, &auth, &format!("/late/{i}?delay={}", i * 10))).collect();
    let latest = call(&pool, &auth, "/latest?delay=1000");
    pool.run_until_stalled();
    assert_eq!(server.business.borrow().len(), 6, "all five went out with T1");
    for (i, outcome) in late.iter().enumerate() {
        fake.clock.advance(&mut pool, 10.0);
        let error = outcome.take().expect("settled on its answer").unwrap_err();
        assert_eq!(error.kind, Kind::Login, "request {i}");
        assert!(error.message.contains("wx.login failed"), "{}", error.message);
        assert!(error.message.ends_with(&format!("GET https://api.example.com/late/{}?delay={}", i + 1, (i + 1) * 10)), "{}", error.message);
    }
    assert_eq!(wx_logins(&fake, 100), 2, "the cold start and one failed re-login for the four answers");
    assert_eq!(calls.get(), 1, "on_login_failed once for the episode");
    assert_eq!(server.business.borrow().len(), 6, "no replay without a token");
    // A request issued after the failure starts a fresh login (which fails again here).
    let fresh = call(&pool, &auth, "/fresh");
    pool.run_until_stalled();
    assert_eq!(fresh.take().unwrap().unwrap_err().kind, Kind::Login);
    assert_eq!((wx_logins(&fake, 100), calls.get()), (3, 2));
    // wx.login works again: the next request logs in (T2); the answer for T1 still out then
    // replays with T2 and logs in no more (L3).
    fake.login_failures.set(0);
    let recovered = call(&pool, &auth, "/recovered");
    pool.run_until_stalled();
    assert!(recovered.take().unwrap().is_ok());
    assert_eq!(auth.token().as_deref(), Some("T2"));
    fake.clock.advance(&mut pool, 1000.0);
    assert_eq!(server.logins(), 2, "the late answer logs in no more");
    fake.clock.advance(&mut pool, 1000.0); // the replay takes its own 1000 ms
    let latest = latest.take().expect("replayed").unwrap();
    assert_eq!(latest.raw.0["data"]["code"], 0);
    assert_eq!(server.logins(), 2);
    assert_eq!(server.business.borrow().last().unwrap().as_deref(), Some("T2"));
    assert_eq!(calls.get(), 2);
}

#[test]
fn a_late_expired_answer_joins_a_fresh_login_started_after_a_failure() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(adjust);
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    server.expire();
    server.login_errors.set(1);
    let first = call(&pool, &auth, "/first?delay=10");
    let late = call(&pool, &auth, "/late?delay=30");
    fake.clock.advance(&mut pool, 10.0);
    assert_eq!(first.take().unwrap().unwrap_err().kind, Kind::Login, "the login endpoint said 500");
    assert_eq!((server.logins(), calls.get()), (2, 1));
    // A new request starts a fresh login, still in flight when the late answer arrives.
    server.login_delay.set(50);
    let fresh = call(&pool, &auth, "/fresh");
    fake.clock.advance(&mut pool, 20.0);
    assert!(!late.is_settled(), "the late answer waits for the login in flight");
    fake.clock.advance(&mut pool, 30.0);
    assert!(fresh.take().unwrap().is_ok());
    fake.clock.advance(&mut pool, 30.0); // the replay takes its own 30 ms
    assert!(late.take().unwrap().is_ok(), "replayed with T2");
    assert_eq!((server.logins(), calls.get()), (3, 1));
    assert_eq!(auth.token().as_deref(), Some("T2"));
}

#[test]
fn wx_login_that_never_answers_times_out_with_login() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(move |c| {
        adjust(c);
        c.login_timeout = 5000;
    });
    fake.login_delay.set(u32::MAX);
    let mut pool = LocalPool::new();
    let outcome = call(&pool, &auth, "/a");
    fake.clock.advance(&mut pool, 4999.0);
    assert!(!outcome.is_settled());
    fake.clock.advance(&mut pool, 1.0);
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Login);
    assert!(error.message.contains("wx.login gave no code within 5000ms"), "{}", error.message);
    assert_eq!(calls.get(), 1);
    fake.login_delay.set(0);
    warm(&mut pool, &auth);
    assert_eq!(server.logins(), 1);
}

#[test]
fn login_endpoint_error_rejects_with_login() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(adjust);
    server.login_errors.set(1);
    server.login_delay.set(10);
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..3).map(|_| call(&pool, &auth, "/a")).collect();
    fake.clock.advance(&mut pool, 10.0);
    for outcome in settle_all(&outcomes) {
        let error = outcome.unwrap_err();
        assert_eq!(error.kind, Kind::Login);
        assert_eq!(error.status, Some(500));
        assert!(error.message.contains("status 500"), "{}", error.message);
    }
    assert_eq!(calls.get(), 1);
    assert_eq!(server.logins(), 1);
    server.login_delay.set(0);
    warm(&mut pool, &auth);
    assert_eq!(server.logins(), 2);
}

#[test]
fn login_transport_failure_rejects_with_login() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(adjust);
    let mut pool = LocalPool::new();
    let s = server.clone();
    fake.respond(move |r| if r.url.ends_with(LOGIN_PATH) { fail("request:fail ssl hand shake error") } else { s.answer(r) });
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Login);
    assert_eq!(error.err_msg.as_deref(), Some("request:fail ssl hand shake error"));
    assert_eq!(calls.get(), 1);
}

#[test]
fn missing_token_at_token_path_rejects_with_login() {
    let (calls, _, adjust) = failure_hook();
    let (server, _fake, auth) = setup(adjust);
    server.omit_token.set(true);
    let mut pool = LocalPool::new();
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Login);
    assert!(error.message.contains("no token at `data.token`"), "{}", error.message);
    assert_eq!(calls.get(), 1);
    assert_eq!(auth.token(), None);
}

#[test]
fn token_path_and_scheme_are_configurable() {
    let (server, fake, auth) = setup(|c| {
        c.token_path = "data.session.id".into();
        c.scheme = "Bearer ".into();
    });
    *server.scheme.borrow_mut() = "Bearer ".into();
    fake.respond({
        let s = server.clone();
        move |r| {
            if r.url.ends_with(LOGIN_PATH) {
                s.valid.borrow_mut().push("S9".into());
                ok(json!({ "code": 0, "data": { "session": { "id": "S9" } } }))
            } else {
                s.answer(r)
            }
        }
    });
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    assert_eq!(server.business.borrow()[0].as_deref(), Some("Bearer S9"));
}

#[test]
fn login_function_skips_the_http_request() {
    let inputs = Rc::new(RefCell::new(Vec::new()));
    let seen = inputs.clone();
    let (server, fake, auth) = setup(move |c| {
        c.login = Login::function(move |input| {
            seen.borrow_mut().push((input.code.clone(), input.previous_token.clone()));
            async { Ok(LoginOutput { token: "T1".into(), expires_in: None, user_id: Some("u1".into())}) }.boxed_local()
        })
    });
    server.valid.borrow_mut().push("T1".into());
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    assert_eq!(*inputs.borrow(), vec![("code-1".to_string(), None)]);
    assert!(login_requests(&fake).is_empty());
    assert_eq!(auth.current_user().as_deref(), Some("u1"));
}

#[test]
fn login_function_error_rejects_with_login() {
    let (_server, _fake, auth) = setup(|c| c.login = Login::function(|_| async { Err("server said no".to_string()) }.boxed_local()));
    let mut pool = LocalPool::new();
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Login);
    assert!(error.message.contains("server said no"));
}

// L5 ------------------------------------------------------------------------------------------

#[test]
fn still_expired_after_max_relogin_rejects_with_auth() {
    let (server, _fake, auth) = setup(|_| {});
    server.revoke_on_login.set(true);
    let mut pool = LocalPool::new();
    // A server that never accepts any token.
    let s = server.clone();
    _fake.respond(move |r| {
        let reply = s.answer(r);
        s.expire();
        reply
    });
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Auth);
    assert!(error.message.contains("after 1 re-login"), "{}", error.message);
    assert!(error.response.is_some());
    assert_eq!(server.logins(), 2, "the first login and one re-login");
    assert_eq!(server.business.borrow().len(), 2, "sent once and replayed once");
}

#[test]
fn max_relogin_counts_replays() {
    let (server, fake, auth) = setup(|c| c.max_relogin = 3);
    let s = server.clone();
    fake.respond(move |r| {
        let reply = s.answer(r);
        s.expire();
        reply
    });
    let mut pool = LocalPool::new();
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    assert_eq!(outcome.take().unwrap().unwrap_err().kind, Kind::Auth);
    assert_eq!(server.business.borrow().len(), 4);
}

#[test]
fn eleventh_login_within_a_minute_rejects_with_login() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(adjust);
    let mut pool = LocalPool::new();
    for _ in 0..10 {
        pool.run_until(auth.login()).unwrap();
        fake.clock.advance(&mut pool, 1000.0);
    }
    assert_eq!(server.logins(), 10);
    server.expire();
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let error = outcome.take().unwrap().unwrap_err();
    assert_eq!(error.kind, Kind::Login);
    assert!(error.message.contains("10 logins"), "{}", error.message);
    assert_eq!(server.logins(), 10);
    assert!(pool.run_until(auth.login()).is_err());
    assert_eq!(calls.get(), 0, "the rate limit is no failed login");
    // The first login leaves the window at +60 s.
    fake.clock.advance(&mut pool, 60_000.0 - 10_000.0);
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    assert!(outcome.take().unwrap().is_ok());
    assert_eq!(server.logins(), 11);
}

#[test]
fn clock_jumping_back_never_blocks_logins() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    for _ in 0..10 {
        pool.run_until(auth.login()).unwrap();
    }
    fake.clock.jump(-3_600_000.0);
    pool.run_until(auth.login()).unwrap();
    assert_eq!(server.logins(), 11);
}

// L6 ------------------------------------------------------------------------------------------

/// Logs in on a first "launch" and returns the fake, whose storage now holds the token.
fn first_launch(server: &Rc<Server>) -> Rc<Fake> {
    let fake = server.fake();
    let auth = auth_with(&fake, config());
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    fake
}

#[test]
fn persisted_token_is_restored_and_checked_once() {
    let server = Server::new();
    server.user.replace(Some("u1".into()));
    let fake = first_launch(&server);
    assert!(fake.storage.borrow().contains_key("wxhttp:auth"));
    let auth = auth_with(&fake, config());
    assert_eq!(auth.token().as_deref(), Some("T1"));
    assert_eq!(auth.current_user().as_deref(), Some("u1"));
    assert_eq!(fake.check_sessions.get(), 0, "checked on first use, not at construction");
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..5).map(|_| call(&pool, &auth, "/a")).collect();
    pool.run_until_stalled();
    assert!(settle_all(&outcomes).iter().all(Result::is_ok));
    warm(&mut pool, &auth);
    assert_eq!(fake.check_sessions.get(), 1, "wx.checkSession once per launch");
    assert_eq!(server.logins(), 1, "no login on the second launch");
}

#[test]
fn dead_session_on_restore_relogs_in_with_previous_token() {
    let server = Server::new();
    let fake = first_launch(&server);
    fake.session_alive.set(false);
    let auth = auth_with(&fake, config());
    let mut pool = LocalPool::new();
    let outcomes: Vec<_> = (0..3).map(|_| call(&pool, &auth, "/a")).collect();
    pool.run_until_stalled();
    assert!(settle_all(&outcomes).iter().all(Result::is_ok));
    assert_eq!(fake.check_sessions.get(), 1);
    assert_eq!(server.logins(), 2);
    assert_eq!(server.login_bodies.borrow()[1]["previousToken"], "T1");
    assert!(server.business.borrow()[1..].iter().all(|h| h.as_deref() == Some("T2")), "none sent with the dead token");
}

#[test]
fn check_session_false_in_config_skips_it() {
    let server = Server::new();
    let fake = first_launch(&server);
    let auth = auth_with(&fake, AuthConfig { check_session: false, ..config() });
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    assert_eq!(fake.check_sessions.get(), 0);
}

#[test]
fn restored_token_past_its_expiry_relogs_in() {
    let server = Server::new();
    server.expires_in.set(7200.0.into());
    let fake = first_launch(&server);
    fake.clock.jump(7_200_000.0);
    let auth = auth_with(&fake, config());
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    assert_eq!(server.logins(), 2);
    assert_eq!(server.login_bodies.borrow()[1]["previousToken"], "T1");
    assert_eq!(fake.check_sessions.get(), 0, "a known-dead token needs no check");
    assert_eq!(server.business.borrow().last().unwrap().as_deref(), Some("T2"));
}

#[test]
fn known_expiry_reached_while_running_relogs_in_before_sending() {
    let (server, fake, auth) = setup(|_| {});
    server.expires_in.set(Some(60.0));
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    fake.clock.advance(&mut pool, 60_000.0);
    warm(&mut pool, &auth);
    assert_eq!(server.logins(), 2);
    assert_eq!(server.expired_answers.get(), 0, "never sent with the expired token");
}

#[test]
fn logout_forgets_the_token_and_removes_it_from_storage() {
    let changes = Rc::new(RefCell::new(Vec::new()));
    let seen = changes.clone();
    let (server, fake, auth) = setup(move |c| {
        c.on_user_change = Some(Rc::new(move |old: Option<&str>, new: Option<&str>| {
            seen.borrow_mut().push((old.map(str::to_string), new.map(str::to_string)))
        }))
    });
    server.user.replace(Some("u1".into()));
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    let generation = auth.generation();
    auth.logout();
    assert_eq!(auth.token(), None);
    assert_eq!(auth.current_user(), None);
    assert!(auth.generation() > generation);
    assert!(!fake.storage.borrow().contains_key("wxhttp:auth"));
    assert_eq!(changes.borrow().last().unwrap(), &(Some("u1".into()), None));
    warm(&mut pool, &auth);
    assert_eq!(server.login_bodies.borrow()[1]["previousToken"], json!(null), "logout forgets the old token");
}

#[test]
fn logout_during_a_login_rejects_its_waiters() {
    let (server, fake, auth) = setup(|_| {});
    server.login_delay.set(100);
    let mut pool = LocalPool::new();
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    auth.logout();
    fake.clock.advance(&mut pool, 100.0);
    assert_eq!(outcome.take().unwrap().unwrap_err().kind, Kind::Login);
    assert_eq!(auth.token(), None, "the login that finished after logout is not installed");
    server.login_delay.set(0);
    warm(&mut pool, &auth);
    assert_eq!(auth.token().as_deref(), Some("T2"));
}

// L7 ------------------------------------------------------------------------------------------

#[test]
fn token_goes_only_to_own_and_listed_origins() {
    let (server, fake, auth) = setup(|c| c.origins = vec!["https://files.example.com".into()]);
    let mut pool = LocalPool::new();
    let s = server.clone();
    fake.respond(move |r| if r.url.starts_with(BASE) { s.answer(r) } else { ok(json!({ "code": 0 })) });
    for url in ["https://other.example.com/x", "https://api.example.com:8443/x", "http://api.example.com/x"] {
        let outcome = call(&pool, &auth, url);
        pool.run_until_stalled();
        assert!(outcome.take().unwrap().is_ok());
    }
    assert_eq!(server.logins(), 0, "no login for foreign origins");
    assert!(fake.counters.log.borrow().iter().all(|r| r.header("Authorization").is_none()));
    let listed = call(&pool, &auth, "https://FILES.example.com/upload");
    pool.run_until_stalled();
    assert!(listed.take().unwrap().is_ok());
    assert_eq!(fake.counters.log.borrow().last().unwrap().header("Authorization"), Some("T1"));
}

#[test]
fn auth_false_skips_the_layer() {
    let (server, fake, auth) = setup(|_| {});
    let mut pool = LocalPool::new();
    let mut request = get("/public");
    request.auth = false;
    let a = auth.clone();
    let outcome = spawn(&pool, async move { a.call(request).await });
    pool.run_until_stalled();
    // The server calls it expired (no token), and auth does not step in.
    assert_eq!(body(&outcome.take().unwrap())["code"], 99997);
    assert_eq!(server.logins(), 0);
    assert_eq!(fake.counters.log.borrow()[0].header("Authorization"), None);
}

// L8 ------------------------------------------------------------------------------------------

#[test]
fn refresh_ahead_keeps_the_old_token_until_the_new_one_arrives() {
    let (server, fake, auth) = setup(|c| c.refresh_ahead = 60_000.0);
    server.expires_in.set(Some(600.0));
    server.revoke_on_login.set(false);
    server.login_delay.set(100);
    let mut pool = LocalPool::new();
    fake.clock.advance(&mut pool, 0.0);
    let first = call(&pool, &auth, "/a");
    fake.clock.advance(&mut pool, 100.0);
    assert!(first.take().unwrap().is_ok());
    fake.clock.advance(&mut pool, 540_000.0); // 60 s before expiry
    let during: Vec<_> = (0..3).map(|_| call(&pool, &auth, "/b?delay=30")).collect();
    pool.run_until_stalled();
    assert_eq!(server.logins(), 2, "the background re-login started once");
    assert_eq!(server.login_bodies.borrow()[1]["previousToken"], "T1");
    fake.clock.advance(&mut pool, 30.0);
    assert!(settle_all(&during).iter().all(Result::is_ok), "answered without waiting for the login");
    assert_eq!(auth.token().as_deref(), Some("T1"));
    // Driven by a request still in flight, the login completes in the background.
    let slow = call(&pool, &auth, "/c?delay=500");
    fake.clock.advance(&mut pool, 500.0);
    assert!(slow.take().unwrap().is_ok());
    assert_eq!(auth.token().as_deref(), Some("T2"));
    let headers = server.business.borrow();
    assert!(headers[1..5].iter().all(|h| h.as_deref() == Some("T1")));
    drop(headers);
    warm(&mut pool, &auth);
    assert_eq!(server.business.borrow().last().unwrap().as_deref(), Some("T2"));
    assert_eq!(server.logins(), 2);
}

#[test]
fn background_refresh_can_be_driven_by_the_client() {
    let (server, fake, auth) = setup(|c| c.refresh_ahead = 1000.0);
    server.expires_in.set(Some(10.0));
    server.revoke_on_login.set(false);
    server.login_delay.set(100);
    let mut pool = LocalPool::new();
    let first = call(&pool, &auth, "/a");
    fake.clock.advance(&mut pool, 100.0);
    assert!(first.take().unwrap().is_ok());
    fake.clock.advance(&mut pool, 9000.0);
    warm(&mut pool, &auth);
    let background = auth.background().expect("a refresh in flight");
    spawn(&pool, background);
    fake.clock.advance(&mut pool, 100.0);
    assert_eq!(auth.token().as_deref(), Some("T2"));
}

#[test]
fn with_a_spawner_the_background_refresh_completes_on_its_own() {
    let pool = LocalPool::new();
    let spawner = pool.spawner();
    let (server, fake, auth) = setup(move |c| {
        c.refresh_ahead = 1000.0;
        c.spawn = Some(Rc::new(move |login| futures::task::LocalSpawnExt::spawn_local(&spawner, login).unwrap()));
    });
    let mut pool = pool;
    server.expires_in.set(Some(10.0));
    server.revoke_on_login.set(false);
    warm(&mut pool, &auth);
    server.login_delay.set(100);
    fake.clock.advance(&mut pool, 9000.0);
    warm(&mut pool, &auth); // answered at once, with T1; the refresh is left to the spawner
    assert_eq!(auth.token().as_deref(), Some("T1"));
    fake.clock.advance(&mut pool, 100.0);
    assert_eq!(auth.token().as_deref(), Some("T2"));
    assert_eq!(server.logins(), 2);
}

#[test]
fn failed_background_refresh_keeps_the_old_token_quietly() {
    let (calls, _, adjust) = failure_hook();
    let (server, fake, auth) = setup(move |c| {
        adjust(c);
        c.refresh_ahead = 1000.0;
    });
    server.expires_in.set(Some(10.0));
    server.revoke_on_login.set(false);
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    fake.clock.advance(&mut pool, 9500.0);
    server.login_errors.set(1);
    warm(&mut pool, &auth);
    warm(&mut pool, &auth);
    assert_eq!(server.logins(), 2, "not retried for the same token");
    assert_eq!(auth.token().as_deref(), Some("T1"));
    assert_eq!(calls.get(), 0, "no request failed");
    fake.clock.advance(&mut pool, 500.0);
    warm(&mut pool, &auth);
    assert_eq!(auth.token().as_deref(), Some("T2"), "at expiry a foreground login");
}

// L9 ------------------------------------------------------------------------------------------

#[test]
fn user_switch_hook_runs_before_waiting_requests_resolve() {
    let events = Rc::new(RefCell::new(Vec::<String>::new()));
    let seen = events.clone();
    let (server, fake, auth) = setup(move |c| {
        c.on_user_change = Some(Rc::new(move |old: Option<&str>, new: Option<&str>| {
            seen.borrow_mut().push(format!("change {old:?} -> {new:?}"))
        }))
    });
    server.user.replace(Some("alice".into()));
    let mut pool = LocalPool::new();
    warm(&mut pool, &auth);
    assert_eq!(auth.current_user().as_deref(), Some("alice"));
    server.expire();
    server.user.replace(Some("bob".into()));
    let a = auth.clone();
    let log = events.clone();
    spawn(&pool, async move {
        let outcome = a.call(get("/me")).await;
        log.borrow_mut().push(format!("resolved {}", outcome.is_ok()));
    });
    pool.run_until_stalled();
    let _ = fake;
    assert_eq!(
        *events.borrow(),
        vec!["change None -> Some(\"alice\")", "change Some(\"alice\") -> Some(\"bob\")", "resolved true"]
    );
    assert_eq!(auth.current_user().as_deref(), Some("bob"));
    // Same user again: no hook.
    pool.run_until(auth.login()).unwrap();
    assert_eq!(events.borrow().len(), 3);
}

// Robustness ----------------------------------------------------------------------------------

#[test]
fn aborted_waiters_never_stall_the_login() {
    let (server, fake, auth) = setup(|_| {});
    server.login_delay.set(100);
    let mut pool = LocalPool::new();
    let a = auth.clone();
    let (handle, registration) = futures::future::AbortHandle::new_pair();
    let aborted = spawn(&pool, futures::future::Abortable::new(async move { a.call(get("/a")).await }, registration));
    pool.run_until_stalled();
    handle.abort();
    pool.run_until_stalled();
    assert!(aborted.take().unwrap().is_err());
    fake.clock.advance(&mut pool, 100.0);
    let next = call(&pool, &auth, "/b");
    fake.clock.advance(&mut pool, 100.0);
    assert!(next.take().unwrap().is_ok());
    assert_eq!(server.logins(), 1, "the next request joined the login in flight");
}

#[test]
fn the_token_never_appears_in_errors_or_debug_output() {
    let (server, fake, auth) = setup(|_| {});
    let s = server.clone();
    fake.respond(move |r| {
        let reply = s.answer(r);
        s.expire();
        reply
    });
    let mut pool = LocalPool::new();
    let outcome = call(&pool, &auth, "/a");
    pool.run_until_stalled();
    let error = outcome.take().unwrap().unwrap_err();
    assert!(!error.message.contains("T1") && !error.message.contains("T2"), "{}", error.message);
    let session = wxhttp::auth::Session { token: "SECRET".into(), expires_at: None, user_id: None, generation: 1 };
    assert!(!format!("{session:?}").contains("SECRET"));
    let output = LoginOutput { token: "SECRET".into(), expires_in: None, user_id: None };
    assert!(!format!("{output:?}").contains("SECRET"));
}

// Composition -----------------------------------------------------------------------------------

#[test]
fn login_takes_the_next_free_slot_over_the_real_layers_below() {
    use wxhttp::auth::Auth;
    use wxhttp::limit::Limit;
    use wxhttp::retry::{Retry, RetryPolicy};
    use wxhttp::transport::Transport;
    let server = Server::new();
    let fake = server.fake();
    let below = Retry::new(Limit::new(Transport::new(fake.clone()), 1), RetryPolicy::default(), fake.clone());
    let auth = Rc::new(Auth::new(Rc::new(below), fake.clone(), BASE, config()));
    let mut pool = LocalPool::new();
    let public = |url: &str| {
        let mut request = get(url);
        request.auth = false;
        let a = auth.clone();
        spawn(&pool, async move { a.call(request).await })
    };
    let holder = public("/public/slow?delay=100"); // holds the only slot
    let queued = public("/public/queued");
    let a = auth.clone();
    let needs_token = spawn(&pool, async move { a.call(get("/private")).await });
    fake.clock.advance(&mut pool, 100.0);
    for outcome in [holder, queued, needs_token] {
        assert!(outcome.take().unwrap().is_ok());
    }
    let order: Vec<String> = fake.counters.log.borrow().iter().map(|r| path_and_delay(&r.url).0).collect();
    assert_eq!(order, ["/public/slow", LOGIN_PATH, "/public/queued", "/private"], "the login jumps the queue");
    assert_eq!(fake.counters.max_in_flight.get(), 1, "and still counts toward the limit");
}
