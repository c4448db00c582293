//! Where a request goes next: the steps of SPEC §5 after the interceptors, in order (see
//! `client.rs`). Each step either finishes the request, parks it (waiting for a login, a slot,
//! the app), or hands it to the next step.

use crate::auth::Need;
use crate::client::Client;
use crate::protocol::{flag, op, reason, NIL};
use crate::request::Stage;
use crate::slots::LOGIN;

impl Client {
    /// `http.login()`: waits for the login in flight, or starts one.
    pub(crate) fn login_only(&mut self, id: u32, now: f64) {
        let need = match self.auth.as_mut() {
            Some(auth) => auth.force(now, &mut self.out),
            None => Need::Limited,
        };
        match need {
            Need::Wait => self.wait(id, Stage::Login, f64::INFINITY),
            Need::Limited => self.reject_one(id, reason::LOGIN_LIMIT, 0.0),
            Need::Ready(_) => self.resolve_nothing(id),
        }
    }

    /// The cache step: a lookup only for a confirmed identity (L9): a request auth applies to
    /// first joins the login in flight, the launch's `wx.checkSession`, or the login it needs.
    pub(crate) fn identity(&mut self, id: u32, now: f64) {
        match self.need(id, false, now) {
            Need::Ready(_) => self.cache_read(id),
            Need::Wait => self.wait(id, Stage::Identity, now + self.timeout(id)),
            Need::Limited => self.settle(id, op::REJECT, reason::LOGIN_LIMIT, 0.0),
        }
    }

    pub(crate) fn cache_read(&mut self, id: u32) {
        let epoch = self.epoch;
        if let Some(r) = self.reqs.get_mut(id) {
            r.stage = Stage::Lookup;
            r.epoch = epoch;
        }
        self.out.push1(op::CACHE_READ, f64::from(id));
    }

    /// The sharing step: join a live identical request of the same identity, or go on.
    pub(crate) fn share_or_go(&mut self, id: u32, now: f64) {
        let Some((share, share_seq)) = self.reqs.get(id).map(|r| (r.share, r.share_seq)) else { return };
        let joinable = |l: &crate::request::Req| {
            l.seq == share_seq
                && l.epoch == self.epoch
                && !l.has(flag::LOGIN)
                && matches!(
                    l.stage,
                    Stage::Login | Stage::Queued | Stage::Sent(_) | Stage::Backoff | Stage::Hidden | Stage::Offline
                )
        };
        if share != NIL && share != id && self.reqs.get(share).is_some_and(joinable) {
            if let Some(l) = self.reqs.get_mut(share) {
                l.members += 1;
            }
            self.reqs.set_stage(id, Stage::Joined(share));
            return;
        }
        self.authorize(id, now);
    }

    /// The auth step: go with the token, or wait for the login that brings one. Offline, the
    /// request waits for the network first (`enqueue`): a login could not happen anyway.
    pub(crate) fn authorize(&mut self, id: u32, now: f64) {
        if self.offline {
            return self.enqueue(id, now);
        }
        match self.need(id, true, now) {
            Need::Ready(_) => self.enqueue(id, now),
            Need::Wait => self.wait(id, Stage::Login, now + self.timeout(id)),
            Need::Limited => self.settle(id, op::REJECT, reason::LOGIN_LIMIT, 0.0),
        }
    }

    /// What request `id` does about the token now (`auth::Need`): `Ready(0)` when auth does not
    /// apply to it. `refresh`: whether it may start a refresh ahead (only a new request may).
    fn need(&mut self, id: u32, refresh: bool, now: f64) -> Need {
        let applies = self.reqs.get(id).is_some_and(|r| r.auth());
        match self.auth.as_mut().filter(|_| applies) {
            Some(auth) => auth.need(now, refresh, &mut self.out),
            None => Need::Ready(0),
        }
    }

    /// The background and network step: a hidden app holds requests until it shows again, a
    /// device offline until the network is back (or rejects them, `offline: 'fail'`), each
    /// for at most their timeout; otherwise into the queue for a slot.
    pub(crate) fn enqueue(&mut self, id: u32, now: f64) {
        // The common case: nobody waits and a slot is free.
        if !self.hidden && !self.offline && !self.login_waiting && self.queue.is_empty() {
            if let Some(slot) = self.slots.free_slot() {
                return self.dispatch(id, slot, now);
            }
        }
        if self.hidden || self.offline {
            let fail = self.reqs.get(id).is_some_and(|r| r.has(flag::OFFLINE_FAIL));
            if !self.hidden && fail {
                return self.settle(id, op::REJECT, reason::OFFLINE, 0.0);
            }
            let until = now + self.timeout(id);
            if let Some(r) = self.reqs.get_mut(id) {
                r.stage = if self.hidden { Stage::Hidden } else { Stage::Offline };
                r.until = until;
            }
            return self.due_by(until);
        }
        self.reqs.set_stage(id, Stage::Queued);
        self.queue.push_back(id);
    }

    pub(crate) fn wait(&mut self, id: u32, stage: Stage, until: f64) {
        if let Some(r) = self.reqs.get_mut(id) {
            r.stage = stage;
            r.until = until;
            self.waiters.push_back(id);
            self.due_by(until);
        }
    }

    /// Fills free slots: the login request first, then the queue in order.
    pub(crate) fn pump(&mut self, now: f64) {
        while let Some(slot) = self.slots.free_slot() {
            if self.login_waiting {
                self.send_login(slot);
            } else if let Some(id) = self.queue.pop_front() {
                self.dispatch(id, slot, now);
            } else {
                break;
            }
        }
    }

    /// A request leaves the queue: the token is bound now (L10) — a token that died while it
    /// queued sends it to wait for the re-login instead — and its timeout starts. Only a new
    /// request (`authorize`) may start a refresh ahead: one released by a login just got its
    /// token.
    fn dispatch(&mut self, id: u32, slot: u32, now: f64) {
        let timeout = self.timeout(id);
        let generation = match self.need(id, false, now) {
            Need::Ready(generation) => generation,
            Need::Wait => return self.wait(id, Stage::Login, now + timeout),
            Need::Limited => return self.settle(id, op::REJECT, reason::LOGIN_LIMIT, 0.0),
        };
        let serial = self.slots.take(slot, id, now + timeout);
        self.due_by(now + timeout);
        let (hides, drops) = (self.hides, self.drops);
        let Some(r) = self.reqs.get_mut(id) else {
            return;
        };
        r.stage = Stage::Sent(slot);
        r.tries += 1;
        r.generation = generation;
        r.hides = hides;
        r.drops = drops;
        let attempt = f64::from(r.tries) * 2.0 + if r.auth() { 1.0 } else { 0.0 };
        self.out.push(op::SEND, [f64::from(slot), f64::from(serial), f64::from(id), attempt]);
    }

    fn send_login(&mut self, slot: u32) {
        self.login_waiting = false;
        let serial = self.slots.take(slot, LOGIN, f64::INFINITY);
        let Some(e) = self.auth.as_mut().and_then(|a| a.episode.as_mut()) else {
            self.slots.finish(slot, serial);
            return;
        };
        e.slot = slot;
        e.serial = serial;
        self.out.push(op::LOGIN_SEND, [f64::from(slot), f64::from(serial), f64::from(e.number), 0.0]);
    }

    /// Settles request `id` and every request sharing its call, then frees them all. `how` is
    /// `op::RESOLVE` (with the current event's response) or `op::REJECT` with `why`/`detail`.
    pub(crate) fn settle(&mut self, id: u32, how: u32, why: u32, detail: f64) {
        let members = self.reqs.get(id).map_or(0, |r| r.members);
        let push = |out: &mut crate::out::Out, who: u32, copy: bool| {
            let copy = if copy { 1.0 } else { 0.0 };
            match how {
                op::RESOLVE => out.push(op::RESOLVE, [f64::from(who), copy, 0.0, 0.0]),
                _ => out.push(op::REJECT, [f64::from(who), f64::from(why), detail, copy]),
            }
        };
        push(&mut self.out, id, false);
        if members > 0 {
            for m in self.reqs.ids() {
                if self.reqs.stage(m) == Stage::Joined(id) {
                    push(&mut self.out, m, true);
                    self.reqs.free(m);
                }
            }
        }
        self.reqs.free(id);
    }

    /// Rejects request `id` alone.
    pub(crate) fn reject_one(&mut self, id: u32, why: u32, detail: f64) {
        self.out.push(op::REJECT, [f64::from(id), f64::from(why), detail, 0.0]);
        self.reqs.free(id);
    }

    pub(crate) fn resolve_nothing(&mut self, id: u32) {
        self.out.push(op::RESOLVE, [f64::from(id), 3.0, 0.0, 0.0]);
        self.reqs.free(id);
    }

    /// A leader whose caller aborted hands its work to its first sharer, which carries on
    /// where it stood (in flight, queued, waiting) for the others.
    pub(crate) fn promote(&mut self, id: u32) {
        let Some(old) = self.reqs.get(id).copied() else {
            return;
        };
        let Some(heir) = self.reqs.ids().find(|&m| self.reqs.stage(m) == Stage::Joined(id)) else {
            return;
        };
        for m in self.reqs.ids() {
            if self.reqs.stage(m) == Stage::Joined(id) {
                self.reqs.set_stage(m, Stage::Joined(heir));
            }
        }
        if let Some(h) = self.reqs.get_mut(heir) {
            *h = crate::request::Req { seq: h.seq, flags: h.flags, members: old.members - 1, share: NIL, ..old };
        }
        let swap =
            |q: &mut alloc::collections::VecDeque<u32>| q.iter_mut().filter(|x| **x == id).for_each(|x| *x = heir);
        match old.stage {
            Stage::Sent(slot) => self.slots.reassign(slot, heir),
            Stage::Queued => swap(&mut self.queue),
            Stage::Login => swap(&mut self.waiters),
            _ => {}
        }
        if let Some(r) = self.reqs.get_mut(id) {
            r.members = 0;
        }
    }

    fn timeout(&self, id: u32) -> f64 {
        self.reqs.get(id).map_or(0.0, |r| r.timeout)
    }
}
