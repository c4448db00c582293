//! Storage freshness (SPEC §8), `fresh(saved, expires, now)`: an entry is live before its
//! expiry, NaN never expires, and a clock that jumps back never makes an entry live forever:
//! it stays live only while `now` is not earlier than `saved` by more than the entry's TTL.

use wxhttp::fresh;

#[test]
fn an_entry_is_live_until_its_expiry() {
    assert!(fresh(1_000.0, 2_000.0, 1_000.0));
    assert!(fresh(1_000.0, 2_000.0, 1_999.0));
    assert!(!fresh(1_000.0, 2_000.0, 2_000.0));
    assert!(!fresh(1_000.0, 2_000.0, 1e15));
}

#[test]
fn a_nan_expiry_never_expires() {
    for now in [0.0, 1.0, 1e13, -1e13, f64::NAN, f64::INFINITY] {
        assert!(fresh(1_000.0, f64::NAN, now), "now {now}");
    }
}

#[test]
fn a_clock_that_goes_back_by_up_to_the_ttl_keeps_the_entry() {
    // Saved at 10 s with a 1 s TTL.
    assert!(fresh(10_000.0, 11_000.0, 9_500.0));
    assert!(fresh(10_000.0, 11_000.0, 9_000.0));
    assert!(!fresh(10_000.0, 11_000.0, 8_999.0));
    assert!(!fresh(10_000.0, 11_000.0, 0.0));
    assert!(!fresh(10_000.0, 11_000.0, -1e15));
}

#[test]
fn no_clock_makes_an_entry_live_for_longer_than_twice_its_ttl() {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut draw = |scale: f64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 1_000_000) as f64 / 1_000_000.0 * scale
    };
    for _ in 0..10_000 {
        let saved = draw(1e12);
        let expires = saved + draw(1e7);
        let ttl = expires - saved;
        let now = saved - 2e7 + draw(4e7);
        let live = fresh(saved, expires, now);
        assert_eq!(live, now >= saved - ttl && now < expires, "{saved} {ttl} {now}");
    }
}

#[test]
fn an_entry_with_no_ttl_left_is_never_live() {
    assert!(!fresh(5_000.0, 5_000.0, 5_000.0));
    assert!(!fresh(5_000.0, 5_000.0, 4_000.0));
    assert!(!fresh(5_000.0, 4_000.0, 3_000.0), "expiry before saving: already dead");
}
