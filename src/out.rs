//! The command queue: events push commands, the driver pops them one at a time (`poll`),
//! reading the op code as the return value and the arguments from a fixed area of memory.
//! The queue keeps its capacity, so after warm-up no command allocates.

use alloc::collections::VecDeque;

/// One command: an op code (`protocol::op`) and up to four numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cmd {
    pub op: u32,
    pub a: [f64; 4],
}

#[derive(Default, Debug)]
pub struct Out {
    queue: VecDeque<Cmd>,
}

impl Out {
    pub fn push(&mut self, op: u32, a: [f64; 4]) {
        self.queue.push_back(Cmd { op, a });
    }

    /// The op with one argument, the others zero.
    pub fn push1(&mut self, op: u32, a0: f64) {
        self.push(op, [a0, 0.0, 0.0, 0.0]);
    }

    pub fn pop(&mut self) -> Option<Cmd> {
        self.queue.pop_front()
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}
