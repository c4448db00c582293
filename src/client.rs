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
use crate::protocol::{answer, failure, flag, op, reason, NIL};
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

    /// The driver's timer fired: everything due at `now` happens.
    pub fn wake(&mut self, now: f64) {
        self.announced = f64::INFINITY;
        while let Some((slot, serial, owner)) = self.slots.due(now) {
            self.slots.finish(slot, serial);
            self.out.push(op::ABORT, [f64::from(slot), f64::from(serial), 0.0, 0.0]);
            self.failed(owner, Fail::Timeout, now);
        }
        for id in self.reqs.ids() {
            let Some(r) = self.reqs.get(id).copied().filter(|r| r.waits() && now >= r.until) else {
                continue;
            };
            match r.stage {
                Stage::Backoff => self.enqueue(id, now),
                Stage::Hidden => self.settle(id, op::REJECT, reason::TIMEOUT_HIDDEN, r.timeout),
                _ => {
                    self.waiters.retain(|&w| w != id);
                    self.settle(id, op::REJECT, reason::TIMEOUT_LOGIN, r.timeout);
                }
            }
        }
        let episode = self.auth.as_ref().and_then(|a| a.episode).filter(|e| now >= e.deadline);
        if let Some(e) = episode.filter(|e| e.slot != NIL) {
            self.slots.finish(e.slot, e.serial);
            self.out.push(op::ABORT, [f64::from(e.slot), f64::from(e.serial), 0.0, 0.0]);
        }
        if let Some(end) = self.auth.as_mut().and_then(|a| a.expire(now, &mut self.out)) {
            // A login request still waiting for a slot died with its episode: it must not go
            // out later under the next episode, before that one has a code.
            self.login_waiting = false;
            self.ended(end, now);
        }
        self.rescan();
        self.after(now)
    }

    /// `wx.onAppHide` (`shown` false) / `wx.onAppShow` (true).
    pub fn app(&mut self, shown: bool, now: f64) {
        if !shown {
            self.hides += u32::from(!self.hidden);
            self.hidden = true;
        } else {
            self.hidden = false;
            // Back into the queue in the order they were made (`seq`), not by id: ids are reused.
            let start = self.queue.len();
            for id in self.reqs.ids() {
                let Some(seq) = self.reqs.get(id).filter(|r| r.stage == Stage::Hidden).map(|r| r.seq) else {
                    continue;
                };
                self.reqs.set_stage(id, Stage::Queued);
                self.queue.push_back(id);
                let later = |q: Option<&u32>| q.and_then(|&q| self.reqs.get(q)).is_some_and(|r| r.seq > seq);
                let mut at = self.queue.len() - 1;
                while at > start && later(self.queue.get(at - 1)) {
                    self.queue.swap(at - 1, at);
                    at -= 1;
                }
            }
        }
        self.after(now)
    }

    /// Runs what freed slots allow, then tells the driver when to wake next. Deadlines set
    /// during the event were gathered in `soonest` (`due_by`), so no scan runs here: a timer
    /// announced earlier than needed just wakes the core for nothing, and `wake` rescans.
    pub(crate) fn after(&mut self, now: f64) {
        if self.login_waiting || !self.queue.is_empty() {
            self.pump(now);
        }
        let next = self.soonest.min(self.auth.as_ref().map_or(f64::INFINITY, Auth::deadline));
        self.soonest = f64::INFINITY;
        if next < self.announced {
            self.announced = next;
            self.out.push1(op::TIMER, next);
        }
    }

    /// A deadline at `at` now exists (a call, a wait, a backoff).
    pub(crate) fn due_by(&mut self, at: f64) {
        self.soonest = self.soonest.min(at);
    }

    /// Every deadline still ahead, after a wake-up.
    fn rescan(&mut self) {
        let mut next = self.slots.deadline();
        for id in self.reqs.ids() {
            if let Some(r) = self.reqs.get(id).filter(|r| r.waits()) {
                next = next.min(r.until);
            }
        }
        self.due_by(next);
    }

    pub fn has_token(&self) -> bool {
        self.auth.as_ref().is_some_and(Auth::has_token)
    }

    /// Requests alive, calls in flight: what tests and invariants look at.
    pub fn counts(&self) -> (usize, usize) {
        (self.reqs.live(), self.slots.in_flight())
    }
}
