//! The login exchange: `wx.login` → `{ code, previousToken }` to the login endpoint (or the
//! app's login function) → token, expiry, user id. The HTTP form goes through the layer *below*
//! auth, so it can never re-enter auth or trigger a re-login, and it is a priority request (it
//! takes the next free slot of the concurrency limit). Interceptors, being JS around the whole
//! stack, never see it.
//!
//! Error messages name what failed, never the token.



use crate::auth::config::{AuthConfig, Login, LoginInput, LoginOutput};
use crate::error::{Error, Kind};
use crate::platform::{within, Platform, Value};
use crate::request::{Method, Request};
use crate::stack::Service;

/// Runs one exchange. `login_url` is the login URL already joined to the base URL.
pub async fn exchange<P, S>(
    platform: &P,
    inner: &S,
    config: &AuthConfig<P::Value>,
    login_url: &str,
    previous_token: Option<String>,
) -> Result<LoginOutput, Error<P::Value>>
where
    P: Platform,
    S: Service<P::Value>,
{
    let timeout = config.login_timeout;
    let code = match within(platform, timeout, platform.login_code()).await {
        Some(Ok(code)) => code,
        Some(Err(failure)) => {
            let message = format!("Login failed: wx.login failed ({})", failure.err_msg);
            return Err(Error::new(Kind::Login, message).with_err_msg(Some(failure.err_msg)));
        }
        None => return Err(Error::new(Kind::Login, format!("Login failed: wx.login gave no code within {timeout}ms"))),
    };
    match &config.login {
        Login::Function(login) => match within(platform, timeout, login(LoginInput { code, previous_token })).await {
            Some(Ok(output)) => Ok(output),
            Some(Err(reason)) => Err(Error::new(Kind::Login, format!("Login failed: the login function failed ({reason})"))),
            None => Err(Error::new(Kind::Login, format!("Login failed: the login function took over {timeout}ms"))),
        },
        Login::Http { method, .. } => {
            let request = login_request::<P::Value>(*method, login_url, timeout, &code, previous_token.as_deref());
            let response = inner.call(request).await.map_err(|error| {
                let mut login = Error::new(Kind::Login, format!("Login failed: {}", error.message));
                login.err_msg = error.err_msg;
                login.status = error.status;
                login.response = error.response;
                login
            })?;
            read_output(config, &response.raw).ok_or_else(|| {
                let what = format!("Login failed: no token at `{}` in the login response", config.token_path);
                let mut error = Error::about(Kind::Login, &what, *method, login_url);
                error.status = Some(response.status);
                error.response = Some(response);
                error
            })
        }
    }
}


/// The login request: `auth: false` (never through auth), `priority: true`, no sharing.
pub fn login_request<V: Value>(method: Method, url: &str, timeout: u32, code: &str, previous: Option<&str>) -> Request<V> {
    let body = V::object(vec![("code", V::string(code)), ("previousToken", previous.map_or_else(V::null, V::string))]);
    Request {
        header: vec![("content-type".into(), "application/json".into())],
        data: Some(body),
        auth: false,
        dedupe: false,
        priority: true,
        ..Request::new(method, url.to_string(), timeout)
    }
}

/// Token, `expiresIn` and user id from wx's success result (`raw.data` is the body). `None`
/// when there is no (non-empty) token.
pub fn read_output<V: Value>(config: &AuthConfig<V>, raw: &V) -> Option<LoginOutput> {
    let at = |path: &str| raw.text(&format!("data.{path}")).filter(|text| !text.is_empty());
    let token = at(&config.token_path)?;
    let expires_in = at(&config.expires_in_path).and_then(|text| crate::number::parse(&text)).filter(|s| s.is_finite());
    Some(LoginOutput { token, expires_in, user_id: at(&config.user_id_path) })
}
