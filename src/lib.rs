//! wxhttp: the request layer of WeChat mini-programs. A pure Rust core (this crate's modules
//! but `wx`) talks to the world only through the `Platform` trait; `wx/` binds it to the JS
//! glue when compiled to WebAssembly.

pub mod auth;
pub mod avatar;
pub mod background;
pub mod cache;
pub mod client;
pub mod debug;
pub mod error;
pub mod hash;
pub mod limit;
pub mod login_code;
pub mod number;
pub mod options;
pub mod platform;
pub mod request;
pub mod retry;
pub mod share;
pub mod stack;
pub mod storage;
pub mod transport;
pub mod url;

#[cfg(target_arch = "wasm32")]
pub mod wx;

pub use client::Client;
pub use error::{Error, Kind};
pub use options::{ClientConfig, RequestOptions};
pub use platform::{Platform, Value, WxFailure};
pub use request::{Method, Request, Response};
