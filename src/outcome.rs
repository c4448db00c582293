//! How an answer is judged, and what ends a login episode does to the requests that waited for
//! it: success (and the cache write), expiry and replay (L2–L5), retry and backoff (SPEC §7),
//! the background rule for interrupted requests.

use crate::auth::End;
use crate::client::{Client, Fail};
use crate::protocol::{flag, op, reason};
use crate::request::Stage;

impl Client {
    pub(crate) fn succeeded(&mut self, id: u32, status: f64) {
        let epoch = self.epoch;
        // Only a 2xx is stored, and only under the identity it was looked up with: an answer
        // that straddles a login, a logout or an account switch is never filed under the wrong
        // user.
        let stored = (200.0..300.0).contains(&status);
        if stored && self.reqs.get(id).is_some_and(|r| r.has(flag::CACHE) && r.epoch == epoch) {
            self.out.push1(op::CACHE_WRITE, f64::from(id));
        }
        self.settle(id, op::RESOLVE, 0, 0.0);
    }

    /// An answer says the token it carried has expired: replay once the token is renewed —
    /// without a new login when it was sent with an older token than the current one (L3) or a
    /// failed episode already gave up on it (L4) — or give up after `maxRelogin` replays (L5).
    pub(crate) fn expired(&mut self, id: u32, now: f64) {
        let (Some(r), Some(auth)) = (self.reqs.get(id).copied(), self.auth.as_mut()) else {
            return;
        };
        let invalidated = auth.invalidate(r.generation);
        let failed = if invalidated { None } else { auth.failure_for(r.generation) };
        if r.replays >= auth.config.max_relogin || r.has(flag::COMMITTED) {
            return self.settle(id, op::REJECT, reason::AUTH, f64::from(r.replays));
        }
        if let Some(episode) = failed {
            return self.settle(id, op::REJECT, reason::LOGIN_FAILED, f64::from(episode));
        }
        if let Some(r) = self.reqs.get_mut(id) {
            r.replays += 1;
            r.tries = 0;
        }
        self.authorize(id, now);
    }

    pub(crate) fn failed(&mut self, id: u32, fail: Fail, now: f64) {
        let Some(r) = self.reqs.get(id).copied() else {
            return;
        };
        let (why, detail, retryable) = match fail {
            Fail::Interrupted => return self.interrupted(id, now),
            Fail::Network if self.offline || self.drops != r.drops => return self.went_offline(id, now),
            Fail::WxAborted => (reason::WX_ABORTED, 0.0, false),
            Fail::Network => (reason::NETWORK, 0.0, true),
            Fail::Timeout => (reason::TIMEOUT, r.timeout, true),
            Fail::Http { status, .. } => (reason::HTTP, status, self.policy.retries_status(status)),
        };
        if !retryable || r.tries > r.retries || r.has(flag::COMMITTED) {
            return self.settle(id, op::REJECT, why, detail);
        }
        let retry_after = match fail {
            Fail::Http { retry_after, .. } => retry_after,
            _ => -1.0,
        };
        self.draws = self.draws.wrapping_add(1);
        let seed = now.to_bits() ^ self.draws.rotate_left(32);
        let delay = self.policy.delay_for(r.tries, retry_after, seed);
        if delay <= 0.0 {
            return self.enqueue(id, now);
        }
        if let Some(r) = self.reqs.get_mut(id) {
            r.stage = Stage::Backoff;
            r.until = now + delay;
        }
        self.due_by(now + delay);
    }

    /// wx's `request:fail interrupted`: the app went to the background. An idempotent request
    /// waits for it to come back and is sent again (no retry counted); another may have reached
    /// the server, so it fails. An "interrupted" with no hide at all is no background case.
    fn interrupted(&mut self, id: u32, now: f64) {
        let Some(r) = self.reqs.get(id).copied() else {
            return;
        };
        let left = self.hidden || self.hides != r.hides;
        if !left || !r.resendable() {
            return self.settle(id, op::REJECT, reason::NETWORK, 0.0);
        }
        if let Some(r) = self.reqs.get_mut(id) {
            r.resends += 1;
            r.tries = 0;
        }
        self.enqueue(id, now);
    }

    /// A network failure while the device went offline (SPEC §12): an idempotent request
    /// waits for the network and is sent again, the failed send not counted as a retry;
    /// another may have reached the server, so it fails, saying the device is offline.
    fn went_offline(&mut self, id: u32, now: f64) {
        if !self.reqs.get(id).is_some_and(|r| r.resendable()) {
            return self.settle(id, op::REJECT, reason::OFFLINE, 0.0);
        }
        if let Some(r) = self.reqs.get_mut(id) {
            r.resends += 1;
            r.tries -= 1;
        }
        self.enqueue(id, now);
    }

    /// A login episode ended: its waiters go on (to the queue, the cache lookup, or resolve
    /// for `http.login()`), or all reject with its failure.
    pub(crate) fn ended(&mut self, end: End, now: f64) {
        for _ in 0..self.waiters.len() {
            let Some(id) = self.waiters.pop_front() else {
                break;
            };
            let Some(r) = self.reqs.get(id).copied() else {
                continue;
            };
            match end {
                End::Failed { reason: why, detail } => self.settle(id, op::REJECT, why, f64::from(detail)),
                End::Ok if r.has(flag::LOGIN) => self.resolve_nothing(id),
                End::Ok if r.stage == Stage::Identity => self.cache_read(id),
                End::Ok => self.enqueue(id, now),
            }
        }
    }
}
