//! Storage with expiry over wx's synchronous storage (`wx.*StorageSync`), which has none (SPEC §8).
//! It sits on `Platform::storage_*` only, so the same code serves `http.storage`, the token of the
//! auth layer and the response cache; the JS glue wraps each call in a promise.
//!
//! # Envelope format, version 1
//!
//! `set(key, value, ttl)` writes, under the platform key `namespace + ":" + key`, the object
//!
//! ```json
//! { "wxhttp": 1, "expires": 1700000060000, "saved": 1700000000000, "value": <value> }
//! ```
//!
//! - `wxhttp`: the format version, the number `1`. Anything else reads as missing (a later
//!   version of the library reads `1` and writes its own number).
//! - `saved`: `Platform::now()` (ms since the epoch) when written; always a number.
//! - `expires`: `saved + ttl` in ms since the epoch, or `null` for no expiry.
//! - `value`: the caller's value as the host holds it (wx stores JSON-able values natively).
//!
//! Reading rules:
//! - An entry is expired when `now >= expires`: at the exact boundary it is already gone.
//! - A clock that jumped backwards never makes an entry live forever: an entry is also expired
//!   when `saved - now > expires - saved`, i.e. when "now" lies before `saved` by more than the
//!   entry's TTL. An entry is thus live only while `saved - ttl <= now < saved + ttl`.
//! - Anything else under our key — a number, string, bool, array, `null`, an object without the
//!   marker, another version, a non-number `saved` or `expires` — reads as missing (and is left
//!   in place: it may belong to a newer version of the library). An expired entry is removed.
//!   `Value` offers no type probe, so a number is told from a string by its JSON size: that
//!   always works on JS hosts; a numeric string in a numeric field may pass as its number on a
//!   host whose JSON writes integers as `1.0` (the native fake), which is harmless.
//!
//! Limits are WeChat's: 1 MB (`1024 * 1024` bytes) for a key plus its JSON, 10 MB in all. The
//! per-key limit is checked up front on the envelope (never writing); the total is left to the
//! platform, whose refusal keeps the old value. The envelope adds at most
//! `ENVELOPE_OVERHEAD_MAX` (91) bytes to the value's JSON; with today's 13-digit timestamps on a
//! JS host it adds 67 with a TTL (58 without). So under `wxhttp:k` the largest value is
//! 1 048 576 − 8 − 67 = 1 048 501 bytes of JSON on a JS host, and 1 048 495 on the native fake,
//! which writes `1.0` and `1700000000000.0` (measured in `tests/storage.rs`). Values up to
//! `ITEM_LIMIT - ENVELOPE_OVERHEAD_MAX - full_key.len()` bytes always fit.
//!
//! Namespaces nest: `"wxhttp:cache"` lies inside `"wxhttp"`, so the outer `clear()` also clears
//! the inner one, and the outer `keys()` lists `cache:…`. The library never touches a key outside
//! `namespace + ":"`.

use std::rc::Rc;

use crate::platform::{Platform, Value};

mod envelope;

use envelope::{read, Entry};
pub use envelope::VERSION;

/// WeChat's limit for one key: the key's bytes plus its JSON.
pub const ITEM_LIMIT: usize = 1024 * 1024;
/// WeChat's limit for the whole app's storage.
pub const TOTAL_LIMIT: usize = 10 * 1024 * 1024;
/// The most bytes the envelope adds to the value's JSON: 40 of names and punctuation, the
/// version (`1`, or `1.0` on some hosts) and two numbers of at most 24 bytes each.
pub const ENVELOPE_OVERHEAD_MAX: usize = 40 + 3 + 2 * 24;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// The entry (key and envelope JSON) is over WeChat's 1 MB a key; nothing was written.
    #[error("storage: \"{key}\" is {size} bytes, over the {limit}-byte limit for a key")]
    TooLarge { key: String, size: usize, limit: usize },
    /// wx refused the write for lack of room (10 MB in all); the old value is intact.
    #[error("storage: no room for \"{key}\" ({size} bytes): the 10 MB storage is full")]
    QuotaExceeded { key: String, size: usize },
    /// The value cannot be written as JSON (a function, a cycle, an `ArrayBuffer`, …).
    #[error("storage: the value for \"{key}\" cannot be stored as JSON")]
    NotJson { key: String },
    /// wx refused the write for another reason (or the TTL is NaN); the old value is intact.
    #[error("storage: writing \"{key}\" failed: {err_msg}")]
    Failed { key: String, err_msg: String },
}

pub struct Storage<P: Platform> {
    platform: Rc<P>,
    /// `namespace + ":"`: every key this storage touches starts with it.
    prefix: String,
}

impl<P: Platform> Clone for Storage<P> {
    fn clone(&self) -> Self {
        Storage { platform: self.platform.clone(), prefix: self.prefix.clone() }
    }
}

impl<P: Platform> Storage<P> {
    pub fn new(platform: Rc<P>, namespace: &str) -> Self {
        Storage { platform, prefix: format!("{namespace}:") }
    }

    /// The namespace, without the `:`.
    pub fn namespace(&self) -> &str {
        &self.prefix[..self.prefix.len() - 1]
    }

    /// Writes `value` with an optional TTL in ms (`+∞` means none; `0` or less writes an entry
    /// that is already expired). On any error the previous value is left as it was.
    pub fn set(&self, key: &str, value: &P::Value, ttl_ms: Option<f64>) -> Result<(), StorageError> {
        let Some(value_size) = value.json_size() else {
            return Err(StorageError::NotJson { key: key.to_string() });
        };
        if ttl_ms.is_some_and(f64::is_nan) {
            return Err(StorageError::Failed { key: key.to_string(), err_msg: "the ttl is NaN".into() });
        }
        // A negative TTL is 0 (`expires == saved`, already expired): `-∞` must not reach JSON,
        // which would write it as `null`, "no expiry".
        let ttl = ttl_ms.filter(|t| *t != f64::INFINITY).map(|t| t.max(0.0));
        let envelope = envelope::wrap(value, self.platform.now(), ttl);
        let full = self.full_key(key);
        // Envelope sizes are exact where the host answers; else the bound is used.
        let envelope_size = envelope.json_size().unwrap_or(value_size + ENVELOPE_OVERHEAD_MAX);
        let size = full.len() + envelope_size;
        if size > ITEM_LIMIT {
            return Err(StorageError::TooLarge { key: key.to_string(), size, limit: ITEM_LIMIT });
        }
        // Never remove first: wx keeps the old value when a write fails.
        self.platform.storage_set(&full, &envelope).map_err(|failure| {
            let text = failure.err_msg.to_ascii_lowercase();
            let quota = ["exceed", "quota", "full", "max size", "limit"].iter().any(|w| text.contains(w));
            if quota {
                StorageError::QuotaExceeded { key: key.to_string(), size }
            } else {
                StorageError::Failed { key: key.to_string(), err_msg: failure.err_msg }
            }
        })
    }

    /// The value, or `None` when missing, unreadable, or expired (an expired entry is removed).
    pub fn get(&self, key: &str) -> Option<P::Value> {
        let full = self.full_key(key);
        let stored = self.platform.storage_get(&full)?;
        match read(&stored, self.platform.now()) {
            Entry::Live(value) => Some(value),
            Entry::Expired => {
                self.platform.storage_remove(&full);
                None
            }
            Entry::Unreadable => None,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn remove(&self, key: &str) {
        self.platform.storage_remove(&self.full_key(key));
    }

    /// This namespace's keys, without the prefix, expired ones included until read or swept.
    pub fn keys(&self) -> Vec<String> {
        let keys = self.platform.storage_keys();
        keys.into_iter().filter_map(|k| k.strip_prefix(self.prefix.as_str()).map(str::to_string)).collect()
    }

    /// Removes this namespace's keys, and nothing else.
    pub fn clear(&self) {
        for key in self.keys() {
            self.remove(&key);
        }
    }

    /// Removes this namespace's expired entries; returns how many. Unreadable ones stay.
    pub fn sweep(&self) -> usize {
        let now = self.platform.now();
        let mut removed = 0;
        for key in self.keys() {
            let full = self.full_key(&key);
            let expired = self.platform.storage_get(&full).is_some_and(|v| matches!(read(&v, now), Entry::Expired));
            if expired {
                self.platform.storage_remove(&full);
                removed += 1;
            }
        }
        removed
    }

    fn full_key(&self, key: &str) -> String {
        let mut full = String::with_capacity(self.prefix.len() + key.len());
        full.push_str(&self.prefix);
        full.push_str(key);
        full
    }
}
