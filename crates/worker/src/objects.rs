//! The one protocol between the worker and its Durable Objects: a typed message in, a typed
//! answer or a typed [`ApiError`] out, serde on both ends. [`ask`] (and [`ask_raw`] for answers
//! passed on as the partner sent them) on the worker's side, [`serve`] in each object's `fetch`.
//! The asking request's id travels in a header, so lines an object writes carry it. Never
//! reachable from outside: objects are addressed only through their bindings.

use crate::error::ApiError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use worker::{Env, Headers, Request, Response};

/// Sends `message` to the Durable Object `name` of `binding` and decodes its answer. (Only the
/// encoding and decoding are per message type; the transport is one non-generic future.)
pub async fn ask<M: Serialize, A: DeserializeOwned>(
    env: &Env,
    binding: &str,
    name: &str,
    message: &M,
) -> Result<A, ApiError> {
    let bytes = send(env, binding, name, encode(message)?).await?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Internal(format!("{binding} answer: {e}")))
}

/// The same, with the answer's JSON undecoded (a partner's listing passed on as it came).
pub fn ask_raw<'a, M: Serialize>(
    env: &'a Env,
    binding: &'a str,
    name: &'a str,
    message: &M,
) -> impl Future<Output = Result<Vec<u8>, ApiError>> + 'a {
    let body = encode(message);
    async move { send(env, binding, name, body?).await }
}

fn encode<M: Serialize>(message: &M) -> Result<String, ApiError> {
    serde_json::to_string(message).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Sends a message's JSON to the object (one copy of the transport for every message type).
async fn send(env: &Env, binding: &str, name: &str, body: String) -> Result<Vec<u8>, ApiError> {
    let stub = env.durable_object(binding)?.get_by_name(name)?;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let id = crate::log::current_request_id();
    if !id.is_empty() {
        headers.set(crate::log::REQUEST_ID_HEADER, &id)?;
    }
    let req = crate::upstream::request(
        "https://object.internal/",
        "POST",
        &headers,
        Some(&body.into()),
    )?;
    let mut resp = stub.fetch_with_request(req).await?;
    let bytes = resp.bytes().await?;
    if resp.status_code() == 200 {
        return Ok(bytes);
    }
    Err(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        ApiError::Internal(format!("{binding} answered {}", resp.status_code()))
    }))
}

/// An object's answer: `v` as JSON.
pub fn answer<T: Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Runs `handle` on the message in `req` inside the asking request's log scope, and answers its
/// JSON (200) or its error, typed (the error's status, for the runtime's own logs).
pub async fn serve<M, F, Fut>(mut req: Request, handle: F) -> worker::Result<Response>
where
    M: DeserializeOwned,
    F: FnOnce(M) -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    let id = crate::log::incoming_request_id(&req);
    let result = crate::log::scoped(&id, async {
        let message: M = req
            .json()
            .await
            .map_err(|e| ApiError::Internal(format!("object message: {e}")))?;
        handle(message).await
    })
    .await;
    let (status, body) = match result {
        Ok(body) => (200, body),
        Err(e) => (
            e.status(),
            serde_json::to_vec(&e).unwrap_or_else(|_| b"\"Internal\"".to_vec()),
        ),
    };
    Ok(crate::http::json_text(status, body))
}
