//! The small decimal parser and formatter that stand in for core's float machinery.

use wxhttp::number::{format, parse};

#[test]
fn parse_reads_integers_decimals_signs_and_exponents() {
    for (text, value) in [("99997", 99997.0), (" 7200 ", 7200.0), ("-6101", -6101.0), ("+2", 2.0), ("1.5", 1.5), (".5", 0.5), ("3.", 3.0), ("1e3", 1000.0), ("25E-1", 2.5), ("1700000007200000", 1_700_000_007_200_000.0)] {
        assert_eq!(parse(text), Some(value), "{text}");
    }
}

#[test]
fn parse_refuses_what_is_not_a_number() {
    for text in ["", "-", ".", "abc", "1a", "1.2.3", "1e", "e5", "0x10", "1e99999", "NaN", "Infinity", "1 2"] {
        assert_eq!(parse(text), None, "{text:?}");
    }
}

#[test]
fn format_prints_integers_as_js_and_others_with_three_decimals() {
    assert_eq!(format(99997.0), "99997");
    assert_eq!(format(-1.0), "-1");
    assert_eq!(format(1_700_000_000_000.0), "1700000000000");
    assert_eq!(format(1.5), "1.5");
    assert_eq!(format(-0.25), "-0.25");
    assert_eq!(format(2.0004), "2");
    assert_eq!(format(f64::NAN), "NaN");
    assert_eq!(format(f64::NEG_INFINITY), "-Infinity");
}

#[test]
fn parse_and_format_round_trip_integers() {
    let mut n = 1u64;
    while n < 9_000_000_000_000_000 {
        assert_eq!(parse(&format(n as f64)), Some(n as f64));
        n = n * 7 + 3;
    }
}

#[test]
fn push_integer_writes_decimal_digits() {
    for n in [0u64, 7, 10, 99997, 1_700_000_000_000, u64::MAX] {
        let mut out = String::from("x");
        wxhttp::number::push_integer(&mut out, n);
        assert_eq!(out, format!("x{n}"));
    }
}
