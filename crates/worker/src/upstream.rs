//! The one outbound HTTP call of the edge (token endpoints, partner APIs, webhook targets): send
//! a request built by the core, with a timeout, and hand back status, `Retry-After` and body for
//! the core to parse.
//!
//! Partner calls never follow redirects (docs/security.md item 27): every request is sent with
//! `redirect: manual`, so a `3xx` comes back as it is and the body (a client secret, a service
//! password, a caller's payload) is never re-sent anywhere. Callers treat a `3xx` as a
//! misconfiguration ([`Answer::redirect`], [`Opened::redirect`]).

use gatehouse_core::outbound::Outbound;
use js_sys::futures::JsFuture;
use std::time::Duration;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::ReadableStream;
use worker::{Headers, Request, Response, ResponseBody};

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
    /// The `location` header of a `3xx`, if any.
    pub location: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// For a `3xx`: a loggable description (the target without its query, which may carry
    /// codes); `None` otherwise.
    pub fn redirect(&self) -> Option<String> {
        redirect_note(self.status, self.location.as_deref())
    }
}

/// `"answered 307 (not followed) towards https://host/path"`, for a redirecting `3xx` only
/// (`304 Not Modified` is an answer to a conditional request, not a redirect).
pub fn redirect_note(status: u16, location: Option<&str>) -> Option<String> {
    if !(300..400).contains(&status) || status == 304 {
        return None;
    }
    let target = location.map_or("nowhere", |l| l.split(['?', '#']).next().unwrap_or(""));
    Some(format!(
        "answered {status} (redirects are not followed) towards {target}"
    ))
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

/// The options of a platform request that does not follow redirects (docs/security.md item
/// 27), built with `web_sys`'s `RequestInit` rather than worker-rs's, whose conversion carries
/// the whole of Cloudflare's `cf` options (image resizing included) into the wasm for fields
/// never set.
fn init(method: &str, headers: &Headers, body: Option<&JsValue>) -> web_sys::RequestInit {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers.0);
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = body {
        init.set_body(body);
    }
    init
}

/// A platform `Request` that does not follow redirects, for a Durable Object's `fetch`.
pub fn request(
    url: &str,
    method: &str,
    headers: &Headers,
    body: Option<&JsValue>,
) -> worker::Result<Request> {
    Ok(web_sys::Request::new_with_str_and_init(url, &init(method, headers, body))?.into())
}

#[wasm_bindgen]
extern "C" {
    /// The platform's `fetch`, given a URL and options. Called directly rather than through
    /// worker-rs's `Fetch`: its `Request` and `Response` wrappers read the request's and the
    /// answer's `cf` object each time (a copy made by the runtime), which the hot path of the
    /// proxy paid for twice per call (bench/README.md, "Where the proxy's time goes").
    #[wasm_bindgen(catch, js_name = fetch)]
    fn platform_fetch(url: &str, init: &web_sys::RequestInit) -> Result<js_sys::Promise, JsValue>;
}

/// An answer whose body has not been read: the proxy passes the stream on as it arrives.
pub struct Opened {
    /// HTTP status.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// The `location` header of a `3xx`, if any.
    pub location: Option<String>,
    /// Every header of the answer (the proxy passes some back, `gatehouse_core::proxy`).
    pub headers: Headers,
    /// The body, still arriving (`None` for an empty body).
    pub body: Option<ReadableStream>,
}

impl Opened {
    /// For a `3xx`: a loggable description (see [`Answer::redirect`]).
    pub fn redirect(&self) -> Option<String> {
        redirect_note(self.status, self.location.as_deref())
    }

    /// Reads the whole body (for answers Gatehouse parses itself, such as SSO's).
    pub async fn bytes(self) -> Result<Vec<u8>, Transport> {
        match self.body {
            None => Ok(Vec::new()),
            Some(stream) => Response::from_body(ResponseBody::Stream(stream))
                .map_err(|e| Transport::Failed(e.to_string()))?
                .bytes()
                .await
                .map_err(|e| Transport::Failed(e.to_string())),
        }
    }

    /// Stops reading a body that will not be used (the upstream connection is released).
    pub fn discard(self) {
        if let Some(body) = self.body {
            // A promise that only fails if the stream is locked; nothing to do then.
            let _ = body.cancel();
        }
    }
}

/// Sends `req` and returns once the status and headers are in; the timeout also bounds reading
/// the body. The platform's `AbortSignal.timeout` keeps the hot path free of Rust-side timers.
pub async fn open(req: Outbound, base: Option<&Headers>) -> Result<Opened, Transport> {
    let (resp, signal) = call(req, base).await?;
    let headers = Headers(resp.headers());
    drop(signal);
    Ok(Opened {
        status: resp.status(),
        retry_after: headers.get("retry-after").ok().flatten(),
        content_type: headers.get("content-type").ok().flatten(),
        location: headers.get("location").ok().flatten(),
        headers,
        body: resp.body(),
    })
}

/// Sends `req` and reads the whole answer, or gives up after the timeout.
pub async fn send(req: Outbound) -> Result<Answer, Transport> {
    let (resp, signal) = call(req, None).await?;
    read(resp, signal).await
}

/// Sends a request built here (webhooks) and reads the whole answer, or gives up after the
/// timeout. Redirects are not followed (`manual`): a `3xx` is answered as it is.
pub async fn send_unfollowed(url: &str, headers: Headers, body: &str) -> Result<Answer, Transport> {
    let (resp, signal) =
        fetch_with_timeout(url, init("POST", &headers, Some(&body.into()))).await?;
    read(resp, signal).await
}

/// Reads the whole answer; the timeout's signal also bounds the body.
async fn read(resp: web_sys::Response, signal: web_sys::AbortSignal) -> Result<Answer, Transport> {
    let buffer = resp.array_buffer().map_err(|e| failure(&signal, &e))?;
    let body = JsFuture::from(buffer)
        .await
        .map_err(|e| failure(&signal, &e))?;
    let headers = Headers(resp.headers());
    Ok(Answer {
        status: resp.status(),
        retry_after: headers.get("retry-after").ok().flatten(),
        content_type: headers.get("content-type").ok().flatten(),
        location: headers.get("location").ok().flatten(),
        body: js_sys::Uint8Array::new(&body).to_vec(),
    })
}

/// Sends the core's request over the `base` headers (the proxy's pass-through headers: core's
/// allowlist applied to the caller's request, no parsing into `http` types), copied: the
/// request's own headers are set on the copy, replacing any of the same name.
async fn call(
    req: Outbound,
    base: Option<&Headers>,
) -> Result<(web_sys::Response, web_sys::AbortSignal), Transport> {
    let headers = base.cloned().unwrap_or_default();
    for (name, value) in req.headers() {
        headers
            .set(name, value)
            .map_err(|e| Transport::Failed(e.to_string()))?;
    }
    let body = (!req.body_bytes().is_empty())
        .then(|| JsValue::from(js_sys::Uint8Array::from(req.body_bytes())));
    fetch_with_timeout(req.uri(), init(req.method(), &headers, body.as_ref())).await
}

async fn fetch_with_timeout(
    url: &str,
    init: web_sys::RequestInit,
) -> Result<(web_sys::Response, web_sys::AbortSignal), Transport> {
    let timeout_ms = u32::try_from(UPSTREAM_TIMEOUT.as_millis()).unwrap_or(u32::MAX);
    let signal = web_sys::AbortSignal::timeout_with_u32(timeout_ms);
    init.set_signal(Some(&signal));
    let promise = platform_fetch(url, &init).map_err(|e| failure(&signal, &e))?;
    let answer = JsFuture::from(promise)
        .await
        .map_err(|e| failure(&signal, &e))?;
    let resp = answer
        .dyn_into::<web_sys::Response>()
        .map_err(|e| failure(&signal, &e))?;
    Ok((resp, signal))
}

fn failure(signal: &web_sys::AbortSignal, e: &JsValue) -> Transport {
    if signal.aborted() {
        Transport::Timeout
    } else {
        Transport::Failed(crate::error::js_text(e))
    }
}
