//! The one I/O step of the token protocol: send a request built by the core, with a timeout,
//! and hand back status, `Retry-After` and body for the core to parse.

use futures_util::future::{select, Either};
use std::time::Duration;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

/// Every upstream call gives up after this long.
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

/// What came back.
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why nothing came back.
#[derive(Debug)]
pub enum Transport {
    /// No answer within [`UPSTREAM_TIMEOUT`].
    Timeout,
    /// The connection failed or the request could not be built.
    Failed(String),
}

impl std::fmt::Display for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => write!(f, "timed out after {} s", UPSTREAM_TIMEOUT.as_secs()),
            Self::Failed(e) => write!(f, "transport failure: {e}"),
        }
    }
}

fn method(m: &http::Method) -> Method {
    Method::from(m.as_str().to_owned())
}

/// Sends `req` and reads the whole answer, or gives up after the timeout.
pub async fn send(req: http::Request<Vec<u8>>) -> Result<Answer, Transport> {
    let headers = Headers::new();
    for (name, value) in req.headers() {
        let value = value
            .to_str()
            .map_err(|e| Transport::Failed(e.to_string()))?;
        headers
            .set(name.as_str(), value)
            .map_err(|e| Transport::Failed(e.to_string()))?;
    }
    let mut init = RequestInit::new();
    init.with_method(method(req.method())).with_headers(headers);
    if !req.body().is_empty() {
        init.with_body(Some(js_sys::Uint8Array::from(req.body().as_slice()).into()));
    }
    let request = Request::new_with_init(&req.uri().to_string(), &init)
        .map_err(|e| Transport::Failed(e.to_string()))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    // `signal` moves into the call; the controller stays here to abort it on timeout.
    let call = Box::pin(async move {
        let mut resp = Fetch::Request(request).send_with_signal(&signal).await?;
        let status = resp.status_code();
        let retry_after = resp.headers().get("retry-after").ok().flatten();
        let content_type = resp.headers().get("content-type").ok().flatten();
        let body = resp.bytes().await?;
        Ok::<_, worker::Error>(Answer {
            status,
            retry_after,
            content_type,
            body,
        })
    });
    match select(call, Delay::from(UPSTREAM_TIMEOUT)).await {
        Either::Left((result, _)) => result.map_err(|e| Transport::Failed(e.to_string())),
        Either::Right(_) => {
            controller.abort();
            Err(Transport::Timeout)
        }
    }
}
