//! The token kept across launches (L6): one entry `auth` in the configured storage namespace,
//! `{ token, expiresAt, userId }` with `expiresAt` absolute (ms since the epoch) or `null`.
//! It is written without a storage TTL: an expired token is still worth reading, since it is
//! sent as `previousToken` so the server can drop the old session. A failed write never fails
//! a request (the token then lives for this launch only).

use crate::auth::state::Session;
use crate::platform::{Platform, Value};
use crate::storage::Storage;

pub const KEY: &str = "auth";

/// What storage held: token, expiry, user id.
pub struct Saved {
    pub token: String,
    pub expires_at: Option<f64>,
    pub user_id: Option<String>,
}

pub fn load<P: Platform>(storage: &Storage<P>) -> Option<Saved> {
    let value = storage.get(KEY)?;
    let token = value.text("token").filter(|t| !t.is_empty())?;
    let expires_at = value.text("expiresAt").and_then(|t| crate::number::parse(&t)).filter(|t| t.is_finite());
    Some(Saved { token, expires_at, user_id: value.text("userId").filter(|u| !u.is_empty()) })
}

pub fn save<P: Platform>(storage: &Storage<P>, session: &Session) {
    let value = P::Value::object(vec![
        ("token", P::Value::string(&session.token)),
        ("expiresAt", session.expires_at.map_or_else(P::Value::null, P::Value::number)),
        ("userId", session.user_id.as_deref().map_or_else(P::Value::null, P::Value::string)),
    ]);
    // Deliberately ignored: see the module docs.
    let _ = storage.set(KEY, &value, None);
}

pub fn remove<P: Platform>(storage: &Storage<P>) {
    storage.remove(KEY);
}
