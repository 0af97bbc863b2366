//! Response and request helpers of the HTTP edge: JSON answers, the query string, the request's
//! own origin, and random bytes from the runtime's CSPRNG.

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
