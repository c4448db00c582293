//! Storage with expiry (SPEC §8): envelopes, the expiry boundary, clocks that go back, foreign
//! data, WeChat's limits and namespaces.

mod common;

use std::rc::Rc;

use common::*;
use serde_json::{json, Value as Json};
use wxhttp::storage::{Storage, StorageError, ENVELOPE_OVERHEAD_MAX, ITEM_LIMIT};

fn setup(namespace: &str) -> (Rc<Fake>, Storage<Fake>) {
    let fake = Fake::new(|_| ok(json!({})));
    let storage = Storage::new(fake.clone(), namespace);
    (fake, storage)
}

fn raw(fake: &Fake, key: &str) -> Option<Json> {
    fake.storage.borrow().get(key).map(|j| j.0.clone())
}

fn put_raw(fake: &Fake, key: &str, value: Json) {
    fake.storage.borrow_mut().insert(key.to_string(), J(value));
}

#[test]
fn set_writes_the_documented_envelope_under_the_prefix() {
    let (fake, storage) = setup("wxhttp");
    let now = fake.clock.now.get();
    storage.set("a", &J(json!({ "x": [1, "y"] })), Some(1000.0)).unwrap();
    storage.set("b", &J(json!("plain")), None).unwrap();
    let a = raw(&fake, "wxhttp:a").expect("stored under namespace:key");
    assert_eq!(a["wxhttp"].as_f64(), Some(1.0));
    assert_eq!(a["saved"].as_f64(), Some(now));
    assert_eq!(a["expires"].as_f64(), Some(now + 1000.0));
    assert_eq!(a["value"], json!({ "x": [1, "y"] }));
    assert_eq!(a.as_object().unwrap().len(), 4);
    assert_eq!(raw(&fake, "wxhttp:b").unwrap()["expires"], Json::Null);
    assert_eq!(storage.get("a"), Some(J(json!({ "x": [1, "y"] }))));
    assert_eq!(storage.get("b"), Some(J(json!("plain"))));
}

#[test]
fn an_entry_expires_at_the_exact_boundary_and_is_removed_when_read() {
    let (fake, storage) = setup("ns");
    storage.set("k", &J(json!(1)), Some(500.0)).unwrap();
    fake.clock.jump(499.0);
    assert!(storage.has("k"), "live one ms before expiry");
    fake.clock.jump(1.0);
    assert_eq!(storage.get("k"), None, "expires == now is expired");
    assert_eq!(raw(&fake, "ns:k"), None, "an expired entry is removed on read");
}

#[test]
fn zero_or_negative_ttl_is_expired_at_once_and_infinite_ttl_never_expires() {
    let (fake, storage) = setup("ns");
    storage.set("zero", &J(json!(1)), Some(0.0)).unwrap();
    storage.set("minus_infinity", &J(json!(1)), Some(f64::NEG_INFINITY)).unwrap();
    assert_eq!(raw(&fake, "ns:minus_infinity").unwrap()["expires"].as_f64(), Some(fake.clock.now.get()));
    assert_eq!(storage.get("minus_infinity"), None, "-∞ never becomes null, \"no expiry\"");
    storage.set("forever", &J(json!(2)), Some(f64::INFINITY)).unwrap();
    storage.set("none", &J(json!(3)), None).unwrap();
    assert_eq!(storage.get("zero"), None);
    fake.clock.jump(1e12);
    assert_eq!(storage.get("forever"), Some(J(json!(2))));
    assert_eq!(storage.get("none"), Some(J(json!(3))));
}

#[test]
fn a_nan_ttl_is_refused_and_keeps_the_old_value() {
    let (_fake, storage) = setup("ns");
    storage.set("k", &J(json!("old")), None).unwrap();
    let error = storage.set("k", &J(json!("new")), Some(f64::NAN)).unwrap_err();
    assert!(matches!(error, StorageError::Failed { ref key, .. } if key == "k"), "{error:?}");
    assert_eq!(storage.get("k"), Some(J(json!("old"))));
}

#[test]
fn sweep_removes_only_expired_entries_of_its_namespace_and_counts_them() {
    let (fake, storage) = setup("ns");
    let other = Storage::new(fake.clone(), "other");
    storage.set("short1", &J(json!(1)), Some(100.0)).unwrap();
    storage.set("short2", &J(json!(2)), Some(200.0)).unwrap();
    storage.set("long", &J(json!(3)), Some(10_000.0)).unwrap();
    storage.set("forever", &J(json!(4)), None).unwrap();
    other.set("short", &J(json!(5)), Some(100.0)).unwrap();
    put_raw(&fake, "ns:junk", json!("not an envelope"));
    assert_eq!(storage.sweep(), 0);
    fake.clock.jump(200.0);
    assert_eq!(storage.sweep(), 2);
    assert_eq!(storage.sweep(), 0, "nothing left to sweep");
    let mut keys = storage.keys();
    keys.sort();
    assert_eq!(keys, ["forever", "junk", "long"], "unreadable entries are not ours to judge");
    assert!(raw(&fake, "other:short").is_some(), "another namespace is untouched");
}

#[test]
fn a_clock_going_back_more_than_the_ttl_expires_the_entry() {
    let (fake, storage) = setup("ns");
    storage.set("k", &J(json!(1)), Some(1000.0)).unwrap();
    fake.clock.jump(-1000.0);
    assert!(storage.has("k"), "back by exactly the ttl: still within saved - ttl");
    fake.clock.jump(-1.0);
    assert_eq!(storage.get("k"), None, "back by more than the ttl: expired");
    assert_eq!(raw(&fake, "ns:k"), None);
}

#[test]
fn a_clock_going_back_a_little_bounds_the_life_to_twice_the_ttl() {
    let (fake, storage) = setup("ns");
    storage.set("k", &J(json!(1)), Some(1000.0)).unwrap();
    fake.clock.jump(-900.0);
    assert!(storage.has("k"));
    // From here the clock runs forward again: the entry dies at saved + ttl, 1900 ms later.
    fake.clock.jump(1899.0);
    assert!(storage.has("k"));
    fake.clock.jump(1.0);
    assert!(!storage.has("k"));
}

#[test]
fn a_clock_going_back_by_years_never_makes_an_entry_immortal() {
    let (fake, storage) = setup("ns");
    storage.set("k", &J(json!(1)), Some(60_000.0)).unwrap();
    fake.clock.jump(-365.0 * 24.0 * 3600.0 * 1000.0);
    assert_eq!(storage.sweep(), 1);
    assert!(!storage.has("k"));
}

#[test]
fn corrupted_or_foreign_entries_of_every_json_type_read_as_missing() {
    let (fake, storage) = setup("ns");
    let now = fake.clock.now.get();
    let cases = [
        ("number", json!(42)),
        ("float", json!(1.5)),
        ("string", json!("hello")),
        ("json_text", json!("{\"wxhttp\":1,\"expires\":null,\"saved\":1,\"value\":1}")),
        ("true", json!(true)),
        ("false", json!(false)),
        ("null", Json::Null),
        ("empty_array", json!([])),
        ("array", json!([1, { "wxhttp": 1 }])),
        ("empty_object", json!({})),
        ("no_marker", json!({ "expires": null, "saved": now, "value": 1 })),
        ("version_2", json!({ "wxhttp": 2, "expires": null, "saved": now, "value": 1 })),
        ("version_0", json!({ "wxhttp": 0, "expires": null, "saved": now, "value": 1 })),
        ("version_text", json!({ "wxhttp": "one", "expires": null, "saved": now, "value": 1 })),
        ("version_null", json!({ "wxhttp": null, "expires": null, "saved": now, "value": 1 })),
        ("version_object", json!({ "wxhttp": { "v": 1 }, "expires": null, "saved": now, "value": 1 })),
        ("expires_text", json!({ "wxhttp": 1, "expires": "tomorrow", "saved": now, "value": 1 })),
        ("expires_bool", json!({ "wxhttp": 1, "expires": true, "saved": now, "value": 1 })),
        ("expires_object", json!({ "wxhttp": 1, "expires": { "at": now + 1e9 }, "saved": now, "value": 1 })),
        ("expires_array", json!({ "wxhttp": 1, "expires": [now + 1e9], "saved": now, "value": 1 })),
        ("expires_missing", json!({ "wxhttp": 1, "saved": now, "value": 1 })),
        ("expires_infinity_text", json!({ "wxhttp": 1, "expires": "Infinity", "saved": now, "value": 1 })),
        ("saved_missing", json!({ "wxhttp": 1, "expires": null, "value": 1 })),
        ("saved_text", json!({ "wxhttp": 1, "expires": null, "saved": "now", "value": 1 })),
        ("saved_null", json!({ "wxhttp": 1, "expires": null, "saved": null, "value": 1 })),
        ("value_missing", json!({ "wxhttp": 1, "expires": null, "saved": now })),
    ];
    for (key, value) in &cases {
        put_raw(&fake, &format!("ns:{key}"), value.clone());
    }
    for (key, _) in &cases {
        assert_eq!(storage.get(key), None, "{key}");
        assert!(!storage.has(key), "{key}");
    }
    assert_eq!(storage.sweep(), 0, "unreadable entries are not expired entries");
    for (key, value) in &cases {
        assert_eq!(raw(&fake, &format!("ns:{key}")).as_ref(), Some(value), "{key} is left in place");
    }
    // A corrupted entry is overwritten by the next set.
    storage.set("number", &J(json!("fresh")), None).unwrap();
    assert_eq!(storage.get("number"), Some(J(json!("fresh"))));
}

#[test]
fn an_entry_written_by_hand_in_the_documented_format_is_read() {
    let (fake, storage) = setup("ns");
    let now = fake.clock.now.get();
    put_raw(&fake, "ns:int", json!({ "wxhttp": 1, "expires": (now as u64) + 10, "saved": now as u64, "value": [1] }));
    put_raw(&fake, "ns:null", json!({ "wxhttp": 1, "expires": null, "saved": 0, "value": null }));
    assert_eq!(storage.get("int"), Some(J(json!([1]))));
    assert_eq!(storage.get("null"), Some(J(Json::Null)), "a stored null is a value, not a miss");
    fake.clock.jump(10.0);
    assert_eq!(storage.get("int"), None);
}

#[test]
fn too_large_is_refused_up_front_naming_the_key_and_size_and_keeps_the_old_value() {
    let (fake, storage) = setup("ns");
    storage.set("big", &J(json!("old")), None).unwrap();
    let value = J(json!("x".repeat(ITEM_LIMIT)));
    let error = storage.set("big", &value, Some(1000.0)).unwrap_err();
    match &error {
        StorageError::TooLarge { key, size, limit } => {
            assert_eq!(key, "big");
            assert!(*size > ITEM_LIMIT);
            assert_eq!(*limit, ITEM_LIMIT);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let StorageError::TooLarge { size, .. } = error.clone() else { unreachable!() };
    let message = error.to_string();
    assert!(message.contains("\"big\"") && message.contains(&size.to_string()), "{message}");
    assert_eq!(storage.get("big"), Some(J(json!("old"))));
    assert_eq!(fake.storage.borrow().len(), 1);
}

#[test]
fn quota_exceeded_keeps_the_old_value() {
    let (fake, storage) = setup("ns");
    storage.set("k", &J(json!("old")), None).unwrap();
    // The app's own data fills the rest of the 10 MB.
    for i in 0..10 {
        put_raw(&fake, &format!("app{i}"), json!("y".repeat(ITEM_LIMIT - 100)));
    }
    let error = storage.set("k", &J(json!("z".repeat(4000))), None).unwrap_err();
    assert!(matches!(error, StorageError::QuotaExceeded { ref key, size } if key == "k" && size > 4000), "{error:?}");
    assert_eq!(storage.get("k"), Some(J(json!("old"))));
    assert!(error.to_string().contains("\"k\""));
}

#[test]
fn a_failing_platform_write_keeps_the_old_value() {
    let (fake, storage) = setup("ns");
    storage.set("k", &J(json!("old")), Some(5000.0)).unwrap();
    fake.storage_failures.set(1);
    let error = storage.set("k", &J(json!("new")), None).unwrap_err();
    assert!(matches!(error, StorageError::QuotaExceeded { .. } | StorageError::Failed { .. }), "{error:?}");
    assert_eq!(storage.get("k"), Some(J(json!("old"))));
    storage.set("k", &J(json!("new")), None).unwrap();
    assert_eq!(storage.get("k"), Some(J(json!("new"))));
}

#[test]
fn the_largest_storable_value_is_the_item_limit_minus_key_and_envelope() {
    let (fake, storage) = setup("wxhttp");
    let key = "k";
    let fits = |len: usize| {
        let ok = storage.set(key, &J(json!("v".repeat(len))), Some(86_400_000.0)).is_ok();
        storage.remove(key);
        ok
    };
    let (mut low, mut high) = (0usize, ITEM_LIMIT);
    while low + 1 < high {
        let mid = (low + high) / 2;
        if fits(mid) { low = mid } else { high = mid }
    }
    // `low` characters of string: its JSON is low + 2 bytes.
    let value_json = low + 2;
    let overhead = ITEM_LIMIT - value_json - "wxhttp:k".len();
    println!("largest value under wxhttp:k with a ttl: {value_json} bytes of JSON ({low}-char string); envelope {overhead} bytes");
    assert!(overhead <= ENVELOPE_OVERHEAD_MAX, "documented bound holds: {overhead}");
    // The native fake writes `1700086400000.0` and `1.0`: 73 bytes of envelope, so 1 048 495
    // bytes of value JSON; a JS host writes `1700086400000` and `1`: 67 bytes, 1 048 501.
    assert_eq!(overhead, 73);
    assert_eq!(value_json, 1_048_495);
    assert!(fits(low) && !fits(low + 1));
    let _ = fake;
}

#[test]
fn namespaces_are_isolated() {
    let (fake, a) = setup("a");
    let b = Storage::new(fake.clone(), "b");
    a.set("k", &J(json!("from a")), None).unwrap();
    b.set("k", &J(json!("from b")), None).unwrap();
    assert_eq!(a.get("k"), Some(J(json!("from a"))));
    assert_eq!(b.get("k"), Some(J(json!("from b"))));
    a.remove("k");
    assert_eq!(a.get("k"), None);
    assert_eq!(b.get("k"), Some(J(json!("from b"))));
    // A namespace that merely starts with the same letters is another namespace.
    let ab = Storage::new(fake.clone(), "ab");
    ab.set("x", &J(json!(1)), None).unwrap();
    assert!(a.keys().is_empty());
    assert_eq!(b.keys(), ["k"]);
}

#[test]
fn clear_removes_its_namespace_and_leaves_foreign_keys() {
    let (fake, storage) = setup("wxhttp");
    let other = Storage::new(fake.clone(), "other");
    storage.set("a", &J(json!(1)), None).unwrap();
    storage.set("b", &J(json!(2)), Some(10.0)).unwrap();
    other.set("a", &J(json!(3)), None).unwrap();
    put_raw(&fake, "wxhttp", json!("the bare namespace is not under the prefix"));
    put_raw(&fake, "wxhttpx:a", json!(4));
    put_raw(&fake, "userSettings", json!({ "dark": true }));
    storage.clear();
    assert!(storage.keys().is_empty());
    let left: Vec<String> = fake.storage.borrow().keys().cloned().collect();
    assert_eq!(left, ["other:a", "userSettings", "wxhttp", "wxhttpx:a"]);
}

#[test]
fn keys_are_listed_without_the_prefix() {
    let (fake, storage) = setup("wxhttp");
    storage.set("token", &J(json!("t")), None).unwrap();
    storage.set("a:b", &J(json!(1)), None).unwrap();
    storage.set("", &J(json!(2)), None).unwrap();
    put_raw(&fake, "foreign", json!(1));
    let mut keys = storage.keys();
    keys.sort();
    assert_eq!(keys, ["", "a:b", "token"]);
    assert_eq!(storage.get(""), Some(J(json!(2))));
}

#[test]
fn nested_namespaces_are_inside_their_parent() {
    let (fake, storage) = setup("wxhttp");
    let cache = Storage::new(fake.clone(), "wxhttp:cache");
    cache.set("x", &J(json!(1)), None).unwrap();
    assert_eq!(storage.keys(), ["cache:x"]);
    assert_eq!(cache.keys(), ["x"]);
    assert_eq!(storage.get("cache:x"), cache.get("x"));
}
