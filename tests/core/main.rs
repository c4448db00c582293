//! The native test suite of the core: one crate, one module per concern. Every test drives a
//! `Client` through `harness::H`, which plays the JS driver (manual clock, request ids, the
//! login exchange) and checks on every command that no request settles twice, nothing is sent
//! for a settled request and no more calls are in flight than the limit allows.
#![cfg(not(target_arch = "wasm32"))]

mod harness;

mod abort;
mod auth;
mod background;
mod cache;
mod codes;
mod episode;
mod invariants;
mod limit;
mod login;
mod namespace;
mod network;
mod protocol;
mod retry;
mod share;
mod storage;
