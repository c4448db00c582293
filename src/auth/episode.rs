//! The answers of one login episode, step by step: `wx.checkSession`, `wx.login`, the login
//! request or function, the deadline; and how a failed episode ends (`fail`). Each answer
//! counts only for the episode and step it was asked for.

use super::{Auth, End, Step, Token};
use crate::out::Out;
use crate::protocol::{op, reason};

impl Auth {
    /// `wx.checkSession` answered for episode `number`.
    pub fn checked(&mut self, number: u32, alive: bool, now: f64, out: &mut Out) -> Option<End> {
        if !self.current(number, Step::Checking) {
            return None;
        }
        let checking = self.episode.and_then(|e| e.checking)?;
        if alive && !checking.expired(now) {
            self.episode = None;
            self.token = Some(Token { checked: true, ..checking });
            return Some(End::Ok);
        }
        match self.ask_code(now, out) {
            Some(()) => None,
            None => Some(self.fail(now, reason::LOGIN_LIMIT, number, out)),
        }
    }

    /// `wx.login` answered for episode `number`. `Ok(true)`: the login request needs a slot.
    pub fn code(&mut self, number: u32, ok: bool, now: f64, out: &mut Out) -> Result<bool, Option<End>> {
        if !self.current(number, Step::Code) {
            return Err(None);
        }
        if !ok {
            return Err(Some(self.fail(now, reason::LOGIN_FAILED, number, out)));
        }
        if let Some(e) = self.episode.as_mut() {
            e.step = Step::Exchange;
        }
        if self.config.function {
            out.push1(op::LOGIN_CALL, f64::from(number));
            return Ok(false);
        }
        Ok(true)
    }

    /// The login request or function answered for episode `number`: a token (expiring in
    /// `expires_in` seconds, NaN: unknown), or a failure.
    pub fn logged_in(&mut self, number: u32, ok: bool, expires_in: f64, now: f64, out: &mut Out) -> Option<End> {
        if !self.current(number, Step::Exchange) {
            return None;
        }
        if !ok {
            return Some(self.fail(now, reason::LOGIN_FAILED, number, out));
        }
        self.episode = None;
        self.generation += 1;
        self.has_previous = true;
        self.failed = None;
        // An expiry already past (`expiresIn` ≤ 0) says nothing usable: unknown, so the waiters
        // still go out with the token and the server decides.
        let expires_at = if expires_in > 0.0 { now + expires_in * 1000.0 } else { f64::NAN };
        self.token = Some(Token { generation: self.generation, expires_at, checked: true, since: now });
        out.push(op::SAVE_TOKEN, [expires_at, f64::from(number), 0.0, 0.0]);
        Some(End::Ok)
    }

    /// Another client on the namespace ended the exchange this client waited on, or made a
    /// token this client has not seen (L12): `ok` adopts that token, checked, as a new
    /// generation (no `SAVE_TOKEN`: the driver holds it already); a failure fails the episode
    /// in flight as its own login failing would. Ends the episode in flight, if any.
    pub fn joined(&mut self, ok: bool, expires_at: f64, now: f64, out: &mut Out) -> Option<End> {
        let number = self.episode.map(|e| e.number);
        if !ok {
            return number.map(|n| self.fail(now, reason::LOGIN_FAILED, n, out));
        }
        self.episode = None;
        self.generation += 1;
        self.has_previous = true;
        self.failed = None;
        self.token = Some(Token { generation: self.generation, expires_at, checked: true, since: now });
        number.map(|_| End::Ok)
    }

    /// The episode's deadline passed (L11): it fails as any failed login does.
    pub fn expire(&mut self, now: f64, out: &mut Out) -> Option<End> {
        let episode = self.episode.filter(|e| now >= e.deadline)?;
        Some(self.fail(now, reason::LOGIN_FAILED, episode.number, out))
    }

    /// Ends the episode in flight as failed. A refresh whose old token still works goes back
    /// to it quietly; otherwise the failure is recorded and `onLoginFailed` is due (not for
    /// the rate limit, which is no failure of the login itself).
    fn fail(&mut self, now: f64, why: u32, number: u32, out: &mut Out) -> End {
        let refresh = self.episode.is_some_and(|e| e.refresh);
        self.episode = None;
        if let Some(token) = self.token.filter(|t| refresh && !t.expired(now)) {
            self.refresh_failed = Some(token.generation);
            return End::Failed { reason: why, detail: number };
        }
        self.token = None;
        self.failed = Some((self.generation, number));
        if why != reason::LOGIN_LIMIT {
            out.push1(op::LOGIN_FAILED, f64::from(number));
        }
        End::Failed { reason: why, detail: number }
    }
}
