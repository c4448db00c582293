//! The JS driver's part, played deterministically: a manual clock, request ids from a free list
//! (an id is free again once its RESOLVE or REJECT is popped), the calls in flight from SEND,
//! the login exchange answered by hand or by a `Script`, and `wake` fired at each TIMER the
//! clock reaches. Every command popped is logged and checked on the way: a request settles
//! once, nothing goes out for a settled request, a login request only follows its code, and the
//! calls in flight never exceed the limit and always match the core's own count.

use std::collections::HashMap;

pub use wxhttp::protocol::{answer, failure, flag, method, op, reason, NIL};
use wxhttp::{AuthConfig, Client, Cmd};

pub const GET: u32 = method::GET;
pub const POST: u32 = method::POST;
pub const AUTH: u32 = flag::AUTH;
/// The timeout `submit` gives.
pub const TIMEOUT: f64 = 10_000.0;

/// A request as the driver knows it: its id (reused once free) and its sequence number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct R {
    pub id: u32,
    pub seq: u64,
}

/// A call SEND started: where, for whom, and the token generation it carried (0: none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Call {
    pub slot: u32,
    pub serial: u32,
    pub r: R,
    pub attempt: f64,
    pub gen: u32,
    pub at: f64,
}

/// How the harness answers the login exchange by itself; `None`: the test answers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Script {
    pub check: Option<bool>,
    pub code: Option<bool>,
    /// `logged_in`'s ok and expires_in (s).
    pub login: Option<(bool, f64)>,
}

/// An episode's login request (`slot` NIL: the app's login function).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exchange {
    pub episode: u32,
    pub slot: u32,
    pub serial: u32,
}

#[derive(Default)]
pub struct H {
    pub c: Client,
    pub max: usize,
    pub now: f64,
    pub timer: f64,
    pub script: Script,
    pub log: Vec<Cmd>,
    pub calls: Vec<Call>,
    pub sent: Vec<Call>,
    pub lookups: Vec<R>,
    /// Episodes waiting for `checked`, `code`, `logged_in`.
    pub checks: Vec<u32>,
    pub codes: Vec<u32>,
    pub exchanges: Vec<Exchange>,
    coded: Vec<u32>,
    /// Login-code fetches not answered yet.
    pub fetches: Vec<u32>,
    /// The driver's token: bumped by SAVE_TOKEN, DROP_TOKEN and a restore.
    pub gen: u32,
    pub max_in_flight: usize,
    outcomes: HashMap<u64, Cmd>,
    live: HashMap<u32, u64>,
    free: Vec<u32>,
    next_id: u32,
    seq: u64,
}

mod answers;
mod queries;

impl H {
    pub fn new(max: u32) -> H {
        let c = Client::new(max);
        let (max, timer) = (max.max(1) as usize, f64::INFINITY);
        H { c, max, timer, ..H::default() }
    }

    pub fn with_auth(max: u32, config: AuthConfig) -> H {
        let mut h = H::new(max);
        h.c.set_auth(config);
        h
    }

    /// Auth on, no restored token, no `checkSession`.
    pub fn auth(max: u32) -> H {
        let config = AuthConfig { check_session: false, ..AuthConfig::default() };
        H::with_auth(max, config)
    }

    /// Applies one event at the current time, then plays the driver until it waits.
    pub fn step(&mut self, f: impl FnOnce(&mut Client, f64)) {
        self.event(f);
        loop {
            let s = self.script;
            if let (Some(alive), Some(&ep)) = (s.check, self.checks.first()) {
                self.checks.remove(0);
                self.event(|c, now| c.checked(ep, alive, now));
            } else if let (Some(ok), Some(&ep)) = (s.code, self.codes.first()) {
                self.answer_code(ep, ok, false);
            } else if let (Some((ok, exp)), Some(&e)) = (s.login, self.exchanges.first()) {
                self.exchanges.remove(0);
                self.event(|c, now| c.logged_in(e.episode, ok, exp, 0, now));
            } else {
                break;
            }
        }
    }

    fn event(&mut self, f: impl FnOnce(&mut Client, f64)) {
        f(&mut self.c, self.now);
        while let Some(cmd) = self.c.out.pop() {
            self.log.push(cmd);
            self.handle(cmd);
        }
        let flying = self.calls.len() + self.exchanges.iter().filter(|e| e.slot != NIL).count();
        assert_eq!(self.c.counts().1, flying, "core and driver disagree on calls in flight");
        assert!(flying <= self.max, "{flying} calls in flight, limit {}", self.max);
        self.max_in_flight = self.max_in_flight.max(flying);
    }

    fn handle(&mut self, cmd: Cmd) {
        let [a0, a1, a2, a3] = cmd.a;
        let (u0, u1, u2) = (a0 as u32, a1 as u32, a2 as u32);
        match cmd.op {
            op::SEND => {
                let seq = *self.live.get(&u2).expect("SEND for a request that settled");
                let gen = if a3 as u32 % 2 == 1 { self.gen } else { 0 };
                let r = R { id: u2, seq };
                let call = Call { slot: u0, serial: u1, r, attempt: a3, gen, at: self.now };
                self.calls.push(call);
                self.sent.push(call);
            }
            op::CHECK_SESSION => self.checks.push(u0),
            op::WX_LOGIN => {
                assert!(!self.coded.contains(&u0) && !self.codes.contains(&u0), "2nd wx.login");
                self.codes.push(u0);
            }
            op::LOGIN_SEND | op::LOGIN_CALL => {
                let (episode, slot) = if cmd.op == op::LOGIN_SEND { (u2, u0) } else { (u0, NIL) };
                assert!(self.coded.contains(&episode), "login {episode} before its code");
                assert!(self.exchanges.iter().all(|e| e.episode != episode), "2nd login");
                self.exchanges.push(Exchange { episode, slot, serial: u1 });
            }
            op::ABORT => {
                self.calls.retain(|c| (c.slot, c.serial) != (u0, u1));
                self.exchanges.retain(|e| (e.slot, e.serial) != (u0, u1));
            }
            op::TIMER => {
                assert!(a0 < self.timer, "TIMER {a0} later than the pending {}", self.timer);
                self.timer = a0;
            }
            op::RESOLVE | op::REJECT | op::CODE_GIVE => {
                let seq = self.live.remove(&u0);
                let seq = seq.unwrap_or_else(|| panic!("{cmd:?} for a request not live"));
                self.outcomes.insert(seq, cmd);
                self.lookups.retain(|r| r.seq != seq);
                self.free.push(u0);
            }
            op::CACHE_READ => self.lookups.push(R { id: u0, seq: self.live[&u0] }),
            op::CODE_FETCH => self.fetches.push(u0),
            op::SAVE_TOKEN | op::DROP_TOKEN => self.gen += 1,
            _ => {}
        }
    }

    pub fn alloc(&mut self) -> R {
        let id = self.free.pop().unwrap_or_else(|| {
            self.next_id += 1;
            self.next_id - 1
        });
        self.seq += 1;
        self.live.insert(id, self.seq);
        R { id, seq: self.seq }
    }

    pub fn submit(&mut self, flags: u32) -> R {
        self.submit_with(flags, TIMEOUT, -1.0, None)
    }

    pub fn submit_with(&mut self, flags: u32, timeout: f64, retry: f64, share: Option<R>) -> R {
        let r = self.alloc();
        let (sid, sseq) = share.map_or((NIL, 0.0), |s| (s.id, s.seq as f64));
        self.step(|c, now| c.submit(r.id, r.seq as f64, flags, timeout, retry, sid, sseq, now));
        r
    }

    fn answer_code(&mut self, ep: u32, ok: bool, auto: bool) {
        self.codes.retain(|&e| e != ep);
        if ok {
            self.coded.push(ep);
        }
        match auto {
            true => self.step(|c, now| c.code(ep, ok, now)),
            false => self.event(|c, now| c.code(ep, ok, now)),
        }
    }

    pub fn advance(&mut self, ms: f64) {
        self.advance_to(self.now + ms);
    }

    /// Moves the clock to `t`, waking the core at every TIMER on the way.
    pub fn advance_to(&mut self, t: f64) {
        for _ in 0..100_000 {
            if self.timer > t {
                self.now = self.now.max(t);
                return;
            }
            self.now = self.now.max(self.timer);
            self.timer = f64::INFINITY;
            self.step(|c, now| c.wake(now));
        }
        panic!("the core keeps asking to be woken at {}", self.now);
    }
}
