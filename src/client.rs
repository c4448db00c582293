//! The client behind `createHttp`: validates options, runs the stack, and makes abort a
//! matter of dropping the request's future (which aborts the task or leaves the queue). It
//! also holds what `http.login/logout/getToken/storage/takeLoginCode` reach.

use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};

use crate::auth::AuthConfig;
use crate::cache::CacheEntries;
use crate::error::{Error, Kind};
use crate::login_code::LoginCodes;
use crate::options::{ClientConfig, RequestOptions};
use crate::platform::Platform;
use crate::request::Response;
use crate::stack::{self, AuthLayer, Service, Stack};
use crate::storage::Storage;

pub struct Client<P: Platform> {
    config: ClientConfig,
    stack: Stack<P>,
    auth: Option<Rc<AuthLayer<P>>>,
    cache: CacheEntries<P>,
    storage: Storage<P>,
    codes: LoginCodes<P>,
}

impl<P: Platform> Client<P> {
    /// `auth: None` builds a client without silent login. A user switch (SPEC L9) drops the
    /// previous user's cached responses before any request resolves.
    pub fn new(config: ClientConfig, auth: Option<AuthConfig<P::Value>>, platform: Rc<P>) -> Self {
        let cache = CacheEntries::new(platform.clone(), &config.namespace);
        let auth = auth.map(|mut auth| {
            let entries = cache.clone();
            auth.namespace = config.namespace.clone();
            auth.on_user_change = Some(Rc::new(move |old, new| {
                if old != new {
                    entries.drop_user(old)
                }
            }));
            auth
        });
        let (stack, auth) = stack::build(platform.clone(), &config, auth);
        let storage = Storage::new(platform.clone(), &config.namespace);
        let codes = LoginCodes::new(platform);
        Client { config, stack, auth, cache, storage, codes }
    }

    /// Runs one request. `abort` settles it with kind `aborted` whatever stage it is in.
    pub async fn request(
        &self,
        options: RequestOptions<P::Value>,
        abort: Option<futures::future::AbortRegistration>,
    ) -> Result<Response<P::Value>, Error<P::Value>> {
        let request = self.config.prepare(options)?;
        let (method, url) = (request.method, request.url.clone());
        let registration = abort.unwrap_or_else(|| AbortHandle::new_pair().1);
        match Abortable::new(self.stack.call(request), registration).await {
            Ok(result) => result,
            Err(_) => Err(Error::about(Kind::Aborted, "Request aborted", method, &url)),
        }
    }

    /// `http.login()`: joins a login in flight or starts one.
    pub async fn login(&self) -> Result<(), Error<P::Value>> {
        match &self.auth {
            Some(auth) => auth.login().await,
            None => Err(Error::config("Invalid call `login()`: this client has no `auth` option".into())),
        }
    }

    /// `http.logout()`: forgets the token and every cached response.
    pub fn logout(&self) {
        if let Some(auth) = &self.auth {
            auth.logout();
        }
        self.cache.clear();
    }

    pub fn token(&self) -> Option<String> {
        self.auth.as_ref().and_then(|auth| auth.token())
    }

    pub fn storage(&self) -> &Storage<P> {
        &self.storage
    }

    /// `http.takeLoginCode()`: a fresh `wx.login` code never handed out before (SPEC §9).
    pub async fn take_login_code(&self) -> Result<String, Error<P::Value>> {
        self.codes.take().await.map_err(wx_login_failed)
    }

    /// `http.prefetchLoginCode()`: gets one code now, for a later `take_login_code`.
    pub async fn prefetch_login_code(&self) -> Result<(), Error<P::Value>> {
        self.codes.prefetch().await.map_err(wx_login_failed)
    }
}

fn wx_login_failed<V>(failure: crate::platform::WxFailure) -> Error<V> {
    Error::new(Kind::Login, format!("wx.login failed ({})", failure.err_msg)).with_err_msg(Some(failure.err_msg))
}
