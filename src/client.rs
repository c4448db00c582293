//! The client behind `createHttp`: validates options, runs the stack, and makes abort a
//! matter of dropping the request's future (which aborts the task or leaves the queue).

use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};

use crate::error::{Error, Kind};
use crate::options::{ClientConfig, RequestOptions};
use crate::platform::Platform;
use crate::request::Response;
use crate::stack::{self, Service, Stack};

pub struct Client<P: Platform> {
    config: ClientConfig,
    stack: Stack<P>,
}

impl<P: Platform> Client<P> {
    pub fn new(config: ClientConfig, platform: Rc<P>) -> Self {
        let stack = stack::build(platform, &config);
        Client { config, stack }
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
}
