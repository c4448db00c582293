//! One login episode as a shared future: the optional `wx.checkSession`, the rate limit, the
//! exchange, then applying the outcome to the state — only if the state still holds this very
//! login — and running the hooks (`on_user_change` before any waiter resumes,
//! `on_login_failed` once). The future holds the state only through a `Weak` handle.

use std::rc::{Rc, Weak};

use futures::future::{AbortHandle, Abortable, FutureExt};

use super::config::{AuthConfig, LoginOutput};
use super::state::{self, LoginFuture, Session, Start};
use super::{exchange, limit_error, persist, Core};
use crate::error::{Error, Kind};
use crate::platform::Platform;
use crate::stack::Service;

/// How a login future ended, before the state applies it.
enum Fresh {
    /// `wx.checkSession` confirmed the restored token.
    Confirmed(Session),
    New(LoginOutput),
}

/// A failed login; `notify`: whether `on_login_failed` is due (not for the rate limit).
struct Failure<V> {
    error: Error<V>,
    notify: bool,
}

impl<S, P> Core<S, P>
where
    P: Platform,
    S: Service<P::Value> + 'static,
{
    /// Creates the shared login future and puts it into the state (not polled yet).
    pub(super) fn start(self: &Rc<Self>, start: Start) -> LoginFuture<P::Value> {
        let id = self.state.borrow_mut().next_login_id();
        let weak = Rc::downgrade(self);
        let (platform, inner, config, url) =
            (self.platform.clone(), self.inner.clone(), self.config.clone(), self.login_url.clone());
        let job = start.clone();
        let (abort, registration) = AbortHandle::new_pair();
        let login = async move {
            // Aborted by logout: the work in flight is dropped here, before anything else runs.
            let Ok(outcome) = Abortable::new(run(&*platform, &*inner, &config, &url, job, &weak), registration).await
            else {
                return Err(Error::new(Kind::Login, "Login failed: logged out during the login".into()));
            };
            match weak.upgrade() {
                Some(core) => core.settle(id, outcome),
                None => Err(outcome.err().map_or_else(|| Error::new(Kind::Login, "Login failed: the client is gone".into()), |f| f.error)),
            }
        };
        let login = login.boxed_local().shared();
        self.state.borrow_mut().begin(id, login.clone(), abort, &start);
        if let Some(spawn) = &self.config.spawn {
            spawn(login.clone().map(drop).boxed_local());
        }
        login
    }

    /// Applies a login's outcome, if the state still holds login `id`, then runs the hooks.
    fn settle(&self, id: u64, outcome: Result<Fresh, Failure<P::Value>>) -> Result<Session, Error<P::Value>> {
        let now = self.platform.now();
        let mut state = self.state.borrow_mut();
        match outcome {
            Ok(Fresh::Confirmed(session)) => {
                if state.holds(id) {
                    state.phase = state::Phase::HaveToken(session.clone());
                }
                Ok(session)
            }
            Ok(Fresh::New(output)) => {
                if !state.holds(id) {
                    return Err(Error::new(Kind::Login, "Login failed: logged out during the login".into()));
                }
                let old_user = state.user.clone();
                let expires_at = output.expires_in.map(|seconds| now + seconds * 1000.0);
                let session = state.install(output.token, expires_at, output.user_id);
                drop(state);
                persist::save(&self.storage, &session);
                if let (Some(new), Some(hook)) = (session.user_id.as_deref(), &self.config.on_user_change) {
                    if old_user.as_deref() != Some(new) {
                        hook(old_user.as_deref(), Some(new));
                    }
                }
                Ok(session)
            }
            Err(failure) => {
                let waited = state.holds(id) && state.fail(now, &failure.error);
                drop(state);
                if let (true, true, Some(hook)) = (waited, failure.notify, &self.config.on_login_failed) {
                    hook(&failure.error);
                }
                Err(failure.error)
            }
        }
    }
}

/// One login episode: the optional `wx.checkSession`, the rate limit, the exchange.
async fn run<S, P>(
    platform: &P,
    inner: &S,
    config: &AuthConfig<P::Value>,
    login_url: &str,
    start: Start,
    core: &Weak<Core<S, P>>,
) -> Result<Fresh, Failure<P::Value>>
where
    P: Platform,
    S: Service<P::Value> + 'static,
{
    let previous = match start {
        Start::Check(session) => {
            if crate::platform::within(platform, config.login_timeout, platform.check_session()).await == Some(true) {
                return Ok(Fresh::Confirmed(session));
            }
            Some(session.token)
        }
        Start::Login { previous, .. } => previous,
    };
    let admitted = core.upgrade().is_some_and(|core| core.state.borrow_mut().admit(platform.now()));
    if !admitted {
        return Err(Failure { error: limit_error(), notify: false });
    }
    match exchange::exchange(platform, inner, config, login_url, previous).await {
        Ok(output) => Ok(Fresh::New(output)),
        Err(error) => Err(Failure { error, notify: true }),
    }
}
