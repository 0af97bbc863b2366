//! Configuration read from Worker vars (`wrangler.toml`) and secrets (`.dev.vars` locally,
//! `wrangler secret put` in production). A missing piece is named in the error.

use gatehouse_core::origins::OriginPolicy;
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

/// The browser origins allowed to call (`ALLOWED_ORIGINS`, comma-separated; loopback origins
/// too in `development` mode).
pub fn origins(env: &Env) -> OriginPolicy {
    OriginPolicy::new(var(env, "ALLOWED_ORIGINS").as_deref(), &mode(env))
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
