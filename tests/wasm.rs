//! The core compiled to wasm, driven through its exports as the JS driver drives them, under
//! a real engine: `wasm-pack test --node` and headless Chromium. What crosses is only numbers:
//! these pin that a plain GET costs four calls, that ids, serials and times survive the
//! crossing exactly, and that clients of one instance are independent.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;
use wxhttp::protocol::{answer, op, reason, NIL};
use wxhttp::wasm::*;

const NOW: f64 = 1_764_000_000_123.0;

#[wasm_bindgen_test]
fn a_plain_get_is_four_calls_numbers_only() {
    let c = wx_create(10);
    // 1: submit → SEND (slot, serial, id, attempt × 2 + token).
    assert_eq!(wx_submit(c, 7, 1.0, 0, 5000.0, -1.0, NIL, 0.0, NOW), op::SEND);
    let [slot, serial, id, attempt] = args();
    assert_eq!((id, attempt), (7.0, 2.0));
    // The first deadline is announced once.
    assert_eq!(wx_poll(c), op::TIMER);
    assert_eq!(args()[0], NOW + 5000.0, "times cross exactly as f64");
    // 2: nothing more.
    assert_eq!(wx_poll(c), op::NONE);
    // 3: the answer → RESOLVE with the event's response; 4: nothing more.
    assert_eq!(wx_response(c, slot as u32, serial as u32, 200.0, answer::VALID, -1.0, NOW + 3.0), op::RESOLVE);
    assert_eq!(args()[..2], [7.0, 0.0]);
    assert_eq!(wx_poll(c), op::NONE);
    // The next GET needs no new timer: four calls exactly.
    assert_eq!(wx_submit(c, 7, 2.0, 0, 5000.0, -1.0, NIL, 0.0, NOW + 10.0), op::SEND);
    let [slot, serial, ..] = args();
    assert_eq!(wx_poll(c), op::NONE);
    assert_eq!(wx_response(c, slot as u32, serial as u32, 200.0, answer::VALID, -1.0, NOW + 11.0), op::RESOLVE);
    assert_eq!(wx_poll(c), op::NONE);
}

#[wasm_bindgen_test]
fn a_stale_answer_and_an_unknown_client_do_nothing() {
    let c = wx_create(1);
    assert_eq!(wx_submit(c, 0, 1.0, 0, 1000.0, -1.0, NIL, 0.0, NOW), op::SEND);
    let [slot, serial, ..] = args();
    while wx_poll(c) != op::NONE {}
    assert_eq!(wx_response(c, slot as u32, serial as u32 + 1, 200.0, answer::VALID, -1.0, NOW), op::NONE);
    assert_eq!(wx_poll(9999), op::NONE);
    assert_eq!(wx_abort(c, 0, NOW), op::ABORT);
    assert_eq!(wx_poll(c), op::REJECT);
    assert_eq!(args()[..2], [0.0, f64::from(reason::ABORTED)]);
}

#[wasm_bindgen_test]
fn clients_of_one_instance_are_independent() {
    let a = wx_create(1);
    let b = wx_create(1);
    assert_ne!(a, b);
    assert_eq!(wx_submit(a, 0, 1.0, 0, 1000.0, -1.0, NIL, 0.0, NOW), op::SEND);
    while wx_poll(a) != op::NONE {}
    // `a` is full; `b` still sends at once.
    assert_eq!(wx_submit(a, 1, 2.0, 0, 1000.0, -1.0, NIL, 0.0, NOW), op::NONE);
    assert_eq!(wx_submit(b, 0, 1.0, 0, 1000.0, -1.0, NIL, 0.0, NOW), op::SEND);
}

#[wasm_bindgen_test]
fn storage_freshness_crosses_as_numbers() {
    assert_eq!(wx_fresh(NOW, NOW + 1000.0, NOW + 999.0), 1);
    assert_eq!(wx_fresh(NOW, NOW + 1000.0, NOW + 1000.0), 0);
    assert_eq!(wx_fresh(NOW, f64::NAN, NOW + 1e12), 1);
    assert_eq!(wx_fresh(NOW, NOW + 1000.0, NOW - 1001.0), 0, "a clock gone back past the TTL");
}
