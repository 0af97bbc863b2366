//! Who is asking. Trusted server code and operators present `ADMIN_API_KEY` as a bearer key.

use crate::error::ApiError;
use worker::{Env, Request};

/// Requires `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time.
pub fn require_admin(req: &Request, env: &Env) -> Result<(), ApiError> {
    let key = crate::config::admin_api_key(env)?;
    let header = req
        .headers()
        .get("authorization")
        .ok()
        .flatten()
        .unwrap_or_default();
    match header.strip_prefix("Bearer ") {
        Some(presented) if key.matches(presented.trim()) => Ok(()),
        _ => Err(ApiError::Unauthorized),
    }
}
