//! The version-1 envelope (documented in `storage.rs`): building one, and reading one back at a
//! given time without ever panicking on foreign data.

use crate::platform::Value;

/// The format version this library writes and reads.
pub const VERSION: f64 = 1.0;

/// `{ "wxhttp": 1, "expires": saved + ttl | null, "saved": saved, "value": value }`.
pub(super) fn wrap<V: Value>(value: &V, saved: f64, ttl: Option<f64>) -> V {
    let expires = ttl.map_or_else(V::null, |ttl| V::number(saved + ttl));
    V::object(vec![("wxhttp", V::number(VERSION)), ("expires", expires), ("saved", V::number(saved)), ("value", value.clone())])
}

pub(super) enum Entry<V> {
    Live(V),
    Expired,
    Unreadable,
}

/// Decodes a stored envelope at time `now` without ever panicking on foreign data.
pub(super) fn read<V: Value>(stored: &V, now: f64) -> Entry<V> {
    if number(stored, "wxhttp") != Field::Number(VERSION) {
        return Entry::Unreadable;
    }
    let Field::Number(saved) = number(stored, "saved") else {
        return Entry::Unreadable;
    };
    let Some(value) = stored.get("value") else {
        return Entry::Unreadable;
    };
    match number(stored, "expires") {
        Field::Null => Entry::Live(value),
        Field::Number(expires) => {
            let ttl = expires - saved;
            if now >= expires || saved - now > ttl {
                Entry::Expired
            } else {
                Entry::Live(value)
            }
        }
        Field::Wrong => Entry::Unreadable,
    }
}

#[derive(PartialEq)]
enum Field {
    Number(f64),
    Null,
    Wrong,
}

/// A field that must be a finite number (or `null`), read through `Value`'s narrow interface.
fn number<V: Value>(object: &V, name: &str) -> Field {
    let Some(field) = object.get(name) else {
        return Field::Wrong;
    };
    let size = field.json_size();
    let Some(text) = object.text(name) else {
        // No scalar: `null`, an object or an array. Only `null` is 4 bytes of JSON and has no
        // text… except 4-byte arrays (`[12]`), which the trait cannot tell apart; they read as
        // "no expiry", which only a hand-made entry can contain.
        return if size.is_some() && size == V::null().json_size() { Field::Null } else { Field::Wrong };
    };
    let numeric = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    let Some(value) = crate::number::parse(&text).filter(|v| numeric && v.is_finite()) else {
        return Field::Wrong;
    };
    // A string's JSON is its text quoted; a number's is its text (on JS hosts). Ambiguous only
    // where the host writes numbers quoted-length (`1.0`), and then the number is taken.
    let as_string = V::string(&text).json_size();
    let as_number = V::number(value).json_size();
    if size.is_none() || (size == as_string && size != as_number) {
        return Field::Wrong;
    }
    Field::Number(value)
}
