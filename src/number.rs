//! Decimal text to `f64` and back, small. `str::parse::<f64>` and `f64`'s `Display` pull about
//! 30 KB of tables and algorithms into the wasm (Eisel-Lemire, Grisu, Dragon4) for numbers
//! that here are status codes, seconds and millisecond timestamps.

/// Parses `[-+]digits[.digits][e[-+]digits]`, surrounding spaces allowed; `None` otherwise.
/// Exact for integers below 2^53, which is every number the library reads.
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for byte in whole.bytes().chain(fraction.bytes()) {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10.0 + (byte - b'0') as f64;
    }
    let mut scale = -(fraction.len() as i32);
    if let Some(exponent) = exponent {
        let (sign, digits) = match exponent.as_bytes().first()? {
            b'-' => (-1, &exponent[1..]),
            b'+' => (1, &exponent[1..]),
            _ => (1, exponent),
        };
        if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        scale += sign * digits.bytes().fold(0i32, |n, b| n * 10 + (b - b'0') as i32);
    }
    let value = if scale < 0 { value / 10f64.powi(-scale) } else { value * 10f64.powi(scale) };
    Some(if negative { -value } else { value })
}

/// Appends `n` in decimal: what `to_string()` does for integers, without `core::fmt`, which
/// costs most on the per-request path when the wasm is interpreted (iOS).
pub fn push_integer(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits[at..].iter().for_each(|&d| out.push(d as char));
}

/// Formats an integral value as JS does (`99997`, not `99997.0`); other values with up to
/// three decimals, which is all a message or a key here needs.
pub fn format(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() { "NaN".into() } else if value > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if value.fract() == 0.0 && value.abs() < 9.007_199_254_740_992e15 {
        let mut out = String::from(if value < 0.0 { "-" } else { "" });
        push_integer(&mut out, value.abs() as u64);
        return out;
    }
    let thousandths = (value * 1000.0).round() as i64;
    let sign = if thousandths < 0 { "-" } else { "" };
    let (whole, rest) = (thousandths.unsigned_abs() / 1000, thousandths.unsigned_abs() % 1000);
    if rest == 0 {
        return format!("{sign}{whole}");
    }
    let decimals = format!("{rest:03}");
    format!("{sign}{whole}.{}", decimals.trim_end_matches('0'))
}
