//! wxhttp's core: the request layer of WeChat mini-programs as a sans-IO state machine.
//!
//! The driver (`js/`) reports events — a request submitted, wx's answer, a timer, the app
//! hidden or shown, the login exchange's steps — and executes the commands the core queues in
//! return: send, resolve, reject, log in, wake me at T, persist. Only numbers cross (ids,
//! flags, statuses, times); strings, bodies, headers and the token stay in JS. The core never
//! calls out, so nothing it runs can throw, and a misbehaving `wx` or callback can at worst
//! become a failure event. See `protocol.rs` for the numbers, `client.rs` for the events and
//! the order of concerns (SPEC §5), `wasm.rs` for the exports.
//!
//! `no_std` + `alloc`, no `core::fmt` on any path: the wasm stays small and never formats.

#![no_std]
#![deny(unsafe_code)]

extern crate alloc;
// Off the bare wasm target (native tests, `wasm-pack test`), std supplies the allocator and the
// panic handler the cdylib needs; the code itself uses only `core` and `alloc`.
#[cfg(not(target_os = "none"))]
extern crate std;

pub mod auth;
pub mod client;
mod clock;
mod codes;
pub mod error;
mod exchange;
mod flow;
pub mod out;
mod outcome;
pub mod policy;
pub mod protocol;
mod request;
mod slots;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use auth::AuthConfig;
pub use client::Client;
pub use error::Kind;
pub use out::Cmd;
pub use policy::{fresh, RetryPolicy};
