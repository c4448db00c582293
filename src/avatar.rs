//! `checkAvatar` (SPEC §9): is a WeChat avatar URL still alive? WeChat answers one that no
//! longer exists (the user changed their avatar; the old URL dies CDN node by CDN node) with
//! `X-ErrNo: -6101` or `X-Info: notexist:-6101`. The check is a HEAD request straight through
//! `Platform::send` — no auth, no retry, no cache: it is not an API call and carries no token —
//! falling back to GET when HEAD fails at the network level or is refused (405, 501).
//!
//! `classify` is the pure rule; `check` never fails: anything it cannot tell is `Unknown`.

use crate::platform::{within, Platform};
use crate::request::{Method, Request, RetryOption};

/// What an avatar URL answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AvatarState {
    /// A 2xx without WeChat's "does not exist" markers.
    Ok,
    /// WeChat's "does not exist" (`-6101`): show a fallback and re-fetch the profile.
    Expired,
    /// Anything else: another status, a network failure, a bad URL, a timeout.
    Unknown,
}

impl AvatarState {
    pub fn as_str(self) -> &'static str {
        match self {
            AvatarState::Ok => "ok",
            AvatarState::Expired => "expired",
            AvatarState::Unknown => "unknown",
        }
    }
}

/// ms each of the HEAD and the GET may take.
pub const TIMEOUT: u32 = 10_000;

/// The rule, over a status and a header lookup whose names compare case-insensitively
/// (`Value::header`). The markers win whatever the status (WeChat sends them with a 404).
pub fn classify(status: u16, header: impl Fn(&str) -> Option<String>) -> AvatarState {
    let errno = header("x-errno").is_some_and(|v| v.trim() == "-6101");
    let info = header("x-info").is_some_and(|v| v.to_ascii_lowercase().contains("notexist:-6101"));
    if errno || info {
        AvatarState::Expired
    } else if (200..300).contains(&status) {
        AvatarState::Ok
    } else {
        AvatarState::Unknown
    }
}

/// Whether `url` is something `wx.request` can be given: `http(s)://` and a host.
pub fn is_checkable(url: &str) -> bool {
    let scheme = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = match () {
        _ if scheme.starts_with("https://") => &url[8..],
        _ if scheme.starts_with("http://") => &url[7..],
        _ => return false,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !host.contains(char::is_whitespace)
}

/// Checks one avatar URL: HEAD, then GET if HEAD failed at the network level or answered
/// 405/501. Never fails.
pub async fn check<P: Platform>(platform: &P, url: &str) -> AvatarState {
    if !is_checkable(url) {
        return AvatarState::Unknown;
    }
    match send(platform, Method::Head, url).await {
        Sent::Answered(state, status) if status != 405 && status != 501 => return state,
        Sent::TimedOut => return AvatarState::Unknown, // a GET would wait as long again
        _ => {} // a network failure, 405 or 501: try GET
    }
    match send(platform, Method::Get, url).await {
        Sent::Answered(state, _) => state,
        _ => AvatarState::Unknown,
    }
}

enum Sent {
    Answered(AvatarState, u16),
    Failed,
    TimedOut,
}

/// One request, bounded by `TIMEOUT` (the loser of the race is dropped: task aborted).
async fn send<P: Platform>(platform: &P, method: Method, url: &str) -> Sent {
    let request = Request { auth: false, dedupe: false, retry: RetryOption::Off, ..Request::new(method, url.into(), TIMEOUT) };
    match within(platform, TIMEOUT, platform.send(&request)).await {
        Some(Ok(response)) => Sent::Answered(classify(response.status, |name| response.header(name)), response.status),
        Some(Err(_)) => Sent::Failed,
        None => Sent::TimedOut,
    }
}
