//! The numbers that cross the boundary: `js/protocol.js` must mirror `src/protocol.rs` name for
//! name and value for value, or the driver and the core talk past each other.

use std::collections::BTreeMap;

use wxhttp::protocol::{answer, failure, flag, method, op, reason, user, NIL};

fn rust_side() -> BTreeMap<String, u32> {
    let groups: [(&str, &[(&str, u32)]); 7] = [
        (
            "op",
            &[
                ("NONE", op::NONE),
                ("SEND", op::SEND),
                ("CHECK_SESSION", op::CHECK_SESSION),
                ("WX_LOGIN", op::WX_LOGIN),
                ("LOGIN_SEND", op::LOGIN_SEND),
                ("LOGIN_CALL", op::LOGIN_CALL),
                ("LOGIN_FAILED", op::LOGIN_FAILED),
                ("SAVE_TOKEN", op::SAVE_TOKEN),
                ("DROP_TOKEN", op::DROP_TOKEN),
                ("DROP_CACHE", op::DROP_CACHE),
                ("IDENTITY", op::IDENTITY),
                ("RESOLVE", op::RESOLVE),
                ("REJECT", op::REJECT),
                ("ABORT", op::ABORT),
                ("TIMER", op::TIMER),
                ("CACHE_READ", op::CACHE_READ),
                ("CACHE_WRITE", op::CACHE_WRITE),
                ("CODE_FETCH", op::CODE_FETCH),
                ("CODE_GIVE", op::CODE_GIVE),
                ("CODE_DROP", op::CODE_DROP),
            ],
        ),
        (
            "reason",
            &[
                ("NETWORK", reason::NETWORK),
                ("TIMEOUT", reason::TIMEOUT),
                ("TIMEOUT_LOGIN", reason::TIMEOUT_LOGIN),
                ("TIMEOUT_HIDDEN", reason::TIMEOUT_HIDDEN),
                ("HTTP", reason::HTTP),
                ("AUTH", reason::AUTH),
                ("LOGIN_FAILED", reason::LOGIN_FAILED),
                ("LOGIN_LIMIT", reason::LOGIN_LIMIT),
                ("LOGGED_OUT", reason::LOGGED_OUT),
                ("ABORTED", reason::ABORTED),
                ("WX_ABORTED", reason::WX_ABORTED),
                ("CODE_FAILED", reason::CODE_FAILED),
                ("OVERLOAD", reason::OVERLOAD),
                ("OFFLINE", reason::OFFLINE),
                ("TIMEOUT_OFFLINE", reason::TIMEOUT_OFFLINE),
            ],
        ),
        (
            "flag",
            &[
                ("AUTH", flag::AUTH),
                ("CACHE", flag::CACHE),
                ("LOGIN", flag::LOGIN),
                ("NO_RETRY", flag::NO_RETRY),
                ("OFFLINE_FAIL", flag::OFFLINE_FAIL),
                ("COMMITTED", flag::COMMITTED),
            ],
        ),
        ("answer", &[("VALID", answer::VALID), ("EXPIRED", answer::EXPIRED)]),
        ("user", &[("SAME", user::SAME), ("OTHER", user::OTHER), ("NONE", user::NONE)]),
        (
            "failure",
            &[
                ("NETWORK", failure::NETWORK),
                ("TIMEOUT", failure::TIMEOUT),
                ("ABORTED", failure::ABORTED),
                ("INTERRUPTED", failure::INTERRUPTED),
            ],
        ),
        (
            "method",
            &[
                ("GET", method::GET),
                ("HEAD", method::HEAD),
                ("OPTIONS", method::OPTIONS),
                ("POST", method::POST),
                ("PUT", method::PUT),
                ("PATCH", method::PATCH),
                ("DELETE", method::DELETE),
                ("TRACE", method::TRACE),
                ("CONNECT", method::CONNECT),
            ],
        ),
    ];
    let mut all = BTreeMap::from([("NIL".to_string(), NIL)]);
    for (group, names) in groups {
        for &(name, value) in names {
            all.insert(format!("{group}.{name}"), value);
        }
    }
    all
}

/// `NAME: number` pairs of `js/protocol.js`, as `group.NAME` (top-level names bare).
fn js_side(text: &str) -> BTreeMap<String, u32> {
    let body = text.split("module.exports = {").nth(1).expect("module.exports = { ... }");
    let mut all = BTreeMap::new();
    let mut group: Option<String> = None;
    let lines = body.lines().map(|l| l.split("//").next().unwrap_or(""));
    for token in lines.flat_map(|l| l.split(',')).map(str::trim).filter(|t| !t.is_empty()) {
        let mut token = token;
        if let Some((name, rest)) = token.split_once(": {") {
            group = Some(name.trim().to_string());
            token = rest.trim();
        }
        let closes = token.ends_with('}');
        if let Some((name, value)) = token.trim_end_matches('}').split_once(':') {
            let value: u32 = value.trim().parse().unwrap_or_else(|_| panic!("not a number: {token}"));
            let key = group.as_ref().map_or(name.trim().to_string(), |g| format!("{g}.{}", name.trim()));
            assert!(all.insert(key, value).is_none(), "{token} twice");
        }
        if closes {
            group = None;
        }
    }
    all
}

#[test]
fn the_driver_and_the_core_agree_on_every_number() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/js/protocol.js");
    let text = std::fs::read_to_string(path).expect("js/protocol.js");
    assert_eq!(js_side(&text), rust_side());
}
