//! Bearer access tokens on Stream's API endpoints: known, unexpired, and carrying a scope the
//! endpoint accepts.

use super::data::StreamState;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::http::bearer;
use axum::http::HeaderMap;
use gatehouse_core::contract::stream::Scope;

/// Checks the Bearer access token and that it carries one of `any_of`.
pub(crate) fn authorize(
    state: &StreamState,
    headers: &HeaderMap,
    any_of: &[Scope],
) -> Result<(), ApiError> {
    let Some(token) = bearer(headers) else {
        return Err(ApiError::invalid_token("missing Bearer access token"));
    };
    let grant = state.with(|s| {
        let now = now_ms();
        match s.access.get(token) {
            Some(g) if g.expires_at_ms > now => Ok(g.clone()),
            Some(_) => {
                s.access.remove(token);
                Err(ApiError::invalid_token("access token expired"))
            }
            None => Err(ApiError::invalid_token("unknown access token")),
        }
    })?;
    if !any_of.is_empty() && !any_of.iter().any(|needed| grant.scopes.contains(needed)) {
        let names: Vec<&str> = any_of.iter().map(Scope::as_str).collect();
        return Err(ApiError::insufficient_scope(&names.join(" ")));
    }
    Ok(())
}

/// The scopes onboarding, location and organization endpoints accept.
pub(crate) const ONBOARDING_SCOPES: &[Scope] = &[Scope::Onboarding, Scope::LegacyOnboarding];
