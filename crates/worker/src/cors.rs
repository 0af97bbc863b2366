//! The browser boundary: CORS for the origins core's [`OriginPolicy`] allows (never reflected
//! blindly).

use crate::error::ApiError;
use gatehouse_core::origins::OriginPolicy;
use worker::{Headers, Request, Response};

/// The request's `Origin` header, if any.
pub fn origin(req: &Request) -> Option<String> {
    req.headers().get("origin").ok().flatten()
}

/// Adds CORS headers when `allowed` allows `origin` (never reflects blindly).
/// A response passed on from a Durable Object has immutable headers: it is re-wrapped first.
pub fn with_cors(mut resp: Response, origin: Option<&str>, allowed: &OriginPolicy) -> Response {
    if resp.headers_mut().append("vary", "Origin").is_err() {
        let headers = Headers::new();
        for (k, v) in resp.headers().entries() {
            let _ = headers.append(&k, &v);
        }
        let _ = headers.append("vary", "Origin");
        resp = Response::builder()
            .with_status(resp.status_code())
            .with_headers(headers)
            .body(resp.body().clone());
    }
    let headers = resp.headers_mut();
    if let Some(o) = origin.filter(|o| allowed.allows(o)) {
        let _ = headers.set("access-control-allow-origin", o);
        let _ = headers.set("access-control-allow-credentials", "true");
        let _ = headers.set(
            "access-control-expose-headers",
            "etag, retry-after, x-poll-interval, x-request-id",
        );
    }
    resp
}

/// Answers a CORS preflight: 204 with the allowed methods and headers for an allowed origin.
pub fn preflight(origin: Option<&str>, allowed: &OriginPolicy) -> Response {
    let allowed_origin = origin.is_some_and(|o| allowed.allows(o));
    if !allowed_origin {
        return ApiError::OriginNotAllowed.into_response();
    }
    let headers = Headers::new();
    let _ = headers.set(
        "access-control-allow-methods",
        "GET, POST, PUT, DELETE, OPTIONS",
    );
    let _ = headers.set(
        "access-control-allow-headers",
        "authorization, content-type, if-none-match",
    );
    let _ = headers.set("access-control-max-age", "600");
    let resp = Response::builder()
        .with_status(204)
        .with_headers(headers)
        .empty();
    with_cors(resp, origin, allowed)
}
