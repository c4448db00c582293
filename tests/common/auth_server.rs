//! A mini server behind the fake platform for the auth tests: `/auth/login` issues tokens
//! `T1`, `T2`, …; every other path answers `{ code: 0 }` to a valid `Authorization` header
//! and an "expired" answer otherwise. Tokens are decided when the request is sent (the fake
//! calls the responder then); `?delay=N` delays a business answer by N ms of the manual clock.
//! A valid answer names the user its token was issued to (`data.user`) and counts the business
//! requests so far (`data.n`), so that a test can tell a cached answer and its owner.
//! Included by `tests/auth.rs` and `tests/auth_random.rs` with `#[path]`.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde_json::{json, Value as Json};
use wxhttp::auth::{Auth, AuthConfig, Login};
use wxhttp::transport::Transport;
use wxhttp::{ClientConfig, Error, Request, RequestOptions, Response};

use crate::common::*;

pub const BASE: &str = "https://api.example.com";
pub const LOGIN_PATH: &str = "/auth/login";

pub type TestAuth = Auth<Transport<Fake>, Fake>;
pub type Answer = Result<Response<J>, Error<J>>;

/// How the server says "your token is no longer valid".
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expired {
    Code,
    CodeString,
    Message,
    Status401,
}

pub struct Server {
    /// Tokens the server accepts now.
    pub valid: RefCell<Vec<String>>,
    /// Tokens issued so far (`T1`, `T2`, …).
    pub issued: Cell<u32>,
    /// Bodies of every login request, in order.
    pub login_bodies: RefCell<Vec<Json>>,
    /// The next login requests answer 500.
    pub login_errors: Cell<u32>,
    /// Login answers carry no token.
    pub omit_token: Cell<bool>,
    pub login_delay: Cell<u32>,
    pub expires_in: Cell<Option<f64>>,
    pub user: RefCell<Option<String>>,
    /// The user each token was issued to.
    pub owners: RefCell<std::collections::HashMap<String, Option<String>>>,
    /// A new login revokes every older token (the server drops `previousToken`'s session).
    pub revoke_on_login: Cell<bool>,
    pub expired: Cell<Expired>,
    /// `scheme` the server expects before the token.
    pub scheme: RefCell<String>,
    /// The `Authorization` header of every business request, in the order sent.
    pub business: RefCell<Vec<Option<String>>>,
    pub expired_answers: Cell<u32>,
    /// Business requests currently being answered, and the most at once (for `delay`).
    pub logins_in_flight: Rc<Cell<u32>>,
    pub max_logins_in_flight: Rc<Cell<u32>>,
}

impl Server {
    pub fn new() -> Rc<Server> {
        Rc::new(Server {
            valid: RefCell::default(),
            issued: Cell::new(0),
            login_bodies: RefCell::default(),
            login_errors: Cell::new(0),
            omit_token: Cell::new(false),
            login_delay: Cell::new(0),
            expires_in: Cell::new(None),
            user: RefCell::new(None),
            owners: RefCell::default(),
            revoke_on_login: Cell::new(true),
            expired: Cell::new(Expired::Code),
            scheme: RefCell::new(String::new()),
            business: RefCell::default(),
            expired_answers: Cell::new(0),
            logins_in_flight: Rc::new(Cell::new(0)),
            max_logins_in_flight: Rc::new(Cell::new(0)),
        })
    }

    pub fn fake(self: &Rc<Self>) -> Rc<Fake> {
        let server = self.clone();
        Fake::new(move |request| server.answer(request))
    }

    /// Server-side expiry: every token issued so far stops working. Returns how many did.
    pub fn expire(&self) -> usize {
        let mut valid = self.valid.borrow_mut();
        let revoked = valid.len();
        valid.clear();
        revoked
    }

    pub fn logins(&self) -> usize {
        self.login_bodies.borrow().len()
    }

    pub fn answer(&self, request: &Request<J>) -> Reply {
        let (path, delay) = path_and_delay(&request.url);
        if path == LOGIN_PATH {
            return self.login(request);
        }
        let header = request.header("Authorization").map(str::to_string);
        self.business.borrow_mut().push(header.clone());
        let scheme = self.scheme.borrow().clone();
        let token = header.as_deref().and_then(|h| h.strip_prefix(scheme.as_str()));
        if let Some(token) = token.filter(|t| self.valid.borrow().iter().any(|v| v == t)) {
            let user = self.owners.borrow().get(token).cloned().flatten();
            let n = self.business.borrow().len();
            return ok(json!({ "code": 0, "data": { "path": path, "user": user, "n": n } })).after(delay);
        }
        self.expired_answers.set(self.expired_answers.get() + 1);
        let reply = match self.expired.get() {
            Expired::Code => ok(json!({ "code": 99997, "message": "TOKEN EXPIRED" })),
            Expired::CodeString => ok(json!({ "code": "99997", "message": "TOKEN EXPIRED", "status": "ERROR" })),
            Expired::Message => ok(json!({ "code": 1, "message": "NO_LOGIN_SESSION" })),
            Expired::Status401 => Reply::Answer { status: 401, body: json!({}), header: json!({}), delay: 0 },
        };
        reply.after(delay)
    }

    fn login(&self, request: &Request<J>) -> Reply {
        self.login_bodies.borrow_mut().push(request.data.as_ref().map_or(Json::Null, |d| d.0.clone()));
        let delay = self.login_delay.get();
        if self.login_errors.get() > 0 {
            self.login_errors.set(self.login_errors.get() - 1);
            return status(500).after(delay);
        }
        if self.omit_token.get() {
            return ok(json!({ "code": 0, "data": {} })).after(delay);
        }
        self.issued.set(self.issued.get() + 1);
        let token = format!("T{}", self.issued.get());
        if self.revoke_on_login.get() {
            self.valid.borrow_mut().clear();
        }
        self.valid.borrow_mut().push(token.clone());
        self.owners.borrow_mut().insert(token.clone(), self.user.borrow().clone());
        let data = json!({ "token": token, "expiresIn": self.expires_in.get(), "userId": *self.user.borrow() });
        ok(json!({ "code": 0, "data": data })).after(delay)
    }
}

/// The URL's path (after the origin) and its `delay` query parameter.
pub fn path_and_delay(url: &str) -> (String, u32) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path_and_query = rest.find('/').map_or("/", |i| &rest[i..]);
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let delay = query.split('&').find_map(|pair| pair.strip_prefix("delay=")).and_then(|d| d.parse().ok()).unwrap_or(0);
    (path.to_string(), delay)
}

pub fn config() -> AuthConfig<J> {
    AuthConfig::new(Login::url(LOGIN_PATH))
}

pub fn auth_with(fake: &Rc<Fake>, config: AuthConfig<J>) -> Rc<TestAuth> {
    Rc::new(Auth::new(Rc::new(Transport::new(fake.clone())), fake.clone(), BASE, config))
}

/// A GET as the client prepares it (absolute URL, `auth: true`).
pub fn get(url: &str) -> Request<J> {
    let client = ClientConfig { base_url: BASE.into(), ..ClientConfig::default() };
    client.prepare(RequestOptions::new("GET", url)).expect("valid request")
}

/// The body of a successful answer.
pub fn body(outcome: &Answer) -> Json {
    outcome.as_ref().expect("a response").raw.0["data"].clone()
}
