//! Response helpers and the browser boundary (CORS with an exact origin allowlist).

use serde::Serialize;
use worker::{Headers, Request, Response};

/// A JSON response with the given status; `Cache-Control: no-store` on everything the API answers.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    let text = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json; charset=utf-8");
    let _ = headers.set("cache-control", "no-store");
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(text)
}

/// The request's query string (without `?`), read from the runtime's serialized URL without
/// parsing it again (the WHATWG serialization percent-encodes `?` and `#` inside the path).
pub fn query(req: &Request) -> Option<String> {
    let url = req.inner().url();
    let q = url.split_once('?')?.1;
    let q = q.split_once('#').map_or(q, |(q, _)| q);
    Some(q.to_owned())
}

/// The request's own origin (`scheme://host[:port]`), from the serialized URL.
pub fn own_origin(req: &Request) -> Option<String> {
    let url = req.inner().url();
    let start = url.find("://")? + 3;
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    Some(url[..end].to_owned())
}

/// Whether the query has `name=value` (exactly, after form decoding).
pub fn query_has(req: &Request, name: &str, value: &str) -> bool {
    query(req)
        .is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == name && v == value))
}

/// The request's `Origin` header, if any.
pub fn origin(req: &Request) -> Option<String> {
    req.headers().get("origin").ok().flatten()
}

/// Adds CORS headers when `origin` is exactly one of `allowed` (never reflects blindly).
pub fn with_cors(mut resp: Response, origin: Option<&str>, allowed: &[String]) -> Response {
    let headers = resp.headers_mut();
    let _ = headers.append("vary", "Origin");
    if let Some(o) = origin.filter(|o| allowed.iter().any(|a| a == o)) {
        let _ = headers.set("access-control-allow-origin", o);
        let _ = headers.set("access-control-allow-credentials", "true");
    }
    resp
}

/// Answers a CORS preflight: 204 with the allowed methods and headers for an allowed origin.
pub fn preflight(origin: Option<&str>, allowed: &[String]) -> Response {
    let allowed_origin = origin.is_some_and(|o| allowed.iter().any(|a| a == o));
    if !allowed_origin {
        return crate::error::ApiError::OriginNotAllowed.into_response();
    }
    let headers = Headers::new();
    let _ = headers.set("access-control-allow-methods", "GET, POST, DELETE, OPTIONS");
    let _ = headers.set(
        "access-control-allow-headers",
        "authorization, content-type",
    );
    let _ = headers.set("access-control-max-age", "600");
    let resp = Response::builder()
        .with_status(204)
        .with_headers(headers)
        .empty();
    with_cors(resp, origin, allowed)
}
