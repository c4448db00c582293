//! The concurrency limit: at most `maxConcurrent` requests in the layer below (the transport) at
//! once, the rest waiting in a FIFO queue. It sits under retry, so a backoff sleep holds no slot,
//! and over the transport, so the per-attempt timeout starts only once a slot is acquired
//! (SPEC §5: counted from dispatch, not from entering the queue).
//!
//! A slot is an RAII `Permit`: dropping it (the request finished, failed, or its future was
//! dropped) hands the slot straight to the next waiter, or frees it. A priority request (the
//! login request) waits in its own queue, served before the ordinary one. A waiter whose future
//! is dropped leaves the queue at once; a permit already handed to it but never received is
//! dropped with the channel and so passes the slot on. No polling loop: waiters sleep on a
//! `oneshot` and are woken by the permit that frees a slot.

use std::future::Future;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::channel::oneshot;

use crate::error::Error;
use crate::request::{Request, Response};
use crate::stack::Service;

pub struct Limit<S> {
    inner: S,
    slots: Rc<RefCell<Slots>>,
}

struct Slots {
    max: usize,
    in_flight: usize,
    next_id: u64,
    priority: VecDeque<Waiter>,
    queue: VecDeque<Waiter>,
}

struct Waiter {
    id: u64,
    wake: oneshot::Sender<Permit>,
}

impl Slots {
    fn next_waiter(&mut self) -> Option<Waiter> {
        self.priority.pop_front().or_else(|| self.queue.pop_front())
    }
}

/// One slot held. Dropping it releases the slot exactly once.
struct Permit {
    slots: Option<Rc<RefCell<Slots>>>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(slots) = self.slots.take() {
            release(&slots);
        }
    }
}

/// Hands the slot to the next live waiter, or frees it. The borrow is released before sending:
/// a failed send gives the permit back, which is disarmed here rather than dropped (its drop
/// would re-enter this function).
fn release(slots: &Rc<RefCell<Slots>>) {
    loop {
        let waiter = {
            let mut state = slots.borrow_mut();
            match state.next_waiter() {
                Some(waiter) => waiter,
                None => {
                    state.in_flight -= 1;
                    return;
                }
            }
        };
        match waiter.wake.send(Permit { slots: Some(slots.clone()) }) {
            Ok(()) => return,
            Err(mut permit) => permit.slots = None, // that waiter left: try the next
        }
    }
}

/// Removes a waiter from its queue when its future is dropped before it got a slot.
struct Queued {
    id: u64,
    slots: Rc<RefCell<Slots>>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        let mut state = self.slots.borrow_mut();
        let id = self.id;
        state.priority.retain(|w| w.id != id);
        state.queue.retain(|w| w.id != id);
    }
}

impl<S> Limit<S> {
    /// `max` below 1 is taken as 1 (the options reject it before any request gets here).
    pub fn new(inner: S, max: usize) -> Self {
        let slots = Slots { max: max.max(1), in_flight: 0, next_id: 0, priority: VecDeque::new(), queue: VecDeque::new() };
        Limit { inner, slots: Rc::new(RefCell::new(slots)) }
    }

    /// The layer below.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Requests holding a slot now.
    pub fn in_flight(&self) -> usize {
        self.slots.borrow().in_flight
    }

    /// Requests waiting for a slot now.
    pub fn queued(&self) -> usize {
        let state = self.slots.borrow();
        state.priority.len() + state.queue.len()
    }

    async fn acquire(&self, priority: bool) -> Permit {
        let (id, receiver) = {
            let mut state = self.slots.borrow_mut();
            if state.in_flight < state.max {
                state.in_flight += 1;
                return Permit { slots: Some(self.slots.clone()) };
            }
            let (wake, receiver) = oneshot::channel();
            let id = state.next_id;
            state.next_id += 1;
            let queue = if priority { &mut state.priority } else { &mut state.queue };
            queue.push_back(Waiter { id, wake });
            (id, receiver)
        };
        let _queued = Queued { id, slots: self.slots.clone() };
        match receiver.await {
            Ok(permit) => permit,
            // Only `release` drops senders, and it sends first: unreachable in practice, but
            // never wait forever on it.
            Err(oneshot::Canceled) => futures::future::pending().await,
        }
    }
}

impl<V, S: Service<V>> Service<V> for Limit<S> {
    fn call(&self, request: Request<V>) -> impl Future<Output = Result<Response<V>, Error<V>>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            let _permit = self.acquire(request.priority).await;
            self.inner.call(request).await
        })
    }
}
