//! Request bodies, bounded before they are read (docs/security.md item 28): a `Content-Length`
//! over the route's limit is refused at once with `413`, and a body without one is read chunk by
//! chunk and cut at the limit, so no request grows the isolate by more than the limit. One
//! helper for every body-taking route; the unauthenticated ones (`/api/sso`) call it before any
//! other work.

use crate::error::{ApiError, ErrorCode};
use futures_util::StreamExt;
use worker::Request;

/// Reads `req`'s body, at most `limit` bytes (an absent body reads as empty).
pub async fn read_capped(req: &mut Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    if let Some(length) = req.headers().get("content-length").ok().flatten() {
        let length: u64 = length
            .trim()
            .parse()
            .map_err(|_| ApiError::InvalidRequest("Content-Length is not a number".into()))?;
        if length > limit as u64 {
            return Err(ApiError::PayloadTooLarge);
        }
    }
    let mut out = Vec::new();
    let Ok(mut chunks) = req.stream() else {
        return Ok(out); // no body at all
    };
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| ApiError::InvalidRequest(format!("body: {e}")))?;
        if out.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The same for a JSON body: the `Content-Type` must be `application/json` (checked first, so a
/// wrong type is refused without reading anything).
pub async fn read_json_capped(req: &mut Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    let content_type = req
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiError::Refused(ErrorCode::UnsupportedMediaType));
    }
    read_capped(req, limit).await
}
