//! Time and the app's visibility: when the core next needs waking (one timer per client, the
//! driver's), what is due when it wakes, and the app going to the background and back.

use crate::auth::Auth;
use crate::client::{Client, Fail};
use crate::protocol::{op, reason, NIL};
use crate::request::Stage;

impl Client {
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
                Stage::Offline => self.settle(id, op::REJECT, reason::TIMEOUT_OFFLINE, r.timeout),
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
        self.refresh(now);
        self.rescan();
        self.after(now)
    }

    /// `wx.onAppHide` (`shown` false) / `wx.onAppShow` (true).
    pub fn app(&mut self, shown: bool, now: f64) {
        if !shown {
            self.hides += u32::from(!self.hidden);
            self.hidden = true;
        } else if self.hidden {
            self.hidden = false;
            self.refresh(now);
            self.release(Stage::Hidden, now);
        }
        self.after(now)
    }

    /// `wx.onNetworkStatusChange` (SPEC §12): offline, requests wait (or fail, `OFFLINE_FAIL`);
    /// back online, the held ones go on.
    pub fn network(&mut self, online: bool, now: f64) {
        if !online {
            self.drops += u32::from(!self.offline);
            self.offline = true;
        } else if self.offline {
            self.offline = false;
            self.refresh(now);
            self.release(Stage::Offline, now);
        }
        self.after(now)
    }

    /// The refresh ahead (L8), if due, only in the foreground and online: a hidden app
    /// refreshes when it shows again, an offline one when the network is back.
    fn refresh(&mut self, now: f64) {
        if let Some(auth) = self.auth.as_mut().filter(|_| !self.hidden && !self.offline) {
            auth.refresh(now, &mut self.out);
        }
    }

    /// The requests held at `stage` go on, in the order they were made (`seq`, not the reused
    /// ids), through the auth step: a token that died meanwhile makes them wait for a login.
    /// Each pass takes the oldest still held (none returns to `stage`: the flag that held it
    /// is clear); no sort, which would more than double the module.
    fn release(&mut self, stage: Stage, now: f64) {
        loop {
            let mut oldest: Option<(f64, u32)> = None;
            for id in self.reqs.ids() {
                if let Some(r) = self.reqs.get(id).filter(|r| r.stage == stage) {
                    if oldest.map_or(true, |(seq, _)| r.seq < seq) {
                        oldest = Some((r.seq, id));
                    }
                }
            }
            let Some((_, id)) = oldest else { return };
            self.authorize(id, now);
        }
    }

    /// Runs what freed slots allow, then tells the driver when to wake next. Deadlines set
    /// during the event were gathered in `soonest` (`due_by`), so no scan runs here: a timer
    /// announced earlier than needed just wakes the core for nothing, and `wake` rescans.
    pub(crate) fn after(&mut self, now: f64) {
        if self.login_waiting || !self.queue.is_empty() {
            self.pump(now);
        }
        let next = self.soonest.min(self.auth.as_ref().map_or(f64::INFINITY, |a| self.auth_deadline(a)));
        self.soonest = f64::INFINITY;
        if next < self.announced {
            self.announced = next;
            self.out.push1(op::TIMER, next);
        }
    }

    /// The login episode's deadline, and the refresh timer while the app is in the foreground
    /// and online (a hidden app refreshes when it shows again, L8; an offline one when the
    /// network is back).
    fn auth_deadline(&self, auth: &Auth) -> f64 {
        auth.deadline().min(if self.hidden || self.offline { f64::INFINITY } else { auth.refresh_at() })
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
}
