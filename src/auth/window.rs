//! The login rate limit (L5): at most `LOGIN_LIMIT` logins in a sliding window of
//! `LOGIN_WINDOW_MS` on `Platform::now()`, so a server that keeps saying "expired" cannot make
//! the app loop on `wx.login` (WeChat's code2Session allows 100 a user a minute).

use std::collections::VecDeque;

pub const LOGIN_LIMIT: usize = 10;
pub const LOGIN_WINDOW_MS: f64 = 60_000.0;

/// Start times of the recent logins.
#[derive(Default, Debug)]
pub struct LoginWindow {
    starts: VecDeque<f64>,
}

impl LoginWindow {
    /// Whether a new login would exceed the limit now. Entries "in the future" (the clock
    /// jumped back) are dropped: a clock jump may loosen the limit, never block logins.
    pub fn is_full(&mut self, now: f64) -> bool {
        self.starts.retain(|&at| at <= now && now - at < LOGIN_WINDOW_MS);
        self.starts.len() >= LOGIN_LIMIT
    }

    /// Records a login starting now; `false` (recording nothing) when the window is full.
    pub fn admit(&mut self, now: f64) -> bool {
        if self.is_full(now) {
            return false;
        }
        self.starts.push_back(now);
        true
    }
}
