//! `checkAvatar` (SPEC §9, seed 000): WeChat's "does not exist" headers in any name case,
//! HEAD with a GET fallback, and `unknown` for everything else — never an error.

mod common;

use std::rc::Rc;

use common::*;
use futures::executor::LocalPool;
use serde_json::json;
use wxhttp::avatar::{check, classify, is_checkable, AvatarState};
use wxhttp::Method;

fn headers(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_string())
}

fn answer(status: u16, header: serde_json::Value) -> Reply {
    Reply::Answer { status, body: json!(""), header, delay: 0 }
}

fn run(fake: &Rc<Fake>, url: &'static str) -> AvatarState {
    let mut pool = LocalPool::new();
    let f = fake.clone();
    let outcome = spawn(&pool, async move { check(&*f, url).await });
    fake.clock.advance(&mut pool, 30_000.0);
    outcome.take().expect("settled")
}

#[test]
fn the_6101_markers_mean_expired_in_any_header_name_case() {
    assert_eq!(classify(404, headers(&[("X-ErrNo", "-6101"), ("X-Info", "notexist:-6101")])), AvatarState::Expired);
    assert_eq!(classify(404, headers(&[("x-info", "notexist:-6101")])), AvatarState::Expired);
    assert_eq!(classify(404, headers(&[("X-ERRNO", " -6101 ")])), AvatarState::Expired);
    assert_eq!(classify(200, headers(&[("x-Info", "NotExist:-6101")])), AvatarState::Expired, "markers win over 200");
}

#[test]
fn a_2xx_without_markers_is_ok_and_anything_else_unknown() {
    assert_eq!(classify(200, headers(&[("Content-Type", "image/png")])), AvatarState::Ok);
    assert_eq!(classify(204, headers(&[("X-ErrNo", "0")])), AvatarState::Ok);
    assert_eq!(classify(404, headers(&[])), AvatarState::Unknown);
    assert_eq!(classify(500, headers(&[("X-Info", "other")])), AvatarState::Unknown);
    assert_eq!(AvatarState::Expired.as_str(), "expired");
}

#[test]
fn a_head_request_with_no_auth_and_no_retry_decides() {
    let fake = Fake::new(|_| answer(404, json!({ "X-ErrNo": "-6101" })));
    assert_eq!(run(&fake, "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132"), AvatarState::Expired);
    let log = fake.counters.log.borrow();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, Method::Head);
    assert!(log[0].header.is_empty(), "no token, no headers");
}

#[test]
fn head_refused_or_failing_falls_back_to_get() {
    let fake = Fake::new(|r| if r.method == Method::Head { answer(405, json!({})) } else { answer(200, json!({ "content-type": "image/png" })) });
    assert_eq!(run(&fake, "https://a.example/x.png"), AvatarState::Ok);
    assert_eq!(fake.counters.sent.get(), 2);

    let fake = Fake::new(|r| if r.method == Method::Head { fail("request:fail net::ERR_FAILED") } else { answer(404, json!({ "x-info": "notexist:-6101" })) });
    assert_eq!(run(&fake, "https://a.example/x.png"), AvatarState::Expired);

    let fake = Fake::new(|r| if r.method == Method::Head { answer(501, json!({})) } else { fail("request:fail net::ERR_FAILED") });
    assert_eq!(run(&fake, "https://a.example/x.png"), AvatarState::Unknown);
}

#[test]
fn network_failure_timeout_and_bad_urls_are_unknown() {
    let fake = Fake::new(|_| fail("request:fail net::ERR_INTERNET_DISCONNECTED"));
    assert_eq!(run(&fake, "https://a.example/x.png"), AvatarState::Unknown);
    let fake = Fake::new(|_| Reply::Hang);
    assert_eq!(run(&fake, "https://a.example/x.png"), AvatarState::Unknown);
    assert_eq!((fake.counters.sent.get(), fake.counters.aborted.get()), (1, 1), "timed out and aborted, no GET after");
    let fake = Fake::new(|_| answer(200, json!({})));
    for url in ["", "not a url", "/relative.png", "ftp://a.example/x", "https:///x", "https://a b/x"] {
        assert_eq!(run(&fake, url), AvatarState::Unknown, "{url:?}");
    }
    assert_eq!(fake.counters.sent.get(), 0, "bad URLs never reach wx.request");
    assert!(is_checkable("HTTPS://Thirdwx.qlogo.cn/x") && is_checkable("http://127.0.0.1:8080/avatar/ok/1"));
}
