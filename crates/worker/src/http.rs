//! Response helpers and the browser boundary (CORS with an exact origin allowlist).

use serde::Serialize;
use worker::{Headers, Request, Response};

/// A JSON response with the given status; `Cache-Control: no-store` on everything the API answers.
pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    json_text(
        status,
        serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec()),
    )
}

/// A response whose JSON is already written (answers assembled from Durable Objects' answers).
pub fn json_text(status: u16, text: Vec<u8>) -> Response {
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
/// A response passed on from a Durable Object has immutable headers: it is re-wrapped first.
pub fn with_cors(mut resp: Response, origin: Option<&str>, allowed: &[String]) -> Response {
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
    if let Some(o) = origin.filter(|o| allowed.iter().any(|a| a == o)) {
        let _ = headers.set("access-control-allow-origin", o);
        let _ = headers.set("access-control-allow-credentials", "true");
        let _ = headers.set(
            "access-control-expose-headers",
            "etag, retry-after, x-poll-interval",
        );
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
        "authorization, content-type, if-none-match",
    );
    let _ = headers.set("access-control-max-age", "600");
    let resp = Response::builder()
        .with_status(204)
        .with_headers(headers)
        .empty();
    with_cors(resp, origin, allowed)
}

/// Fills `buf` from the runtime's CSPRNG (`crypto.getRandomValues`).
pub fn random_bytes(buf: &mut [u8]) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let crypto =
        js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).map_err(|_| "no crypto")?;
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("no crypto.getRandomValues")?;
    let len = u32::try_from(buf.len()).map_err(|_| "too many random bytes")?;
    let arr = js_sys::Uint8Array::new_with_length(len);
    get.call1(&crypto, &arr)
        .map_err(|_| "crypto.getRandomValues failed")?;
    arr.copy_to(buf);
    Ok(())
}

/// Sends a JSON message to the Durable Object `name` of `binding` (the worker's internal
/// protocol with its objects; never reachable from outside).
pub async fn ask_object(
    env: &worker::Env,
    binding: &str,
    name: &str,
    message: &str,
) -> Result<Response, crate::error::ApiError> {
    let stub = env.durable_object(binding)?.get_by_name(name)?;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let id = crate::log::current_request_id();
    if !id.is_empty() {
        headers.set(crate::log::REQUEST_ID_HEADER, &id)?;
    }
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_headers(headers)
        .with_body(Some(message.into()));
    let req = Request::new_with_init("https://object.internal/", &init)?;
    Ok(stub.fetch_with_request(req).await?)
}

/// The request's id for logs and the `X-Request-Id` answer header: the id part of Cloudflare's
/// `cf-ray` (16 hex digits, without the `-<colo>` suffix) when present, else 16 random hex digits.
pub fn request_id(req: &Request) -> String {
    let ray = req.headers().get("cf-ray").ok().flatten();
    if let Some(id) = ray
        .as_deref()
        .and_then(|r| r.split('-').next())
        .filter(|r| (8..=16).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return id.to_owned();
    }
    let mut b = [0u8; 8];
    let _ = random_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}
