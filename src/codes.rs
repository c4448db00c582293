//! `http.takeLoginCode()` / `http.prefetchLoginCode()` (SPEC §9). A `wx.login` code is valid
//! five minutes and single use; the phone-number binding flow sends one with the button's code.
//! At most one prefetched code waits here, handed out once while younger than `FRESH_FOR`;
//! otherwise a take gets a fetch of its own. The code texts stay in the driver, by fetch number.
//!
//! Invariants: a fetched code is handed out at most once; a take that claimed a prefetch in
//! flight owns its code; the silent login never draws from here (it asks `wx.login` itself),
//! so its code is never handed out. Nothing prefetches on its own: each `wx.login` may refresh
//! WeChat's session key, so the app decides when.

use alloc::vec::Vec;

use crate::out::Out;
use crate::protocol::{op, reason, NIL};

/// A prefetched code is handed out while younger than this (4.5 of its 5 minutes).
pub const FRESH_FOR: f64 = 270_000.0;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Fetch {
    number: u32,
    /// When `wx.login` was asked.
    at: f64,
    /// The `prefetchLoginCode()` request waiting for it (`NIL`: none).
    prefetch: u32,
    /// The `takeLoginCode()` request it goes to (`NIL`: none yet).
    take: u32,
}

#[derive(Debug, Default)]
pub struct Codes {
    fetches: Vec<Fetch>,
    /// A fetched code nobody took yet, and when it was asked for.
    ready: Option<(u32, f64)>,
    /// The latest prefetch: the only one a take may claim.
    latest: u32,
    count: u32,
}

impl Codes {
    fn fetch(&mut self, now: f64, prefetch: u32, take: u32, out: &mut Out) -> u32 {
        self.count += 1;
        let number = self.count;
        self.fetches.push(Fetch { number, at: now, prefetch, take });
        out.push1(op::CODE_FETCH, f64::from(number));
        number
    }

    /// `takeLoginCode()` as request `id`.
    pub fn take(&mut self, id: u32, now: f64, out: &mut Out) {
        if let Some((number, at)) = self.ready.take() {
            if now - at < FRESH_FOR {
                out.push(op::CODE_GIVE, [f64::from(id), f64::from(number), 0.0, 0.0]);
                return;
            }
            out.push1(op::CODE_DROP, f64::from(number));
        }
        let latest = self.latest;
        if let Some(f) = self.fetches.iter_mut().find(|f| f.number == latest && f.take == NIL) {
            f.take = id;
            return;
        }
        self.fetch(now, NIL, id, out);
    }

    /// `prefetchLoginCode()` as request `id`, resolved once the code is here.
    pub fn prefetch(&mut self, id: u32, now: f64, out: &mut Out) {
        self.latest = self.fetch(now, id, NIL, out);
    }

    /// `wx.login` answered fetch `number`.
    pub fn got(&mut self, number: u32, ok: bool, now: f64, out: &mut Out) {
        let Some(f) = self.fetches.iter().find(|f| f.number == number).copied() else {
            return;
        };
        self.fetches.retain(|f| f.number != number);
        let n = f64::from(number);
        if f.prefetch != NIL {
            match ok {
                true => out.push(op::RESOLVE, [f64::from(f.prefetch), 3.0, 0.0, 0.0]),
                false => out.push(op::REJECT, [f64::from(f.prefetch), f64::from(reason::CODE_FAILED), n, 0.0]),
            }
        }
        let claimed = f.prefetch != NIL;
        match f.take {
            NIL if ok && number == self.latest => {
                if let Some((old, _)) = self.ready.replace((number, f.at)) {
                    out.push1(op::CODE_DROP, f64::from(old));
                }
            }
            NIL => out.push1(op::CODE_DROP, n),
            take if ok && (!claimed || now - f.at < FRESH_FOR) => {
                out.push(op::CODE_GIVE, [f64::from(take), n, 0.0, 0.0])
            }
            // A claimed prefetch that failed or aged: the take asks for a code of its own.
            take if claimed => {
                out.push1(op::CODE_DROP, n);
                self.fetch(now, NIL, take, out);
            }
            take => out.push(op::REJECT, [f64::from(take), f64::from(reason::CODE_FAILED), n, 0.0]),
        }
    }
}
