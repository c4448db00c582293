//! `http.takeLoginCode()` / `http.prefetchLoginCode()` (SPEC §9): the phone-number binding
//! flow sends a `wx.login` code together with the button's code, both valid five minutes and
//! single use. `LoginCodes` holds at most one prefetched code and hands it out once, while it
//! is younger than `FRESH_FOR`; otherwise it asks `wx.login` for a new one.
//!
//! Invariants: a code leaves this cell at most once (taking it empties the cell before any
//! await, so concurrent takes never share one); the silent login never draws from here — it
//! calls `Platform::login_code` itself (`auth/exchange.rs`) — so a code it used is never
//! handed out. Nothing prefetches on its own: each `wx.login` may refresh WeChat's session
//! key, so the app decides when (the binding page's `onShow`).

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};

use crate::platform::{Platform, WxFailure};

/// A prefetched code is handed out while younger than this (4.5 of its 5 minutes), leaving
/// the page half a minute to send it.
pub const FRESH_FOR: f64 = 270_000.0;

type Fetch = Shared<LocalBoxFuture<'static, Result<(String, f64), WxFailure>>>;

#[derive(Default)]
struct Cell {
    /// A fetched, unused code and when it was asked for.
    ready: Option<(String, f64)>,
    /// A prefetch in flight that no take has claimed yet.
    pending: Option<Fetch>,
}

pub struct LoginCodes<P> {
    platform: Rc<P>,
    cell: Rc<RefCell<Cell>>,
}

impl<P> Clone for LoginCodes<P> {
    fn clone(&self) -> Self {
        LoginCodes { platform: self.platform.clone(), cell: self.cell.clone() }
    }
}

impl<P: Platform> LoginCodes<P> {
    pub fn new(platform: Rc<P>) -> Self {
        LoginCodes { platform, cell: Rc::default() }
    }

    /// A code that is fresh and was never handed out: the prefetched one while younger than
    /// `FRESH_FOR` (or the prefetch in flight, claimed), else a new one from `wx.login`.
    pub async fn take(&self) -> Result<String, WxFailure> {
        let now = self.platform.now();
        let (ready, pending) = {
            let mut cell = self.cell.borrow_mut();
            let ready = cell.ready.take().filter(|(_, at)| now - at < FRESH_FOR);
            let pending = if ready.is_none() { cell.pending.take() } else { None };
            (ready, pending)
        };
        if let Some((code, _)) = ready {
            return Ok(code);
        }
        if let Some(Ok((code, at))) = match pending {
            Some(fetch) => Some(fetch.await),
            None => None,
        } {
            if self.platform.now() - at < FRESH_FOR {
                return Ok(code);
            }
        }
        self.platform.login_code().await
    }

    /// Fetches a code into the cell (replacing an unused older one). Fails as `wx.login` did.
    pub async fn prefetch(&self) -> Result<(), WxFailure> {
        let platform = self.platform.clone();
        let asked = platform.now();
        let fetch: Fetch = platform.login_code().map(move |code| code.map(|code| (code, asked))).boxed_local().shared();
        self.cell.borrow_mut().pending = Some(fetch.clone());
        let outcome = fetch.clone().await;
        let mut cell = self.cell.borrow_mut();
        // A take that claimed this fetch owns its code; a later prefetch supersedes it.
        let unclaimed = cell.pending.as_ref().is_some_and(|p| p.ptr_eq(&fetch));
        if unclaimed {
            cell.pending = None;
            if let Ok(ready) = &outcome {
                cell.ready = Some(ready.clone());
            }
        }
        outcome.map(drop)
    }

    /// Whether an unused code (fresh or not) is waiting.
    pub fn has_code(&self) -> bool {
        self.cell.borrow().ready.is_some()
    }
}
