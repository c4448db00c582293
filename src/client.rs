//! One client of `createHttp`: the events the driver reports, each applied at once, every
//! effect queued as a command (`out`). Nothing here calls out, waits or allocates per request.
//! Where a request goes next is `flow.rs`; how an answer is judged, `outcome.rs`.
//!
//! The order of concerns (SPEC §5) is the order of `flow.rs`'s steps:
//! interceptors (driver) → response cache (`identity`, `cached`) → sharing (`share_or_go`) →
//! auth (`authorize`) → background (`enqueue`) → concurrency limit (`pump`) → token bound and
//! timeout started at dispatch (`dispatch`) → `wx.request` (driver) → expiry, retry, settle
//! (`outcome.rs`) → response interceptors (driver).

use alloc::collections::VecDeque;

use crate::auth::{Auth, AuthConfig};
use crate::codes::Codes;
use crate::out::Out;
use crate::policy::{RetryOption, RetryPolicy};
use crate::protocol::{answer, failure, flag, op, reason};
use crate::request::{Req, Slab, Stage};
use crate::slots::{Slots, LOGIN};

#[derive(Debug, Default)]
pub struct Client {
    pub policy: RetryPolicy,
    pub auth: Option<Auth>,
    pub(crate) reqs: Slab,
    pub(crate) slots: Slots,
    /// Requests waiting for a slot, first come first served.
    pub(crate) queue: VecDeque<u32>,
    /// Requests waiting for a login (stages `Login` and `Identity`), in order.
    pub(crate) waiters: VecDeque<u32>,
    /// The login request waits for a slot; it takes the next one, ahead of the queue.
    pub(crate) login_waiting: bool,
    pub out: Out,
    pub(crate) hidden: bool,
    pub(crate) hides: u32,
    /// The network is down (SPEC §12); `drops` counts the times it went down.
    pub(crate) offline: bool,
    pub(crate) drops: u32,
    /// Identity epoch: bumped when the user changes or logs out.
    pub(crate) epoch: u32,
    /// The earliest wake-up time told to the driver and not yet reached.
    pub(crate) announced: f64,
    /// The earliest deadline set since the last command batch (`due_by`).
    pub(crate) soonest: f64,
    pub(crate) draws: u64,
    pub(crate) codes: Codes,
}

/// How a call failed, as the core judges it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fail {
    Http { status: f64, retry_after: f64 },
    Network,
    Timeout,
    WxAborted,
    Interrupted,
}

impl Client {
    pub fn new(max_concurrent: u32) -> Self {
        Client {
            slots: Slots::new(max_concurrent),
            announced: f64::INFINITY,
            soonest: f64::INFINITY,
            ..Client::default()
        }
    }

    pub fn set_auth(&mut self, config: AuthConfig) {
        self.auth = Some(Auth::new(config));
    }

    /// A new request `id` (the driver's), `seq` its sequence number. `retry` ≥ 0: its own
    /// limit; negative: the client's policy. `share`/`share_seq`: a live identical request to
    /// share with, or `NIL`.
    #[allow(clippy::too_many_arguments)]
    pub fn submit(
        &mut self,
        id: u32,
        seq: f64,
        flags: u32,
        timeout: f64,
        retry: f64,
        share: u32,
        share_seq: f64,
        now: f64,
    ) {
        let option = match () {
            _ if flags & flag::NO_RETRY != 0 => RetryOption::Off,
            _ if retry >= 0.0 => RetryOption::Limit(retry.min(1e6) as u32),
            _ => RetryOption::Default,
        };
        let retries = self.policy.retries_for(flags & 15, option);
        let req = Req {
            stage: Stage::Queued,
            seq,
            flags,
            timeout,
            retries,
            epoch: self.epoch,
            share,
            share_seq,
            ..Req::FREE
        };
        if id as usize >= crate::request::MAX_LIVE {
            self.out.push(op::REJECT, [f64::from(id), f64::from(reason::OVERLOAD), 0.0, 0.0]);
            return self.after(now);
        }
        // A taken id is a driver bug: ignored, the request that holds it goes on.
        if self.reqs.insert(id, req).is_none() {
            return self.after(now);
        }
        if flags & flag::LOGIN != 0 {
            self.login_only(id, now);
        } else if flags & flag::CACHE != 0 {
            self.identity(id, now);
        } else {
            self.share_or_go(id, now);
        }
        self.after(now)
    }

    /// The cache lookup asked for request `id` found a fresh entry (`hit`) or not.
    pub fn cached(&mut self, id: u32, hit: bool, now: f64) {
        if self.reqs.stage(id) == Stage::Lookup {
            if hit {
                self.out.push(op::RESOLVE, [f64::from(id), 2.0, 0.0, 0.0]);
                self.reqs.free(id);
            } else {
                self.share_or_go(id, now);
            }
        }
        self.after(now)
    }

    /// wx answered call `serial` in `slot` with `status`; `flags`: `answer::*`;
    /// `retry_after`: the server's `Retry-After` in ms, or negative.
    pub fn response(&mut self, slot: u32, serial: u32, status: f64, flags: u32, retry_after: f64, now: f64) {
        if let Some(owner) = self.slots.finish(slot, serial).filter(|&o| o != LOGIN) {
            let auth = self.reqs.get(owner).is_some_and(Req::auth) && self.auth.is_some();
            if auth && flags & answer::EXPIRED != 0 {
                self.expired(owner, now);
            } else if flags & answer::VALID != 0 {
                self.succeeded(owner, status);
            } else {
                self.failed(owner, Fail::Http { status, retry_after }, now);
            }
        }
        self.after(now)
    }

    /// wx failed call `serial` in `slot`; `what`: `failure::*`.
    pub fn failure(&mut self, slot: u32, serial: u32, what: u32, now: f64) {
        if let Some(owner) = self.slots.finish(slot, serial).filter(|&o| o != LOGIN) {
            let fail = match what {
                failure::TIMEOUT => Fail::Timeout,
                failure::ABORTED => Fail::WxAborted,
                failure::INTERRUPTED => Fail::Interrupted,
                _ => Fail::Network,
            };
            self.failed(owner, fail, now);
        }
        self.after(now)
    }

    /// Stream `id` delivered its first chunk to the app (SPEC §11): from now on it is never
    /// sent again — not replayed after a re-login, retried or resent — only rejected.
    pub fn committed(&mut self, id: u32) {
        if let Some(r) = self.reqs.get_mut(id) {
            r.flags |= flag::COMMITTED;
        }
    }

    /// `promise.abort()`: the request leaves wherever it is and rejects with kind `aborted`.
    pub fn abort(&mut self, id: u32, now: f64) {
        if let Some(r) = self.reqs.get(id).copied() {
            match r.stage {
                Stage::Joined(leader) => {
                    if let Some(l) = self.reqs.get_mut(leader) {
                        l.members = l.members.saturating_sub(1);
                    }
                }
                _ if r.members > 0 => self.promote(id),
                Stage::Sent(slot) => {
                    let serial = self.slots.serial(slot);
                    self.slots.finish(slot, serial);
                    self.out.push(op::ABORT, [f64::from(slot), f64::from(serial), 0.0, 0.0]);
                }
                Stage::Queued => self.queue.retain(|&q| q != id),
                Stage::Identity | Stage::Login => self.waiters.retain(|&w| w != id),
                _ => {}
            }
            self.reject_one(id, reason::ABORTED, 0.0);
        }
        self.after(now)
    }

    pub fn has_token(&self) -> bool {
        self.auth.as_ref().is_some_and(Auth::has_token)
    }

    /// Requests alive, calls in flight: what tests and invariants look at.
    pub fn counts(&self) -> (usize, usize) {
        (self.reqs.live(), self.slots.in_flight())
    }
}
