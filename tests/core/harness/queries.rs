//! What a test asks the driver: the calls in flight, how a request settled, the commands seen.

use super::{Call, H, R};
use wxhttp::protocol::op;
use wxhttp::Cmd;

impl H {
    pub fn call(&self, r: R) -> Call {
        let call = self.calls.iter().find(|c| c.r == r);
        *call.unwrap_or_else(|| panic!("{r:?} has no call in flight"))
    }

    pub fn in_flight(&self, r: R) -> bool {
        self.calls.iter().any(|c| c.r == r)
    }

    pub fn outcome(&self, r: R) -> Option<Cmd> {
        self.outcomes.get(&r.seq).copied()
    }

    /// Whether `r` is still waiting to settle (its id not yet freed).
    pub fn is_live(&self, r: R) -> bool {
        self.live.get(&r.id) == Some(&r.seq)
    }

    /// Whether no live request holds `id`.
    pub fn id_free(&self, id: u32) -> bool {
        !self.live.contains_key(&id)
    }

    pub fn settled(&self, r: R) -> bool {
        self.outcome(r).is_some()
    }

    /// `r`'s RESOLVE source (`a1`); panics unless it resolved.
    pub fn resolved(&self, r: R) -> f64 {
        match self.outcome(r) {
            Some(Cmd { op: op::RESOLVE, a }) => a[1],
            other => panic!("{r:?}: expected RESOLVE, got {other:?}"),
        }
    }

    /// `r`'s REJECT reason and detail; panics unless it rejected.
    pub fn rejected(&self, r: R) -> (u32, f64) {
        match self.outcome(r) {
            Some(Cmd { op: op::REJECT, a }) => (a[1] as u32, a[2]),
            other => panic!("{r:?}: expected REJECT, got {other:?}"),
        }
    }

    /// Requests not settled yet, as the driver counts them.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    pub fn count(&self, op: u32) -> usize {
        self.log.iter().filter(|c| c.op == op).count()
    }

    pub fn args(&self, op: u32) -> Vec<[f64; 4]> {
        self.log.iter().filter(|c| c.op == op).map(|c| c.a).collect()
    }

    pub fn sends(&self, r: R) -> Vec<Call> {
        self.sent.iter().filter(|c| c.r == r).copied().collect()
    }
}
