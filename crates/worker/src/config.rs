//! Configuration read from Worker vars (`wrangler.toml`) and secrets (`.dev.vars` locally,
//! `wrangler secret put` in production). A missing piece is named in the error.

use crate::error::ApiError;
use gatehouse_core::secret::{ApiKey, ClientSecret};
use worker::Env;

/// Reads a plain var; `None` when unset or empty.
pub fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.is_empty())
}

/// Reads a secret; `None` when unset or empty.
fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The deployment mode (`development`, `staging`, `production`).
pub fn mode(env: &Env) -> String {
    var(env, "GATEHOUSE_MODE").unwrap_or_else(|| "production".into())
}

/// Exact browser origins allowed by CORS (`ALLOWED_ORIGINS`, comma-separated).
pub fn allowed_origins(env: &Env) -> Vec<String> {
    var(env, "ALLOWED_ORIGINS")
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The key trusted server code (and operators) present (`ADMIN_API_KEY` secret).
pub fn admin_api_key(env: &Env) -> Result<ApiKey, ApiError> {
    secret(env, "ADMIN_API_KEY")
        .map(ApiKey::new)
        .ok_or_else(|| ApiError::Misconfigured("secret ADMIN_API_KEY is not set".into()))
}

/// The Stream client-credentials profile.
pub struct StreamCredential {
    /// Base URL of the Stream Partner API (`STREAM_API_BASE`).
    pub api_base: String,
    /// OAuth client id (`STREAM_CLIENT_ID`).
    pub client_id: String,
    /// OAuth client secret (`STREAM_CLIENT_SECRET` secret).
    pub client_secret: ClientSecret,
}

impl StreamCredential {
    /// Reads the profile, naming the first missing piece.
    pub fn from_env(env: &Env) -> Result<Self, ApiError> {
        let missing = |what: &str| ApiError::Misconfigured(format!("{what} is not set"));
        Ok(Self {
            api_base: var(env, "STREAM_API_BASE").ok_or_else(|| missing("var STREAM_API_BASE"))?,
            client_id: var(env, "STREAM_CLIENT_ID")
                .ok_or_else(|| missing("var STREAM_CLIENT_ID"))?,
            client_secret: secret(env, "STREAM_CLIENT_SECRET")
                .map(ClientSecret::new)
                .ok_or_else(|| missing("secret STREAM_CLIENT_SECRET"))?,
        })
    }
}
