//! A deterministic native platform for the core's tests: scripted responses, a manual clock
//! whose timers fire only when a test advances it, and counters of what reached "wx".
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use serde_json::{json, Value as Json};
use wxhttp::{Platform, Request, Response, Value, WxFailure};

/// The host value of the fake: plain JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct J(pub Json);

impl Value for J {
    fn text(&self, path: &str) -> Option<String> {
        let mut at = &self.0;
        for part in path.split('.') {
            at = at.get(part)?;
        }
        match at {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(n.as_f64().map_or(n.to_string(), |f| if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { n.to_string() })),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn header(&self, name: &str) -> Option<String> {
        let header = self.0.get("header")?.as_object()?;
        header.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str().map(str::to_string))
    }

    fn get(&self, key: &str) -> Option<Self> {
        self.0.get(key).map(|v| J(v.clone()))
    }

    fn json_size(&self) -> Option<usize> {
        serde_json::to_string(&self.0).ok().map(|s| s.len())
    }

    fn copy_response(&self) -> Self {
        self.clone()
    }

    fn number(value: f64) -> Self {
        J(json!(value))
    }

    fn string(value: &str) -> Self {
        J(json!(value))
    }

    fn null() -> Self {
        J(Json::Null)
    }

    fn object(fields: Vec<(&str, Self)>) -> Self {
        J(Json::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v.0)).collect()))
    }
}

/// What the fake "server" answers to one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status and JSON body, after `delay` ms of the manual clock.
    Answer { status: u16, body: Json, header: Json, delay: u32 },
    /// A wx failure (`request:fail …`) after `delay` ms.
    Fail { err_msg: String, delay: u32 },
    /// Never answers (until aborted).
    Hang,
}

pub fn ok(body: Json) -> Reply {
    Reply::Answer { status: 200, body, header: json!({}), delay: 0 }
}

pub fn status(status: u16) -> Reply {
    Reply::Answer { status, body: json!({ "code": status }), header: json!({}), delay: 0 }
}

pub fn fail(err_msg: &str) -> Reply {
    Reply::Fail { err_msg: err_msg.to_string(), delay: 0 }
}

impl Reply {
    pub fn after(self, ms: u32) -> Reply {
        match self {
            Reply::Answer { status, body, header, .. } => Reply::Answer { status, body, header, delay: ms },
            Reply::Fail { err_msg, .. } => Reply::Fail { err_msg, delay: ms },
            Reply::Hang => Reply::Hang,
        }
    }
}

type Responder = Box<dyn Fn(&Request<J>) -> Reply>;

#[derive(Default)]
pub struct Counters {
    pub sent: Cell<u32>,
    pub in_flight: Cell<u32>,
    pub max_in_flight: Cell<u32>,
    pub aborted: Cell<u32>,
    pub log: RefCell<Vec<Request<J>>>,
}

pub struct Fake {
    pub clock: Rc<Clock>,
    pub counters: Rc<Counters>,
    responder: RefCell<Responder>,
    /// wx storage: key → value, with WeChat's limits (1 MB a key, 10 MB in all).
    pub storage: RefCell<std::collections::BTreeMap<String, J>>,
    /// Makes the next `storage_set` calls fail, like a full disk.
    pub storage_failures: Cell<u32>,
    /// Login codes handed out so far, and the next `wx.login` outcomes to fail.
    pub codes: Cell<u32>,
    pub login_failures: Cell<u32>,
    /// How long `wx.login` takes on the manual clock.
    pub login_delay: Cell<u32>,
    pub session_alive: Cell<bool>,
    pub check_sessions: Cell<u32>,
    /// The app is in the background (`hide()` … `show()`); waiters of `app_shown`.
    pub hidden: Cell<bool>,
    pub hides: Cell<u32>,
    shown: RefCell<Vec<oneshot::Sender<()>>>,
    /// Lines of `Platform::log` (`debug: true`).
    pub logs: RefCell<Vec<String>>,
}

pub const ITEM_LIMIT: usize = 1024 * 1024;
pub const TOTAL_LIMIT: usize = 10 * 1024 * 1024;

impl Fake {
    pub fn new(responder: impl Fn(&Request<J>) -> Reply + 'static) -> Rc<Fake> {
        Rc::new(Fake {
            clock: Rc::new(Clock::default()),
            counters: Rc::new(Counters::default()),
            responder: RefCell::new(Box::new(responder)),
            storage: RefCell::default(),
            storage_failures: Cell::new(0),
            codes: Cell::new(0),
            login_failures: Cell::new(0),
            login_delay: Cell::new(0),
            session_alive: Cell::new(true),
            check_sessions: Cell::new(0),
            hidden: Cell::new(false),
            hides: Cell::new(0),
            shown: RefCell::default(),
            logs: RefCell::default(),
        })
    }

    fn size_of(key: &str, value: &J) -> usize {
        key.len() + value.json_size().unwrap_or(0)
    }

    /// `wx.onAppHide`: the app goes to the background.
    pub fn hide(&self) {
        if !self.hidden.replace(true) {
            self.hides.set(self.hides.get() + 1);
        }
    }

    /// `wx.onAppShow`: the app comes back; every `app_shown` waiter resolves (run the pool).
    pub fn show(&self) {
        self.hidden.set(false);
        for waiter in self.shown.borrow_mut().drain(..) {
            let _ = waiter.send(());
        }
    }

    /// Waiters of `app_shown` still listening (dropped ones excluded).
    pub fn show_waiters(&self) -> usize {
        self.shown.borrow().iter().filter(|w| !w.is_canceled()).count()
    }

    pub fn respond(&self, responder: impl Fn(&Request<J>) -> Reply + 'static) {
        *self.responder.borrow_mut() = Box::new(responder);
    }
}

/// Counts a request in flight until it answers; dropping it unanswered counts an abort.
struct InFlight {
    counters: Rc<Counters>,
    answered: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let c = &self.counters;
        c.in_flight.set(c.in_flight.get() - 1);
        if !self.answered {
            c.aborted.set(c.aborted.get() + 1);
        }
    }
}

impl Platform for Fake {
    type Value = J;

    fn send(&self, request: &Request<J>) -> impl Future<Output = Result<Response<J>, WxFailure>> + 'static {
        let c = self.counters.clone();
        c.sent.set(c.sent.get() + 1);
        c.in_flight.set(c.in_flight.get() + 1);
        c.max_in_flight.set(c.max_in_flight.get().max(c.in_flight.get()));
        c.log.borrow_mut().push(request.clone());
        let reply = (self.responder.borrow())(request);
        let clock = self.clock.clone();
        let guard = InFlight { counters: c, answered: false };
        async move {
            let mut guard = guard; // moved whole: its Drop must run when the future does
            let result = match reply {
                Reply::Answer { status, body, header, delay } => {
                    clock.sleep(delay).await;
                    Ok(Response { status, raw: J(json!({ "statusCode": status, "header": header, "data": body })) })
                }
                Reply::Fail { err_msg, delay } => {
                    clock.sleep(delay).await;
                    Err(WxFailure { err_msg, errno: None })
                }
                Reply::Hang => futures::future::pending().await,
            };
            guard.answered = true;
            result
        }
    }

    fn now(&self) -> f64 {
        self.clock.now.get()
    }

    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + 'static {
        self.clock.sleep(ms)
    }

    fn login_code(&self) -> impl Future<Output = Result<String, WxFailure>> + 'static {
        let failing = self.login_failures.get() > 0;
        let outcome = if failing {
            self.login_failures.set(self.login_failures.get() - 1);
            Err(WxFailure { err_msg: "login:fail network".into(), errno: None })
        } else {
            self.codes.set(self.codes.get() + 1);
            self.session_alive.set(true);
            Ok(format!("code-{}", self.codes.get()))
        };
        let sleep = self.clock.sleep(self.login_delay.get());
        async move {
            sleep.await;
            outcome
        }
    }

    fn check_session(&self) -> impl Future<Output = bool> + 'static {
        self.check_sessions.set(self.check_sessions.get() + 1);
        futures::future::ready(self.session_alive.get())
    }

    fn storage_get(&self, key: &str) -> Option<J> {
        self.storage.borrow().get(key).cloned()
    }

    fn storage_set(&self, key: &str, value: &J) -> Result<(), WxFailure> {
        if self.storage_failures.get() > 0 {
            self.storage_failures.set(self.storage_failures.get() - 1);
            return Err(WxFailure { err_msg: "setStorageSync:fail disk full".into(), errno: None });
        }
        let size = Fake::size_of(key, value);
        if size > ITEM_LIMIT {
            return Err(WxFailure { err_msg: "setStorageSync:fail exceed storage item max length".into(), errno: None });
        }
        let others: usize = self.storage.borrow().iter().filter(|(k, _)| *k != key).map(|(k, v)| Fake::size_of(k, v)).sum();
        if others + size > TOTAL_LIMIT {
            return Err(WxFailure { err_msg: "setStorageSync:fail exceed storage max size 10MB".into(), errno: None });
        }
        self.storage.borrow_mut().insert(key.to_string(), value.clone());
        Ok(())
    }

    fn storage_remove(&self, key: &str) {
        self.storage.borrow_mut().remove(key);
    }

    fn storage_keys(&self) -> Vec<String> {
        self.storage.borrow().keys().cloned().collect()
    }

    fn app_state(&self) -> wxhttp::platform::AppState {
        wxhttp::platform::AppState { hidden: self.hidden.get(), hides: self.hides.get() }
    }

    fn app_shown(&self) -> impl Future<Output = ()> + 'static {
        let (tx, rx) = oneshot::channel();
        self.shown.borrow_mut().push(tx);
        async move {
            let _ = rx.await;
        }
    }

    fn log(&self, line: &str) {
        self.logs.borrow_mut().push(line.to_string());
    }
}

/// A manual clock: time moves only in `advance`, firing due timers in deadline order.
pub struct Clock {
    pub now: Cell<f64>,
    timers: RefCell<Vec<(f64, u64, oneshot::Sender<()>)>>,
    next_id: Cell<u64>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { now: Cell::new(1_700_000_000_000.0), timers: RefCell::new(Vec::new()), next_id: Cell::new(0) }
    }
}

impl Clock {
    pub fn sleep(&self, ms: u32) -> impl Future<Output = ()> + 'static {
        let (tx, rx) = oneshot::channel();
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        if ms == 0 {
            let _ = tx.send(());
        } else {
            self.timers.borrow_mut().push((self.now.get() + ms as f64, id, tx));
        }
        async move {
            // A dropped sender means the clock itself went away: never fire.
            if rx.await.is_err() {
                futures::future::pending::<()>().await
            }
        }
    }

    /// Timers still waiting (cancelled ones included until they would fire).
    pub fn pending(&self) -> usize {
        self.timers.borrow().iter().filter(|t| !t.2.is_canceled()).count()
    }

    /// Moves time forward by `ms`, running the pool after each timer so chained timers fire.
    pub fn advance(&self, pool: &mut LocalPool, ms: f64) {
        let target = self.now.get() + ms;
        loop {
            pool.run_until_stalled();
            let due = {
                let mut timers = self.timers.borrow_mut();
                timers.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                if timers.first().is_some_and(|t| t.0 <= target) { Some(timers.remove(0)) } else { None }
            };
            match due {
                Some((at, _, tx)) => {
                    self.now.set(self.now.get().max(at));
                    let _ = tx.send(());
                }
                None => break,
            }
        }
        self.now.set(target);
        pool.run_until_stalled();
    }

    /// Moves the wall clock without firing timers (a device clock jump).
    pub fn jump(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
    }
}

/// The outcome slot of a spawned future: `None` until it settles; settling twice panics.
pub struct Outcome<T>(Rc<RefCell<Option<T>>>);

impl<T> Outcome<T> {
    pub fn get(&self) -> std::cell::Ref<'_, Option<T>> {
        self.0.borrow()
    }
    pub fn is_settled(&self) -> bool {
        self.0.borrow().is_some()
    }
    pub fn take(&self) -> Option<T> {
        self.0.borrow_mut().take()
    }
}

/// Spawns `future` on the pool and records its single outcome.
pub fn spawn<T: 'static>(pool: &LocalPool, future: impl Future<Output = T> + 'static) -> Outcome<T> {
    let slot = Rc::new(RefCell::new(None));
    let out = slot.clone();
    pool.spawner()
        .spawn_local(async move {
            let value = future.await;
            assert!(out.borrow().is_none(), "a request settled twice");
            *out.borrow_mut() = Some(value);
        })
        .expect("spawn");
    Outcome(slot)
}

/// xorshift64*: a seedable PRNG for the randomized tests, no crate needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}
