//! The bottom of the stack: one `wx.request` per call, its wx failure decoded into a kind,
//! and the per-attempt timeout counted from dispatch.

use std::future::Future;
use std::rc::Rc;

use crate::error::{Error, Kind};
use crate::platform::{within, Platform, WxFailure};
use crate::request::{Request, Response};
use crate::stack::Service;

/// `validateStatus`: which statuses resolve; the others reject with kind `http`.
pub type ValidateStatus = Rc<dyn Fn(u16) -> bool>;

pub struct Transport<P> {
    platform: Rc<P>,
    validate_status: Option<ValidateStatus>,
}

impl<P: Platform> Transport<P> {
    /// Resolves 2xx statuses only.
    pub fn new(platform: Rc<P>) -> Self {
        Transport { platform, validate_status: None }
    }

    /// Replaces the 2xx rule (`None` keeps it).
    pub fn with_validate_status(mut self, validate_status: Option<ValidateStatus>) -> Self {
        self.validate_status = validate_status;
        self
    }
}

impl<P: Platform> Service<P::Value> for Transport<P> {
    fn call(&self, request: Request<P::Value>) -> impl Future<Output = Result<Response<P::Value>, Error<P::Value>>> {
        // Boxed: see `stack.rs` on why every layer's future is.
        Box::pin(async move {
            match within(&*self.platform, request.timeout, self.platform.send(&request)).await {
                Some(Ok(response)) => check_status(&request, response, self.validate_status.as_deref()),
                Some(Err(failure)) => Err(decode_failure(&request, failure)),
                None => {
                    let what = format!("Timeout of {}ms exceeded", request.timeout);
                    Err(request.error(Kind::Timeout, &what))
                }
            }
        })
    }
}

fn check_status<V>(
    request: &Request<V>,
    response: Response<V>,
    validate_status: Option<&dyn Fn(u16) -> bool>,
) -> Result<Response<V>, Error<V>> {
    let valid = match validate_status {
        Some(validate) => validate(response.status),
        None => (200..300).contains(&response.status),
    };
    if valid {
        return Ok(response);
    }
    let what = format!("Request failed with status {}", response.status);
    let mut error = request.error(Kind::Http, &what);
    error.status = Some(response.status);
    error.response = Some(response);
    Err(error)
}

/// wx says what went wrong only in `errMsg` (`request:fail timeout`, `request:fail abort`,
/// `request:fail interrupted`, `request:fail ssl hand shake error`, …).
pub fn decode_failure<V>(request: &Request<V>, failure: WxFailure) -> Error<V> {
    let text = failure.err_msg.to_ascii_lowercase();
    let (kind, what) = if text.contains("timeout") || text.contains("timed out") {
        (Kind::Timeout, "Timeout")
    } else if text.contains("abort") {
        (Kind::Aborted, "Aborted")
    } else {
        (Kind::Network, "Network error")
    };
    let what = format!("{what} ({})", failure.err_msg);
    request.error(kind, &what).with_err_msg(Some(failure.err_msg))
}
