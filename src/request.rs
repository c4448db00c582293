//! One request as the core tracks it: where it stands in the pipeline and the counters its
//! decisions need. Records live in a slab indexed by the driver's request id, reused after
//! warm-up, so a request allocates nothing.

use alloc::vec::Vec;

use crate::protocol::{flag, method, NIL};

/// Sends again after interruptions and lost networks, per request: a bound, so an app that
/// keeps going to the background cannot keep one request alive forever.
const MAX_RESENDS: u32 = 5;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stage {
    /// No request has this id.
    Free,
    /// A cached GET waiting for a confirmed identity before its lookup.
    Identity,
    /// The driver was asked to look it up in the response cache (`CACHE_READ`).
    Lookup,
    /// Sharing the call of request `leader` (SPEC §5).
    Joined(u32),
    /// Waiting for a login (L1, L2); `http.login()` waits here too.
    Login,
    /// Waiting for a concurrency slot.
    Queued,
    /// In flight in this slot.
    Sent(u32),
    /// Waiting out a retry backoff until `until`.
    Backoff,
    /// Waiting for the app to come back (SPEC §7), at most until `until`.
    Hidden,
    /// Waiting for the network to come back (SPEC §12), at most until `until`.
    Offline,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Req {
    pub stage: Stage,
    /// The driver's sequence number: tells a live request from a reused id.
    pub seq: f64,
    pub flags: u32,
    /// ms per attempt, and the bound of each wait.
    pub timeout: f64,
    /// Retries this logical request may have.
    pub retries: u32,
    /// Sends in this logical request so far (a replay after re-login starts again).
    pub tries: u32,
    /// Replays after re-logins so far.
    pub replays: u32,
    /// Token generation of the last send.
    pub generation: u32,
    /// The app's hide count at the last send.
    pub hides: u32,
    /// Sends after interruptions so far.
    pub resends: u32,
    /// The client's count of network losses at the last send.
    pub drops: u32,
    /// Identity epoch the request was looked up or sent under.
    pub epoch: u32,
    /// Deadline of the current wait (Login, Identity, Backoff, Hidden, Offline).
    pub until: f64,
    /// Requests sharing this one's call.
    pub members: u32,
    /// The request this one asked to share with (and its `seq`), until the sharing step.
    pub share: u32,
    pub share_seq: f64,
}

impl Req {
    pub const FREE: Req = Req {
        stage: Stage::Free,
        seq: 0.0,
        flags: 0,
        timeout: 0.0,
        retries: 0,
        tries: 0,
        replays: 0,
        generation: 0,
        hides: 0,
        resends: 0,
        drops: 0,
        epoch: 0,
        until: f64::INFINITY,
        members: 0,
        share: NIL,
        share_seq: 0.0,
    };

    pub fn method(&self) -> u32 {
        self.flags & 15
    }

    /// Safe to send again after an interruption or a lost network: idempotent, no stream
    /// chunk delivered yet, and not sent again too often already.
    pub fn resendable(&self) -> bool {
        method::is_idempotent(self.method()) && !self.has(flag::COMMITTED) && self.resends < MAX_RESENDS
    }

    pub fn has(&self, bit: u32) -> bool {
        self.flags & bit != 0
    }

    pub fn auth(&self) -> bool {
        self.has(flag::AUTH)
    }

    /// Whether a deadline of this request's current stage is due.
    pub fn waits(&self) -> bool {
        matches!(self.stage, Stage::Identity | Stage::Login | Stage::Backoff | Stage::Hidden | Stage::Offline)
    }
}

/// Requests alive at once, at most: the driver hands out ids densely from 0, so a bigger id
/// means that many requests are pending (`submit` rejects it) or a driver bug.
pub const MAX_LIVE: usize = 1 << 16;

/// The records, indexed by request id.
#[derive(Debug, Default)]
pub struct Slab {
    reqs: Vec<Req>,
}

impl Slab {
    pub fn get(&self, id: u32) -> Option<&Req> {
        self.reqs.get(id as usize).filter(|r| r.stage != Stage::Free)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut Req> {
        self.reqs.get_mut(id as usize).filter(|r| r.stage != Stage::Free)
    }

    /// A fresh record for `id`; `None` when the id is taken (a driver bug) or absurd.
    pub fn insert(&mut self, id: u32, req: Req) -> Option<&mut Req> {
        let index = id as usize;
        if index >= MAX_LIVE {
            return None;
        }
        if index >= self.reqs.len() {
            self.reqs.resize(index + 1, Req::FREE);
        }
        let slot = self.reqs.get_mut(index)?;
        if slot.stage != Stage::Free {
            return None;
        }
        *slot = req;
        Some(slot)
    }

    /// Frees the record; `insert` writes every field of the next one.
    pub fn free(&mut self, id: u32) {
        if let Some(r) = self.reqs.get_mut(id as usize) {
            r.stage = Stage::Free;
        }
    }

    pub fn stage(&self, id: u32) -> Stage {
        self.reqs.get(id as usize).map_or(Stage::Free, |r| r.stage)
    }

    pub fn set_stage(&mut self, id: u32, stage: Stage) {
        if let Some(r) = self.get_mut(id) {
            r.stage = stage;
        }
    }

    /// Ids of the live records, for scans (deadlines, members, the app showing again).
    pub fn ids(&self) -> core::ops::Range<u32> {
        0..self.reqs.len() as u32
    }

    /// Live requests.
    pub fn live(&self) -> usize {
        self.reqs.iter().filter(|r| r.stage != Stage::Free).count()
    }
}
