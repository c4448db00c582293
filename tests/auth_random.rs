//! The auth layer under seeded random interleavings: requests, server-side expiries, slow and
//! failing logins (wx.login and the endpoint), aborts, explicit logins, logouts, clock advances
//! and jumps. Invariants checked on every seed:
//! - at most one login (wx.login or the login request) is in flight at any time;
//! - login attempts ≤ 1 + expiry episodes (tokens the server revoked) + explicit logins +
//!   logouts + failed logins *followed by a newly issued request*: after a failed episode only a
//!   new request (or an explicit login) may start a login, never a late "expired" answer for a
//!   token the failure already gave up on (L4), so a failure alone pays for no further login;
//! - every request settles exactly once (`spawn` panics on a second settle), none is left pending;
//! - no request is replayed more than `max_relogin` times;
//! - no request needing auth reaches the server without a token.

mod common;
#[path = "common/auth_server.rs"]
mod auth_server;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use auth_server::*;
use common::*;
use futures::executor::LocalPool;
use futures::future::{AbortHandle, Abortable};
use wxhttp::auth::Auth;
use wxhttp::stack::Service;
use wxhttp::transport::Transport;
use wxhttp::{Kind, Platform, Request, Response, WxFailure};

/// The fake platform seen through a probe that counts logins in flight and failed logins.
struct Probe {
    fake: Rc<Fake>,
    in_flight: Rc<Cell<u32>>,
    max_in_flight: Rc<Cell<u32>>,
    attempts: Cell<u32>,
    failed: Rc<Cell<u32>>,
}

/// One login step in flight; dropped unfinished (aborted, timed out) it counts as failed.
struct Step {
    in_flight: Rc<Cell<u32>>,
    failed: Rc<Cell<u32>>,
    done: bool,
}

impl Drop for Step {
    fn drop(&mut self) {
        self.in_flight.set(self.in_flight.get() - 1);
        if !self.done {
            self.failed.set(self.failed.get() + 1);
        }
    }
}

impl Probe {
    fn step(&self) -> Step {
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight.set(self.max_in_flight.get().max(self.in_flight.get()));
        Step { in_flight: self.in_flight.clone(), failed: self.failed.clone(), done: false }
    }
}

impl Platform for Probe {
    type Value = J;

    fn send(&self, request: &Request<J>) -> impl Future<Output = Result<Response<J>, WxFailure>> + 'static {
        let step = request.url.ends_with(LOGIN_PATH).then(|| self.step());
        let send = self.fake.send(request);
        async move {
            let outcome = send.await;
            if let Some(mut step) = step {
                step.done = matches!(&outcome, Ok(r) if r.status == 200);
            }
            outcome
        }
    }
    fn now(&self) -> f64 {
        self.fake.now()
    }
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + 'static {
        self.fake.sleep(ms)
    }
    fn login_code(&self) -> impl Future<Output = Result<String, WxFailure>> + 'static {
        self.attempts.set(self.attempts.get() + 1);
        let step = self.step();
        let code = self.fake.login_code();
        async move {
            let mut step = step; // moved whole: its Drop must run when the future does
            let outcome = code.await;
            step.done = outcome.is_ok();
            outcome
        }
    }
    fn check_session(&self) -> impl Future<Output = bool> + 'static {
        self.fake.check_session()
    }
    fn storage_get(&self, key: &str) -> Option<J> {
        self.fake.storage_get(key)
    }
    fn storage_set(&self, key: &str, value: &J) -> Result<(), WxFailure> {
        self.fake.storage_set(key, value)
    }
    fn storage_remove(&self, key: &str) {
        self.fake.storage_remove(key)
    }
    fn storage_keys(&self) -> Vec<String> {
        self.fake.storage_keys()
    }
}

type ProbeAuth = Auth<Transport<Probe>, Probe>;

struct Run {
    server: Rc<Server>,
    fake: Rc<Fake>,
    probe: Rc<Probe>,
    auth: Rc<ProbeAuth>,
    pool: LocalPool,
    outcomes: Vec<(u32, bool, common::Outcome<Answer>)>,
    aborts: Vec<AbortHandle>,
    /// The `Authorization` header of each send, per request id, from the server's side.
    sends: Rc<RefCell<HashMap<u32, Vec<Option<String>>>>>,
    expiries: u32,
    explicit: u32,
    logouts: u32,
    /// Failed logins seen when the last request needing auth was issued, and how many such
    /// requests found at least one new failure since the previous one (each may start a login).
    failed_seen: u32,
    redeemed: u32,
}

const MAX_RELOGIN: u32 = 1;

impl Run {
    fn new() -> Run {
        let server = Server::new();
        let fake = server.fake();
        let sends: Rc<RefCell<HashMap<u32, Vec<Option<String>>>>> = Rc::default();
        let (s, counted) = (server.clone(), sends.clone());
        fake.respond(move |request| {
            if let Some(id) = request.url.split("id=").nth(1).and_then(|t| t.split('&').next()?.parse().ok()) {
                let header = request.header("Authorization").map(str::to_string);
                counted.borrow_mut().entry(id).or_default().push(header);
            }
            s.answer(request)
        });
        let probe = Rc::new(Probe {
            fake: fake.clone(),
            in_flight: Rc::default(),
            max_in_flight: Rc::default(),
            attempts: Cell::new(0),
            failed: Rc::default(),
        });
        let auth = Rc::new(Auth::new(Rc::new(Transport::new(probe.clone())), probe.clone(), BASE, config()));
        Run {
            server,
            fake,
            probe,
            auth,
            pool: LocalPool::new(),
            outcomes: Vec::new(),
            aborts: Vec::new(),
            sends,
            expiries: 0,
            explicit: 0,
            logouts: 0,
            failed_seen: 0,
            redeemed: 0,
        }
    }

    fn request(&mut self, rng: &mut Rng) {
        let id = self.outcomes.len() as u32;
        let delay = rng.pick(&[0, 0, 5, 50, 500]);
        let mut request = get(&format!("/r?id={id}&delay={delay}"));
        let needs_auth = rng.below(10) != 0;
        request.auth = needs_auth;
        if needs_auth && self.probe.failed.get() > self.failed_seen {
            self.failed_seen = self.probe.failed.get();
            self.redeemed += 1;
        }
        let (handle, registration) = AbortHandle::new_pair();
        let auth = self.auth.clone();
        let outcome = spawn(&self.pool, async move {
            match Abortable::new(auth.call(request), registration).await {
                Ok(outcome) => outcome,
                Err(_) => Err(wxhttp::Error::new(Kind::Aborted, "aborted".into())),
            }
        });
        self.outcomes.push((id, needs_auth, outcome));
        self.aborts.push(handle);
    }

    fn step(&mut self, rng: &mut Rng) {
        match rng.below(100) {
            0..=34 => self.request(rng),
            35..=42 => self.expiries += self.server.expire() as u32,
            43..=46 => self.fake.login_failures.set(self.fake.login_failures.get() + 1),
            47..=50 => self.server.login_errors.set(self.server.login_errors.get() + 1),
            51..=57 => self.server.login_delay.set(rng.pick(&[0, 20, 300])),
            58..=61 => self.fake.login_delay.set(rng.pick(&[0, 10, 100])),
            62..=69 => {
                if !self.aborts.is_empty() {
                    let i = rng.below(self.aborts.len() as u64) as usize;
                    self.aborts[i].abort();
                }
            }
            70..=71 => {
                self.explicit += 1;
                let login = self.auth.login();
                spawn(&self.pool, login);
            }
            72 => {
                self.logouts += 1;
                self.auth.logout();
            }
            73..=75 => self.fake.clock.jump(rng.pick(&[-30_000.0, 30_000.0, 61_000.0])),
            _ => {
                let ms = rng.pick(&[1.0, 10.0, 50.0, 200.0, 1000.0]);
                self.fake.clock.advance(&mut self.pool, ms);
            }
        }
        self.pool.run_until_stalled();
        assert!(self.probe.in_flight.get() <= 1, "two logins in flight (max {})", self.probe.max_in_flight.get());
    }

    /// Lets everything finish: no more failures, time moves on until all settle.
    fn drain(&mut self) {
        self.fake.login_failures.set(0);
        self.server.login_errors.set(0);
        for _ in 0..200 {
            if self.outcomes.iter().all(|(_, _, o)| o.is_settled()) {
                break;
            }
            self.fake.clock.advance(&mut self.pool, 1000.0);
            // Requests refused by the login rate limit settle at once; waiting ones need time.
        }
    }

    fn check(&self, seed: u64) {
        assert!(self.probe.max_in_flight.get() <= 1, "seed {seed}: two logins in flight");
        for (id, needs_auth, outcome) in &self.outcomes {
            let settled = outcome.get();
            let Some(result) = settled.as_ref() else { panic!("seed {seed}: request {id} never settled") };
            match result {
                Ok(response) if *needs_auth => assert_eq!(response.raw.0["data"]["code"], 0, "seed {seed}: request {id}"),
                Ok(_) => {}
                Err(error) => assert!(
                    matches!(error.kind, Kind::Login | Kind::Auth | Kind::Aborted),
                    "seed {seed}: request {id}: {:?} {}",
                    error.kind,
                    error.message
                ),
            }
        }
        let needs_auth: HashMap<u32, bool> = self.outcomes.iter().map(|(id, needs, _)| (*id, *needs)).collect();
        for (id, sends) in self.sends.borrow().iter() {
            assert!(sends.len() as u32 <= 1 + MAX_RELOGIN, "seed {seed}: request {id} sent {} times", sends.len());
            if needs_auth[id] {
                assert!(sends.iter().all(Option::is_some), "seed {seed}: request {id} went out without a token");
            } else {
                assert!(sends.iter().all(Option::is_none), "seed {seed}: request {id} (auth: false) got a token");
            }
        }
        let attempts = self.probe.attempts.get();
        let bound = 1 + self.expiries + self.redeemed + self.explicit + self.logouts;
        assert!(attempts <= bound, "seed {seed}: {attempts} logins for {bound} episodes");
    }
}

/// What the seeds exercised, so that a change making the test vacuous fails it.
#[derive(Default, Debug)]
struct Coverage {
    logins: u32,
    failed_logins: u32,
    replays: u32,
    ok: u32,
    login_errors: u32,
    auth_errors: u32,
    aborted: u32,
}

impl Coverage {
    fn add(&mut self, run: &Run) {
        self.logins += run.probe.attempts.get();
        self.failed_logins += run.probe.failed.get();
        self.replays += run.sends.borrow().values().filter(|s| s.len() > 1).count() as u32;
        for (_, _, outcome) in &run.outcomes {
            match outcome.get().as_ref().unwrap() {
                Ok(_) => self.ok += 1,
                Err(e) if e.kind == Kind::Login => self.login_errors += 1,
                Err(e) if e.kind == Kind::Auth => self.auth_errors += 1,
                Err(_) => self.aborted += 1,
            }
        }
    }
}

#[test]
fn random_interleavings_keep_the_login_invariants() {
    let mut coverage = Coverage::default();
    for seed in 1..=300u64 {
        let mut rng = Rng::new(seed);
        let mut run = Run::new();
        for _ in 0..150 {
            run.step(&mut rng);
        }
        run.drain();
        run.check(seed);
        coverage.add(&run);
    }
    println!("{coverage:?}");
    let c = &coverage;
    let all = [c.logins, c.failed_logins, c.replays, c.ok, c.login_errors, c.auth_errors, c.aborted];
    assert!(all.iter().all(|n| *n > 0), "a path was never exercised: {coverage:?}");
}

#[test]
fn random_interleavings_without_failures_end_authenticated() {
    for seed in 1..=100u64 {
        let mut rng = Rng::new(seed ^ 0xD1B5_4A32_D192_ED03);
        let mut run = Run::new();
        for _ in 0..100 {
            // Only requests, expiries, slow logins and time: every request needing auth succeeds.
            match rng.below(4) {
                0 | 1 => run.request(&mut rng),
                2 => run.expiries += run.server.expire() as u32,
                _ => {
                    run.server.login_delay.set(rng.pick(&[0, 20, 300]));
                    let ms = rng.pick(&[1.0, 50.0, 400.0]);
                    run.fake.clock.advance(&mut run.pool, ms);
                }
            }
            run.pool.run_until_stalled();
        }
        run.drain();
        run.check(seed);
        let failed = run.outcomes.iter().filter(|(_, needs_auth, o)| *needs_auth && o.get().as_ref().unwrap().is_err());
        for (id, _, outcome) in failed {
            // Only a token expired again before its replay arrived may exhaust max_relogin, and
            // only the rate limit refuses a login here.
            let error = outcome.get().as_ref().unwrap().as_ref().unwrap_err().clone();
            let limited = error.kind == Kind::Login && error.message.contains("10 logins in the last minute");
            assert!(error.kind == Kind::Auth || limited, "seed {seed}: request {id}: {}", error.message);
        }
    }
}
