//! Configuration read from Worker vars (`wrangler.toml`) and secrets (`.dev.vars` locally,
//! `wrangler secret put` in production). A missing piece is named in the error.

use worker::Env;

/// Reads a plain var; `None` when unset or empty.
pub fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
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

/// Reads a secret; `None` when unset or empty. The value is remembered for log redaction.
pub fn secret(env: &Env, name: &str) -> Option<String> {
    let value = env
        .secret(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.is_empty())?;
    crate::log::remember_secret(&value);
    Some(value)
}
