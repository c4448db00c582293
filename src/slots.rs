//! The concurrency limit as `maxConcurrent` slots (SPEC §5): a call in flight holds one. Each
//! call gets a fresh serial, so an answer for a call that already ended (timed out, aborted, a
//! `wx` that calls back twice) is recognised and ignored.

use alloc::vec::Vec;

use crate::protocol::NIL;

/// The owner of the login request's slot.
pub const LOGIN: u32 = NIL - 1;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    /// 0: free.
    pub serial: u32,
    /// A request id, or `LOGIN`.
    pub owner: u32,
    /// The call's deadline (its timeout counted from dispatch).
    pub until: f64,
}

#[derive(Debug, Default)]
pub struct Slots {
    slots: Vec<Slot>,
    serials: u32,
}

impl Slots {
    pub fn new(max: u32) -> Self {
        let free = Slot { serial: 0, owner: NIL, until: f64::INFINITY };
        Slots { slots: alloc::vec![free; max.max(1) as usize], serials: 0 }
    }

    pub fn free_slot(&self) -> Option<u32> {
        self.slots.iter().position(|s| s.serial == 0).map(|i| i as u32)
    }

    /// Starts a call in `slot`; returns its serial.
    pub fn take(&mut self, slot: u32, owner: u32, until: f64) -> u32 {
        self.serials = self.serials.wrapping_add(1).max(1);
        let serial = self.serials;
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = Slot { serial, owner, until };
        }
        serial
    }

    /// Ends the call `serial` in `slot`, returning its owner; `None` for a stale answer.
    pub fn finish(&mut self, slot: u32, serial: u32) -> Option<u32> {
        let s = self.slots.get_mut(slot as usize).filter(|s| serial != 0 && s.serial == serial)?;
        let owner = s.owner;
        *s = Slot { serial: 0, owner: NIL, until: f64::INFINITY };
        Some(owner)
    }

    pub fn serial(&self, slot: u32) -> u32 {
        self.slots.get(slot as usize).map_or(0, |s| s.serial)
    }

    /// Hands a call to another owner (a sharer taking over an aborted leader's call).
    pub fn reassign(&mut self, slot: u32, owner: u32) {
        if let Some(s) = self.slots.get_mut(slot as usize) {
            s.owner = owner;
        }
    }

    /// A request's call past its deadline: (slot, serial, owner).
    pub fn due(&self, now: f64) -> Option<(u32, u32, u32)> {
        let (i, s) =
            self.slots.iter().enumerate().find(|(_, s)| s.serial != 0 && s.owner != LOGIN && now >= s.until)?;
        Some((i as u32, s.serial, s.owner))
    }

    pub fn deadline(&self) -> f64 {
        self.slots.iter().filter(|s| s.serial != 0).fold(f64::INFINITY, |at, s| at.min(s.until))
    }

    pub fn in_flight(&self) -> usize {
        self.slots.iter().filter(|s| s.serial != 0).count()
    }
}
