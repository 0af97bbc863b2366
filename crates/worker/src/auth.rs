//! Who is asking. Trusted server code presents an API key from a Worker secret as a bearer
//! key: `ADMIN_API_KEY` for operators' routes, `PROXY_API_KEY` for the proxy.

use crate::error::ApiError;
use gatehouse_core::secret::ApiKey;
use worker::{Env, Request};

/// Requires `Authorization: Bearer <secret>`, compared in constant time.
pub fn require_key(req: &Request, env: &Env, secret: &str) -> Result<(), ApiError> {
    let key = crate::config::secret(env, secret)
        .map(ApiKey::new)
        .ok_or_else(|| ApiError::Misconfigured(format!("secret {secret} is not set")))?;
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

/// Requires the operators' key (`ADMIN_API_KEY`).
pub fn require_admin(req: &Request, env: &Env) -> Result<(), ApiError> {
    require_key(req, env, "ADMIN_API_KEY")
}
